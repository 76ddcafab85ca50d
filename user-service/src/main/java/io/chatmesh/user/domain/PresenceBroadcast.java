package io.chatmesh.user.domain;

import io.chatmesh.platform.logging.LogThrottle;
import io.chatmesh.user.domain.PresenceTracker.Presence;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces every presence change the tracker sees to the other services (chat-service puts it
 * on the chat streams), with its audience: the user's friends and the users across a block. One
 * thread looks the audience up and publishes, off the bus thread that fed the tracker; changes
 * of a user that come faster than that are coalesced to the newest, so a flapping device costs
 * one announcement per round, not one per flap.
 */
public final class PresenceBroadcast implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PresenceBroadcast.class);
    /** While the bus is down, every presence change fails to announce. */
    private static final LogThrottle UNANNOUNCED_LOG = new LogThrottle(Duration.ofSeconds(10));

    private final PresenceTracker tracker;
    private final Privacy privacy;
    private final PresenceEvents events;
    /** Newest change per user not announced yet, oldest first. Guarded by itself. */
    private final Map<String, Presence> pending = new LinkedHashMap<>();
    private final ExecutorService announcer =
            Executors.newSingleThreadExecutor(Thread.ofPlatform().name("presence-broadcast").daemon().factory());
    private Runnable stopListening = () -> { };

    public PresenceBroadcast(PresenceTracker tracker, Privacy privacy, PresenceEvents events) {
        this.tracker = tracker;
        this.privacy = privacy;
        this.events = events;
    }

    public void start() {
        stopListening = tracker.listen(this::changed);
    }

    private void changed(Presence presence) {
        boolean idle;
        synchronized (pending) {
            idle = pending.isEmpty();
            pending.put(presence.userId(), presence);
        }
        if (idle) {
            announcer.execute(this::announcePending);
        }
    }

    private void announcePending() {
        while (true) {
            Presence next;
            synchronized (pending) {
                Iterator<Presence> oldest = pending.values().iterator();
                if (!oldest.hasNext()) {
                    return;
                }
                next = oldest.next();
                oldest.remove();
            }
            try {
                events.changed(next, privacy.presenceAudience(next.userId()));
            } catch (RuntimeException e) {
                // best effort, as presence is: the user's next change (or heartbeat-driven one) is announced again
                UNANNOUNCED_LOG.warn(log, "presence change of a user not announced: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        stopListening.run();
        announcer.shutdownNow();
    }
}

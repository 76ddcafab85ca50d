package io.chatmesh.chat.bus;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatmesh.chat.domain.PresenceReach;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.user.internal.v1.PresenceChanged;
import io.chatmesh.proto.user.v1.Presence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts user-service's presence changes (bus topic chatmesh.presence-changes, a live
 * subscription: every instance gets every change) on the chat streams of this instance as
 * {@code presence_changed}: to the user's own sessions, their friends' and their co-members'
 * in rooms that share presence ({@link PresenceReach}), never to anyone across a block.
 *
 * <p>Cost: changes wait {@code coalesce} before they go out, and a user's changes within that
 * window go out as the newest one; a change equal to the last one sent (every user-service
 * instance announces each change) is dropped; each change is encoded once for all its streams;
 * the audience is looked up only while this instance has streams; each stream's bounded queue
 * applies as to every event.
 */
public final class PresenceFanout implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PresenceFanout.class);

    private final EventBus bus;
    private final RoomEventFanout sessions;
    private final PresenceReach reach;
    private final Duration coalesce;
    /** Newest change per user waiting to go out. Guarded by itself. */
    private final Map<String, PresenceChanged> pending = new LinkedHashMap<>();
    /** The last presence sent per user, so repeats are dropped. */
    private final Map<String, Presence> sent = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sender =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("presence-fanout").daemon().factory());
    private volatile EventBus.Subscription subscription;

    public PresenceFanout(EventBus bus, RoomEventFanout sessions, PresenceReach reach, Duration coalesce) {
        this.bus = bus;
        this.sessions = sessions;
        this.reach = reach;
        this.coalesce = coalesce;
    }

    public void start() {
        subscription = bus.subscribeLive(Topics.PRESENCE_CHANGES, this::handle);
    }

    private void handle(String key, byte[] payload) {
        PresenceChanged changed;
        try {
            changed = PresenceChanged.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            log.warn("dropping an unparseable presence change");
            return;
        }
        boolean idle;
        synchronized (pending) {
            idle = pending.isEmpty();
            pending.put(changed.getPresence().getUserId(), changed);
        }
        if (idle) {
            sender.schedule(this::sendPending, coalesce.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void sendPending() {
        List<PresenceChanged> due;
        synchronized (pending) {
            due = new ArrayList<>(pending.values());
            pending.clear();
        }
        for (PresenceChanged changed : due) {
            try {
                send(changed);
            } catch (RuntimeException e) {
                // best effort, as presence is: the user's next change goes out again
                log.warn("presence change not sent to the streams: {}", e.toString());
            }
        }
    }

    private void send(PresenceChanged changed) {
        Presence presence = changed.getPresence();
        String userId = presence.getUserId();
        if (presence.equals(sent.put(userId, presence)) || sessions.sessionCount() == 0) {
            return;
        }
        Set<LiveSession> audience = new HashSet<>(sessions.sessionsOf(userId));
        changed.getFriendIdsList().forEach(friendId -> audience.addAll(sessions.sessionsOf(friendId)));
        reach.roomIdsOf(userId).forEach(roomId -> audience.addAll(sessions.sessionsIn(roomId)));
        Set<String> blocked = Set.copyOf(changed.getBlockedUserIdsList());
        audience.removeIf(session -> blocked.contains(session.userId()));
        if (audience.isEmpty()) {
            return;
        }
        RoomDelivery delivery = RoomDelivery.aboutUser(
                ServerFrame.of(ServerEvent.newBuilder().setPresenceChanged(presence).build()));
        for (LiveSession session : audience) {
            try {
                session.deliver(delivery);
            } catch (RuntimeException e) {
                log.warn("failed to deliver a presence change to a session of {}", session.userId(), e);
            }
        }
    }

    @Override
    public void close() {
        EventBus.Subscription current = subscription;
        if (current != null) {
            current.close();
        }
        sender.shutdownNow();
    }
}

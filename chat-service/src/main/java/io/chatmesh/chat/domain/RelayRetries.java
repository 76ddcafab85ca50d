package io.chatmesh.chat.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the send path publishes besides its batches: the rooms whose publish failed, again
 * once the retry interval has passed, and every room with unpublished messages (left by a crash
 * of any instance), found by a sweep at start and then periodically. Not thread-safe: only the
 * publisher's thread ({@link BatchPublisher}) uses it.
 */
final class RelayRetries {

    private static final Logger log = LoggerFactory.getLogger(RelayRetries.class);
    /** Rooms per relay when retrying and sweeping. */
    private static final int ROOMS_PER_RETRY = 100;

    private final MessageLog messageLog;
    private final RoomRelay relay;
    private final Duration retryInterval;
    private final Duration sweepInterval;
    private final Set<String> roomsToRetry = new HashSet<>();
    /** When failed rooms are retried next, and when all rooms are next swept (System.nanoTime). */
    private long retryAt;
    private long sweepAt;

    /** The first sweep is due at once. */
    RelayRetries(MessageLog messageLog, RoomRelay relay, Duration retryInterval, Duration sweepInterval) {
        this.messageLog = messageLog;
        this.relay = relay;
        this.retryInterval = retryInterval;
        this.sweepInterval = sweepInterval;
        this.sweepAt = System.nanoTime();
    }

    /** A room to publish again with the next retry. */
    void add(String roomId) {
        roomsToRetry.add(roomId);
    }

    /** Rooms whose publish just failed: retried once the interval has passed. */
    void failed(Collection<String> roomIds) {
        roomsToRetry.addAll(roomIds);
        retryAt = System.nanoTime() + retryInterval.toNanos();
    }

    /**
     * Publishes everything waiting in failed rooms once their retry is due, and first finds every
     * room with unpublished messages when the sweep is due.
     */
    void runDue() {
        long now = System.nanoTime();
        if (now - sweepAt >= 0) {
            sweepAt = now + sweepInterval.toNanos();
            try {
                roomsToRetry.addAll(messageLog.roomsWithUnpublishedMessages());
                retryAt = now;
            } catch (RuntimeException e) {
                log.warn("could not look for rooms with unpublished messages: {}", e.toString());
            }
        }
        if (roomsToRetry.isEmpty() || now - retryAt < 0) {
            return;
        }
        List<String> rooms = new ArrayList<>(roomsToRetry);
        for (int from = 0; from < rooms.size(); from += ROOMS_PER_RETRY) {
            Map<String, RoomRelay.Target> targets = new LinkedHashMap<>();
            rooms.subList(from, Math.min(rooms.size(), from + ROOMS_PER_RETRY))
                    .forEach(roomId -> targets.put(roomId, RoomRelay.Target.everything()));
            try {
                RoomRelay.Result result = relay.publish(targets);
                // A room with a longer backlog than one relay reads stays, for the next round.
                targets.keySet().stream().filter(roomId -> !result.moreWaiting().contains(roomId))
                        .forEach(roomsToRetry::remove);
            } catch (RuntimeException e) {
                log.warn("publishing the waiting messages of {} rooms failed; retrying in {}", roomsToRetry.size(),
                        retryInterval);
                retryAt = now + retryInterval.toNanos();
                return;
            }
        }
    }

    /** How long the pipeline may wait for the next post before a retry or the sweep is due. */
    long nanosUntilDue() {
        long now = System.nanoTime();
        long wait = sweepAt - now;
        if (!roomsToRetry.isEmpty()) {
            wait = Math.min(wait, retryAt - now);
        }
        return Math.max(0, wait);
    }
}

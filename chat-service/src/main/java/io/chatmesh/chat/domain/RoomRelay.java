package io.chatmesh.chat.domain;

import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.logging.LogThrottle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes logged messages and their changes on the bus: per room, in seq order, starting right after the
 * room's last published seq, while holding the room's lock (so one relay at a time, on any
 * instance, publishes a room). Each event names the seq published before it (prev_seq), so a
 * consumer can tell a gap from a seq that was never used. What a relay publishes is committed
 * already, so a relay that fails or dies leaves nothing behind but work for the next one, and
 * a message published twice is the identical event.
 */
final class RoomRelay {

    private static final Logger log = LoggerFactory.getLogger(RoomRelay.class);
    /**
     * While the bus or a durable subscriber's store is down, every batch of sends fails its
     * publish, as often as clients send: one line per interval says so.
     */
    private static final LogThrottle FAILED_PUBLISH_LOG = new LogThrottle(Duration.ofSeconds(10));

    /** Publish everything logged. */
    static final long EVERYTHING = Long.MAX_VALUE;
    /** Most messages of one room read back from the log per relay; a longer backlog takes several. */
    static final int MAX_READ_BACK = 1000;

    private final MessageLog messageLog;
    private final RoomEventPublisher events;
    private final Duration publishTimeout;

    RoomRelay(MessageLog messageLog, RoomEventPublisher events, Duration publishTimeout) {
        this.messageLog = messageLog;
        this.events = events;
        this.publishTimeout = publishTimeout;
    }

    /**
     * What to publish of one room.
     *
     * @param upToSeq publish at least through this seq
     * @param inHand entries of the room just logged (ascending): when their seqs are consecutive
     *        and start right after the published seq they need not be read back from the log
     */
    record Target(long upToSeq, List<? extends LogEntry> inHand) {

        static Target everything() {
            return new Target(EVERYTHING, List.of());
        }

        boolean inHandFollows(long publishedSeq) {
            if (inHand.isEmpty() || inHand.getLast().seq() < upToSeq) {
                return false;
            }
            long expected = publishedSeq + 1;
            for (LogEntry entry : inHand) {
                if (entry.seq() != expected++) {
                    return false; // another instance logged in between
                }
            }
            return true;
        }
    }

    /**
     * What a relay did.
     *
     * @param publishedSeqs each room's published seq afterwards (rooms that do not exist are left out)
     * @param moreWaiting rooms that had more waiting than one relay reads back from the log
     */
    record Result(Map<String, Long> publishedSeqs, Set<String> moreWaiting) {}

    /**
     * Publishes what the targets ask for, all rooms' events in one publish.
     *
     * @throws io.chatmesh.platform.error.ChatmeshException UNAVAILABLE when the bus did not take
     *         the events in time (nothing is marked published)
     */
    Result publish(Map<String, Target> targets) {
        return messageLog.relay(targets.keySet(), transaction -> {
            Map<String, Long> published = transaction.publishedSeqs();
            List<RoomEventPayload> toPublish = new ArrayList<>();
            Map<String, Long> advanced = new HashMap<>();
            Set<String> moreWaiting = new HashSet<>();
            for (Map.Entry<String, Long> room : published.entrySet()) {
                Target target = targets.get(room.getKey());
                long publishedSeq = room.getValue();
                if (publishedSeq >= target.upToSeq()) {
                    continue;
                }
                List<? extends LogEntry> entries = target.inHandFollows(publishedSeq) ? target.inHand()
                        : transaction.logged(room.getKey(), publishedSeq, target.upToSeq(), MAX_READ_BACK);
                if (entries.size() == MAX_READ_BACK) {
                    moreWaiting.add(room.getKey());
                }
                long prevSeq = publishedSeq;
                for (LogEntry entry : entries) {
                    toPublish.add(switch (entry) {
                        case Message message -> events.messageCreated(message, prevSeq);
                        case MessageChange change -> events.changed(change, prevSeq);
                        default -> throw new IllegalStateException("unknown log entry " + entry);
                    });
                    prevSeq = entry.seq();
                }
                if (prevSeq > publishedSeq) {
                    advanced.put(room.getKey(), prevSeq);
                }
            }
            if (!toPublish.isEmpty()) {
                await(toPublish);
                transaction.markPublished(advanced);
            }
            Map<String, Long> through = new HashMap<>(published);
            through.putAll(advanced);
            return new Result(through, moreWaiting);
        });
    }

    private void await(List<RoomEventPayload> toPublish) {
        try {
            events.publishAll(toPublish).get(publishTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ChatmeshException.unavailable("interrupted while publishing messages");
        } catch (ExecutionException | TimeoutException e) {
            FAILED_PUBLISH_LOG.warn(log, "event bus did not accept {} messages", toPublish.size(), e);
            throw ChatmeshException.unavailable("messages could not be delivered yet; retry with the same client_id");
        }
    }
}

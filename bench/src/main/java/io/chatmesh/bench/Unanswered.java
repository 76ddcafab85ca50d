package io.chatmesh.bench;

import io.chatmesh.proto.chat.v1.ClientEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongConsumer;

/**
 * A sender's sends and changes in hand until answered, by number, and how they go out again
 * when its stream is reopened: every unanswered send with its client_id (the server answers a
 * repeated one with the message it posted, and posts nothing new), in order, at most
 * {@value #RESEND_WINDOW} unanswered at a time, each answer letting the next go, so the backlog
 * of an outage does not make the stream a slow reader at once; and every change that never
 * went out. A change that went out on the lost call is given up as of unknown outcome:
 * changes have no idempotency key, so sending it again could make it twice.
 *
 * <p>Answers come on transport threads, sends from the sender's thread; what goes out on the
 * stream, and the backlog's place, are under the stream's lock.
 */
final class Unanswered {

    private static final int RESEND_WINDOW = 64;

    private final StreamClient stream;
    private final Stats stats;
    private final ConcurrentSkipListMap<Long, ClientEvent> sends = new ConcurrentSkipListMap<>();
    private final Map<Long, Change> changes = new ConcurrentHashMap<>();
    /** The last send of the backlog to send again (-1: none), and the last sent again. */
    private long backlogEnd = -1;
    private long resentUpTo;

    /** A change in hand, and whether it went out on a call. */
    private static final class Change {
        final ClientEvent event;
        boolean sentOnCall;

        Change(ClientEvent event) {
            this.event = event;
        }
    }

    /** @param stream where sends go and come back, or null for a sender of unary calls */
    Unanswered(StreamClient stream, Stats stats) {
        this.stream = stream;
        this.stats = stats;
    }

    /** Takes send {@code n} in hand and sends it on the stream (while the call is being reopened, it goes out on Ready). */
    void send(long n, ClientEvent event) {
        sends.put(n, event);
        if (stream != null) {
            stream.send(event);
        }
    }

    /** Takes change {@code n} in hand and sends it on the stream. */
    void change(long n, ClientEvent event) {
        Change change = new Change(event);
        changes.put(n, change);
        if (stream != null) {
            synchronized (stream) {
                change.sentOnCall = stream.send(event);
            }
        }
    }

    /** Takes send {@code n} out of hand, letting the next of a backlog go; false (counted) if it was answered before. */
    boolean sendAnswered(long n) {
        if (sends.remove(n) == null) {
            stats.count(Stats.Counter.REPEATED_ANSWER);
            return false;
        }
        if (stream != null) {
            synchronized (stream) {
                resendMore(1);
            }
        }
        return true;
    }

    /** Takes change {@code n} out of hand; false (counted) if it was answered before. */
    boolean changeAnswered(long n) {
        if (changes.remove(n) == null) {
            stats.count(Stats.Counter.REPEATED_ANSWER);
            return false;
        }
        return true;
    }

    /** Whether a change sent on the stream is in hand (a dropped call would leave its outcome unknown). */
    boolean changesUnanswered() {
        return stream != null && !changes.isEmpty();
    }

    /**
     * The stream was reopened (its Ready came): starts sending the backlog again, sends the
     * changes that never went out, and gives up the others, passing their numbers to {@code givenUp}.
     */
    void resend(LongConsumer givenUp) {
        if (stream == null) {
            return; // unary calls: each is answered on its own call
        }
        synchronized (stream) {
            backlogEnd = sends.isEmpty() ? -1 : sends.lastKey();
            resentUpTo = -1;
            resendMore(RESEND_WINDOW);
            changes.forEach((n, change) -> {
                if (!change.sentOnCall) {
                    change.sentOnCall = stream.send(change.event);
                } else if (changes.remove(n) != null) {
                    stats.count(Stats.Counter.CHANGES_UNKNOWN);
                    givenUp.accept(n);
                }
            });
        }
    }

    /** Sends up to {@code count} more of the backlog, in order; on the stream's lock. */
    private void resendMore(int count) {
        while (count > 0 && backlogEnd >= 0) {
            Map.Entry<Long, ClientEvent> next = sends.higherEntry(resentUpTo);
            if (next == null || next.getKey() > backlogEnd) {
                backlogEnd = -1;
                return;
            }
            resentUpTo = next.getKey();
            if (!stream.send(next.getValue())) {
                return; // the call ended again: the next Ready starts over
            }
            stats.count(Stats.Counter.RESENT);
            count--;
        }
    }
}

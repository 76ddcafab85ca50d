package io.chatmesh.bench;

import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The run's counters, latency histograms and errors, written by the gRPC threads (never
 * under a lock: striped adders, per-thread recorders) and read by the reporter.
 * Senders numbered below {@code openLoopSenders} are the paced ones; the rest are flooders.
 */
final class Stats {

    enum Counter {
        SENT, ACKED, DELIVERED,
        FLOOD_SENT, FLOOD_ACKED, FLOOD_REFUSED, FLOOD_DELIVERED,
        /** A send answered with an error (other than a flooder's refusal). */
        SEND_FAILED,
        /** Message changes sent, by kind (--change-share). */
        EDITS_SENT, DELETES_SENT, REACTIONS_ADDED, REACTIONS_REMOVED,
        CHANGES_ACKED, CHANGES_DELIVERED,
        /** A change answered with an error. */
        CHANGE_FAILED,
        /** A stream got a seq (of a message or a change) equal to the last one it got for the room. */
        DUPLICATE,
        /** A stream got a seq (of a message or a change) lower than the last one it got for the room. */
        OUT_OF_ORDER,
        /** A message or client_id this bench did not write. */
        UNRECOGNIZED,
        /** A message of a room the stream's user was not put in by this run. */
        OTHER_ROOM,
        /** Calls the bench cancelled to reopen them (--churn). */
        DROPPED,
        /** Streams that got Ready again on a new call, resuming from their cursor. */
        REOPENED,
        /** Unanswered sends sent again (same client_id) on a reopened stream. */
        RESENT,
        /** A second answer to one send or change: the answer to a send made again. */
        REPEATED_ANSWER,
        /** Changes that went out on a call that ended unanswered: made or not, the bench cannot tell. */
        CHANGES_UNKNOWN
    }

    /** The counters at one moment. */
    record Counts(long[] values) {
        long get(Counter counter) {
            return values[counter.ordinal()];
        }

        Counts minus(Counts earlier) {
            long[] delta = values.clone();
            Arrays.setAll(delta, i -> values[i] - earlier.values[i]);
            return new Counts(delta);
        }

        /** Sends not answered yet (by an Ack or an error). */
        long unanswered() {
            return get(Counter.SENT) + get(Counter.FLOOD_SENT) - get(Counter.ACKED) - get(Counter.FLOOD_ACKED)
                    - get(Counter.FLOOD_REFUSED) - get(Counter.SEND_FAILED);
        }

        long changesSent() {
            return get(Counter.EDITS_SENT) + get(Counter.DELETES_SENT) + get(Counter.REACTIONS_ADDED)
                    + get(Counter.REACTIONS_REMOVED);
        }

        /** Changes not answered yet. */
        long unansweredChanges() {
            return changesSent() - get(Counter.CHANGES_ACKED) - get(Counter.CHANGE_FAILED)
                    - get(Counter.CHANGES_UNKNOWN);
        }
    }

    final LatencyRecorder ackLatency = new LatencyRecorder();
    final LatencyRecorder deliveryLatency = new LatencyRecorder();
    final LatencyRecorder changeAckLatency = new LatencyRecorder();
    final LatencyRecorder changeDeliveryLatency = new LatencyRecorder();
    private final int openLoopSenders;
    private final LongAdder[] counters = new LongAdder[Counter.values().length];
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> floodRefusals = new ConcurrentHashMap<>();

    Stats(int openLoopSenders) {
        this.openLoopSenders = openLoopSenders;
        Arrays.setAll(counters, i -> new LongAdder());
    }

    boolean isFlooder(int sender) {
        return sender >= openLoopSenders;
    }

    void count(Counter counter) {
        counters[counter.ordinal()].increment();
    }

    void sent(int sender) {
        count(isFlooder(sender) ? Counter.FLOOD_SENT : Counter.SENT);
    }

    void acked(int sender, long latencyNanos) {
        if (isFlooder(sender)) {
            count(Counter.FLOOD_ACKED);
        } else {
            count(Counter.ACKED);
            ackLatency.record(latencyNanos);
        }
    }

    void delivered(int sender, long latencyNanos) {
        if (isFlooder(sender)) {
            count(Counter.FLOOD_DELIVERED);
        } else {
            count(Counter.DELIVERED);
            deliveryLatency.record(latencyNanos);
        }
    }

    void changeAcked(long latencyNanos) {
        count(Counter.CHANGES_ACKED);
        changeAckLatency.record(latencyNanos);
    }

    void changeDelivered(long latencyNanos) {
        count(Counter.CHANGES_DELIVERED);
        changeDeliveryLatency.record(latencyNanos);
    }

    /** A change answered with an error: always one (the bench only makes changes the server must accept). */
    void changeFailed(String where, int code, String reason) {
        count(Counter.CHANGE_FAILED);
        error("change " + where, code, reason);
    }

    /** A send answered with an error; a flooder's RESOURCE_EXHAUSTED is the expected refusal. */
    void sendFailed(int sender, String where, int code, String reason) {
        if (isFlooder(sender) && code == Status.Code.RESOURCE_EXHAUSTED.value()) {
            count(Counter.FLOOD_REFUSED);
            floodRefusals.computeIfAbsent(Status.fromCodeValue(code).getCode() + " " + reason,
                    k -> new LongAdder()).increment();
        } else {
            count(Counter.SEND_FAILED);
            error(where, code, reason);
        }
    }

    void error(String where, int code, String reason) {
        String key = where + " " + Status.fromCodeValue(code).getCode() + (reason.isEmpty() ? "" : " " + reason);
        errors.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** The google.rpc.ErrorInfo reason a chatmesh status carries, or "". */
    static String reason(Throwable failure) {
        com.google.rpc.Status status = StatusProto.fromThrowable(failure);
        if (status != null) {
            for (var detail : status.getDetailsList()) {
                if (detail.is(ErrorInfo.class)) {
                    try {
                        return detail.unpack(ErrorInfo.class).getReason();
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        return "";
                    }
                }
            }
        }
        return "";
    }

    Counts counts() {
        long[] values = new long[counters.length];
        Arrays.setAll(values, i -> counters[i].sum());
        return new Counts(values);
    }

    Map<String, Long> errors() {
        return snapshot(errors);
    }

    Map<String, Long> floodRefusals() {
        return snapshot(floodRefusals);
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counts) {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((key, count) -> copy.put(key, count.sum()));
        return copy;
    }
}

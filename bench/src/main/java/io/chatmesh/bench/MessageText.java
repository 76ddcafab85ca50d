package io.chatmesh.bench;

import com.google.protobuf.ByteString;

/**
 * What the bench writes into a message and its client_id, so that whoever receives it knows,
 * without any shared table, when it was due, who sent it and which of that sender's messages
 * it is. The text is {@code "<nanos> <sender> <n> xxxx..."} (nanos: the scheduled
 * System.nanoTime of the send, counted from the bench's start so it is never negative; the
 * bench is one process, so receivers subtract it from their own clock), the client_id
 * {@code "<nanos>.<sender>.<n>.<run id>"} (the run id keeps it unique across runs, as the
 * server keeps idempotency keys for good). A message change's client_id has a colon before the
 * run id instead, and its number counts the sender's changes; an edit's new text is stamped
 * like a message's text, with the change's number.
 */
final class MessageText {

    /** What follows a change's number in its client_id. */
    private static final char CHANGE = ':';

    private final String runId;
    private final int length;
    private final String padding;
    private final long origin = System.nanoTime();

    MessageText(String runId, int length) {
        this.runId = runId;
        this.length = length;
        this.padding = "x".repeat(length);
    }

    String text(long nanos, int sender, long n) {
        StringBuilder text = new StringBuilder(Math.max(length, 40))
                .append(nanos - origin).append(' ').append(sender).append(' ').append(n).append(' ');
        return text.append(padding, 0, Math.max(0, length - text.length())).toString();
    }

    String clientId(long nanos, int sender, long n) {
        return (nanos - origin) + "." + sender + "." + n + "." + runId;
    }

    /** The client_id of the sender's change number {@code n}. */
    String changeClientId(long nanos, int sender, long n) {
        return (nanos - origin) + "." + sender + "." + n + CHANGE + runId;
    }

    Stamp stamp() {
        return new Stamp(origin);
    }

    /**
     * The three numbers read back from a text or client_id, without allocating: one per stream,
     * reused for every event (a stream's events arrive one at a time).
     */
    static final class Stamp {
        /** When the message was due (System.nanoTime). */
        long nanos;
        int sender;
        long n;
        /** Whether the client_id read names a change (else a message); meaningless after reading a text. */
        boolean change;
        private final long origin;
        private long value;

        private Stamp(long origin) {
            this.origin = origin;
        }

        /** False when the bytes do not start with three numbers (not one of this bench's). */
        boolean read(ByteString bytes) {
            int at = number(bytes, 0);
            if (at < 0) {
                return false;
            }
            nanos = origin + value;
            at = number(bytes, at);
            if (at < 0 || value > Integer.MAX_VALUE) {
                return false;
            }
            sender = (int) value;
            at = number(bytes, at);
            n = value;
            if (at < 0) {
                return false;
            }
            change = bytes.byteAt(at - 1) == CHANGE;
            return true;
        }

        /** Reads digits from {@code from} into {@code value}; the index after the separator, or -1. */
        private int number(ByteString bytes, int from) {
            int size = bytes.size();
            long parsed = 0;
            int i = from;
            while (i < size && i - from < 19) {
                int digit = bytes.byteAt(i) - '0';
                if (digit < 0 || digit > 9) {
                    break;
                }
                parsed = parsed * 10 + digit;
                i++;
            }
            if (i == from || i >= size) {
                return -1;
            }
            value = parsed;
            return i + 1;
        }
    }
}

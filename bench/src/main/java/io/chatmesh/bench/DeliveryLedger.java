package io.chatmesh.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Per numbered event of the run (a message; the run keeps a second ledger for message
 * changes): how many streams received it and whether its sender got an Ack; one int each
 * (deliveries in the low bits, the ack as a flag), in chunks that each sender adds to as it
 * sends, so recording is one atomic add and needs no lock. At the end, every acked event
 * should have reached every connected member of its room.
 */
final class DeliveryLedger {

    private static final int CHUNK_BITS = 12;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private static final int ACKED = 1 << 30;
    private static final int DELIVERIES = ACKED - 1;

    /** What became of the run's messages (or changes). */
    record Tally(long sent, long acked, long expected, long missing, long surplus, long deliveriesOfUnacked) {}

    private final SenderLog[] senders;

    DeliveryLedger(int senders) {
        this.senders = new SenderLog[senders];
        Arrays.setAll(this.senders, i -> new SenderLog());
    }

    /** The number of the sender's next event; called by whoever sends for it, one at a time. */
    long next(int sender) {
        return senders[sender].next();
    }

    /** Counts a delivery; false for an event this ledger never numbered. */
    boolean delivered(int sender, long n) {
        return add(sender, n, 1);
    }

    void acked(int sender, long n) {
        add(sender, n, ACKED);
    }

    private boolean add(int sender, long n, int delta) {
        // n < count: numbered (the sender numbers an event before sending it)
        if (sender < 0 || sender >= senders.length || n < 0 || n >= senders[sender].count) {
            return false;
        }
        AtomicIntegerArray[] chunks = senders[sender].chunks;
        long chunk = n >>> CHUNK_BITS;
        if (chunk >= chunks.length) {
            return false;
        }
        chunks[(int) chunk].getAndAdd((int) (n & (CHUNK - 1)), delta);
        return true;
    }

    /** @param recipients per sender, how many streams should get each of its acked events */
    Tally tally(int[] recipients) {
        long sent = 0, acked = 0, expected = 0, missing = 0, surplus = 0, unacked = 0;
        for (int sender = 0; sender < senders.length; sender++) {
            SenderLog log = senders[sender];
            long count = log.count;
            AtomicIntegerArray[] chunks = log.chunks;
            sent += count;
            for (long n = 0; n < count; n++) {
                int state = chunks[(int) (n >>> CHUNK_BITS)].get((int) (n & (CHUNK - 1)));
                int deliveries = state & DELIVERIES;
                if ((state & ACKED) == 0) {
                    unacked += deliveries;
                    continue;
                }
                acked++;
                expected += recipients[sender];
                missing += Math.max(0, recipients[sender] - deliveries);
                surplus += Math.max(0, deliveries - recipients[sender]);
            }
        }
        return new Tally(sent, acked, expected, missing, surplus, unacked);
    }

    private static final class SenderLog {
        /** Replaced (grown) only by the sender, read by every receiver. */
        volatile AtomicIntegerArray[] chunks = new AtomicIntegerArray[0];
        volatile long count;

        long next() {
            long n = count;
            if ((n & (CHUNK - 1)) == 0) {
                AtomicIntegerArray[] grown = Arrays.copyOf(chunks, chunks.length + 1);
                grown[chunks.length] = new AtomicIntegerArray(CHUNK);
                chunks = grown;
            }
            count = n + 1;
            return n;
        }
    }
}

package io.chatmesh.bench;

import io.grpc.stub.ServerCallStreamObserver;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link GrpcFloor}'s writer: writes events at a fixed rate from one thread, as chat-service's fan-out
 * does, each event to the next room's members in turn; counts what it wrote and what the clients
 * received.
 */
final class FloorWriter {

    private final List<ServerCallStreamObserver<byte[]>> streams;
    private final int members;
    private final int bytes;
    private final int eventsPerMessage;
    private final long tickNanos;
    private final byte[] message;
    /** Events waiting per stream until eventsPerMessage of them make a message. */
    private final int[] buffered;
    private int nextRoomStart;
    /** What the clients received (all writers' together), and what they had when this writer began. */
    private final AtomicLong receivedBytes;
    private final long receivedBefore;
    /** Events written, and events not written because their stream was not ready (this writer's). */
    private long writtenEvents;
    private long skippedEvents;
    /** CPU of the writing threads that ended (one per run; a thread's own clock, read as it ends). */
    private long cpuNanos;

    FloorWriter(List<ServerCallStreamObserver<byte[]>> streams, int members, int bytes, int eventsPerMessage,
            int tickMillis, AtomicLong receivedBytes) {
        this.streams = streams;
        this.members = members;
        this.bytes = bytes;
        this.eventsPerMessage = eventsPerMessage;
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(tickMillis);
        this.receivedBytes = receivedBytes;
        this.receivedBefore = receivedBytes.get();
        this.message = new byte[bytes * eventsPerMessage];
        Arrays.fill(message, (byte) 'x');
        this.buffered = new int[streams.size()];
    }

    /** Writes at the rate for the time given, then waits (up to 10 s) until the clients got all of it. */
    void run(int deliveriesPerSecond, long millis) throws InterruptedException {
        Thread thread = Thread.ofPlatform().name(GrpcFloor.WRITER_THREAD)
                .start(() -> pace(deliveriesPerSecond, millis));
        thread.join();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (receivedEvents() < writtenEvents && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    int eventsPerMessage() {
        return eventsPerMessage;
    }

    long writtenEvents() {
        return writtenEvents;
    }

    long skippedEvents() {
        return skippedEvents;
    }

    long cpuNanos() {
        return cpuNanos;
    }

    long receivedEvents() {
        return (receivedBytes.get() - receivedBefore) / bytes;
    }

    /** Every tick, writes the deliveries due by then: whole events, each to a room of members. */
    private void pace(int deliveriesPerSecond, long millis) {
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
        double eventsPerNano = deliveriesPerSecond / (double) members / 1e9;
        long events = 0;
        for (long now = start; now < end; now = System.nanoTime()) {
            long due = (long) ((now - start) * eventsPerNano);
            for (; events < due; events++) {
                writeEvent();
            }
            LockSupport.parkNanos(tickNanos);
        }
        cpuNanos += ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private void writeEvent() {
        int count = streams.size();
        for (int i = 0; i < members; i++) {
            int index = (nextRoomStart + i) % count;
            if (++buffered[index] < eventsPerMessage) {
                continue;
            }
            buffered[index] = 0;
            ServerCallStreamObserver<byte[]> stream = streams.get(index);
            if (stream.isReady()) {
                stream.onNext(message);
                writtenEvents += eventsPerMessage;
            } else {
                skippedEvents += eventsPerMessage; // a real server would queue; the floor counts it missing
            }
        }
        nextRoomStart = (nextRoomStart + members) % count;
    }
}

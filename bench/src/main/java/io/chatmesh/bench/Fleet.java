package io.chatmesh.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Everyone who holds a stream in this run, and who sends. Room r's first
 * {@code connectedMembers} members connect, and its first {@code sendersPerRoom} send
 * (open-loop sender number r * sendersPerRoom + i; on their stream, or unary, when they need
 * not be connected), and with --change-share each of those changes messages too; the flooders,
 * the last members of room 0, are senders numbered after all of those (and never change any).
 */
final class Fleet implements AutoCloseable {

    /**
     * Hellos waiting for Ready at once: each costs the server a few queries, and chat-service
     * refuses those beyond 64 starts in progress (chatmesh.chat.session-starts-max).
     */
    private static final int HELLOS_IN_FLIGHT = 32;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    final List<StreamClient> streams = new ArrayList<>();
    final List<Sender> senders = new ArrayList<>();
    final List<Flooder> flooders = new ArrayList<>();
    /** Per sender number: the streams each of its messages and changes should reach (its room's connected members). */
    final int[] recipients;

    Fleet(Workload workload, List<Setup.Room> rooms, Connections connections, Sender.Context context) {
        recipients = new int[workload.senders() + workload.flooders()];
        for (Setup.Room room : rooms) {
            boolean flooded = room.index() == 0;
            int connected = workload.connectedMembers() + (flooded ? workload.flooders() : 0);
            int senderOrConnected = Math.max(workload.connectedMembers(), workload.sendersPerRoom());
            for (int i = 0; i < senderOrConnected; i++) {
                // unary senders need no stream of their own (an ingest run with few or no listeners)
                boolean holdsStream = i < workload.connectedMembers();
                StreamClient stream = holdsStream
                        ? stream(room, room.members().get(i), connections, context)
                        : new StreamClient(room.members().get(i), connections.chat(i), room.id(), context);
                if (i < workload.sendersPerRoom()) {
                    int number = room.index() * workload.sendersPerRoom() + i;
                    ChangeMix mix = workload.changeShare() == 0 ? null
                            : new ChangeMix(workload.changeShare(), new SplittableRandom(number), holdsStream);
                    senders.add(sender(workload, number, room, stream, context, mix));
                    recipients[number] = connected;
                }
            }
            for (int f = 0; flooded && f < workload.flooders(); f++) {
                StreamClient stream = stream(room, room.members().get(workload.members() + f), connections, context);
                int number = workload.senders() + f;
                flooders.add(new Flooder(sender(workload, number, room, stream, context, null),
                        workload.floodWindow()));
                recipients[number] = connected;
            }
        }
    }

    private StreamClient stream(Setup.Room room, Setup.User user, Connections connections, Sender.Context context) {
        StreamClient stream = new StreamClient(user, connections.chat(streams.size()), room.id(), context);
        streams.add(stream);
        return stream;
    }

    private static Sender sender(Workload workload, int number, Setup.Room room, StreamClient stream,
            Sender.Context context, ChangeMix mix) {
        return Sender.of(workload.sendVia(), number, room.id(), stream, stream.user(), stream.channel(), context,
                mix);
    }

    /** Opens every stream and waits until each got Ready. */
    void connect(PrintStream out) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + READY_TIMEOUT.toNanos();
        Semaphore hellos = new Semaphore(HELLOS_IN_FLIGHT);
        for (StreamClient stream : streams) {
            if (!hellos.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw notReady();
            }
            stream.ready().whenComplete((ready, failure) -> hellos.release());
            stream.connect();
        }
        try {
            CompletableFuture.allOf(streams.stream().map(StreamClient::ready).toArray(CompletableFuture[]::new))
                    .get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a chat stream did not start: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw notReady();
        }
        out.printf("%d chat streams ready in %.1f s%n", streams.size(), (System.nanoTime() - start) / 1e9);
    }

    private static IllegalStateException notReady() {
        return new IllegalStateException("chat streams not ready within " + Flags.format(READY_TIMEOUT));
    }

    /** Stops the flooders, then ends every stream. */
    @Override
    public void close() throws InterruptedException {
        flooders.forEach(Flooder::stop);
        streams.forEach(StreamClient::halfClose);
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        for (StreamClient stream : streams) {
            stream.awaitEnd(deadline);
        }
    }
}

package io.chatmesh.bench;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * gRPC's floor: what grpc-java on Netty (the grpc-netty-shaded chatmesh runs on) spends per
 * delivery when one thread writes encoded events to many server streams, as chat-service's
 * fan-out does, with no chatmesh code around it: a server and its clients in this JVM, on
 * loopback, each with event loops of their own, so each side's CPU is counted apart. Events go
 * to rooms of {@code --members} streams in turn; with {@code --events-per-message K} each stream
 * gets K events in one gRPC message, which is what a contract that batched events per stream
 * would buy (docs/performance.md, "gRPC's floor").
 */
final class GrpcFloor {

    static final String USAGE = """
            usage: bin/bench grpc-floor [--streams N] [--connections N] [--members N] [--bytes N]
                                        [--rates N,N,...] [--events-per-message N,N,...] [--tick-ms N]
                                        [--seconds N]
              --streams N                server streams open, spread over the connections        [1000]
              --connections N            HTTP/2 connections (client channels)                     [10]
              --members N                streams each event goes to (a room's members)            [20]
              --bytes N                  bytes of one encoded event                               [200]
              --rates N,N,...            deliveries per second offered                            [10000,50000]
              --events-per-message N,..  events per stream in one gRPC message                    [1,10]
              --tick-ms N                writes what is due in one burst every N ms (chat-service  [20]
                                         publishes a batch at most every linger, 20 ms)
              --seconds N                measured seconds per line (a fifth more first, as warm-up, [20]
                                         and half of it once at the start, for the JIT)
            A message (bytes x events per message) may be at most 4 MiB, what a gRPC client accepts.
            Runs a server and its clients in this JVM on 127.0.0.1; needs no chatmesh.""";

    /** Thread names: the server's event loops (prefix), its writing thread, the clients' event loops (prefix). */
    static final String SERVER_THREADS = "grpc-floor-server";
    static final String WRITER_THREAD = "grpc-floor-writer";
    static final String CLIENT_THREADS = "grpc-floor-client";
    /** The largest message the clients accept: gRPC's default, 4 MiB. */
    private static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
    /** chat-service's HTTP/2 window per call (chatmesh.grpc.flow-control-window). */
    private static final int FLOW_CONTROL_WINDOW = 64 * 1024;

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new KnownLengthBytes(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    static final MethodDescriptor<byte[], byte[]> STREAM = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
            .setFullMethodName("chatmesh.bench.GrpcFloor/Stream")
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    /** What one line measured; CPU in µs per delivery (one event to one stream). */
    record Result(int eventsPerMessage, int offeredPerSecond, double deliveredPerSecond, long missing,
            double serverMicros, double writerMicros, double clientMicros, double processMicros) {}

    record Settings(int streams, int connections, int members, int bytes, List<Integer> rates,
            List<Integer> eventsPerMessage, int tickMillis, int seconds) {}

    /** {@code bin/bench grpc-floor ...}: the exit code. */
    static int main(List<String> args, PrintStream out) {
        if (args.contains("--help")) {
            out.println(USAGE);
            return 0;
        }
        Settings settings;
        try {
            settings = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench grpc-floor: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        try {
            print(settings, measure(settings), out);
            return 0;
        } catch (IOException | InterruptedException e) {
            System.err.println("bench grpc-floor failed: " + e.getMessage());
            return 1;
        }
    }

    static Settings parse(List<String> args) {
        ToolFlags flags = ToolFlags.parse(args, Set.of("--streams", "--connections", "--members", "--bytes", "--rates",
                "--events-per-message", "--tick-ms", "--seconds"));
        Settings settings = new Settings(flags.positive("--streams", 1000), flags.positive("--connections", 10),
                flags.positive("--members", 20), flags.positive("--bytes", 200),
                flags.positives("--rates", List.of(10_000, 50_000)),
                flags.positives("--events-per-message", List.of(1, 10)),
                flags.positive("--tick-ms", 20), flags.positive("--seconds", 20));
        if (settings.members() > settings.streams() || settings.connections() > settings.streams()) {
            throw new IllegalArgumentException("--members and --connections must not exceed --streams");
        }
        long largestMessage = (long) settings.bytes() * Collections.max(settings.eventsPerMessage());
        if (largestMessage > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("--bytes times --events-per-message must not exceed "
                    + MAX_MESSAGE_BYTES + " (gRPC's default limit for a received message)");
        }
        return settings;
    }

    /** Each events-per-message at each rate, on one server and one set of connections. */
    static List<Result> measure(Settings settings) throws IOException, InterruptedException {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup serverLoops = loops(epoll, SERVER_THREADS);
        EventLoopGroup clientLoops = loops(epoll, CLIENT_THREADS);
        List<ServerCallStreamObserver<byte[]>> serverStreams = new CopyOnWriteArrayList<>();
        ServerServiceDefinition service = ServerServiceDefinition.builder(STREAM.getServiceName())
                .addMethod(STREAM, ServerCalls.asyncServerStreamingCall(
                        (request, observer) -> serverStreams.add((ServerCallStreamObserver<byte[]>) observer)))
                .build();
        List<ManagedChannel> channels = new ArrayList<>();
        Server server = null;
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .bossEventLoopGroup(serverLoops).workerEventLoopGroup(serverLoops)
                    .channelType(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .directExecutor().flowControlWindow(FLOW_CONTROL_WINDOW).addService(service).build().start();
            for (int i = 0; i < settings.connections(); i++) {
                channels.add(NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext()
                        .eventLoopGroup(clientLoops)
                        .channelType(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                        .directExecutor().build());
            }
            AtomicLong receivedBytes = new AtomicLong();
            for (int i = 0; i < settings.streams(); i++) {
                ClientCall<byte[], byte[]> call = channels.get(i % channels.size()).newCall(STREAM, CallOptions.DEFAULT);
                ClientCalls.asyncServerStreamingCall(call, new byte[0], counting(receivedBytes));
            }
            awaitStreams(serverStreams, settings.streams());
            // the JIT's warm-up, unmeasured: half the measured time at the highest rate, one event per message
            int highestRate = settings.rates().stream().max(Integer::compare).orElseThrow();
            new FloorWriter(serverStreams, settings.members(), settings.bytes(), 1, settings.tickMillis(), receivedBytes)
                    .run(highestRate, settings.seconds() * 500L);
            List<Result> results = new ArrayList<>();
            for (int eventsPerMessage : settings.eventsPerMessage()) {
                for (int rate : settings.rates()) {
                    FloorWriter writer = new FloorWriter(serverStreams, settings.members(), settings.bytes(),
                            eventsPerMessage, settings.tickMillis(), receivedBytes);
                    writer.run(rate, settings.seconds() * 200L); // warm-up: a fifth of the measured time
                    results.add(measure(writer, rate, settings.seconds() * 1000L));
                }
            }
            return results;
        } finally {
            channels.forEach(ManagedChannel::shutdownNow);
            if (server != null) {
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            serverLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** One measured run of the writer: deliveries the clients got, and the CPU each side spent on them. */
    private static Result measure(FloorWriter writer, int deliveriesPerSecond, long millis) throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] cpuBefore = cpuByRole(threads);
        long processBefore = processCpuNanos();
        long receivedBefore = writer.receivedEvents();
        long writtenBefore = writer.writtenEvents();
        long skippedBefore = writer.skippedEvents();
        long writerBefore = writer.cpuNanos();
        long start = System.nanoTime();
        writer.run(deliveriesPerSecond, millis);
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] cpuAfter = cpuByRole(threads);
        long processAfter = processCpuNanos();
        long delivered = writer.receivedEvents() - receivedBefore;
        long missing = writer.writtenEvents() - writtenBefore - delivered + writer.skippedEvents() - skippedBefore;
        double microsPerDelivery = 1e-3 / Math.max(1, delivered);
        return new Result(writer.eventsPerMessage(), deliveriesPerSecond, delivered / seconds, missing,
                (cpuAfter[0] - cpuBefore[0]) * microsPerDelivery,
                (writer.cpuNanos() - writerBefore) * microsPerDelivery,
                (cpuAfter[1] - cpuBefore[1]) * microsPerDelivery,
                (processAfter - processBefore) * microsPerDelivery);
    }

    /** CPU nanoseconds so far of the server's event loops and of the clients' event loops. */
    private static long[] cpuByRole(ThreadMXBean threads) {
        long[] cpu = new long[2];
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            String name = info.getThreadName();
            if (name.startsWith(SERVER_THREADS)) {
                cpu[0] += nanos;
            } else if (name.startsWith(CLIENT_THREADS)) {
                cpu[1] += nanos;
            }
        }
        return cpu;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static EventLoopGroup loops(boolean epoll, String name) {
        DefaultThreadFactory threads = new DefaultThreadFactory(name, true);
        return epoll ? new EpollEventLoopGroup(0, threads) : new NioEventLoopGroup(0, threads);
    }

    private static StreamObserver<byte[]> counting(AtomicLong receivedBytes) {
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
                receivedBytes.addAndGet(value.length);
            }

            @Override
            public void onError(Throwable t) {
                // the run is over (the server shut down); what arrived is counted
            }

            @Override
            public void onCompleted() {
            }
        };
    }

    private static void awaitStreams(List<?> serverStreams, int streams) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (serverStreams.size() < streams) {
            if (System.nanoTime() > deadline) {
                throw new IOException("only " + serverStreams.size() + " of " + streams + " streams opened in 30 s");
            }
            Thread.sleep(10);
        }
    }

    static void print(Settings settings, List<Result> results, PrintStream out) {
        out.printf("grpc floor: %d streams on %d connections, each event to %d of them, %d-byte events,"
                + " written every %d ms%n", settings.streams(), settings.connections(), settings.members(),
                settings.bytes(), settings.tickMillis());
        out.printf("%6s %9s %11s %8s %16s %14s %14s %15s%n", "events", "offered/s", "delivered/s", "missing",
                "server µs/deliv", "of it writer", "client µs/deliv", "process µs/deliv");
        for (Result r : results) {
            out.printf("%6d %9d %11.0f %8d %16.2f %14.2f %14.2f %15.2f%n", r.eventsPerMessage(),
                    r.offeredPerSecond(), r.deliveredPerSecond(), r.missing(), r.serverMicros() + r.writerMicros(),
                    r.writerMicros(), r.clientMicros(), r.processMicros());
        }
        out.println("events: per gRPC message; server: its event loops and the writing thread; process: everything"
                + " in this JVM (server, clients, GC, JIT)");
    }

    /** The bytes as they are, with their length known, so gRPC copies them once (as chat-service's frames). */
    private static final class KnownLengthBytes extends ByteArrayInputStream implements KnownLength, Drainable {
        KnownLengthBytes(byte[] bytes) {
            super(bytes);
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int length = count - pos;
            target.write(buf, pos, length);
            pos = count;
            return length;
        }
    }
}

package io.chatmesh.launcher;

import static io.chatmesh.launcher.Accounts.signUpAndLogIn;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.launcher.Chatmesh.Service;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Fuzzes the two streams (ChatService.Connect, SignalingService.Connect) of the embedded stack
 * over real sockets with random, malformed and oversized frames, while well-behaved users share
 * the fuzzer's room and call. The fuzzer may be refused and disconnected with clear statuses;
 * nobody else may notice, nothing refused may change state, nothing may be logged as an error,
 * and the services stay healthy. Seed: {@link FuzzSeed} (docs/development.md).
 */
class StreamFuzzTest {

    private static final FuzzSeed SEED = FuzzSeed.fromSystemProperty();
    private static final byte[] CHAT_HELLO = ClientEvent.newBuilder().setHello(Hello.getDefaultInstance()).build()
            .toByteArray();
    /** A length-delimited field whose length runs past the end: no protobuf message at all. */
    private static final byte[] GARBAGE = {0x0A, 0x7F, 'a'};
    private static final int CHAT_EVENTS = FuzzSeed.count("chatmesh.fuzz.chat-events", 10_000);
    private static final int SIGNALING_EVENTS = FuzzSeed.count("chatmesh.fuzz.signaling-events", 1_500);

    @RegisterExtension
    static final TestExecutionExceptionHandler SEED_IN_EVERY_FAILURE = (context, failure) -> {
        throw SEED.withSeed(failure);
    };

    /** The stack, and the well-behaved users' connection to its edge. */
    @RegisterExtension
    static final LaunchedStack STACK = new LaunchedStack();

    private static ErrorLogRecorder errorLog;
    /** The fuzzer's own connections (a client of its own: what it does to its connection is its business). */
    private static ManagedChannel fuzzerEdge;
    private static ManagedChannel fuzzerChat;
    private static ManagedChannel fuzzerSignaling;

    @BeforeAll
    static void startStack() {
        System.out.println(SEED.announcement());
        errorLog = ErrorLogRecorder.attachToRoot();
        // the recorder hears both logging APIs the services use (SLF4J; java.util.logging via the bridge, e.g. grpc-java)
        org.slf4j.LoggerFactory.getLogger(StreamFuzzTest.class).error("not a failure: the fuzz suite checks its log recorder");
        java.util.logging.Logger.getLogger("io.grpc.fuzz").severe("not a failure: the fuzz suite checks its log recorder");
        assertThat(errorLog.lines()).as("the error-log recorder hears SLF4J and java.util.logging").hasSize(2);
        fuzzerEdge = channel(STACK.edgePort());
        fuzzerChat = channel(STACK.port(Service.CHAT));
        fuzzerSignaling = channel(STACK.port(Service.SIGNALING));
    }

    @AfterAll
    static void stopStack() {
        List.of(fuzzerEdge, fuzzerChat, fuzzerSignaling).forEach(ManagedChannel::shutdownNow);
        if (errorLog != null) {
            errorLog.close();
        }
    }

    @BeforeEach
    void forgetEarlierLogs() {
        errorLog.clear();
    }

    @Test
    void chatStreamRefusesRandomEventsWithoutHarmToAnyoneElse(TestReporter reporter) {
        ChatFuzzScene scene = ChatFuzzScene.create(STACK.edge());
        scene.connectBystander();
        FuzzTally tally = new FuzzTally("chat", SEED);
        ChatFuzzRun fuzz = new ChatFuzzRun(SEED, tally, scene.targets, fuzzerEdge, fuzzerChat,
                () -> channel(STACK.edgePort()));
        try (Pacer sender = Pacer.start("chat-sender", Duration.ofMillis(30), scene::senderPosts)) {
            fuzz.run(CHAT_EVENTS);
            sender.stop();
        }
        fuzz.reconcile();
        report(reporter, tally);

        assertThat(tally.problems()).as("%s: problems on the fuzzer's chat streams", SEED).isEmpty();
        assertThat(tally.confirmed()).as("%s: chat events the server read", SEED).isGreaterThanOrEqualTo(CHAT_EVENTS);
        List<Message> sharedHistory = scene.sharedHistory();
        scene.assertStoredExactlyWhatWasAcked(SEED, fuzz.sendAcks(), sharedHistory);
        scene.assertBystanderUndisturbed(SEED, sharedHistory);
        scene.assertReadMarkers(SEED, fuzz.markers());
        assertChatAnswersGarbageAndStaysOpen(scene.targets.token());
        scene.disconnectBystander();
        assertHealthyAndUsable("chat-after");
        assertNothingLoggedAsAnError();
    }

    @Test
    void signalingStreamRefusesRandomEventsWithoutHarmToAnyoneElse(TestReporter reporter) {
        SignalFuzzScene scene = SignalFuzzScene.create(STACK.edge());
        FuzzTally tally = new FuzzTally("signaling", SEED);
        SignalFuzzRun fuzz = new SignalFuzzRun(SEED, tally, scene.targets, fuzzerEdge, fuzzerSignaling,
                () -> channel(STACK.edgePort()));
        int signals;
        int pings;
        try (Pacer peer = Pacer.start("signal-peer", Duration.ofMillis(20), scene::peerSignals);
                Pacer bystander = Pacer.start("signal-bystander", Duration.ofMillis(50), scene::bystanderPings)) {
            fuzz.run(SIGNALING_EVENTS);
            signals = peer.stop();
            pings = bystander.stop();
        }
        report(reporter, tally);

        assertThat(tally.problems()).as("%s: problems on the fuzzer's signaling streams", SEED).isEmpty();
        assertThat(tally.confirmed()).as("%s: signaling events the server read", SEED)
                .isGreaterThanOrEqualTo(SIGNALING_EVENTS);
        scene.assertUndisturbed(SEED, signals, pings);
        scene.assertCallHoldsOnlyTheWellBehaved(SEED);
        scene.leave();
        assertHealthyAndUsable("signal-after");
        assertNothingLoggedAsAnError();
    }

    /** The documented behaviour: a frame that is no ClientEvent gets a StreamError (no client_id); the stream goes on. */
    private static void assertChatAnswersGarbageAndStaysOpen(String token) {
        assertAnsweredAndOpen("chat", StreamProbes.probe(SEED, fuzzerEdge, token, StreamProbes.CHAT, CHAT_HELLO, GARBAGE));
    }

    /** Signaling answers a frame that is no ClientEvent as chat does: a StreamError without client_id, the stream goes on. */
    @Test
    void signalingAnswersGarbageWithAStreamErrorAndStaysOpen() {
        String user = signUpAndLogIn(STACK.edge(), "garbage-probe");
        String room = ChatFuzzScene.createRoom(STACK.edge(), user, RoomKind.ROOM_KIND_PRIVATE);
        byte[] join = StreamProbes.signalingJoin(room);
        for (ManagedChannel channel : List.of(fuzzerEdge, fuzzerSignaling)) {
            assertAnsweredAndOpen("signaling", StreamProbes.probe(SEED, channel, user, StreamProbes.SIGNALING, join, GARBAGE));
        }
    }

    // Defects the fuzz runs found, one test each, so that they stay fixed.

    /**
     * Documented (docs/api.md): a frame over the limit ends its stream, RESOURCE_EXHAUSTED, or
     * CANCELLED once the response has begun (grpc-java then resets the stream).
     */
    @Test
    void anOversizedFrameOnAnOpenStreamEndsThatStream() {
        String user = signUpAndLogIn(STACK.edge(), "oversized-probe");
        String room = ChatFuzzScene.createRoom(STACK.edge(), user, RoomKind.ROOM_KIND_PRIVATE);
        byte[] join = StreamProbes.signalingJoin(room);
        for (ManagedChannel channel : List.of(fuzzerEdge, fuzzerChat)) {
            assertThat(StreamProbes.endAfter(SEED, channel, user, StreamProbes.CHAT, CHAT_HELLO, new byte[1024 * 1024 + 1])
                    .getCode()).as("%s: chat stream after Ready, 1 MiB + 1 frame", SEED)
                    .isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED);
        }
        for (ManagedChannel channel : List.of(fuzzerEdge, fuzzerSignaling)) {
            assertThat(StreamProbes.endAfter(SEED, channel, user, StreamProbes.SIGNALING, join, new byte[128 * 1024 + 1])
                    .getCode()).as("%s: signaling stream after Joined, 128 KiB + 1 frame", SEED)
                    .isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED);
        }
    }

    /** The grpc-java edge once dropped the whole HTTP/2 connection for such a frame, now and then. */
    @Test
    void anOversizedFrameAtTheEdgeEndsOnlyItsStreamWithResourceExhausted() {
        String user = signUpAndLogIn(STACK.edge(), "edge-limit-probe");
        for (int attempt = 1; attempt <= 10; attempt++) {
            ManagedChannel ownConnection = channel(STACK.edgePort());
            try (ProbeStream<io.chatmesh.proto.chat.v1.ServerEvent> sameConnection = new ProbeStream<>(ownConnection,
                    ChatServiceGrpc.getConnectMethod(), user)) {
                sameConnection.send(CHAT_HELLO);
                sameConnection.awaitFirst(SEED, io.chatmesh.proto.chat.v1.ServerEvent::hasReady);
                assertThat(StreamProbes.endAfter(SEED, ownConnection, user, StreamProbes.CHAT, null,
                        new byte[8 * 1024 * 1024 + 1]).getCode()).as("%s: attempt %d, first frame 8 MiB + 1", SEED, attempt)
                        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                sameConnection.send(ChatFuzzRun.PROTOCOL.ping("alive", attempt));
                int nonce = attempt;
                assertThat(sameConnection.awaitFirst(SEED, e -> e.hasPong() && e.getPong().getNonce() == nonce))
                        .as("%s: attempt %d, a Pong on another stream of the same connection (it ended: %s)", SEED, attempt,
                                sameConnection.end()).isNotNull();
            } finally {
                ownConnection.shutdownNow();
            }
        }
    }

    /** Unknown fields are part of protobuf's evolution rules: a receiver ignores them, whatever their number. */
    @Test
    void aChatEventWithUnknownFieldsIsHandledAsWithoutThem() {
        String user = signUpAndLogIn(STACK.edge(), "unknown-field-probe");
        for (long value : new long[] {3, 8}) {
            StreamProbes.Outcome outcome = StreamProbes.probe(SEED, fuzzerEdge, user, StreamProbes.CHAT, CHAT_HELLO,
                    StreamProbes.chatPingWithUnknownField(FuzzStream.LARGEST_FIELD_NUMBER, value));
            assertThat(outcome.end()).as("%s: end of the stream after a ping with field 536870911 = %d", SEED, value).isNull();
            assertThat(outcome.errors()).as("%s: StreamErrors", SEED).isEmpty();
            assertThat(outcome.ponged()).as("%s: the probe's Pong", SEED).isTrue();
        }
    }

    private static void assertAnsweredAndOpen(String stream, StreamProbes.Outcome outcome) {
        assertThat(outcome.end()).as("%s: how the %s stream ended after a garbage frame", SEED, stream).isNull();
        assertThat(outcome.ponged()).as("%s: a Pong after the garbage frame", SEED).isTrue();
        assertThat(outcome.errors()).as("%s: the %s stream's answer to the garbage frame", SEED, stream).singleElement()
                .satisfies(error -> {
                    assertThat(error.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
                    assertThat(error.getClientId()).isEmpty();
                });
    }

    /** Health says SERVING for the edge and every service, and a new user can still sign in, create a room and post. */
    private static void assertHealthyAndUsable(String username) {
        for (String service : List.of("", UserServiceGrpc.SERVICE_NAME, RoomServiceGrpc.SERVICE_NAME,
                ChatServiceGrpc.SERVICE_NAME, MessageServiceGrpc.SERVICE_NAME, SignalingServiceGrpc.SERVICE_NAME)) {
            assertThat(HealthGrpc.newBlockingStub(STACK.edge()).withDeadlineAfter(15, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus())
                    .as("%s: health of '%s' at the edge", SEED, service).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        }
        String fresh = signUpAndLogIn(STACK.edge(), username);
        String room = ChatFuzzScene.createRoom(STACK.edge(), fresh, RoomKind.ROOM_KIND_PRIVATE);
        assertThat(ChatFuzzScene.post(STACK.edge(), fresh, room, "fresh-1").getSeq()).as("%s: a fresh user's post", SEED).isPositive();
    }

    private static void assertNothingLoggedAsAnError() {
        assertThat(errorLog.lines()).as("%s: ERRORs, and WARNs with a stack trace, logged during the fuzz", SEED)
                .isEmpty();
    }

    private static void report(TestReporter reporter, FuzzTally tally) {
        String summary = tally.summary();
        System.out.println(summary);
        tally.problems().forEach(problem -> System.out.println("  PROBLEM: " + problem));
        errorLog.lines().forEach(line -> System.out.println("  LOGGED: " + line));
        reporter.publishEntry("fuzz", summary);
    }

    private static ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }
}

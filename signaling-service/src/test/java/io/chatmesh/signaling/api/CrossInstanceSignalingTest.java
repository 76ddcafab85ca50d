package io.chatmesh.signaling.api;

import static io.chatmesh.signaling.api.Signals.SDP;
import static io.chatmesh.signaling.api.Signals.sdp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.InProcessEventBus;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.common.v1.StreamError;
import io.chatmesh.proto.signaling.v1.AcceptCallRequest;
import io.chatmesh.proto.signaling.v1.Call;
import io.chatmesh.proto.signaling.v1.CallState;
import io.chatmesh.proto.signaling.v1.CancelCallRequest;
import io.chatmesh.proto.signaling.v1.ClientEvent;
import io.chatmesh.proto.signaling.v1.Join;
import io.chatmesh.proto.signaling.v1.Joined;
import io.chatmesh.proto.signaling.v1.Leave;
import io.chatmesh.proto.signaling.v1.MediaState;
import io.chatmesh.proto.signaling.v1.MediaStateChanged;
import io.chatmesh.proto.signaling.v1.Participant;
import io.chatmesh.proto.signaling.v1.ParticipantLeft;
import io.chatmesh.proto.signaling.v1.RingCallRequest;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.chatmesh.signaling.SignalingServiceApplication;
import io.chatmesh.signaling.bus.SwitchableEventBus;
import io.chatmesh.signaling.domain.InMemoryCallRelay;
import io.chatmesh.testkit.TestRelationshipService;
import io.chatmesh.testkit.TestRoomService;
import io.chatmesh.testkit.TestTokens;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

/**
 * Two signaling-service instances (two Spring contexts, each with its own gRPC server and
 * call relay) sharing one event bus, as pods share Kafka: participants connected to
 * different instances are in one call.
 */
class CrossInstanceSignalingTest {

    private static final TestTokens TOKENS = new TestTokens();
    private static final TestRoomService ROOMS = new TestRoomService(TOKENS.verifier());
    private static final TestRelationshipService USERS = new TestRelationshipService(TOKENS.verifier());
    private static final InProcessEventBus BUS = new InProcessEventBus();
    /** Instance one reaches the shared bus through a switch that can make its publishes fail. */
    private static final SwitchableEventBus ONE_BUS = new SwitchableEventBus(BUS);
    private static final Duration PROPAGATION = Duration.ofSeconds(10);

    private static Instance one;
    private static Instance two;

    private final List<SignalClient> clients = new ArrayList<>();
    private final List<CallWatch> watches = new ArrayList<>();
    private String room;

    /** One running signaling-service and a channel to it. */
    private record Instance(ConfigurableApplicationContext context, ManagedChannel channel) {

        static Instance start(String instanceId, EventBus bus) {
            AtomicInteger port = new AtomicInteger();
            ConfigurableApplicationContext context = SignalingServiceApplication.builder()
                    .initializers(ctx -> {
                        ctx.getBeanFactory().registerSingleton("eventBus", bus);
                        ctx.getBeanFactory().registerSingleton("testAccessTokenVerifier", TOKENS.verifier());
                    })
                    .listeners((ApplicationListener<ApplicationEvent>) event -> {
                        if (event instanceof GrpcServerStartedEvent started) {
                            port.set(started.getPort());
                        }
                    })
                    .run("--spring.grpc.server.port=0",
                            "--chatmesh.signaling.instance-id=" + instanceId,
                            "--spring.grpc.client.channels.rooms.address=" + ROOMS.address(),
                            "--spring.grpc.client.channels.users.address=" + USERS.address(),
                            "--spring.main.banner-mode=off");
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port.get(),
                    InsecureChannelCredentials.create()).build();
            return new Instance(context, channel);
        }

        InMemoryCallRelay relay() {
            return context.getBean(InMemoryCallRelay.class);
        }

        List<String> participantIds(String roomId) {
            return relay().participants(roomId).stream().map(p -> p.participantId()).toList();
        }

        void stop() throws InterruptedException {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            context.close();
        }
    }

    @BeforeAll
    static void startInstances() {
        one = Instance.start("instance-one", ONE_BUS);
        two = Instance.start("instance-two", BUS);
    }

    @AfterAll
    static void stopInstances() throws InterruptedException {
        one.stop();
        two.stop();
        ROOMS.close();
        USERS.close();
        BUS.close();
    }

    @BeforeEach
    void newRoom() {
        room = Ids.newId();
    }

    @AfterEach
    void closeClients() {
        ONE_BUS.failPublishes(false);
        clients.forEach(SignalClient::close);
        watches.forEach(CallWatch::close);
    }

    @Test
    void membersOnDifferentInstancesShareOneCall() {
        String aliceId = member(room);
        String bobId = member(room);
        SignalClient alice = client(one, aliceId);
        SignalClient bob = client(two, bobId);
        MediaState audio = MediaState.newBuilder().setAudio(true).build();

        alice.send("join", ClientEvent.newBuilder().setJoin(Join.newBuilder().setRoomId(room).setMedia(audio)));
        String a = alice.next().getJoined().getParticipantId();
        await().atMost(PROPAGATION).until(() -> two.participantIds(room).contains(a));

        Joined bobJoined = bob.joined(room);
        String b = bobJoined.getParticipantId();
        assertThat(bobJoined.getParticipantsList()).singleElement().satisfies(p -> {
            assertThat(p.getParticipantId()).isEqualTo(a);
            assertThat(p.getUserId()).isEqualTo(aliceId);
            assertThat(p.getMedia()).isEqualTo(audio);
            assertThat(p.hasJoinTime()).isTrue();
        });
        Participant bobSeenByAlice = alice.next().getParticipantJoined().getParticipant();
        assertThat(bobSeenByAlice.getParticipantId()).isEqualTo(b);
        assertThat(bobSeenByAlice.getUserId()).isEqualTo(bobId);

        Signals.exchangeOfferAnswerAndCandidates(alice, a, bob, b);

        MediaState sharing = MediaState.newBuilder().setAudio(true).setVideo(true).setScreen(true).build();
        bob.send("m1", ClientEvent.newBuilder().setMediaState(sharing));
        assertThat(alice.next().getMediaStateChanged())
                .isEqualTo(MediaStateChanged.newBuilder().setParticipantId(b).setMedia(sharing).build());
        alice.send("m2", ClientEvent.newBuilder().setMediaState(MediaState.getDefaultInstance()));
        assertThat(bob.next().getMediaStateChanged())
                .isEqualTo(MediaStateChanged.newBuilder().setParticipantId(a).setMedia(MediaState.getDefaultInstance()).build());

        bob.send("bye", ClientEvent.newBuilder().setLeave(Leave.getDefaultInstance()));
        assertThat(bob.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(alice.next().getParticipantLeft())
                .isEqualTo(ParticipantLeft.newBuilder().setParticipantId(b).setUserId(bobId).build());
        assertThat(alice.drainUntilPong()).isEmpty();
        assertThat(one.participantIds(room)).containsExactly(a);
        await().atMost(PROPAGATION).untilAsserted(() -> assertThat(two.participantIds(room)).containsExactly(a));

        alice.send("o2", ClientEvent.newBuilder().setOffer(sdp(b, SDP)));
        assertThat(alice.nextError().getCode()).isEqualTo(Status.Code.NOT_FOUND.value());
    }

    @Test
    void aSignalTheBusRefusesReachesItsSenderAsUnavailable() {
        SignalClient alice = client(one, member(room));
        SignalClient bob = client(two, member(room));
        String a = alice.joined(room).getParticipantId();
        await().atMost(PROPAGATION).until(() -> two.participantIds(room).contains(a));
        String b = bob.joined(room).getParticipantId();
        assertThat(alice.next().getParticipantJoined().getParticipant().getParticipantId()).isEqualTo(b);

        ONE_BUS.failPublishes(true);
        alice.send("lost", ClientEvent.newBuilder().setOffer(sdp(b, SDP + "a=lost\r\n")));
        StreamError unavailable = alice.nextError();
        assertThat(unavailable.getCode()).isEqualTo(Status.Code.UNAVAILABLE.value());
        assertThat(unavailable.getClientId()).isEqualTo("lost");

        ONE_BUS.failPublishes(false);
        alice.send("sent", ClientEvent.newBuilder().setOffer(sdp(b, SDP + "a=sent\r\n")));
        assertThat(bob.next().getOffer()).isEqualTo(sdp(a, SDP + "a=sent\r\n").build());
        assertThat(bob.drainUntilPong()).isEmpty();
        assertThat(alice.drainUntilPong()).isEmpty();
    }

    @Test
    void aRingStartedOnOneInstanceRingsDevicesOnBothAndIsAnsweredOnTheOther() {
        String alice = member(room);
        String bob = member(room);
        CallWatch bobPhone = watch(one, bob);
        CallWatch bobLaptop = watch(two, bob);
        CallWatch aliceWatch = watch(two, alice);

        Call rung = stub(one, alice).ringCall(RingCallRequest.newBuilder().setRoomId(room).build()).getCall();
        bobPhone.await(rung, CallState.CALL_STATE_RINGING);
        bobLaptop.await(rung, CallState.CALL_STATE_RINGING);

        Call accepted = stub(two, bob).acceptCall(AcceptCallRequest.newBuilder().setCallId(rung.getCallId()).build())
                .getCall();
        assertThat(accepted.getState()).isEqualTo(CallState.CALL_STATE_ACCEPTED);
        assertThat(bobPhone.await(rung, CallState.CALL_STATE_ACCEPTED).getAcceptedByUserId()).isEqualTo(bob);
        aliceWatch.await(rung, CallState.CALL_STATE_ACCEPTED);
        // the origin instance knows it is answered: cancelling there finds nothing ringing
        assertThatThrownBy(() -> stub(one, alice).cancelCall(CancelCallRequest.newBuilder()
                .setCallId(rung.getCallId()).build())).satisfies(e -> RingingTest.assertCode(e, Status.Code.NOT_FOUND));
    }

    @Test
    void anAcceptAndACancelRacingOnTwoInstancesAreDecidedOnceTheSameWayEverywhere() throws Exception {
        String alice = member(room);
        String bob = member(room);
        CallWatch aliceOnTwo = watch(two, alice);
        CallWatch bobOnOne = watch(one, bob);
        Call rung = stub(one, alice).ringCall(RingCallRequest.newBuilder().setRoomId(room).build()).getCall();
        aliceOnTwo.await(rung, CallState.CALL_STATE_RINGING);

        CompletableFuture<Call> cancel = CompletableFuture.supplyAsync(() -> stub(one, alice)
                .cancelCall(CancelCallRequest.newBuilder().setCallId(rung.getCallId()).build()).getCall());
        CompletableFuture<Call> accept = CompletableFuture.supplyAsync(() -> stub(two, bob)
                .acceptCall(AcceptCallRequest.newBuilder().setCallId(rung.getCallId()).build()).getCall());
        List<Call> won = new ArrayList<>();
        for (CompletableFuture<Call> answer : List.of(cancel, accept)) {
            try {
                won.add(answer.get(30, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                // the loser: refused by the bus order, or already gone from its instance's copy
                assertThat(((StatusRuntimeException) e.getCause()).getStatus().getCode())
                        .isIn(Status.Code.FAILED_PRECONDITION, Status.Code.NOT_FOUND);
            }
        }
        assertThat(won).hasSize(1);
        CallState outcome = won.getFirst().getState();
        // both instances' watchers saw the same final state
        aliceOnTwo.await(rung, outcome);
        bobOnOne.await(rung, outcome);
    }

    @Test
    void aRingTheBusRefusesIsUnavailableAndRingsNobody() {
        String alice = member(room);
        String bob = member(room);
        CallWatch bobWatch = watch(two, bob);
        ONE_BUS.failPublishes(true);
        assertThatThrownBy(() -> stub(one, alice).ringCall(RingCallRequest.newBuilder().setRoomId(room).build()))
                .satisfies(e -> RingingTest.assertCode(e, Status.Code.UNAVAILABLE));
        ONE_BUS.failPublishes(false);

        Call rung = stub(one, alice).ringCall(RingCallRequest.newBuilder().setRoomId(room).build()).getCall();
        bobWatch.await(rung, CallState.CALL_STATE_RINGING);
        assertThat(bobWatch.events.all(response -> true)).hasSize(1);
        stub(one, alice).cancelCall(CancelCallRequest.newBuilder().setCallId(rung.getCallId()).build());
    }

    private CallWatch watch(Instance instance, String userId) {
        CallWatch watch = new CallWatch(instance.channel(), TOKENS.issue(userId, "user-" + userId));
        watches.add(watch);
        return watch;
    }

    private static SignalingServiceGrpc.SignalingServiceBlockingStub stub(Instance instance, String userId) {
        return SignalingServiceGrpc.newBlockingStub(instance.channel())
                .withCallCredentials(BearerCallCredentials.of(TOKENS.issue(userId, "user-" + userId)))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static String member(String roomId) {
        String userId = Ids.newId();
        ROOMS.addMember(roomId, userId);
        return userId;
    }

    private SignalClient client(Instance instance, String userId) {
        SignalClient client = SignalClient.withHeader(instance.channel(), TOKENS.issue(userId, "user-" + userId));
        clients.add(client);
        return client;
    }
}

package io.chatmesh.systemtest;

import io.chatmesh.testkit.StreamRecorder;
import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.proto.chat.v1.Ack;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.message.v1.Direction;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.proto.message.v1.ListMessagesResponse;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.JoinRoomRequest;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.proto.signaling.v1.AcceptCallRequest;
import io.chatmesh.proto.signaling.v1.Call;
import io.chatmesh.proto.signaling.v1.CallState;
import io.chatmesh.proto.signaling.v1.RingCallRequest;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.chatmesh.proto.signaling.v1.WatchCallsRequest;
import io.chatmesh.proto.signaling.v1.WatchCallsResponse;
import io.chatmesh.proto.signaling.v1.IceCandidate;
import io.chatmesh.proto.signaling.v1.Leave;
import io.chatmesh.proto.signaling.v1.Participant;
import io.chatmesh.proto.signaling.v1.SessionDescription;
import io.chatmesh.proto.user.v1.LogInRequest;
import io.chatmesh.proto.user.v1.SignUpRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.systemtest.ProductionStack.Instance;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "production backends" path end to end, on real parts over loopback ({@link ProductionStack}):
 * a Kafka broker in its own JVM, MongoDB's wire protocol, PostgreSQL, and several instances of
 * the services, each with its own Kafka clients. Clients use real user-service tokens and talk to
 * the instances directly, as a gateway would route them.
 *
 * <p>Each test uses its own users and room and leaves the whole stack running (broker and
 * message-service included), so the order below is only for reading.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaProductionPathSystemTest {

    private static final Logger log = LoggerFactory.getLogger(KafkaProductionPathSystemTest.class);

    private static final String PASSWORD = "correct horse battery";
    private static final Duration PATIENCE = StreamRecorder.PATIENCE;
    private static final String SDP_OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private static final String SDP_ANSWER = "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    @TempDir
    static Path dataDir;

    private static ProductionStack stack;
    private static MongoClient mongo;
    private static final Map<Instance, ManagedChannel> channels = new EnumMap<>(Instance.class);

    @BeforeAll
    static void startStack() {
        long started = System.nanoTime();
        stack = ProductionStack.start(dataDir);
        log.info("stack up in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        mongo = MongoClients.create(stack.mongoUri());
        for (Instance instance : Instance.values()) {
            channels.put(instance, NettyChannelBuilder.forAddress("127.0.0.1", stack.port(instance)).usePlaintext().build());
        }
    }

    @AfterAll
    static void stopStack() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        if (mongo != null) {
            mongo.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * Scenario 1: two users on two chat-service instances. Every message, whichever instance took
     * it, reaches both users exactly once and in the same order, which is seq order, and is stored
     * in MongoDB once.
     */
    @Test
    @Order(1)
    void messagesThroughTwoChatInstancesReachBothUsersOnceInOneOrderAndAreStoredOnce() {
        String alice = signUpAndLogIn("alice1");
        String bob = signUpAndLogIn("bob1");
        String roomId = roomOfBoth(alice, bob);
        ChatClient aliceChat = ChatClient.connect(channel(Instance.CHAT_1), alice, "alice-phone");
        ChatClient bobChat = ChatClient.connect(channel(Instance.CHAT_2), bob, "bob-phone");
        Map<String, Ack> acks = new LinkedHashMap<>();

        // In turns, each acked before the next is sent: the room's order is this order.
        for (int i = 1; i <= 5; i++) {
            acks.put("a-" + i, aliceChat.sendAcked("a-" + i, roomId, "alice " + i));
            acks.put("b-" + i, bobChat.sendAcked("b-" + i, roomId, "bob " + i));
        }
        List<String> inTurns = acks.values().stream().map(Ack::getMessageId).toList();
        assertThat(acks.values()).extracting(Ack::getSeq).isSorted().doesNotHaveDuplicates();

        // Both at once, each stream pipelining its sends: the two instances post concurrently.
        for (int i = 6; i <= 15; i++) {
            aliceChat.sendAsync("a-" + i, roomId, "alice " + i);
            bobChat.sendAsync("b-" + i, roomId, "bob " + i);
        }
        for (int i = 6; i <= 15; i++) {
            acks.put("a-" + i, onlyAck(aliceChat.awaitAnswers("a-" + i, 1)));
            acks.put("b-" + i, onlyAck(bobChat.awaitAnswers("b-" + i, 1)));
        }
        // Sent last: once it arrived, everything published before it in the room has arrived too.
        acks.put("a-last", aliceChat.sendAcked("a-last", roomId, "that is all"));

        List<Message> aliceSaw = aliceChat.awaitMessage(roomId, "that is all");
        List<Message> bobSaw = bobChat.awaitMessage(roomId, "that is all");
        List<String> ackedIds = acks.values().stream().map(Ack::getMessageId).toList();
        assertThat(aliceSaw).extracting(Message::getId).containsExactlyInAnyOrderElementsOf(ackedIds);
        assertThat(bobSaw).extracting(Message::getId).containsExactlyElementsOf(ids(aliceSaw));
        assertThat(ids(aliceSaw).subList(0, inTurns.size())).containsExactlyElementsOf(inTurns);
        Map<String, Ack> ackByMessageId = acks.values().stream().collect(Collectors.toMap(Ack::getMessageId, a -> a));
        for (Message message : aliceSaw) {
            Ack ack = ackByMessageId.get(message.getId());
            assertThat(message.getSeq()).as("seq of %s", ack.getClientId()).isEqualTo(ack.getSeq());
            // a client_id is shown to its sender only
            assertThat(message.getClientId()).as("client_id of %s", ack.getClientId())
                    .isEqualTo(ack.getClientId().startsWith("b-") ? "" : ack.getClientId());
        }
        // A room's sends are published in seq order, whichever instance takes them.
        assertThat(aliceSaw).extracting(Message::getSeq).isSorted().doesNotHaveDuplicates();
        assertThat(bobSaw).extracting(Message::getSeq).isSorted().doesNotHaveDuplicates();

        assertStoredExactlyOnce(roomId, acks, alice);
        assertThat(aliceChat.messages(roomId)).hasSize(acks.size());
        assertThat(bobChat.messages(roomId)).hasSize(acks.size());
    }

    /**
     * Scenario 2: message-service is stopped and started again (same MongoDB database, same
     * consumer group) while Alice keeps sending. Sends are acked throughout; afterwards the store
     * holds every acked message exactly once.
     */
    @Test
    @Order(2)
    void restartingMessageServiceMidStreamLosesAndDuplicatesNothing() throws Exception {
        String alice = signUpAndLogIn("alice2");
        String bob = signUpAndLogIn("bob2");
        String roomId = roomOfBoth(alice, bob);
        ChatClient aliceChat = ChatClient.connect(channel(Instance.CHAT_1), alice, "alice-phone");
        ChatClient bobChat = ChatClient.connect(channel(Instance.CHAT_2), bob, "bob-phone");

        Map<String, Ack> acks = Collections.synchronizedMap(new LinkedHashMap<>());
        AtomicBoolean keepSending = new AtomicBoolean(true);
        AtomicReference<Throwable> senderFailure = new AtomicReference<>();
        Thread sender = Thread.ofPlatform().name("alice-sender").start(() -> {
            try {
                for (int i = 1; keepSending.get(); i++) {
                    acks.put("r-" + i, aliceChat.sendAcked("r-" + i, roomId, "message " + i));
                }
            } catch (Throwable e) {
                senderFailure.set(e);
            }
        });
        try {
            awaitAcks(acks, 5, senderFailure);
            stack.stop(Instance.MESSAGE);
            int whileDown = acks.size();
            awaitAcks(acks, whileDown + 5, senderFailure);
            long restarting = System.nanoTime();
            stack.start(Instance.MESSAGE);
            log.info("message-service restarted in {} ms; {} messages acked while it was down",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarting), acks.size() - whileDown);
            awaitAcks(acks, acks.size() + 5, senderFailure);
        } finally {
            keepSending.set(false);
            sender.join(PATIENCE.toMillis());
        }
        assertThat(senderFailure.get()).isNull();
        Map<String, Ack> sent = new LinkedHashMap<>(acks);
        sent.put("r-last", aliceChat.sendAcked("r-last", roomId, "done"));

        assertThat(bobChat.awaitMessage(roomId, "done")).extracting(Message::getId)
                .containsExactlyElementsOf(sent.values().stream().map(Ack::getMessageId).toList());
        assertStoredExactlyOnce(roomId, sent, alice);
    }

    /**
     * Scenario 3: the broker dies. Sends on both chat instances, streamed or unary, fail
     * UNAVAILABLE within the publish timeouts and are never acked; nothing sent during the outage
     * shows up later. With the broker back (same port, same data), the same client ids are
     * accepted, delivered and stored once.
     */
    @Test
    @Order(3)
    void aBrokerOutageFailsSendsUnavailableAndTheSameClientIdsSucceedAfterwards() {
        String alice = signUpAndLogIn("alice3");
        String bob = signUpAndLogIn("bob3");
        String roomId = roomOfBoth(alice, bob);
        ChatClient aliceChat = ChatClient.connect(channel(Instance.CHAT_1), alice, "alice-phone");
        ChatClient bobChat = ChatClient.connect(channel(Instance.CHAT_2), bob, "bob-phone");
        Map<String, Ack> acks = new LinkedHashMap<>();
        acks.put("before", aliceChat.sendAcked("before", roomId, "before the outage"));
        bobChat.awaitMessage(roomId, "before the outage");

        stack.kafka().kill();
        try {
            assertUnavailable(timed("stream send on chat-1", () -> aliceChat.send("out-a", roomId, "outage alice")));
            assertUnavailable(timed("stream send on chat-2", () -> bobChat.send("out-b", roomId, "outage bob")));
            StatusRuntimeException unary = timed("unary SendMessage on chat-1", () -> catchThrowableOfType(
                    StatusRuntimeException.class, () -> sendUnary(Instance.CHAT_1, alice, "out-u", roomId, "outage unary")));
            assertThat(unary).isNotNull();
            assertThat(unary.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(aliceChat.ended()).isFalse();
            assertThat(bobChat.ended()).isFalse();
        } finally {
            long restarting = System.nanoTime();
            stack.kafka().start();
            log.info("broker back in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarting));
        }

        // The same client ids again, each retried until acked; until the producers reconnect
        // the only other answer allowed is UNAVAILABLE.
        long recovering = System.nanoTime();
        acks.put("out-a", retryUntilAcked(aliceChat, "out-a", roomId, "outage alice"));
        log.info("first send acked {} ms after the broker was back", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recovering));
        acks.put("out-b", retryUntilAcked(bobChat, "out-b", roomId, "outage bob"));
        AtomicReference<Message> unaryPosted = new AtomicReference<>();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> {
            try {
                unaryPosted.set(sendUnary(Instance.CHAT_1, alice, "out-u", roomId, "outage unary"));
                return true;
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                return false;
            }
        });
        acks.put("out-u", Ack.newBuilder().setClientId("out-u").setMessageId(unaryPosted.get().getId())
                .setSeq(unaryPosted.get().getSeq()).setRoomId(roomId).build());
        acks.put("after", aliceChat.sendAcked("after", roomId, "after the outage"));

        List<String> expected = acks.values().stream().map(Ack::getMessageId).toList();
        assertThat(bobChat.awaitMessage(roomId, "after the outage")).extracting(Message::getId).containsExactlyElementsOf(expected);
        assertThat(aliceChat.awaitMessage(roomId, "after the outage")).extracting(Message::getId).containsExactlyElementsOf(expected);
        assertStoredExactlyOnce(roomId, acks, alice);
    }

    /**
     * Scenario 4: Alice's call stream on signaling instance 1, Bob's on instance 2, one room:
     * they see each other and complete offer, answer and ICE both ways across the bus.
     */
    @Test
    @Order(4)
    void aCallSpansTwoSignalingInstances() {
        String alice = signUpAndLogIn("alice4");
        String bob = signUpAndLogIn("bob4");
        String roomId = roomOfBoth(alice, bob);

        SignalClient aliceCall = SignalClient.join(channel(Instance.SIGNALING_1), alice, roomId);
        String alicePid = aliceCall.joined().getParticipantId();
        SignalClient bobCall = SignalClient.join(channel(Instance.SIGNALING_2), bob, roomId);
        String bobPid = bobCall.joined().getParticipantId();
        // Bob learns of Alice in Joined, or when her announcement reaches his instance.
        await().atMost(PATIENCE).until(() -> bobCall.joined().getParticipantsList().stream()
                .map(Participant::getParticipantId).anyMatch(alicePid::equals)
                || !bobCall.events.all(participantJoined(alicePid)).isEmpty());
        aliceCall.events.awaitFirst(participantJoined(bobPid));

        bobCall.send(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setClientId("offer")
                .setOffer(SessionDescription.newBuilder().setParticipantId(alicePid).setSdp(SDP_OFFER)).build());
        SessionDescription offer = aliceCall.events.awaitFirst(io.chatmesh.proto.signaling.v1.ServerEvent::hasOffer).getOffer();
        assertThat(offer.getParticipantId()).isEqualTo(bobPid);
        assertThat(offer.getSdp()).isEqualTo(SDP_OFFER);

        aliceCall.send(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setClientId("answer")
                .setAnswer(SessionDescription.newBuilder().setParticipantId(bobPid).setSdp(SDP_ANSWER)).build());
        SessionDescription answer = bobCall.events.awaitFirst(io.chatmesh.proto.signaling.v1.ServerEvent::hasAnswer).getAnswer();
        assertThat(answer.getParticipantId()).isEqualTo(alicePid);
        assertThat(answer.getSdp()).isEqualTo(SDP_ANSWER);

        aliceCall.send(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setClientId("ice-a").setIceCandidate(IceCandidate.newBuilder()
                .setParticipantId(bobPid).setCandidate("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host")
                .setSdpMid("0")).build());
        bobCall.send(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setClientId("ice-b").setIceCandidate(IceCandidate.newBuilder()
                .setParticipantId(alicePid).setCandidate("candidate:2 1 udp 2122260223 127.0.0.1 50001 typ host")
                .setSdpMid("0")).build());
        IceCandidate toBob = bobCall.events.awaitFirst(io.chatmesh.proto.signaling.v1.ServerEvent::hasIceCandidate).getIceCandidate();
        IceCandidate toAlice = aliceCall.events.awaitFirst(io.chatmesh.proto.signaling.v1.ServerEvent::hasIceCandidate).getIceCandidate();
        assertThat(toBob.getParticipantId()).isEqualTo(alicePid);
        assertThat(toBob.getCandidate()).contains("127.0.0.1 50000");
        assertThat(toAlice.getParticipantId()).isEqualTo(bobPid);
        assertThat(toAlice.getCandidate()).contains("127.0.0.1 50001");
        assertThat(aliceCall.events.all(io.chatmesh.proto.signaling.v1.ServerEvent::hasError)).isEmpty();
        assertThat(bobCall.events.all(io.chatmesh.proto.signaling.v1.ServerEvent::hasError)).isEmpty();
    }

    /**
     * Scenario 4b: ringing and a three-person group call over the real broker. Alice rings from
     * signaling instance 1; Bob's watch on instance 2 rings, and so does his chat stream on
     * chat-service instance 2 (call_changed, from signaling over the bus), and he accepts there,
     * which Alice's watch on instance 1 sees. Then Alice (instance 1), Bob (instance 2) and Carol (instance 1)
     * share one call and every pair completes offer, answer and ICE, the greater participant id
     * offering (the negotiation rule).
     */
    @Test
    @Order(6)
    void aRingAndAThreePersonCallSpanTwoSignalingInstancesOverKafka() throws Exception {
        String alice = signUpAndLogIn("alice6");
        String bob = signUpAndLogIn("bob6");
        String carol = signUpAndLogIn("carol6");
        String roomId = roomOfBoth(alice, bob);
        as(RoomServiceGrpc.newBlockingStub(channel(Instance.CHAT_1)), carol)
                .joinRoom(JoinRoomRequest.newBuilder().setRoomId(roomId).build());

        ChatClient bobChat = ChatClient.connect(channel(Instance.CHAT_2), bob, "bob-laptop");
        StreamRecorder<WatchCallsResponse> bobWatch = new StreamRecorder<>();
        StreamRecorder<WatchCallsResponse> aliceWatch = new StreamRecorder<>();
        Context.CancellableContext watching = Context.current().withCancellation();
        try {
            watching.run(() -> {
                as(SignalingServiceGrpc.newStub(channel(Instance.SIGNALING_2)), bob)
                        .withDeadlineAfter(5, TimeUnit.MINUTES).watchCalls(WatchCallsRequest.getDefaultInstance(), bobWatch);
                as(SignalingServiceGrpc.newStub(channel(Instance.SIGNALING_1)), alice)
                        .withDeadlineAfter(5, TimeUnit.MINUTES).watchCalls(WatchCallsRequest.getDefaultInstance(), aliceWatch);
            });
            Call rung = as(SignalingServiceGrpc.newBlockingStub(channel(Instance.SIGNALING_1)), alice)
                    .ringCall(RingCallRequest.newBuilder().setRoomId(roomId).setVideo(true).build()).getCall();
            assertThat(rung.getCalleeIdsList()).hasSize(2);
            bobWatch.awaitFirst(r -> r.getCall().getCallId().equals(rung.getCallId())
                    && r.getCall().getState() == CallState.CALL_STATE_RINGING);
            bobChat.events.awaitFirst(e -> e.getCallChanged().getCallId().equals(rung.getCallId())
                    && e.getCallChanged().getState() == CallState.CALL_STATE_RINGING);
            Call accepted = as(SignalingServiceGrpc.newBlockingStub(channel(Instance.SIGNALING_2)), bob)
                    .acceptCall(AcceptCallRequest.newBuilder().setCallId(rung.getCallId()).build()).getCall();
            assertThat(accepted.getAcceptedUserIdsList()).hasSize(1);
            aliceWatch.awaitFirst(r -> r.getCall().getCallId().equals(rung.getCallId())
                    && r.getCall().getAcceptedUserIdsCount() == 1);
        } finally {
            watching.cancel(null);
        }

        List<SignalClient> clients = new ArrayList<>();
        List<String> pids = new ArrayList<>();
        for (var joining : List.of(Map.entry(Instance.SIGNALING_1, alice), Map.entry(Instance.SIGNALING_2, bob),
                Map.entry(Instance.SIGNALING_1, carol))) {
            SignalClient client = SignalClient.join(channel(joining.getKey()), joining.getValue(), roomId);
            String pid = client.joined().getParticipantId();
            for (SignalClient earlier : clients) {
                earlier.events.awaitFirst(participantJoined(pid));
            }
            clients.add(client);
            pids.add(pid);
        }
        for (int i = 0; i < 3; i++) {
            for (int j = i + 1; j < 3; j++) {
                boolean iOffers = pids.get(i).compareTo(pids.get(j)) > 0;
                int offerer = iOffers ? i : j;
                int answerer = iOffers ? j : i;
                negotiate(clients.get(offerer), pids.get(offerer), clients.get(answerer), pids.get(answerer));
            }
        }
        for (SignalClient client : clients) {
            assertThat(client.events.all(io.chatmesh.proto.signaling.v1.ServerEvent::hasError)).isEmpty();
        }
    }

    /**
     * Scenario 7: Alice and Bob in a call on signaling instance 1 (Carol on instance 2 for a
     * moment, to know when instance 2 has heard of Bob). Bob's device reconnects to instance 2
     * before instance 1 noticed its old stream drop: it keeps its participant id, the old stream
     * ends ABORTED without a leave, Alice never sees Bob leave. Then the two, now on two
     * instances, leave at the same moment: the room gets one "Call ended" note, not none (each
     * instance may still see the other participant when its own leaves) and not two.
     */
    @Test
    @Order(7)
    void aRejoinOnAnotherInstanceKeepsTheIdAndSimultaneousLastLeavesEndTheCallOnce() {
        String alice = signUpAndLogIn("alice7");
        String bob = signUpAndLogIn("bob7");
        String carol = signUpAndLogIn("carol7");
        String roomId = roomOfBoth(alice, bob);
        as(RoomServiceGrpc.newBlockingStub(channel(Instance.CHAT_1)), carol)
                .joinRoom(JoinRoomRequest.newBuilder().setRoomId(roomId).build());
        ChatClient aliceChat = ChatClient.connect(channel(Instance.CHAT_1), alice, "alice-phone");

        SignalClient carolCall = SignalClient.join(channel(Instance.SIGNALING_2), carol, roomId);
        String carolPid = carolCall.joined().getParticipantId();
        SignalClient aliceCall = SignalClient.join(channel(Instance.SIGNALING_1), alice, roomId);
        SignalClient bobOld = SignalClient.join(channel(Instance.SIGNALING_1), bob, roomId);
        String bobPid = bobOld.joined().getParticipantId();
        aliceCall.events.awaitFirst(participantJoined(bobPid));
        carolCall.events.awaitFirst(participantJoined(bobPid)); // instance 2 knows Bob now
        carolCall.send(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setClientId("bye-c")
                .setLeave(Leave.getDefaultInstance()).build());
        aliceCall.events.awaitFirst(e -> e.hasParticipantLeft() && e.getParticipantLeft().getParticipantId().equals(carolPid));

        SignalClient bobNew = SignalClient.rejoin(channel(Instance.SIGNALING_2), bob, roomId, bobPid);
        assertThat(bobNew.joined().getParticipantId()).isEqualTo(bobPid);
        assertThat(bobNew.joined().getResumed()).isTrue();
        bobOld.events.awaitEnd();
        assertThat(Status.fromThrowable(bobOld.events.error()).getCode()).isEqualTo(Status.Code.ABORTED);
        aliceCall.events.awaitFirst(e -> e.hasParticipantJoined() && e.getParticipantJoined().getResumed()
                && e.getParticipantJoined().getParticipant().getParticipantId().equals(bobPid));
        assertThat(aliceCall.events.all(e -> e.hasParticipantLeft()
                && e.getParticipantLeft().getParticipantId().equals(bobPid))).isEmpty();

        Leave leave = Leave.getDefaultInstance();
        aliceCall.send(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setClientId("bye-a").setLeave(leave).build());
        bobNew.send(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setClientId("bye-b").setLeave(leave).build());

        await().atMost(PATIENCE).until(() -> callEndedNotes(aliceChat, roomId) >= 1);
        // a second note would be posted at the same moment: by the time a later message is in, it is too
        aliceChat.sendAcked("after-call", roomId, "after the call");
        aliceChat.awaitMessage(roomId, "after the call");
        assertThat(callEndedNotes(aliceChat, roomId)).isEqualTo(1);
    }

    private static long callEndedNotes(ChatClient chat, String roomId) {
        return chat.messages(roomId).stream().filter(m -> m.getText().startsWith("Call ended")).count();
    }

    /** One pair's offer, answer and a candidate each way, checked at the receiving side. */
    private static void negotiate(SignalClient offerer, String offererPid, SignalClient answerer, String answererPid) {
        String offerSdp = SDP_OFFER + "a=from:" + offererPid + "\r\n";
        String answerSdp = SDP_ANSWER + "a=from:" + answererPid + "\r\n";
        offerer.send(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setClientId("offer")
                .setOffer(SessionDescription.newBuilder().setParticipantId(answererPid).setSdp(offerSdp)).build());
        answerer.events.awaitFirst(r -> r.hasOffer() && r.getOffer().getParticipantId().equals(offererPid)
                && r.getOffer().getSdp().equals(offerSdp));
        answerer.send(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setClientId("answer")
                .setAnswer(SessionDescription.newBuilder().setParticipantId(offererPid).setSdp(answerSdp)).build());
        offerer.events.awaitFirst(r -> r.hasAnswer() && r.getAnswer().getParticipantId().equals(answererPid)
                && r.getAnswer().getSdp().equals(answerSdp));
        offerer.send(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setClientId("ice").setIceCandidate(
                IceCandidate.newBuilder().setParticipantId(answererPid).setSdpMid("0")
                        .setCandidate("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host")).build());
        answerer.send(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setClientId("ice").setIceCandidate(
                IceCandidate.newBuilder().setParticipantId(offererPid).setSdpMid("0")
                        .setCandidate("candidate:2 1 udp 2122260223 127.0.0.1 50001 typ host")).build());
        answerer.events.awaitFirst(r -> r.hasIceCandidate() && r.getIceCandidate().getParticipantId().equals(offererPid));
        offerer.events.awaitFirst(r -> r.hasIceCandidate() && r.getIceCandidate().getParticipantId().equals(answererPid));
    }

    /**
     * Scenario 5: the broker hangs instead of dying. A send it does not acknowledge within the
     * delivery timeout is answered UNAVAILABLE, yet the broker may write it when it runs on
     * ("outcome unknown", docs/chat.md): the message may show up, but the retry with the same
     * client id returns that very message, and nothing shows up or is stored twice.
     */
    @Test
    @Order(5)
    void aSendAnsweredUnavailableDuringAHungBrokerIsPostedOnceWhenRetried() {
        String alice = signUpAndLogIn("alice5");
        String bob = signUpAndLogIn("bob5");
        String roomId = roomOfBoth(alice, bob);
        ChatClient aliceChat = ChatClient.connect(channel(Instance.CHAT_1), alice, "alice-phone");
        ChatClient bobChat = ChatClient.connect(channel(Instance.CHAT_2), bob, "bob-phone");
        Map<String, Ack> acks = new LinkedHashMap<>();
        acks.put("before", aliceChat.sendAcked("before", roomId, "before the hang"));
        bobChat.awaitMessage(roomId, "before the hang");

        stack.kafka().pause();
        try {
            assertUnavailable(timed("stream send on chat-1", () -> aliceChat.send("hung", roomId, "during the hang")));
        } finally {
            stack.kafka().resume();
        }
        // Give the broker a moment to write what waited in its sockets, so the retry usually
        // repeats a message that is already out (the case at stake); either way it must post once.
        boolean landed = arrives(bobChat, roomId, "during the hang", Duration.ofSeconds(5));
        log.info("the send answered UNAVAILABLE {} before its retry", landed ? "reached Bob" : "had not reached Bob");

        acks.put("hung", retryUntilAcked(aliceChat, "hung", roomId, "during the hang"));
        acks.put("after", aliceChat.sendAcked("after", roomId, "after the hang"));

        List<String> expected = acks.values().stream().map(Ack::getMessageId).toList();
        assertThat(bobChat.awaitMessage(roomId, "after the hang")).extracting(Message::getId).containsExactlyElementsOf(expected);
        assertThat(aliceChat.awaitMessage(roomId, "after the hang")).extracting(Message::getId).containsExactlyElementsOf(expected);
        assertStoredExactlyOnce(roomId, acks, alice);
    }

    // --- assertions on what was stored --------------------------------------------------------

    /**
     * MongoDB (read directly) and ListMessages both hold exactly the acked messages of the room:
     * one document per client id, with the acked id and seq, and nothing else.
     */
    private static void assertStoredExactlyOnce(String roomId, Map<String, Ack> acks, String readerToken) {
        MongoCollection<Document> messages = mongo.getDatabase(ProductionStack.MONGO_DATABASE).getCollection("messages");
        await().atMost(PATIENCE).until(() -> messages.countDocuments(eq("room_id", roomId)) >= acks.size());

        List<Document> stored = messages.find(eq("room_id", roomId)).into(new ArrayList<>());
        Map<String, List<Document>> byClientId = stored.stream()
                .collect(Collectors.groupingBy(d -> d.getString("client_id"), LinkedHashMap::new, Collectors.toList()));
        assertThat(byClientId.keySet()).containsExactlyInAnyOrderElementsOf(acks.keySet());
        byClientId.forEach((clientId, documents) -> {
            assertThat(documents).as("documents of %s", clientId).hasSize(1);
            assertThat(documents.get(0).getString("_id")).as("id of %s", clientId)
                    .isEqualTo(acks.get(clientId).getMessageId());
            assertThat(documents.get(0).getLong("seq")).as("seq of %s", clientId).isEqualTo(acks.get(clientId).getSeq());
        });

        List<Message> listed = listAll(roomId, readerToken);
        List<Ack> bySeq = acks.values().stream().sorted((a, b) -> Long.compare(a.getSeq(), b.getSeq())).toList();
        assertThat(listed).extracting(Message::getId).containsExactlyElementsOf(bySeq.stream().map(Ack::getMessageId).toList());
        assertThat(listed).extracting(Message::getSeq).containsExactlyElementsOf(bySeq.stream().map(Ack::getSeq).toList());
    }

    /** The room's whole history through message-service, oldest first, page by page. */
    private static List<Message> listAll(String roomId, String token) {
        List<Message> all = new ArrayList<>();
        String pageToken = "";
        do {
            ListMessagesResponse page = as(MessageServiceGrpc.newBlockingStub(channel(Instance.MESSAGE)), token)
                    .listMessages(ListMessagesRequest.newBuilder().setRoomId(roomId)
                            .setDirection(Direction.DIRECTION_FORWARD).setPageSize(50).setPageToken(pageToken).build());
            all.addAll(page.getMessagesList());
            pageToken = page.getMessagesCount() == 0 ? "" : page.getNextPageToken();
        } while (!pageToken.isEmpty());
        return all;
    }

    // --- sending --------------------------------------------------------------------------------

    private static Ack onlyAck(List<ServerEvent> answers) {
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).hasAck()).as("answer %s", answers.get(0)).isTrue();
        return answers.get(0).getAck();
    }

    private static void assertUnavailable(ServerEvent answer) {
        assertThat(answer.hasError()).as("answer %s", answer).isTrue();
        assertThat(answer.getError().getCode()).isEqualTo(Status.Code.UNAVAILABLE.value());
    }

    /** Resends until acked; every earlier answer to the client id must be UNAVAILABLE. */
    private static Ack retryUntilAcked(ChatClient chat, String clientId, String roomId, String text) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                .until(() -> chat.send(clientId, roomId, text).hasAck());
        List<ServerEvent> answers = chat.answers(clientId);
        answers.subList(0, answers.size() - 1).forEach(KafkaProductionPathSystemTest::assertUnavailable);
        return answers.get(answers.size() - 1).getAck();
    }

    private static Message sendUnary(Instance chat, String token, String clientId, String roomId, String text) {
        return as(ChatServiceGrpc.newBlockingStub(channel(chat)), token).sendMessage(SendMessageRequest.newBuilder()
                .setClientId(clientId).setMessage(SendMessageEvent.newBuilder().setRoomId(roomId).setText(text)).build())
                .getMessage();
    }

    private static void awaitAcks(Map<String, Ack> acks, int count, AtomicReference<Throwable> senderFailure) {
        await().atMost(PATIENCE).until(() -> acks.size() >= count || senderFailure.get() != null);
        assertThat(senderFailure.get()).isNull();
    }

    /** Whether a message with this text arrives in the room within {@code limit}; false is no failure. */
    private static boolean arrives(ChatClient chat, String roomId, String text, Duration limit) {
        long giveUpAt = System.nanoTime() + limit.toNanos();
        while (chat.messages(roomId).stream().noneMatch(m -> m.getText().equals(text))) {
            if (System.nanoTime() > giveUpAt) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return true;
    }

    private static <T> T timed(String what, Supplier<T> action) {
        long start = System.nanoTime();
        T result = action.get();
        log.info("{} during the outage answered after {} ms", what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        return result;
    }

    // --- accounts and rooms -------------------------------------------------------------------

    private static String signUpAndLogIn(String username) {
        UserServiceGrpc.UserServiceBlockingStub users = UserServiceGrpc.newBlockingStub(channel(Instance.USER))
                .withDeadlineAfter(15, TimeUnit.SECONDS);
        users.signUp(SignUpRequest.newBuilder().setUsername(username).setPassword(PASSWORD).build());
        return users.logIn(LogInRequest.newBuilder().setUsername(username).setPassword(PASSWORD).build())
                .getTokens().getAccessToken();
    }

    /** Alice creates a public room on chat instance 1; Bob joins it through instance 2. */
    private static String roomOfBoth(String alice, String bob) {
        String roomId = as(RoomServiceGrpc.newBlockingStub(channel(Instance.CHAT_1)), alice)
                .createRoom(CreateRoomRequest.newBuilder().setKind(RoomKind.ROOM_KIND_PUBLIC).setName("general").build())
                .getRoom().getId();
        as(RoomServiceGrpc.newBlockingStub(channel(Instance.CHAT_2)), bob)
                .joinRoom(JoinRoomRequest.newBuilder().setRoomId(roomId).build());
        return roomId;
    }

    private static Predicate<io.chatmesh.proto.signaling.v1.ServerEvent> participantJoined(String participantId) {
        return r -> r.hasParticipantJoined() && r.getParticipantJoined().getParticipant().getParticipantId().equals(participantId);
    }

    private static List<String> ids(List<Message> messages) {
        return messages.stream().map(Message::getId).toList();
    }

    private static ManagedChannel channel(Instance instance) {
        return channels.get(instance);
    }

    private static <S extends AbstractStub<S>> S as(S stub, String token) {
        return stub.withCallCredentials(BearerCallCredentials.of(token)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }
}

package io.chatmesh.launcher;

import static io.chatmesh.launcher.Accounts.as;
import static io.chatmesh.launcher.Accounts.logIn;
import static io.chatmesh.launcher.Accounts.signUpAndLogIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DescriptorProtos;
import io.chatmesh.launcher.Chatmesh.Service;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.MarkReadEvent;
import io.chatmesh.proto.chat.v1.RoomCursor;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.message.v1.Direction;
import io.chatmesh.proto.message.v1.GetMessageRequest;
import io.chatmesh.proto.message.v1.GetUnreadCountsRequest;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.chatmesh.proto.room.internal.v1.CheckMembershipRequest;
import io.chatmesh.proto.room.internal.v1.MembershipServiceGrpc;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.JoinRoomRequest;
import io.chatmesh.proto.room.v1.ListMembersRequest;
import io.chatmesh.proto.room.v1.ListMyRoomsRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.proto.signaling.v1.GetIceServersRequest;
import io.chatmesh.proto.signaling.v1.IceCandidate;
import io.chatmesh.proto.signaling.v1.Join;
import io.chatmesh.proto.signaling.v1.SessionDescription;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.chatmesh.proto.user.v1.GetMeRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole embedded stack over real sockets, driven like a client behind the gateway:
 * every call goes through the edge port, except where a test checks a service's own port.
 */
class ChatmeshSystemTest {

    private static final String SDP_OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private static final String SDP_ANSWER = "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    @TempDir
    Path dataDir;

    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeChannels() {
        channels.forEach(ManagedChannel::shutdownNow);
    }

    @Test
    void twoUsersChatAndCallThroughTheWholeStackAndEverythingSurvivesARestart() {
        Room room;
        List<String> sentIds = new ArrayList<>();
        try (Chatmesh stack = Chatmesh.start(LauncherSettings.forTests(dataDir))) {
            ManagedChannel edge = channel(stack.edgePort());
            assertThat(reflectedServices(edge)).contains(
                    "chatmesh.user.v1.UserService", "chatmesh.room.v1.RoomService", "chatmesh.chat.v1.ChatService",
                    "chatmesh.message.v1.MessageService", "chatmesh.signaling.v1.SignalingService");
            assertThat(reflectedServices(edge)).as("internal services are not on the edge")
                    .noneMatch(service -> service.contains(".internal."));
            assertThat(reflectedServicesV1Alpha(edge)).as("v1alpha, what older grpcurl asks")
                    .containsExactlyInAnyOrderElementsOf(reflectedServices(edge));
            // so that grpcurl and buf curl decode error details instead of printing base64
            for (String errorDetail : List.of("google.rpc.Status", "google.rpc.ErrorInfo", "google.rpc.BadRequest",
                    "google.rpc.RetryInfo")) {
                assertThat(reflectedFileOf(edge, errorDetail)).as("reflection knows %s", errorDetail).isNotEmpty();
            }
            for (String service : List.of("", "chatmesh.chat.v1.ChatService", "chatmesh.user.v1.UserService")) {
                assertThat(HealthGrpc.newBlockingStub(edge).check(HealthCheckRequest.newBuilder().setService(service)
                        .build()).getStatus()).as("health of '%s' at the edge", service)
                        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            }

            // Two users sign up and log in.
            String alice = signUpAndLogIn(edge, "alice");
            String bob = signUpAndLogIn(edge, "bob");
            String carol = signUpAndLogIn(edge, "carol");
            String bobId = as(UserServiceGrpc.newBlockingStub(edge), bob).getMe(GetMeRequest.getDefaultInstance()).getUser().getId();
            assertCode(Status.Code.UNIMPLEMENTED, () -> as(MembershipServiceGrpc.newBlockingStub(edge), bob)
                    .checkMembership(CheckMembershipRequest.newBuilder().setRoomId(Ids.newId()).setUserId(bobId).build()));

            // Alice creates a room, Bob joins it.
            room = as(RoomServiceGrpc.newBlockingStub(edge), alice).createRoom(CreateRoomRequest.newBuilder()
                    .setKind(RoomKind.ROOM_KIND_PUBLIC).setName("general").build()).getRoom();
            as(RoomServiceGrpc.newBlockingStub(edge), bob).joinRoom(JoinRoomRequest.newBuilder().setRoomId(room.getId()).build());

            // Both connect chat streams; Alice from two devices.
            Chat alicePhone = Chat.connect(edge, alice, "alice-phone");
            Chat aliceLaptop = Chat.connect(edge, alice, "alice-laptop");
            Chat bobPhone = Chat.connect(edge, bob, "bob-phone");

            // Alice sends; Bob and Alice's other device receive it live; Alice gets an ack.
            ServerEvent ack = alicePhone.send("a-1", room.getId(), "hello bob");
            sentIds.add(ack.getAck().getMessageId());
            Message toBob = bobPhone.awaitMessage("hello bob");
            assertThat(toBob.getSenderId()).isNotEqualTo(bobId);
            assertThat(toBob.getClientId()).as("alice's idempotency key is hers").isEmpty();
            Message toAliceLaptop = aliceLaptop.awaitMessage("hello bob");
            assertThat(toAliceLaptop.getSeq()).isEqualTo(ack.getAck().getSeq());
            assertThat(toAliceLaptop.getClientId()).isEqualTo("a-1");

            // Bob goes away; Alice sends two more.
            bobPhone.disconnect();
            ServerEvent second = alicePhone.send("a-2", room.getId(), "are you there?");
            sentIds.add(second.getAck().getMessageId());
            sentIds.add(alicePhone.send("a-3", room.getId(), "call me").getAck().getMessageId());

            // Bob reads what he missed with ListMessages, in order, after his cursor.
            List<Message> missed = as(MessageServiceGrpc.newBlockingStub(edge), bob).listMessages(ListMessagesRequest.newBuilder()
                    .setRoomId(room.getId()).setDirection(Direction.DIRECTION_FORWARD).setFromSeq(ack.getAck().getSeq()).build())
                    .getMessagesList();
            assertThat(missed).extracting(Message::getText).containsExactly("are you there?", "call me");
            // one precision everywhere: the stored time is the acked time, to the millisecond
            assertThat(missed.get(0).getCreateTime()).isEqualTo(second.getAck().getServerTime());
            assertThat(missed.get(0).getCreateTime().getNanos() % 1_000_000).isZero();

            // Bob reconnects with his cursor: the stream replays the two, then goes live, no gap, no duplicate.
            Chat bobAgain = Chat.connect(edge, bob, "bob-phone", RoomCursor.newBuilder()
                    .setRoomId(room.getId()).setSeq(ack.getAck().getSeq()).build());
            alicePhone.send("a-4", room.getId(), "ok, live again");
            bobAgain.awaitMessage("ok, live again");
            assertThat(bobAgain.messages()).extracting(Message::getText)
                    .containsExactly("are you there?", "call me", "ok, live again");

            // Resending a client id posts nothing new and returns the first ack.
            ServerEvent again = alicePhone.send("a-4", room.getId(), "ok, live again");
            assertThat(again.getAck().getSeq()).isEqualTo(bobAgain.messages().get(2).getSeq());

            // Bob marks the room read past its newest message: message-service (the markers' one
            // writer) stops the marker at the newest, and Alice sees the receipt.
            long newest = again.getAck().getSeq();
            assertThat(bobAgain.markRead("r-1", room.getId(), newest + 1000).getAck().getSeq()).isEqualTo(newest);
            assertThat(alicePhone.events.awaitFirst(ServerEvent::hasReceiptUpdated).getReceiptUpdated().getLastReadSeq())
                    .isEqualTo(newest);
            assertThat(as(MessageServiceGrpc.newBlockingStub(edge), bob).getUnreadCounts(GetUnreadCountsRequest
                    .newBuilder().addRoomIds(room.getId()).build()).getRooms(0).getLastReadSeq()).isEqualTo(newest);

            // Alice and Bob exchange offer, answer and ICE candidates through signaling.
            Signal aliceCall = Signal.join(edge, alice, room.getId());
            String alicePid = aliceCall.joined().getParticipantId();
            Signal bobCall = Signal.join(edge, bob, room.getId());
            assertThat(bobCall.joined().getParticipantsList()).extracting(p -> p.getParticipantId()).containsExactly(alicePid);
            String bobPid = bobCall.joined().getParticipantId();
            aliceCall.events.awaitFirst(r -> r.hasParticipantJoined() && r.getParticipantJoined().getParticipant().getParticipantId().equals(bobPid));

            bobCall.send(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setOffer(SessionDescription.newBuilder().setParticipantId(alicePid).setSdp(SDP_OFFER)).build());
            SessionDescription offer = aliceCall.events.awaitFirst(io.chatmesh.proto.signaling.v1.ServerEvent::hasOffer).getOffer();
            assertThat(offer.getParticipantId()).isEqualTo(bobPid);
            assertThat(offer.getSdp()).isEqualTo(SDP_OFFER);
            aliceCall.send(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setAnswer(SessionDescription.newBuilder().setParticipantId(bobPid).setSdp(SDP_ANSWER)).build());
            assertThat(bobCall.events.awaitFirst(io.chatmesh.proto.signaling.v1.ServerEvent::hasAnswer).getAnswer().getParticipantId()).isEqualTo(alicePid);
            aliceCall.send(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setIceCandidate(IceCandidate.newBuilder().setParticipantId(bobPid)
                    .setCandidate("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host").setSdpMid("0")).build());
            bobCall.send(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setIceCandidate(IceCandidate.newBuilder().setParticipantId(alicePid)
                    .setCandidate("candidate:2 1 udp 2122260223 127.0.0.1 50001 typ host").setSdpMid("0")).build());
            assertThat(bobCall.events.awaitFirst(io.chatmesh.proto.signaling.v1.ServerEvent::hasIceCandidate).getIceCandidate().getParticipantId()).isEqualTo(alicePid);
            assertThat(aliceCall.events.awaitFirst(io.chatmesh.proto.signaling.v1.ServerEvent::hasIceCandidate).getIceCandidate().getParticipantId()).isEqualTo(bobPid);

            // Carol, not a member, is denied everywhere and sees nothing of the room.
            Chat carolChat = Chat.connect(edge, carol, "carol-phone");
            ServerEvent carolSend = carolChat.sendExpectingError("c-1", room.getId(), "let me in");
            assertThat(carolSend.getError().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED.value());
            assertCode(Status.Code.PERMISSION_DENIED, () -> as(ChatServiceGrpc.newBlockingStub(edge), carol)
                    .sendMessage(SendMessageRequest.newBuilder().setClientId("c-2").setMessage(SendMessageEvent.newBuilder()
                            .setRoomId(room.getId()).setText("let me in")).build()));
            assertCode(Status.Code.PERMISSION_DENIED, () -> as(MessageServiceGrpc.newBlockingStub(edge), carol)
                    .listMessages(ListMessagesRequest.newBuilder().setRoomId(room.getId()).build()));
            assertCode(Status.Code.PERMISSION_DENIED, () -> as(MessageServiceGrpc.newBlockingStub(edge), carol)
                    .getMessage(GetMessageRequest.newBuilder().setMessageId(sentIds.get(0)).build()));
            assertCode(Status.Code.PERMISSION_DENIED, () -> as(RoomServiceGrpc.newBlockingStub(edge), carol)
                    .listMembers(ListMembersRequest.newBuilder().setRoomId(room.getId()).build()));
            Signal carolCall = Signal.start(edge, carol);
            carolCall.send(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setClientId("j-1").setJoin(Join.newBuilder().setRoomId(room.getId())).build());
            assertThat(carolCall.events.awaitFirst(io.chatmesh.proto.signaling.v1.ServerEvent::hasError).getError().getCode())
                    .isEqualTo(Status.Code.PERMISSION_DENIED.value());
            alicePhone.send("a-5", room.getId(), "only for members");
            bobAgain.awaitMessage("only for members");
            assertThat(carolChat.messages()).isEmpty();
            assertThat(aliceCall.events.all(io.chatmesh.proto.signaling.v1.ServerEvent::hasParticipantJoined)).hasSize(1);

            // A bad token is UNAUTHENTICATED on every service's own port, not only at the edge.
            String forged = alice.substring(0, alice.length() - 4) + "AAAA";
            assertCode(Status.Code.UNAUTHENTICATED, () -> as(UserServiceGrpc.newBlockingStub(channel(stack.port(Service.USER))), forged)
                    .getMe(GetMeRequest.getDefaultInstance()));
            assertCode(Status.Code.UNAUTHENTICATED, () -> as(RoomServiceGrpc.newBlockingStub(channel(stack.port(Service.CHAT))), forged)
                    .listMyRooms(ListMyRoomsRequest.getDefaultInstance()));
            assertCode(Status.Code.UNAUTHENTICATED, () -> as(MessageServiceGrpc.newBlockingStub(channel(stack.port(Service.MESSAGE))), forged)
                    .listMessages(ListMessagesRequest.newBuilder().setRoomId(room.getId()).build()));
            assertCode(Status.Code.UNAUTHENTICATED, () -> as(SignalingServiceGrpc.newBlockingStub(channel(stack.port(Service.SIGNALING))), forged)
                    .getIceServers(GetIceServersRequest.getDefaultInstance()));
            assertCode(Status.Code.UNAUTHENTICATED, () -> as(RoomServiceGrpc.newBlockingStub(edge), "not-a-token")
                    .listMyRooms(ListMyRoomsRequest.getDefaultInstance()));
            sentIds.add(bobAgain.messages().get(2).getId());
            sentIds.add(bobAgain.messages().get(3).getId());
        }

        // A second start on the same data directory keeps accounts, rooms and messages.
        try (Chatmesh restarted = Chatmesh.start(LauncherSettings.forTests(dataDir))) {
            ManagedChannel edge = channel(restarted.edgePort());
            String alice = logIn(edge, "alice");
            assertThat(as(RoomServiceGrpc.newBlockingStub(edge), alice).listMyRooms(ListMyRoomsRequest.getDefaultInstance())
                    .getRoomsList()).extracting(Room::getId).containsExactly(room.getId());
            List<Message> history = as(MessageServiceGrpc.newBlockingStub(edge), alice).listMessages(ListMessagesRequest.newBuilder()
                    .setRoomId(room.getId()).setDirection(Direction.DIRECTION_FORWARD).build()).getMessagesList();
            assertThat(history).extracting(Message::getId).containsExactlyElementsOf(sentIds);
        }
    }

    private ManagedChannel channel(int port) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        channels.add(channel);
        return channel;
    }

    private static void assertCode(Status.Code code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
    }

    private static List<String> reflectedServices(ManagedChannel channel) {
        StreamRecorder<ServerReflectionResponse> responses = new StreamRecorder<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(responses);
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        return responses.awaitFirst(ServerReflectionResponse::hasListServicesResponse)
                .getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName).toList();
    }

    /** v1alpha: what older grpcurl releases ask for. */
    private static List<String> reflectedServicesV1Alpha(ManagedChannel channel) {
        StreamRecorder<io.grpc.reflection.v1alpha.ServerReflectionResponse> responses = new StreamRecorder<>();
        StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests =
                io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel).serverReflectionInfo(responses);
        requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        return responses.awaitFirst(io.grpc.reflection.v1alpha.ServerReflectionResponse::hasListServicesResponse)
                .getListServicesResponse().getServiceList().stream()
                .map(io.grpc.reflection.v1alpha.ServiceResponse::getName).toList();
    }

    /** The name of the file server reflection says defines {@code symbol}; empty when it knows none. */
    private static String reflectedFileOf(ManagedChannel channel, String symbol) {
        StreamRecorder<ServerReflectionResponse> responses = new StreamRecorder<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(responses);
        requests.onNext(ServerReflectionRequest.newBuilder().setFileContainingSymbol(symbol).build());
        requests.onCompleted();
        ServerReflectionResponse response = responses.awaitFirst(r -> true);
        if (!response.hasFileDescriptorResponse()) {
            return "";
        }
        try {
            return DescriptorProtos.FileDescriptorProto.parseFrom(
                    response.getFileDescriptorResponse().getFileDescriptorProto(0)).getName();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    /** One chat stream. */
    private record Chat(StreamObserver<ClientEvent> out, StreamRecorder<ServerEvent> events) {

        static Chat connect(ManagedChannel channel, String token, String device, RoomCursor... resumeFrom) {
            StreamRecorder<ServerEvent> events = new StreamRecorder<>();
            StreamObserver<ClientEvent> out = ChatServiceGrpc.newStub(channel)
                    .withCallCredentials(BearerCallCredentials.of(token)).connect(events);
            out.onNext(ClientEvent.newBuilder().setHello(Hello.newBuilder().setDeviceId(device)
                    .addAllResumeFrom(List.of(resumeFrom))).build());
            events.awaitFirst(ServerEvent::hasReady);
            return new Chat(out, events);
        }

        ServerEvent send(String clientId, String roomId, String text) {
            out.onNext(sendEvent(clientId, roomId, text));
            ServerEvent answer = events.awaitFirst(e -> (e.hasAck() && e.getAck().getClientId().equals(clientId))
                    || (e.hasError() && e.getError().getClientId().equals(clientId)));
            assertThat(answer.hasAck()).as("ack for %s: %s", clientId, answer).isTrue();
            // The last ack for this client id (a resend is answered again).
            List<ServerEvent> acks = events.all(e -> e.hasAck() && e.getAck().getClientId().equals(clientId));
            return acks.get(acks.size() - 1);
        }

        ServerEvent markRead(String clientId, String roomId, long seq) {
            out.onNext(ClientEvent.newBuilder().setClientId(clientId)
                    .setMarkRead(MarkReadEvent.newBuilder().setRoomId(roomId).setSeq(seq)).build());
            return events.awaitFirst(e -> (e.hasAck() || e.hasError())
                    && (e.hasAck() ? e.getAck().getClientId() : e.getError().getClientId()).equals(clientId));
        }

        ServerEvent sendExpectingError(String clientId, String roomId, String text) {
            out.onNext(sendEvent(clientId, roomId, text));
            return events.awaitFirst(e -> e.hasError() && e.getError().getClientId().equals(clientId));
        }

        private static ClientEvent sendEvent(String clientId, String roomId, String text) {
            return ClientEvent.newBuilder().setClientId(clientId)
                    .setSend(SendMessageEvent.newBuilder().setRoomId(roomId).setText(text)).build();
        }

        Message awaitMessage(String text) {
            return events.awaitFirst(e -> e.hasMessageCreated() && e.getMessageCreated().getMessage().getText().equals(text))
                    .getMessageCreated().getMessage();
        }

        List<Message> messages() {
            return events.all(ServerEvent::hasMessageCreated).stream().map(e -> e.getMessageCreated().getMessage()).toList();
        }

        void disconnect() {
            out.onCompleted();
            events.awaitEnd();
        }
    }

    /** One signaling stream. */
    private record Signal(StreamObserver<io.chatmesh.proto.signaling.v1.ClientEvent> out, StreamRecorder<io.chatmesh.proto.signaling.v1.ServerEvent> events) {

        static Signal start(ManagedChannel channel, String token) {
            StreamRecorder<io.chatmesh.proto.signaling.v1.ServerEvent> events = new StreamRecorder<>();
            StreamObserver<io.chatmesh.proto.signaling.v1.ClientEvent> out = SignalingServiceGrpc.newStub(channel)
                    .withCallCredentials(BearerCallCredentials.of(token)).connect(events);
            return new Signal(out, events);
        }

        static Signal join(ManagedChannel channel, String token, String roomId) {
            Signal signal = start(channel, token);
            signal.send(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setClientId("join").setJoin(Join.newBuilder().setRoomId(roomId)).build());
            signal.events.awaitFirst(io.chatmesh.proto.signaling.v1.ServerEvent::hasJoined);
            return signal;
        }

        io.chatmesh.proto.signaling.v1.Joined joined() {
            return events.awaitFirst(io.chatmesh.proto.signaling.v1.ServerEvent::hasJoined).getJoined();
        }

        void send(io.chatmesh.proto.signaling.v1.ClientEvent request) {
            synchronized (this) {
                out.onNext(request);
            }
        }
    }
}

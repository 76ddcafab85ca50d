package io.chatmesh.launcher;

import static io.chatmesh.launcher.Accounts.as;
import static io.chatmesh.launcher.Accounts.signUpAndLogIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatmesh.platform.grpc.MalformedRequests;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.RoomCursor;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.JoinRoomRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.proto.signaling.v1.Join;
import io.chatmesh.proto.signaling.v1.SessionDescription;
import io.chatmesh.testkit.WebSocketTestClient;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The two streams over WebSocket through the edge, as a browser uses them: the token in the
 * first envelope, one protobuf envelope per binary frame, the same rules as over gRPC, and the
 * end of the stream as the close code.
 */
class WebSocketBridgeTest {

    @RegisterExtension
    static final LaunchedStack STACK = new LaunchedStack();

    private static final byte[] GARBAGE = {0x0A, 0x05, 0x01};

    private static String alice;
    private static String bob;
    private static Room room;

    @BeforeAll
    static void start() {
        alice = signUpAndLogIn(STACK.edge(), "alice");
        bob = signUpAndLogIn(STACK.edge(), "bob");
        room = as(RoomServiceGrpc.newBlockingStub(STACK.edge()), alice).createRoom(CreateRoomRequest.newBuilder()
                .setKind(RoomKind.ROOM_KIND_PUBLIC).setName("web").build()).getRoom();
        as(RoomServiceGrpc.newBlockingStub(STACK.edge()), bob).joinRoom(JoinRoomRequest.newBuilder().setRoomId(room.getId()).build());
    }

    @Test
    void chatsLiveAndResumesAfterTheNetworkDroppedWithNoGapAndNoDuplicate() {
        long lastSeq;
        try (WebSocketTestClient<ServerEvent> socket = chat()) {
            socket.send(hello(alice));
            assertThat(socket.next().hasReady()).isTrue();

            bobSays("one");
            Message one = socket.next(ServerEvent::hasMessageCreated).getMessageCreated().getMessage();
            assertThat(one.getText()).isEqualTo("one");

            socket.send(ClientEvent.newBuilder().setClientId("a-1").setSend(SendMessageEvent.newBuilder()
                    .setRoomId(room.getId()).setText("from the browser")).build());
            // the Ack and the message itself (the sender gets its own messages too), in either order;
            // presence changes (one's own sessions included) may come in between
            List<ServerEvent> answers = List.of(socket.next(WebSocketBridgeTest::ackOrMessage),
                    socket.next(WebSocketBridgeTest::ackOrMessage));
            assertThat(answers).filteredOn(ServerEvent::hasMessageCreated).singleElement()
                    .satisfies(own -> assertThat(own.getMessageCreated().getMessage().getClientId()).isEqualTo("a-1"));
            lastSeq = answers.stream().filter(ServerEvent::hasAck).findFirst().orElseThrow().getAck().getSeq();
            assertThat(lastSeq).isEqualTo(one.getSeq() + 1);
            socket.drop();
        }

        bobSays("two");
        bobSays("three");

        try (WebSocketTestClient<ServerEvent> socket = chat()) {
            socket.send(hello(alice).toBuilder().setHello(hello(alice).getHello().toBuilder()
                    .addResumeFrom(RoomCursor.newBuilder().setRoomId(room.getId()).setSeq(lastSeq))).build());
            assertThat(socket.next().hasReady()).isTrue();
            bobSays("four");
            List<String> texts = List.of(text(socket), text(socket), text(socket));
            assertThat(texts).containsExactly("two", "three", "four");
        }
    }

    @Test
    void aGarbageFrameGetsAnErrorEnvelopeAndTooManyCloseTheSocketWithPolicyViolation() {
        try (WebSocketTestClient<ServerEvent> socket = chat()) {
            socket.send(hello(alice));
            socket.next(ServerEvent::hasReady);

            socket.sendRaw(GARBAGE);
            // room events and presence changes may arrive at any time; the answer is the error
            ServerEvent answer = socket.next(ServerEvent::hasError);
            assertThat(answer.getError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
            assertThat(answer.getError().getClientId()).isEmpty();

            for (int i = 1; i <= MalformedRequests.STREAM_FRAMES_MAX; i++) {
                socket.sendRaw(GARBAGE);
            }
            assertThat(socket.awaitClosed().code()).isEqualTo(1008);
        }
        // nobody else noticed
        try (WebSocketTestClient<ServerEvent> socket = chat()) {
            socket.send(hello(bob));
            assertThat(socket.next().hasReady()).isTrue();
        }
    }

    @Test
    void aBrowserClosingItsSocketEndsTheStreamQuietly() {
        try (ErrorLogRecorder errors = ErrorLogRecorder.attachToRoot()) {
            WebSocketTestClient<ServerEvent> socket = chat();
            socket.send(hello(alice));
            socket.next(ServerEvent::hasReady);
            socket.close(); // a close frame, then the end of the frames: one half-close, not two

            assertThat(socket.awaitClosed().code()).isEqualTo(1000);
            assertThat(errors.lines()).isEmpty();
        }
    }

    @Test
    void aBadTokenIsToldInBandThenClosedAsUnauthenticated() {
        try (WebSocketTestClient<ServerEvent> socket = chat()) {
            socket.send(ClientEvent.newBuilder().setHello(Hello.newBuilder().setAccessToken("not-a-token")).build());
            assertThat(socket.next().getError().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED.value());
            WebSocketTestClient.Closed closed = socket.awaitClosed();
            assertThat(closed.code()).isEqualTo(4000 + Status.Code.UNAUTHENTICATED.value());
            assertThat(closed.reason()).startsWith("UNAUTHENTICATED");
        }
    }

    @Test
    void aPageFromAnotherOriginCannotOpenASocket() {
        assertThatThrownBy(() -> WebSocketTestClient.open(STACK.edgePort(), "/ws/chat", "http://evil.example",
                ServerEvent.parser())).isNotNull();
    }

    @Test
    void twoBrowsersSignalEachOther() {
        try (WebSocketTestClient<io.chatmesh.proto.signaling.v1.ServerEvent> aliceCall = signaling();
                WebSocketTestClient<io.chatmesh.proto.signaling.v1.ServerEvent> bobCall = signaling()) {
            aliceCall.send(join(alice));
            String aliceId = aliceCall.next().getJoined().getParticipantId();
            bobCall.send(join(bob));
            assertThat(bobCall.next().getJoined().getParticipantsList()).singleElement()
                    .satisfies(participant -> assertThat(participant.getParticipantId()).isEqualTo(aliceId));
            String bobId = aliceCall.next(e -> e.hasParticipantJoined()).getParticipantJoined().getParticipant()
                    .getParticipantId();

            String sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
            aliceCall.send(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setClientId("o-1")
                    .setOffer(SessionDescription.newBuilder().setParticipantId(bobId).setSdp(sdp)).build());
            SessionDescription offer = bobCall.next(e -> e.hasOffer()).getOffer();
            assertThat(offer.getParticipantId()).isEqualTo(aliceId);
            assertThat(offer.getSdp()).isEqualTo(sdp);
        }
    }

    private static WebSocketTestClient<ServerEvent> chat() {
        return WebSocketTestClient.open(STACK.edgePort(), "/ws/chat", null, ServerEvent.parser());
    }

    private static WebSocketTestClient<io.chatmesh.proto.signaling.v1.ServerEvent> signaling() {
        return WebSocketTestClient.open(STACK.edgePort(), "/ws/signaling", null,
                io.chatmesh.proto.signaling.v1.ServerEvent.parser());
    }

    private static ClientEvent hello(String token) {
        return ClientEvent.newBuilder().setHello(Hello.newBuilder().setAccessToken(token).setDeviceId("browser")).build();
    }

    private static io.chatmesh.proto.signaling.v1.ClientEvent join(String token) {
        return io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setClientId("join")
                .setJoin(Join.newBuilder().setRoomId(room.getId()).setAccessToken(token)).build();
    }

    private static void bobSays(String text) {
        as(ChatServiceGrpc.newBlockingStub(STACK.edge()), bob).sendMessage(SendMessageRequest.newBuilder().setClientId(Ids.newId())
                .setMessage(SendMessageEvent.newBuilder().setRoomId(room.getId()).setText(text)).build());
    }

    private static boolean ackOrMessage(ServerEvent event) {
        return event.hasAck() || event.hasMessageCreated();
    }

    private static String text(WebSocketTestClient<ServerEvent> socket) {
        return socket.next(ServerEvent::hasMessageCreated).getMessageCreated().getMessage().getText();
    }
}

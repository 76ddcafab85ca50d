package io.chatmesh.launcher;

import static io.chatmesh.launcher.Accounts.as;
import static io.chatmesh.launcher.Accounts.signUpAndLogIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.message.v1.GetMessageRequest;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.proto.message.v1.ListThreadRequest;
import io.chatmesh.proto.message.v1.MarkReadRequest;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.chatmesh.proto.message.v1.SearchMessagesRequest;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.GetRoomRequest;
import io.chatmesh.proto.room.v1.InviteMemberRequest;
import io.chatmesh.proto.room.v1.JoinRoomRequest;
import io.chatmesh.proto.room.v1.ListMembersRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.proto.room.v1.UpdateRoomRequest;
import io.chatmesh.proto.signaling.v1.Join;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.chatmesh.proto.user.v1.GetMeRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The one rule for rooms (docs/api.md, "Who may see a room"), asked of every service through
 * the edge: a room that is not PUBLIC does not exist for a non-member — every call answers
 * exactly as for an unknown id — and a PUBLIC room not joined is PERMISSION_DENIED.
 */
class RoomVisibilityTest {

    @RegisterExtension
    static final LaunchedStack STACK = new LaunchedStack();

    private static String alice;
    private static String outsider;
    private static String carolId;

    @BeforeAll
    static void start() {
        alice = signUpAndLogIn(STACK.edge(), "alice");
        outsider = signUpAndLogIn(STACK.edge(), "mallory");
        carolId = as(UserServiceGrpc.newBlockingStub(STACK.edge()), signUpAndLogIn(STACK.edge(), "carol"))
                .getMe(GetMeRequest.getDefaultInstance()).getUser().getId();
    }

    @Test
    void aRoomOnlyItsMembersMaySeeAnswersExactlyAsAnUnknownOne() {
        for (RoomKind kind : new RoomKind[] {RoomKind.ROOM_KIND_PRIVATE, RoomKind.ROOM_KIND_GROUP}) {
            Room hidden = createRoom(kind);
            String messageId = sendAsAlice(hidden);
            Map<String, Status.Code> hiddenRoom = outsiderCalls(hidden.getId(), messageId);
            Map<String, Status.Code> unknownRoom = outsiderCalls(Ids.newId(), Ids.newId());

            assertThat(hiddenRoom).as("%s room", kind).isEqualTo(unknownRoom)
                    .allSatisfy((call, code) -> assertThat(code).as(call).isEqualTo(Status.Code.NOT_FOUND));
            // and the refusals changed nothing
            assertThat(as(RoomServiceGrpc.newBlockingStub(STACK.edge()), alice).listMembers(ListMembersRequest.newBuilder()
                    .setRoomId(hidden.getId()).build()).getMembersCount()).isEqualTo(1);
            await().atMost(StreamRecorder.PATIENCE).untilAsserted(() -> assertThat(as(MessageServiceGrpc.newBlockingStub(STACK.edge()),
                    alice).listMessages(ListMessagesRequest.newBuilder().setRoomId(hidden.getId()).build()).getMessagesList())
                    .singleElement().satisfies(message -> assertThat(message.getId()).isEqualTo(messageId)));
        }
    }

    @Test
    void aPublicRoomNotJoinedIsVisibleButMembersOnly() {
        Room open = createRoom(RoomKind.ROOM_KIND_PUBLIC);
        String messageId = sendAsAlice(open);

        Map<String, Status.Code> calls = outsiderCalls(open.getId(), messageId);

        assertThat(calls).containsEntry("GetRoom", Status.Code.OK)
                .containsEntry("JoinRoom", Status.Code.OK); // the last call: it makes the outsider a member
        calls.remove("GetRoom");
        calls.remove("JoinRoom");
        assertThat(calls).allSatisfy((call, code) -> assertThat(code).as(call).isEqualTo(Status.Code.PERMISSION_DENIED));
    }

    /** What the outsider gets from each call naming the room (and a message of it); JoinRoom goes last. */
    private static Map<String, Status.Code> outsiderCalls(String roomId, String messageId) {
        Map<String, Status.Code> codes = new LinkedHashMap<>();
        RoomServiceGrpc.RoomServiceBlockingStub rooms = as(RoomServiceGrpc.newBlockingStub(STACK.edge()), outsider);
        MessageServiceGrpc.MessageServiceBlockingStub messages = as(MessageServiceGrpc.newBlockingStub(STACK.edge()), outsider);
        codes.put("GetRoom", code(() -> rooms.getRoom(GetRoomRequest.newBuilder().setRoomId(roomId).build())));
        codes.put("ListMembers", code(() -> rooms.listMembers(ListMembersRequest.newBuilder().setRoomId(roomId).build())));
        codes.put("InviteMember", code(() -> rooms.inviteMember(InviteMemberRequest.newBuilder()
                .setRoomId(roomId).setUserId(carolId).build())));
        codes.put("UpdateRoom", code(() -> rooms.updateRoom(UpdateRoomRequest.newBuilder()
                .setRoomId(roomId).setName("mine now").build())));
        codes.put("SendMessage", code(() -> as(ChatServiceGrpc.newBlockingStub(STACK.edge()), outsider)
                .sendMessage(SendMessageRequest.newBuilder().setClientId(Ids.newId()).setMessage(
                        SendMessageEvent.newBuilder().setRoomId(roomId).setText("hi")).build())));
        codes.put("ListMessages", code(() -> messages.listMessages(ListMessagesRequest.newBuilder().setRoomId(roomId).build())));
        codes.put("GetMessage", code(() -> messages.getMessage(GetMessageRequest.newBuilder().setMessageId(messageId).build())));
        codes.put("MarkRead", code(() -> messages.markRead(MarkReadRequest.newBuilder().setRoomId(roomId).setSeq(1).build())));
        codes.put("ListThread", code(() -> messages.listThread(ListThreadRequest.newBuilder().setThreadRootId(messageId).build())));
        codes.put("SearchMessages", code(() -> messages.searchMessages(SearchMessagesRequest.newBuilder()
                .setRoomId(roomId).setQuery("members").build())));
        codes.put("chat stream send", chatStreamSend(roomId));
        codes.put("signaling Join", signalingJoin(roomId));
        codes.put("JoinRoom", code(() -> rooms.joinRoom(JoinRoomRequest.newBuilder().setRoomId(roomId).build())));
        return codes;
    }

    private static Status.Code chatStreamSend(String roomId) {
        StreamRecorder<ServerEvent> events = new StreamRecorder<>();
        StreamObserver<ClientEvent> out = ChatServiceGrpc.newStub(STACK.edge())
                .withCallCredentials(BearerCallCredentials.of(outsider)).connect(events);
        out.onNext(ClientEvent.newBuilder().setHello(Hello.getDefaultInstance()).build());
        out.onNext(ClientEvent.newBuilder().setClientId("s").setSend(SendMessageEvent.newBuilder()
                .setRoomId(roomId).setText("hi")).build());
        ServerEvent answer = events.awaitFirst(e -> e.hasAck() || e.hasError());
        out.onCompleted();
        return answer.hasAck() ? Status.Code.OK : Status.fromCodeValue(answer.getError().getCode()).getCode();
    }

    private static Status.Code signalingJoin(String roomId) {
        StreamRecorder<io.chatmesh.proto.signaling.v1.ServerEvent> events = new StreamRecorder<>();
        StreamObserver<io.chatmesh.proto.signaling.v1.ClientEvent> out = SignalingServiceGrpc.newStub(STACK.edge())
                .withCallCredentials(BearerCallCredentials.of(outsider)).connect(events);
        out.onNext(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setClientId("j")
                .setJoin(Join.newBuilder().setRoomId(roomId)).build());
        io.chatmesh.proto.signaling.v1.ServerEvent answer = events.awaitFirst(e -> e.hasJoined() || e.hasError());
        out.onCompleted();
        return answer.hasJoined() ? Status.Code.OK : Status.fromCodeValue(answer.getError().getCode()).getCode();
    }

    private static Room createRoom(RoomKind kind) {
        return as(RoomServiceGrpc.newBlockingStub(STACK.edge()), alice).createRoom(CreateRoomRequest.newBuilder()
                .setKind(kind).setName("room " + kind).build()).getRoom();
    }

    private static String sendAsAlice(Room room) {
        return as(ChatServiceGrpc.newBlockingStub(STACK.edge()), alice).sendMessage(SendMessageRequest.newBuilder()
                .setClientId(Ids.newId()).setMessage(SendMessageEvent.newBuilder().setRoomId(room.getId())
                        .setText("only for members")).build()).getMessage().getId();
    }

    private static Status.Code code(Runnable call) {
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, call::run);
        return refused == null ? Status.Code.OK : refused.getStatus().getCode();
    }
}

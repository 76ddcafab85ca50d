package io.chatmesh.launcher;

import static io.chatmesh.launcher.Accounts.as;
import static io.chatmesh.launcher.Accounts.signUpAndLogIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.rpc.BadRequest;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.common.v1.FieldViolation;
import io.chatmesh.proto.message.v1.GetUnreadCountsRequest;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.proto.message.v1.ListThreadRequest;
import io.chatmesh.proto.message.v1.MarkReadRequest;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.chatmesh.proto.message.v1.RoomUnread;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.JoinRoomRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.proto.user.v1.GetMeRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Mentions, mention counts and live thread replies through the whole embedded stack over real
 * gRPC: who may be mentioned and by whom, what history, the live stream and GetUnreadCounts
 * show, and what a refused send leaves (nothing).
 */
class MentionsSystemTest {

    @RegisterExtension
    static final LaunchedStack STACK = new LaunchedStack();

    /** alice owns a PUBLIC room, bob joined it, carol is not in it. */
    private record Scene(String alice, String bob, String carol, String aliceId, String bobId, String carolId,
            Room room) {}

    private static Scene scene() {
        String suffix = Ids.newId().substring(20).toLowerCase();
        String alice = signUpAndLogIn(STACK.edge(), "alice" + suffix);
        String bob = signUpAndLogIn(STACK.edge(), "bob" + suffix);
        String carol = signUpAndLogIn(STACK.edge(), "carol" + suffix);
        Room room = as(RoomServiceGrpc.newBlockingStub(STACK.edge()), alice).createRoom(CreateRoomRequest.newBuilder()
                .setKind(RoomKind.ROOM_KIND_PUBLIC).setName("mentions " + suffix).build()).getRoom();
        as(RoomServiceGrpc.newBlockingStub(STACK.edge()), bob).joinRoom(JoinRoomRequest.newBuilder().setRoomId(room.getId()).build());
        return new Scene(alice, bob, carol, userId(alice), userId(bob), userId(carol), room);
    }

    @Test
    void mentionsReachHistoryTheLiveStreamAndTheMentionedUsersCounts() {
        Scene s = scene();
        StreamRecorder<ServerEvent> bobEvents = new StreamRecorder<>();
        StreamObserver<ClientEvent> bobStream = STACK.connectChat(s.bob(), bobEvents);

        Message toBob = send(s.alice(), SendMessageEvent.newBuilder().setRoomId(s.room().getId())
                .setText("@bob look").addMentionedUserIds(s.bobId()));
        Message toRoom = send(s.alice(), SendMessageEvent.newBuilder().setRoomId(s.room().getId())
                .setText("@room lunch").setMentionRoom(true));
        send(s.alice(), SendMessageEvent.newBuilder().setRoomId(s.room().getId()).setText("no mention"));

        assertThat(toBob.getMentionedUserIdsList()).containsExactly(s.bobId());
        Message live = bobEvents.awaitFirst(e -> e.hasMessageCreated()
                && e.getMessageCreated().getMessage().getId().equals(toBob.getId())).getMessageCreated().getMessage();
        assertThat(live.getMentionedUserIdsList()).containsExactly(s.bobId());
        assertThat(bobEvents.awaitFirst(e -> e.hasMessageCreated()
                && e.getMessageCreated().getMessage().getId().equals(toRoom.getId()))
                .getMessageCreated().getMessage().getMentionRoom()).isTrue();

        MessageServiceGrpc.MessageServiceBlockingStub bobMessages = as(MessageServiceGrpc.newBlockingStub(STACK.edge()), s.bob());
        await().atMost(StreamRecorder.PATIENCE).untilAsserted(() -> assertThat(unread(bobMessages, s.room()))
                .extracting(RoomUnread::getUnreadCount, RoomUnread::getMentionCount).containsExactly(3L, 2L));
        assertThat(bobMessages.listMessages(ListMessagesRequest.newBuilder().setRoomId(s.room().getId()).build())
                .getMessagesList()).extracting(Message::getMentionedUserIdsList, Message::getMentionRoom)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(List.of(), false),
                        org.assertj.core.groups.Tuple.tuple(List.of(), true),
                        org.assertj.core.groups.Tuple.tuple(List.of(s.bobId()), false));
        // the sender's own mention of the room is not a mention of her
        assertThat(unread(as(MessageServiceGrpc.newBlockingStub(STACK.edge()), s.alice()), s.room()).getMentionCount()).isZero();

        bobMessages.markRead(MarkReadRequest.newBuilder().setRoomId(s.room().getId()).setSeq(toRoom.getSeq()).build());
        assertThat(unread(bobMessages, s.room()))
                .extracting(RoomUnread::getUnreadCount, RoomUnread::getMentionCount).containsExactly(1L, 0L);
        bobStream.onCompleted();
    }

    @Test
    void refusedMentionsPostNothing() {
        Scene s = scene();
        String roomId = s.room().getId();

        assertViolation(() -> send(s.alice(), SendMessageEvent.newBuilder().setRoomId(roomId).setText("hi carol")
                .addMentionedUserIds(s.carolId())), "message.mentioned_user_ids");
        assertViolation(() -> send(s.alice(), SendMessageEvent.newBuilder().setRoomId(roomId).setText("too many")
                .addAllMentionedUserIds(IntStream.range(0, 51).mapToObj(i -> Ids.newId()).toList())),
                "message.mentioned_user_ids");
        assertViolation(() -> send(s.alice(), SendMessageEvent.newBuilder().setRoomId(roomId).setText("twice")
                .addMentionedUserIds(s.bobId()).addMentionedUserIds(s.bobId())), "message.mentioned_user_ids");
        assertThatThrownBy(() -> send(s.bob(), SendMessageEvent.newBuilder().setRoomId(roomId).setText("@room!")
                .setMentionRoom(true)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));

        // on the stream: the refusal names the event, and the stream goes on
        StreamRecorder<ServerEvent> bobEvents = new StreamRecorder<>();
        StreamObserver<ClientEvent> bobStream = STACK.connectChat(s.bob(), bobEvents);
        bobStream.onNext(ClientEvent.newBuilder().setClientId("room-mention").setSend(SendMessageEvent.newBuilder()
                .setRoomId(roomId).setText("@room!").setMentionRoom(true)).build());
        ServerEvent refused = bobEvents.awaitFirst(e -> e.hasError() && e.getError().getClientId().equals("room-mention"));
        assertThat(refused.getError().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED.value());
        bobStream.onNext(ClientEvent.newBuilder().setClientId("outsider").setSend(SendMessageEvent.newBuilder()
                .setRoomId(roomId).setText("hi").addMentionedUserIds(s.carolId())).build());
        ServerEvent invalid = bobEvents.awaitFirst(e -> e.hasError() && e.getError().getClientId().equals("outsider"));
        assertThat(invalid.getError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        assertThat(invalid.getError().getFieldViolationsList()).extracting(FieldViolation::getField)
                .containsExactly("send.mentioned_user_ids");
        bobStream.onNext(ClientEvent.newBuilder().setClientId("fine").setSend(SendMessageEvent.newBuilder()
                .setRoomId(roomId).setText("@alice fine").addMentionedUserIds(s.aliceId())).build());
        assertThat(bobEvents.awaitFirst(e -> e.hasAck() && e.getAck().getClientId().equals("fine")).getAck().getSeq())
                .isPositive();

        MessageServiceGrpc.MessageServiceBlockingStub aliceMessages = as(MessageServiceGrpc.newBlockingStub(STACK.edge()), s.alice());
        await().atMost(StreamRecorder.PATIENCE).untilAsserted(() -> assertThat(unread(aliceMessages, s.room()))
                .extracting(RoomUnread::getUnreadCount, RoomUnread::getMentionCount).containsExactly(1L, 1L));
        assertThat(aliceMessages.listMessages(ListMessagesRequest.newBuilder().setRoomId(roomId).build())
                .getMessagesList()).extracting(Message::getText).containsExactly("@alice fine");
        bobStream.onCompleted();
    }

    @Test
    void aThreadReplyReachesTheOtherMemberLiveAndCountsOnItsRoot() {
        Scene s = scene();
        Message root = send(s.alice(), SendMessageEvent.newBuilder().setRoomId(s.room().getId()).setText("plans?"));
        StreamRecorder<ServerEvent> aliceEvents = new StreamRecorder<>();
        StreamObserver<ClientEvent> aliceStream = STACK.connectChat(s.alice(), aliceEvents);

        Message reply = send(s.bob(), SendMessageEvent.newBuilder().setRoomId(s.room().getId()).setText("@alice tea")
                .setThreadRootId(root.getId()).addMentionedUserIds(s.aliceId()));

        Message live = aliceEvents.awaitFirst(e -> e.hasMessageCreated()
                && e.getMessageCreated().getMessage().getId().equals(reply.getId())).getMessageCreated().getMessage();
        assertThat(live.getThreadRootId()).isEqualTo(root.getId());
        assertThat(live.getMentionedUserIdsList()).containsExactly(s.aliceId());
        MessageServiceGrpc.MessageServiceBlockingStub aliceMessages = as(MessageServiceGrpc.newBlockingStub(STACK.edge()), s.alice());
        await().atMost(StreamRecorder.PATIENCE).untilAsserted(() -> {
            var thread = aliceMessages.listThread(ListThreadRequest.newBuilder().setThreadRootId(root.getId()).build());
            assertThat(thread.getRoot().getThreadReplyCount()).isEqualTo(1);
            assertThat(thread.getRoot().getThreadLastReplyTime()).isEqualTo(live.getCreateTime());
            assertThat(thread.getRepliesList()).extracting(Message::getId).containsExactly(reply.getId());
        });
        // a reply counts as unread, and mentions in threads count too
        assertThat(unread(aliceMessages, s.room()))
                .extracting(RoomUnread::getUnreadCount, RoomUnread::getMentionCount).containsExactly(1L, 1L);
        aliceStream.onCompleted();
    }

    private static RoomUnread unread(MessageServiceGrpc.MessageServiceBlockingStub messages, Room room) {
        return messages.getUnreadCounts(GetUnreadCountsRequest.newBuilder().addRoomIds(room.getId()).build())
                .getRooms(0);
    }

    private static void assertViolation(Runnable call, String field) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            com.google.rpc.Status status = StatusProto.fromThrowable(e);
            assertThat(status.getDetailsList()).anySatisfy(detail -> {
                assertThat(detail.is(BadRequest.class)).isTrue();
                assertThat(detail.unpack(BadRequest.class).getFieldViolationsList())
                        .extracting(BadRequest.FieldViolation::getField).allMatch(f -> f.startsWith(field));
            });
        });
    }

    private static String userId(String token) {
        return as(UserServiceGrpc.newBlockingStub(STACK.edge()), token).getMe(GetMeRequest.getDefaultInstance()).getUser().getId();
    }

    private static Message send(String token, SendMessageEvent.Builder message) {
        return as(ChatServiceGrpc.newBlockingStub(STACK.edge()), token).sendMessage(SendMessageRequest.newBuilder()
                .setClientId(Ids.newId()).setMessage(message).build()).getMessage();
    }
}

package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import io.chatmesh.chat.ChatClient;
import io.chatmesh.chat.ChatServiceTestBase;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.common.v1.FieldViolation;
import io.chatmesh.proto.common.v1.StreamError;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.room.v1.GetRoomRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.Test;

/**
 * A message may quote (reply_to_id) or join the thread of (thread_root_id) a message of its
 * own room only: a reference to another room's message, or to no message at all, is
 * INVALID_ARGUMENT on that field and posts nothing.
 */
class MessageReferencesTest extends ChatServiceTestBase {

    @Test
    void referencesToAnotherRoomOrToNothingAreRefusedAndPostNothing() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room mine = createRoom(alice, RoomKind.ROOM_KIND_GROUP);
        Room theirs = createRoom(bob, RoomKind.ROOM_KIND_PRIVATE);
        Message secret = send(bob, theirs, "secret", "", "");
        String nothing = Ids.newId();

        try (ChatClient aliceClient = ChatClient.ready(channel, alice.token())) {
            aliceClient.send(sendEvent("quote", mine, secret.getId(), ""));
            assertThat(violatedFields(aliceClient.next(ServerEvent.EventCase.ERROR).getError(), "quote"))
                    .isEqualTo("send.reply_to_id");
            aliceClient.send(sendEvent("thread", mine, "", nothing));
            assertThat(violatedFields(aliceClient.next(ServerEvent.EventCase.ERROR).getError(), "thread"))
                    .isEqualTo("send.thread_root_id");
        }
        StatusRuntimeException unary = catchThrowableOfType(StatusRuntimeException.class,
                () -> send(alice, mine, "unary", "", secret.getId()));
        assertThat(unary.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(StatusProto.fromThrowable(unary).getDetailsList()).filteredOn(d -> d.is(BadRequest.class))
                .singleElement().satisfies(detail -> assertThat(detail.unpack(BadRequest.class).getFieldViolationsList())
                        .extracting(BadRequest.FieldViolation::getField).containsExactly("message.thread_root_id"));

        assertThat(lastSeq(alice, mine)).as("nothing posted").isZero();
        assertThat(MESSAGES.stored(theirs.getId())).isEqualTo(1);
    }

    @Test
    void repliesAndThreadsWithinTheRoomArePosted() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        Message root = send(alice, room, "root", "", "");

        Message reply = send(bob, room, "reply", root.getId(), "");
        Message inThread = send(bob, room, "in thread", "", root.getId());

        assertThat(reply.getReplyToId()).isEqualTo(root.getId());
        assertThat(inThread.getThreadRootId()).isEqualTo(root.getId());
        assertThat(lastSeq(alice, room)).isEqualTo(3);
    }

    private static ClientEvent sendEvent(String clientId, Room room, String replyToId, String threadRootId) {
        return ClientEvent.newBuilder().setClientId(clientId).setSend(SendMessageEvent.newBuilder()
                .setRoomId(room.getId()).setText("text").setReplyToId(replyToId).setThreadRootId(threadRootId))
                .build();
    }

    private static String violatedFields(StreamError error, String clientId) {
        assertThat(error.getClientId()).isEqualTo(clientId);
        assertThat(error.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        return String.join(",", error.getFieldViolationsList().stream().map(FieldViolation::getField).toList());
    }

    private Message send(TestUser sender, Room room, String text, String replyToId, String threadRootId) {
        return chat(sender).sendMessage(SendMessageRequest.newBuilder().setClientId(Ids.newId())
                .setMessage(SendMessageEvent.newBuilder().setRoomId(room.getId()).setText(text)
                        .setReplyToId(replyToId).setThreadRootId(threadRootId))
                .build()).getMessage();
    }

    private long lastSeq(TestUser user, Room room) {
        return rooms(user).getRoom(GetRoomRequest.newBuilder().setRoomId(room.getId()).build()).getRoom()
                .getLastMessageSeq();
    }
}

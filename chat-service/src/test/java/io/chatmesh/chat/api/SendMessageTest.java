package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.chat.ChatClient;
import io.chatmesh.chat.ChatServiceTestBase;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.DeleteMessageRequest;
import io.chatmesh.proto.chat.v1.EditMessageRequest;
import io.chatmesh.proto.chat.v1.ReactToMessageRequest;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.room.v1.GetRoomRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The unary ChatService RPCs. */
class SendMessageTest extends ChatServiceTestBase {

    @Test
    void sendMessagePostsLikeTheStreamAndIsIdempotentPerClientId() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        try (ChatClient bobClient = ChatClient.ready(channel, bob.token())) {
            Message sent = chat(alice).sendMessage(request("k1", room, "via grpcurl")).getMessage();

            assertThat(sent.getId()).isNotEmpty();
            assertThat(sent.getSeq()).isEqualTo(1);
            assertThat(sent.getRoomId()).isEqualTo(room.getId());
            assertThat(sent.getSenderId()).isEqualTo(alice.id());
            assertThat(sent.getClientId()).isEqualTo("k1");
            assertThat(sent.getText()).isEqualTo("via grpcurl");
            assertThat(bobClient.next().getMessageCreated().getMessage()).isEqualTo(seenByOthers(sent));

            assertThat(chat(alice).sendMessage(request("k1", room, "again")).getMessage()).isEqualTo(sent);
            // the same client_id on the stream is the same send too
            try (ChatClient aliceClient = ChatClient.ready(channel, alice.token())) {
                aliceClient.sendMessage("k1", room.getId(), "from the stream");
                assertThat(aliceClient.next().getAck().getMessageId()).isEqualTo(sent.getId());
            }
            assertThat(lastSeq(alice, room)).isEqualTo(1);
        }
    }

    @Test
    void invalidOrForbiddenSendsChangeNothing() {
        TestUser alice = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP);
        List<SendMessageRequest> invalid = List.of(
                request("", room, "no client id"),
                request("k".repeat(65), room, "long client id"),
                request("k1", room, ""),
                request("k1", room, "t".repeat(4001)),
                request("k1", room, "nul \0 byte"),
                request("k1", room, "hi").toBuilder().setMessage(SendMessageEvent.newBuilder().setRoomId("r").setText("hi")).build(),
                request("k1", room, "hi").toBuilder().setMessage(request("k1", room, "hi").getMessage().toBuilder()
                        .setThreadRootId("root")).build(),
                request("k1", room, "hi").toBuilder().setMessage(request("k1", room, "hi").getMessage().toBuilder()
                        .addAttachmentIds(Ids.newId())).build());
        for (SendMessageRequest request : invalid) {
            assertStatus(Status.Code.INVALID_ARGUMENT, () -> chat(alice).sendMessage(request));
        }
        // a GROUP room is not visible to non-members: NOT_FOUND, as if it did not exist
        assertStatus(Status.Code.NOT_FOUND, () -> chat(newUser()).sendMessage(request("k1", room, "intruder")));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> ChatServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS).sendMessage(request("k1", room, "anonymous")));
        assertThat(lastSeq(alice, room)).isZero();

        // none of the refused attempts claimed the client_id
        assertThat(chat(alice).sendMessage(request("k1", room, "valid")).getMessage().getText()).isEqualTo("valid");
        // the longest text passes
        assertThat(chat(alice).sendMessage(request("k2", room, "t".repeat(4000))).getMessage().getSeq()).isEqualTo(2);
    }

    @Test
    void emptyEditDeleteAndReactRequestsAreInvalid() {
        TestUser alice = newUser();
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> chat(alice).editMessage(EditMessageRequest.getDefaultInstance()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> chat(alice).deleteMessage(DeleteMessageRequest.getDefaultInstance()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> chat(alice).reactToMessage(ReactToMessageRequest.getDefaultInstance()));
    }

    private long lastSeq(TestUser member, Room room) {
        return rooms(member).getRoom(GetRoomRequest.newBuilder().setRoomId(room.getId()).build()).getRoom().getLastMessageSeq();
    }

    private static SendMessageRequest request(String clientId, Room room, String text) {
        return SendMessageRequest.newBuilder().setClientId(clientId)
                .setMessage(SendMessageEvent.newBuilder().setRoomId(room.getId()).setText(text)).build();
    }
}

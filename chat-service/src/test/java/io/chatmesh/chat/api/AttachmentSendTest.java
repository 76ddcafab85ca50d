package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.chat.ChatClient;
import io.chatmesh.chat.ChatServiceTestBase;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.common.v1.FieldViolation;
import io.chatmesh.proto.message.v1.Attachment;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.room.v1.GetRoomRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.grpc.Status;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Sends naming attachments: claimed from message-service (its stand-in here), carried by the message. */
class AttachmentSendTest extends ChatServiceTestBase {

    @Test
    void aSendCarriesTheAttachmentsItClaimedLiveAndOnRetry() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        Attachment photo = attachment("photo.jpg", "image/jpeg").toBuilder().setWidth(640).setHeight(480).build();
        Attachment notes = attachment("notes.pdf", "application/pdf");
        MESSAGES.attachments().finished(alice.id(), room.getId(), photo);
        MESSAGES.attachments().finished(alice.id(), room.getId(), notes);
        try (ChatClient bobClient = ChatClient.ready(channel, bob.token())) {
            SendMessageRequest request = SendMessageRequest.newBuilder().setClientId("k1").setMessage(SendMessageEvent
                    .newBuilder().setRoomId(room.getId()).addAttachmentIds(notes.getId()).addAttachmentIds(photo.getId()))
                    .build();
            Message sent = chat(alice).sendMessage(request).getMessage();

            assertThat(sent.getText()).isEmpty();
            assertThat(sent.getAttachmentsList()).containsExactly(notes, photo);
            assertThat(bobClient.next().getMessageCreated().getMessage()).isEqualTo(seenByOthers(sent));
            assertThat(chat(alice).sendMessage(request).getMessage()).isEqualTo(sent);
            // the same attachment in another send (another client_id) is refused, and nothing is posted
            assertStatus(Status.Code.FAILED_PRECONDITION, () -> chat(alice).sendMessage(request.toBuilder()
                    .setClientId("k2").build()));
            assertThat(lastSeq(alice, room)).isEqualTo(1);
        }
    }

    @Test
    void attachmentsThatAreNotTheSendersOrTooManyAreRefusedOnTheStream() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        Attachment bobs = attachment("b.txt", "text/plain");
        MESSAGES.attachments().finished(bob.id(), room.getId(), bobs);
        try (ChatClient aliceClient = ChatClient.ready(channel, alice.token())) {
            aliceClient.send(ClientEvent.newBuilder().setClientId("c1").setSend(SendMessageEvent.newBuilder()
                    .setRoomId(room.getId()).addAttachmentIds(bobs.getId())).build());
            ServerEvent refused = aliceClient.next();
            assertThat(refused.getError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
            assertThat(refused.getError().getFieldViolationsList()).extracting(FieldViolation::getField)
                    .containsExactly("send.attachment_ids[0]");

            SendMessageEvent.Builder eleven = SendMessageEvent.newBuilder().setRoomId(room.getId());
            IntStream.range(0, 11).forEach(i -> eleven.addAttachmentIds(Ids.newId()));
            aliceClient.send(ClientEvent.newBuilder().setClientId("c2").setSend(eleven).build());
            ServerEvent tooMany = aliceClient.next();
            assertThat(tooMany.getError().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
            assertThat(tooMany.getError().getFieldViolationsList()).extracting(FieldViolation::getField)
                    .containsExactly("send.attachment_ids");
        }
        assertThat(lastSeq(alice, room)).isZero();
    }

    private long lastSeq(TestUser member, Room room) {
        return rooms(member).getRoom(GetRoomRequest.newBuilder().setRoomId(room.getId()).build()).getRoom()
                .getLastMessageSeq();
    }

    private static Attachment attachment(String name, String type) {
        return Attachment.newBuilder().setId(Ids.newId()).setFileName(name).setContentType(type).setSizeBytes(1234)
                .setSha256("ab".repeat(32)).build();
    }
}

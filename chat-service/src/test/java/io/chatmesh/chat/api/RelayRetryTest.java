package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatmesh.chat.ChatClient;
import io.chatmesh.chat.ChatServiceTestBase;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.room.v1.GetRoomRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.grpc.Status;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * A message whose publish failed is stored, so chat-service publishes it on its own once the
 * bus takes events again: the sender need not retry, and the room need not get another
 * message (the pipeline retries failed rooms, and sweeps every room for unpublished messages
 * at start and periodically, which also covers messages an instance's crash left behind).
 */
@TestPropertySource(properties = {"chatmesh.chat.relay-retry-interval=100ms",
        "chatmesh.chat.relay-sweep-interval=300ms"})
// Its context shares the database with the other test classes' context but not their bus: left
// running, its sweeps would publish their unpublished rooms where their streams never see them.
@DirtiesContext
class RelayRetryTest extends ChatServiceTestBase {

    @Test
    void aMessageWhosePublishFailedIsPublishedWithoutAnyFurtherSend() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        try (ChatClient aliceClient = ChatClient.ready(channel, alice.token());
                ChatClient bobClient = ChatClient.ready(channel, bob.token())) {
            MESSAGES.fail(room.getId());
            try {
                aliceClient.sendMessage("stored", room.getId(), "stored, not published");
                ServerEvent refused = aliceClient.next(ServerEvent.EventCase.ERROR);
                assertThat(refused.getError().getCode()).isEqualTo(Status.Code.UNAVAILABLE.value());
            } finally {
                MESSAGES.recover(room.getId());
            }

            Message published = bobClient.next(ServerEvent.EventCase.MESSAGE_CREATED).getMessageCreated().getMessage();
            assertThat(published.getClientId()).as("the sender's key, not bob's").isEmpty();
            assertThat(published.getSeq()).isEqualTo(1);
            // bob may see the refused publish live already; the relay's retry is what stores it
            await().atMost(Duration.ofSeconds(10)).until(() -> MESSAGES.stored(room.getId()) == 1);
            // and marks the room published once the bus took the event
            await().atMost(Duration.ofSeconds(10)).until(() -> rooms(alice).getRoom(GetRoomRequest.newBuilder()
                    .setRoomId(room.getId()).build()).getRoom().getLastMessageSeq() == 1);
            assertThat(chat(alice).sendMessage(SendMessageRequest.newBuilder().setClientId("stored")
                    .setMessage(SendMessageEvent.newBuilder().setRoomId(room.getId()).setText("retry")).build())
                    .getMessage()).isEqualTo(published.toBuilder().setClientId("stored").build());
        }
    }
}

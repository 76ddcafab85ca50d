package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.chat.AckGatedEventBus;
import io.chatmesh.chat.ChatClient;
import io.chatmesh.chat.ChatServiceTestBase;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.Ack;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.MessageCreated;
import io.chatmesh.proto.chat.v1.RoomCursor;
import io.chatmesh.proto.chat.internal.v1.RoomEvent;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.room.v1.GetRoomRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A send whose publish failed is stored all the same, under the seq it took, and is published
 * with the room's next publish (its retry, anyone's next send to the room, or the pipeline's
 * own retry, see RelayRetryTest), before anything newer. The bus may have it anyway (a Kafka
 * delivery timeout after the broker wrote it): publishing it again repeats the identical event,
 * and nothing reaches a stream or the message store twice.
 */
class FailedPublishTest extends ChatServiceTestBase {

    @Autowired
    AckGatedEventBus bus;

    @Test
    void aSendWhoseAckWasLostIsRepeatedAsTheSameEventAndPostedOnce() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        List<RoomEvent> published = new CopyOnWriteArrayList<>();
        try (EventBus.Subscription recorder = bus.subscribeLive(Topics.ROOM_EVENTS, (key, payload) -> {
                    if (key.equals(room.getId())) {
                        published.add(RoomEvent.parseFrom(payload));
                    }
                });
                ChatClient aliceClient = ChatClient.ready(channel, alice.token());
                ChatClient bobClient = ChatClient.ready(channel, bob.token())) {
            bus.loseAcks(1);
            aliceClient.sendMessage("lost-ack", room.getId(), "hello");
            assertUnavailable(aliceClient.next(ServerEvent.EventCase.ERROR), "lost-ack");
            // the bus has it all the same
            Message first = bobClient.next().getMessageCreated().getMessage();
            assertThat(first.getClientId()).as("the sender's key, not bob's").isEmpty();
            assertThat(first.getSeq()).isEqualTo(1);
            assertThat(lastSeq(alice, room)).isZero();

            aliceClient.sendMessage("lost-ack", room.getId(), "retried text is ignored");
            assertThat(aliceClient.next(ServerEvent.EventCase.ACK).getAck()).isEqualTo(Ack.newBuilder()
                    .setClientId("lost-ack").setMessageId(first.getId()).setRoomId(room.getId()).setSeq(1)
                    .setServerTime(first.getCreateTime()).build());
            assertThat(seenByOthers(chat(alice).sendMessage(request("lost-ack", room, "unary")).getMessage()))
                    .isEqualTo(first);
            assertThat(published).hasSize(2);
            assertThat(published.get(1)).isEqualTo(published.get(0));
            assertThat(lastSeq(alice, room)).isEqualTo(1);

            Message next = chat(alice).sendMessage(request("next", room, "next")).getMessage();
            assertThat(bobClient.next().getMessageCreated().getMessage()).isEqualTo(seenByOthers(next));
            assertThat(next.getSeq()).isEqualTo(2);
            assertThat(MESSAGES.stored(room.getId())).isEqualTo(2);
        }
    }

    @Test
    void aSendThatNeverReachedTheBusIsPublishedBeforeTheRoomsNextMessage() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        try (ChatClient aliceClient = ChatClient.ready(channel, alice.token());
                ChatClient bobClient = ChatClient.ready(channel, bob.token())) {
            MESSAGES.fail(room.getId());
            try {
                aliceClient.sendMessage("late", room.getId(), "written first");
                assertUnavailable(aliceClient.next(ServerEvent.EventCase.ERROR), "late");
                // still refused: still not published
                aliceClient.sendMessage("late", room.getId(), "written first");
                assertUnavailable(aliceClient.next(ServerEvent.EventCase.ERROR), "late");
            } finally {
                MESSAGES.recover(room.getId());
            }
            assertThat(lastSeq(alice, room)).isZero();

            Message meanwhile = chat(alice).sendMessage(request("meanwhile", room, "posted meanwhile")).getMessage();
            assertThat(meanwhile.getSeq()).isEqualTo(2);
            Message late = bobClient.next().getMessageCreated().getMessage();
            assertThat(late.getSeq()).isEqualTo(1);
            assertThat(late.getText()).isEqualTo("written first");
            assertThat(bobClient.next().getMessageCreated().getMessage()).isEqualTo(seenByOthers(meanwhile));
            assertThat(lastSeq(alice, room)).isEqualTo(2);

            assertThat(seenByOthers(chat(alice).sendMessage(request("late", room, "retried text is ignored"))
                    .getMessage())).isEqualTo(late);
            Message marker = chat(alice).sendMessage(request("marker", room, "marker")).getMessage();
            assertThat(bobClient.next().getMessageCreated().getMessage()).isEqualTo(seenByOthers(marker));
            assertThat(marker.getSeq()).isEqualTo(3);
            assertThat(MESSAGES.stored(room.getId())).isEqualTo(3);
        }
    }

    /**
     * A repeat of a message, here with an event id never seen, is dropped by each stream that
     * has the message's seq, sent live or below its resume cursor.
     */
    @Test
    void aRepeatOfAMessageIsNotSentTwiceOnAStream() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        try (ChatClient bobPhone = ChatClient.ready(channel, bob.token())) {
            Message first = chat(alice).sendMessage(request("first", room, "first")).getMessage();
            assertThat(bobPhone.next().getMessageCreated().getMessage()).isEqualTo(seenByOthers(first));
            try (ChatClient bobLaptop = ChatClient.connect(channel, bob.token())) {
                bobLaptop.hello(Hello.newBuilder().addResumeFrom(
                        RoomCursor.newBuilder().setRoomId(room.getId()).setSeq(first.getSeq())).build());

                bus.publish(Topics.ROOM_EVENTS, room.getId(), RoomEvent.newBuilder().setEventId(Ids.newId())
                        .setRoomId(room.getId()).setMessageCreated(MessageCreated.newBuilder().setMessage(first))
                        .build().toByteArray()).join();
                Message marker = chat(alice).sendMessage(request("marker", room, "marker")).getMessage();

                assertThat(bobPhone.next().getMessageCreated().getMessage()).isEqualTo(seenByOthers(marker));
                assertThat(bobLaptop.next().getMessageCreated().getMessage()).isEqualTo(seenByOthers(marker));
            }
        }
    }

    private long lastSeq(TestUser member, Room room) {
        return rooms(member).getRoom(GetRoomRequest.newBuilder().setRoomId(room.getId()).build()).getRoom()
                .getLastMessageSeq();
    }

    private static void assertUnavailable(ServerEvent event, String clientId) {
        assertThat(event.getError().getClientId()).isEqualTo(clientId);
        assertThat(event.getError().getCode()).isEqualTo(Status.Code.UNAVAILABLE.value());
    }

    private static SendMessageRequest request(String clientId, Room room, String text) {
        return SendMessageRequest.newBuilder().setClientId(clientId)
                .setMessage(SendMessageEvent.newBuilder().setRoomId(room.getId()).setText(text)).build();
    }
}

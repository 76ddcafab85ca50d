package io.chatmesh.message.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatmesh.message.MessageServiceTestSupport;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.MessageDeleted;
import io.chatmesh.proto.chat.v1.MessageEdited;
import io.chatmesh.proto.chat.internal.v1.RoomEvent;
import io.chatmesh.proto.chat.v1.TypingChanged;
import io.chatmesh.proto.message.v1.GetMessageRequest;
import io.chatmesh.proto.message.v1.GetUnreadCountsRequest;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.message.v1.RoomUnread;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** What chat-service's room events do to the store, checked over gRPC. */
class RoomEventPersistenceTest extends MessageServiceTestSupport {

    @Autowired
    Jdbi jdbi;

    @Test
    void aMessagePublishedTwiceIsStoredOnce() {
        User alice = newUser();
        String room = newRoom(alice);
        Message message = chatMessage(room, 1, alice, "only once");
        RoomEvent event = messageCreated(message);

        publish(event);
        publish(event);
        publish(messageCreated(message.toBuilder().setText("replayed under another event id").build()));

        assertThat(history(alice, room)).containsExactly(message);
    }

    @Test
    void repliesThreadsAndAttachmentsAreKept() {
        User alice = newUser();
        User bob = newUser();
        String room = newRoom(alice, bob);
        Message root = chatMessage(room, 1, alice, "root");
        Message reply = threadedReplyWithAttachment(root, 2, bob);
        publish(messageCreated(root));
        publish(messageCreated(reply));

        assertThat(get(bob, reply.getId())).isEqualTo(reply);
        assertThat(get(bob, root.getId())).isEqualTo(root.toBuilder().clearClientId().setThreadReplyCount(1)
                .setThreadLastReplyTime(reply.getCreateTime()).build());
    }

    @Test
    void aReplyCountsOnlyForARootOfItsOwnRoom() {
        User alice = newUser();
        User bob = newUser();
        String bobsRoom = newRoom(bob);
        Message root = chatMessage(bobsRoom, 1, bob, "root");
        publish(messageCreated(root));

        Message stray = chatMessage(newRoom(alice), 1, alice, "names a root elsewhere").toBuilder()
                .setThreadRootId(root.getId()).build();
        publish(messageCreated(stray));

        assertThat(get(bob, root.getId()).getThreadReplyCount()).isZero();
    }

    @Test
    void aMessagesClientIdIsShownToItsSenderOnly() {
        User alice = newUser();
        User bob = newUser();
        String room = newRoom(alice, bob);
        Message message = chatMessage(room, 1, alice, "mine");
        publish(messageCreated(message));

        assertThat(get(alice, message.getId()).getClientId()).isNotEmpty().isEqualTo(message.getClientId());
        assertThat(history(alice, room)).containsExactly(message);
        assertThat(get(bob, message.getId()).getClientId()).isEmpty();
        assertThat(history(bob, room)).containsExactly(message.toBuilder().clearClientId().build());
    }

    @Test
    void malformedEventsAreSkippedWithoutBlockingTheTopic() {
        User alice = newUser();
        String room = newRoom(alice);
        Message valid = chatMessage(room, 1, alice, "fine");

        byte[] garbage = "definitely not a protobuf".getBytes(StandardCharsets.UTF_8);
        bus.publish(Topics.ROOM_EVENTS, room, garbage).join();
        publish(messageCreated(valid.toBuilder().setId("").build()));
        publish(messageCreated(valid.toBuilder().setId(Ids.newId()).setSeq(0).build()));
        publish(messageCreated(valid.toBuilder().setId(Ids.newId()).setSenderId("someone").build()));
        publish(messageCreated(valid.toBuilder().setId(Ids.newId()).build()).toBuilder().setRoomId(Ids.newId()).build());
        publish(receiptUpdated(room, alice, -4));
        assertThat(history(alice, room)).isEmpty();

        publish(messageCreated(valid));
        assertThat(history(alice, room)).containsExactly(valid);
    }

    @Test
    void aSecondMessageClaimingATakenSeqIsDropped() {
        User alice = newUser();
        String room = newRoom(alice);
        Message first = chatMessage(room, 1, alice, "first");
        publish(messageCreated(first));

        publish(messageCreated(chatMessage(room, 1, alice, "same seq, other id")));

        assertThat(history(alice, room)).containsExactly(first);
    }

    @Test
    void receiptsOnTheBusDoNotMoveReadMarkers() {
        User alice = newUser();
        User bob = newUser();
        String room = newRoom(alice, bob);
        post(room, 4, bob);

        // markers have one writer, MarkRead; receipts only tell live sessions
        publish(receiptUpdated(room, alice, 3));

        assertThat(messages(alice).getUnreadCounts(GetUnreadCountsRequest.newBuilder().addRoomIds(room).build())
                .getRoomsList()).containsExactly(RoomUnread.newBuilder().setRoomId(room).setUnreadCount(4)
                .setLastReadSeq(0).setLastMessageSeq(4).build());
    }

    @Test
    void otherEventKindsAreIgnoredForNow() {
        User alice = newUser();
        String room = newRoom(alice);
        Message message = post(room, 1, alice).getFirst();

        publish(RoomEvent.newBuilder().setEventId(Ids.newId()).setRoomId(room)
                .setMessageEdited(MessageEdited.newBuilder().setMessage(message.toBuilder().setText("edited"))).build());
        publish(RoomEvent.newBuilder().setEventId(Ids.newId()).setRoomId(room)
                .setMessageDeleted(MessageDeleted.newBuilder().setRoomId(room).setMessageId(message.getId())).build());
        publish(RoomEvent.newBuilder().setEventId(Ids.newId()).setRoomId(room)
                .setTypingChanged(TypingChanged.newBuilder().setRoomId(room).setUserId(alice.id()).setTyping(true))
                .build());

        assertThat(history(alice, room)).containsExactly(message);
    }

    @Test
    void aStoreFailureFailsThePublishSoTheEventIsNotLost() {
        User alice = newUser();
        String room = newRoom(alice);
        Message message = chatMessage(room, 1, alice, "survives an outage");

        jdbi.useHandle(handle -> handle.execute("ALTER TABLE messages RENAME TO messages_offline"));
        try {
            assertThatThrownBy(() -> publish(messageCreated(message))).isInstanceOf(CompletionException.class);
        } finally {
            jdbi.useHandle(handle -> handle.execute("ALTER TABLE messages_offline RENAME TO messages"));
        }

        publish(messageCreated(message));
        assertThat(history(alice, room)).containsExactly(message);
    }

    private List<Message> history(User user, String room) {
        return messages(user).listMessages(ListMessagesRequest.newBuilder().setRoomId(room).build()).getMessagesList();
    }

    private Message get(User user, String messageId) {
        return messages(user).getMessage(GetMessageRequest.newBuilder().setMessageId(messageId).build()).getMessage();
    }
}

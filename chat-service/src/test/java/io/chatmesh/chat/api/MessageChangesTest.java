package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.chat.ChatClient;
import io.chatmesh.chat.ChatServiceTestBase;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.DeleteMessageEvent;
import io.chatmesh.proto.chat.v1.DeleteMessageRequest;
import io.chatmesh.proto.chat.v1.EditMessageEvent;
import io.chatmesh.proto.chat.v1.EditMessageRequest;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.ReactEvent;
import io.chatmesh.proto.chat.v1.ReactToMessageRequest;
import io.chatmesh.proto.chat.v1.RoomCursor;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.common.v1.FieldViolation;
import io.chatmesh.proto.common.v1.StreamError;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.testkit.RoomTimeline;
import io.grpc.Status;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Edit, delete and react over real gRPC (stream and unary twins) on one instance: who may do
 * what, every refusal's status without closing the stream, live events in the room's sequence,
 * and a resume replaying the changes in order (MessageChangesResumeTest: the 500-event burst).
 */
class MessageChangesTest extends ChatServiceTestBase {

    @Autowired
    Jdbi jdbi;

    @Test
    void theSenderEditsAndEveryMemberGetsTheEditLiveInTheRoomsSequence() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        Message sent = send(alice, room, "helo");

        try (ChatClient aliceStream = ChatClient.ready(channel, alice.token());
                ChatClient bobStream = ChatClient.ready(channel, bob.token())) {
            aliceStream.send(ClientEvent.newBuilder().setClientId("e1").setEdit(EditMessageEvent.newBuilder()
                    .setRoomId(room.getId()).setMessageId(sent.getId()).setText("hello")).build());

            ServerEvent edited = bobStream.next(ServerEvent.EventCase.MESSAGE_EDITED);
            assertThat(edited.getMessageEdited().getMessage().getText()).isEqualTo("hello");
            assertThat(edited.getMessageEdited().getMessage().getSeq()).isEqualTo(sent.getSeq());
            assertThat(edited.getMessageEdited().getMessage().hasEditTime()).isTrue();
            assertThat(edited.getMessageEdited().getMessage().getClientId()).isEmpty();
            assertThat(edited.getMessageEdited().getEventSeq()).isEqualTo(sent.getSeq() + 1);
            ServerEvent ack = aliceStream.next(ServerEvent.EventCase.ACK);
            assertThat(ack.getAck().getClientId()).isEqualTo("e1");
            assertThat(ack.getAck().getMessageId()).isEqualTo(sent.getId());
            assertThat(ack.getAck().getSeq()).isEqualTo(sent.getSeq() + 1);

            // the next message comes after the edit in the room's sequence
            assertThat(send(bob, room, "next").getSeq()).isEqualTo(sent.getSeq() + 2);
        }
        Message again = chat(alice).editMessage(EditMessageRequest.newBuilder().setEdit(EditMessageEvent.newBuilder()
                .setRoomId(room.getId()).setMessageId(sent.getId()).setText("hello, bob")).build()).getMessage();
        assertThat(again.getText()).isEqualTo("hello, bob");
        assertThat(again.getId()).isEqualTo(sent.getId());
        assertThat(again.hasEditTime()).isTrue();
    }

    @Test
    void onlyTheSenderEditsAndOnlyTheSenderOrAnAdminDeletes() {
        TestUser owner = newUser();
        TestUser admin = newUser();
        TestUser bob = newUser();
        TestUser carol = newUser();
        Room room = createRoom(owner, RoomKind.ROOM_KIND_GROUP, admin, bob, carol);
        // no RPC makes admins yet (an owner leaving hands the room over): set the role as the store keeps it
        jdbi.useHandle(handle -> handle.execute("UPDATE members SET role = 'ADMIN' WHERE room_id = ? AND user_id = ?",
                room.getId(), admin.id()));
        Message bobs = send(bob, room, "bob's");
        Message carols = send(carol, room, "carol's");
        Message bobsToo = send(bob, room, "another of bob's");

        assertStatus(Status.Code.PERMISSION_DENIED, () -> edit(owner, room, bobs, "not yours"));
        assertStatus(Status.Code.PERMISSION_DENIED, () -> delete(carol, room, bobs));
        delete(admin, room, bobs);
        delete(owner, room, bobsToo);
        delete(carol, room, carols);
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> edit(bob, room, bobs, "undo"));
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> delete(bob, room, bobs));
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> react(carol, room, bobs, "👍", false));
    }

    @Test
    void messagesOfOtherRoomsUnknownIdsAndNonMembersAreRefused() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        TestUser stranger = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        Room other = createRoom(alice, RoomKind.ROOM_KIND_GROUP);
        Room open = createRoom(alice, RoomKind.ROOM_KIND_PUBLIC);
        Message inOther = send(alice, other, "elsewhere");
        Message inOpen = send(alice, open, "public");

        assertStatus(Status.Code.NOT_FOUND, () -> edit(alice, room, inOther, "moved"));
        assertStatus(Status.Code.NOT_FOUND, () -> react(bob, room, Message.newBuilder().setId(Ids.newId()).build(), "👍", false));
        assertStatus(Status.Code.NOT_FOUND, () -> react(stranger, room, inOther, "👍", false));
        assertStatus(Status.Code.PERMISSION_DENIED, () -> react(stranger, open, inOpen, "👍", false));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> edit(alice, other, inOther, ""));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> react(alice, other, inOther, "a", false));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> react(alice, other, inOther, "👍👍", false));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> react(alice, other, inOther, "👍".repeat(9), false));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> chat(alice).deleteMessage(DeleteMessageRequest.newBuilder()
                .setDelete(DeleteMessageEvent.newBuilder().setRoomId(other.getId()).setMessageId("nope")).build()));
    }

    @Test
    void aRefusedChangeOnTheStreamIsAStreamErrorNamingItAndTheStreamGoesOn() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        Message bobs = send(bob, room, "mine");

        try (ChatClient aliceStream = ChatClient.ready(channel, alice.token())) {
            aliceStream.send(ClientEvent.newBuilder().setClientId("bad-emoji").setReact(ReactEvent.newBuilder()
                    .setRoomId(room.getId()).setMessageId(bobs.getId()).setEmoji("ok")).build());
            StreamError invalid = aliceStream.next(ServerEvent.EventCase.ERROR).getError();
            assertThat(invalid.getClientId()).isEqualTo("bad-emoji");
            assertThat(invalid.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
            assertThat(invalid.getFieldViolationsList()).extracting(FieldViolation::getField).containsExactly("react.emoji");

            aliceStream.send(ClientEvent.newBuilder().setClientId("not-mine").setEdit(EditMessageEvent.newBuilder()
                    .setRoomId(room.getId()).setMessageId(bobs.getId()).setText("mine now")).build());
            StreamError denied = aliceStream.next(ServerEvent.EventCase.ERROR).getError();
            assertThat(denied.getClientId()).isEqualTo("not-mine");
            assertThat(denied.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED.value());

            aliceStream.send(ClientEvent.newBuilder().setClientId("thumbs").setReact(ReactEvent.newBuilder()
                    .setRoomId(room.getId()).setMessageId(bobs.getId()).setEmoji("👍🏽")).build());
            ServerEvent reacted = aliceStream.next(ServerEvent.EventCase.REACTION_CHANGED);
            assertThat(reacted.getReactionChanged().getUserId()).isEqualTo(alice.id());
            assertThat(reacted.getReactionChanged().getAdded()).isTrue();
            assertThat(aliceStream.next(ServerEvent.EventCase.ACK).getAck().getClientId()).isEqualTo("thumbs");
        }
    }

    @Test
    void reactionsAndDeletionsReachMembersLiveAndAResumeReplaysThemInOrder() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        Message first = send(alice, room, "first");
        RoomTimeline live = new RoomTimeline(room.getId());
        long cursor;
        try (ChatClient bobStream = ChatClient.ready(channel, bob.token())) {
            react(bob, room, first, "🎉", false);
            cursor = live.apply(bobStream.next(ServerEvent.EventCase.REACTION_CHANGED));
        }
        Message second = send(alice, room, "second");
        react(bob, room, second, "👍", false);
        react(bob, room, second, "👍", false); // idempotent: the same state, said again
        react(alice, room, first, "🎉", false);
        react(bob, room, first, "🎉", true);
        edit(alice, room, second, "second, edited");
        delete(alice, room, first);
        Message last = send(alice, room, "last");

        try (ChatClient bobStream = ChatClient.connect(channel, bob.token())) {
            bobStream.hello(Hello.newBuilder().addResumeFrom(RoomCursor.newBuilder().setRoomId(room.getId())
                    .setSeq(cursor)).build());
            RoomTimeline resumed = new RoomTimeline(room.getId());
            long seq = 0;
            while (seq < last.getSeq()) {
                seq = Math.max(seq, resumed.apply(bobStream.next()));
            }
            assertThat(resumed.seqs()).isSorted().doesNotHaveDuplicates();
            assertThat(resumed.seqs()).first().isEqualTo(cursor + 1);
            assertThat(resumed.seqs()).hasSize((int) (last.getSeq() - cursor));
            assertThat(resumed.messages()).extracting(RoomTimeline.Shown::text)
                    .containsExactly("second, edited", "last");
        }
    }

    private Message send(TestUser user, Room room, String text) {
        return chat(user).sendMessage(SendMessageRequest.newBuilder().setClientId(Ids.newId())
                .setMessage(SendMessageEvent.newBuilder().setRoomId(room.getId()).setText(text)).build()).getMessage();
    }

    private Message edit(TestUser user, Room room, Message message, String text) {
        return chat(user).editMessage(EditMessageRequest.newBuilder().setEdit(EditMessageEvent.newBuilder()
                .setRoomId(room.getId()).setMessageId(message.getId()).setText(text)).build()).getMessage();
    }

    private void delete(TestUser user, Room room, Message message) {
        chat(user).deleteMessage(DeleteMessageRequest.newBuilder().setDelete(DeleteMessageEvent.newBuilder()
                .setRoomId(room.getId()).setMessageId(message.getId())).build());
    }

    private void react(TestUser user, Room room, Message message, String emoji, boolean remove) {
        chat(user).reactToMessage(ReactToMessageRequest.newBuilder().setReact(ReactEvent.newBuilder()
                .setRoomId(room.getId()).setMessageId(message.getId()).setEmoji(emoji).setRemove(remove)).build());
    }
}

package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatmesh.chat.ChatClient;
import io.chatmesh.chat.ChatServiceTestBase;
import io.chatmesh.chat.bus.RoomEventFanout;
import io.chatmesh.platform.grpc.MalformedRequests;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.Ack;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.DeleteMessageEvent;
import io.chatmesh.proto.chat.v1.EditMessageEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.MarkReadEvent;
import io.chatmesh.proto.chat.v1.MembershipChange;
import io.chatmesh.proto.chat.v1.MembershipChanged;
import io.chatmesh.proto.chat.v1.Ping;
import io.chatmesh.proto.chat.v1.ReactEvent;
import io.chatmesh.proto.chat.v1.Ready;
import io.chatmesh.proto.chat.v1.RoomCursor;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.chat.v1.TypingEvent;
import io.chatmesh.proto.common.v1.FieldViolation;
import io.chatmesh.proto.common.v1.StreamError;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.room.v1.InviteMemberRequest;
import io.chatmesh.proto.room.v1.JoinRoomRequest;
import io.chatmesh.proto.room.v1.LeaveRoomRequest;
import io.chatmesh.proto.room.v1.RemoveMemberRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.grpc.Status;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** ChatService.Connect over a real socket: delivery, acks, idempotency, errors, membership changes, auth. */
class ChatStreamTest extends ChatServiceTestBase {

    @Autowired
    RoomEventFanout fanout;

    @Test
    void aMessageReachesEveryMemberAndTheSendersOtherDeviceAndOnlyTheSenderSeesItsClientId() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        try (ChatClient alicePhone = ChatClient.ready(channel, alice.token());
                ChatClient aliceLaptop = ChatClient.ready(channel, alice.token());
                ChatClient bobPhone = ChatClient.ready(channel, bob.token())) {

            alicePhone.sendMessage("c-1", room.getId(), "hello");

            Ack ack = alicePhone.next(ServerEvent.EventCase.ACK).getAck();
            assertThat(ack.getClientId()).isEqualTo("c-1");
            assertThat(ack.getRoomId()).isEqualTo(room.getId());
            assertThat(ack.getSeq()).isEqualTo(1);
            assertThat(ack.getMessageId()).isNotEmpty();
            assertThat(ack.getServerTime().getSeconds()).isPositive();
            for (ChatClient receiver : List.of(bobPhone, aliceLaptop)) {
                Message message = receiver.next().getMessageCreated().getMessage();
                assertThat(message.getId()).isEqualTo(ack.getMessageId());
                assertThat(message.getSeq()).isEqualTo(1);
                assertThat(message.getRoomId()).isEqualTo(room.getId());
                assertThat(message.getSenderId()).isEqualTo(alice.id());
                // the idempotency key is the sender's own
                assertThat(message.getClientId()).isEqualTo(receiver == aliceLaptop ? "c-1" : "");
                assertThat(message.getText()).isEqualTo("hello");
                assertThat(message.getCreateTime()).isEqualTo(ack.getServerTime());
            }
        }
    }

    /**
     * Hello runs off the connection's event loop (it reads the database) while a send or a ping
     * would run on it: events sent right behind a Hello still wait for it, in order.
     */
    @Test
    void eventsSentRightAfterHelloAreHandledAfterIt() {
        TestUser alice = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP);
        try (ChatClient client = ChatClient.connect(channel, alice.token())) {
            client.send(ClientEvent.newBuilder().setHello(Hello.getDefaultInstance()).build());
            client.sendMessage("right-after-hello", room.getId(), "hi");
            client.send(ClientEvent.newBuilder().setPing(Ping.newBuilder().setNonce(7)).build());

            assertThat(client.next().getEventCase()).isEqualTo(ServerEvent.EventCase.READY);
            // after Ready: the Pong, the Ack and the message, whose fan-out may overtake the Pong
            Map<ServerEvent.EventCase, ServerEvent> after = new EnumMap<>(ServerEvent.EventCase.class);
            while (!after.containsKey(ServerEvent.EventCase.PONG) || !after.containsKey(ServerEvent.EventCase.ACK)) {
                ServerEvent event = client.next();
                // a StreamError (the send taken before Hello) would come instead of the Ack
                assertThat(event.getEventCase()).isIn(ServerEvent.EventCase.PONG, ServerEvent.EventCase.ACK,
                        ServerEvent.EventCase.MESSAGE_CREATED);
                after.put(event.getEventCase(), event);
            }
            assertThat(after.get(ServerEvent.EventCase.PONG).getPong().getNonce()).isEqualTo(7);
            Ack ack = after.get(ServerEvent.EventCase.ACK).getAck();
            assertThat(ack.getClientId()).isEqualTo("right-after-hello");
            assertThat(ack.getSeq()).isEqualTo(1);
        }
    }

    @Test
    void readyListsTheUsersRoomsWithTheirNewestSeq() {
        TestUser alice = newUser();
        Room busy = createRoom(alice, RoomKind.ROOM_KIND_GROUP);
        Room quiet = createRoom(alice, RoomKind.ROOM_KIND_PRIVATE);
        try (ChatClient first = ChatClient.ready(channel, alice.token())) {
            first.sendMessage("a", busy.getId(), "one");
            first.next(ServerEvent.EventCase.ACK);
            first.sendMessage("b", busy.getId(), "two");
            first.next(ServerEvent.EventCase.ACK);
        }
        try (ChatClient client = ChatClient.connect(channel, alice.token())) {
            Ready ready = client.hello(Hello.newBuilder().setDeviceId("laptop").build());
            assertThat(ready.getUserId()).isEqualTo(alice.id());
            assertThat(ready.getSessionId()).isNotEmpty();
            assertThat(ready.getHeartbeatInterval().getSeconds()).isEqualTo(30);
            assertThat(ready.getRoomsList()).containsExactlyInAnyOrder(
                    RoomCursor.newBuilder().setRoomId(busy.getId()).setSeq(2).build(),
                    RoomCursor.newBuilder().setRoomId(quiet.getId()).setSeq(0).build());
        }
    }

    @Test
    void resendingAClientIdReturnsTheFirstAckAndPostsNothingNew() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        try (ChatClient aliceClient = ChatClient.ready(channel, alice.token());
                ChatClient bobClient = ChatClient.ready(channel, bob.token())) {
            aliceClient.sendMessage("same", room.getId(), "first");
            Ack first = aliceClient.next(ServerEvent.EventCase.ACK).getAck();

            aliceClient.sendMessage("same", room.getId(), "retry with other text");
            assertThat(aliceClient.next(ServerEvent.EventCase.ACK).getAck()).isEqualTo(first);
            try (ChatClient otherDevice = ChatClient.ready(channel, alice.token())) {
                otherDevice.sendMessage("same", room.getId(), "retry from another stream");
                assertThat(otherDevice.next(ServerEvent.EventCase.ACK).getAck()).isEqualTo(first);
            }
            aliceClient.sendMessage("next", room.getId(), "second");
            Ack second = aliceClient.next(ServerEvent.EventCase.ACK).getAck();

            assertThat(bobClient.next().getMessageCreated().getMessage().getText()).isEqualTo("first");
            Message afterRetries = bobClient.next().getMessageCreated().getMessage();
            assertThat(afterRetries.getText()).isEqualTo("second");
            assertThat(afterRetries.getSeq()).isEqualTo(second.getSeq()).isEqualTo(first.getSeq() + 1);
        }
    }

    @Test
    void badEventsGetAStreamErrorWhileTheStreamAndOtherStreamsGoOn() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        try (ChatClient aliceClient = ChatClient.ready(channel, alice.token());
                ChatClient bobClient = ChatClient.ready(channel, bob.token())) {

            aliceClient.sendRaw(new byte[] {0x0A, 0x05, 0x01});
            assertError(aliceClient.next(), "", Status.Code.INVALID_ARGUMENT);

            aliceClient.send(ClientEvent.newBuilder().setClientId("empty").build());
            assertError(aliceClient.next(), "empty", Status.Code.INVALID_ARGUMENT);

            aliceClient.sendMessage("no-text", room.getId(), "");
            assertThat(assertError(aliceClient.next(), "no-text", Status.Code.INVALID_ARGUMENT).getFieldViolationsList())
                    .extracting(FieldViolation::getField).containsExactly("send.text");

            aliceClient.sendMessage("long-text", room.getId(), "x".repeat(4001));
            assertError(aliceClient.next(), "long-text", Status.Code.INVALID_ARGUMENT);

            aliceClient.send(ClientEvent.newBuilder().setClientId("attached").setSend(SendMessageEvent.newBuilder()
                    .setRoomId(room.getId()).setText("see file").addAttachmentIds(Ids.newId())).build());
            assertThat(assertError(aliceClient.next(), "attached", Status.Code.INVALID_ARGUMENT).getFieldViolationsList())
                    .extracting(FieldViolation::getField).containsExactly("send.attachment_ids[0]");

            aliceClient.send(ClientEvent.newBuilder().setClientId("bad-room").setSend(SendMessageEvent.newBuilder()
                    .setRoomId("room-1").setText("hi").setReplyToId("nope")).build());
            assertThat(assertError(aliceClient.next(), "bad-room", Status.Code.INVALID_ARGUMENT).getFieldViolationsList())
                    .extracting(FieldViolation::getField).containsExactlyInAnyOrder("send.room_id", "send.reply_to_id");

            aliceClient.sendMessage("", room.getId(), "no client id");
            assertError(aliceClient.next(), "", Status.Code.INVALID_ARGUMENT);

            String tooLong = "c".repeat(65);
            aliceClient.sendMessage(tooLong, room.getId(), "long client id");
            assertError(aliceClient.next(), tooLong, Status.Code.INVALID_ARGUMENT);

            aliceClient.send(ClientEvent.newBuilder().setClientId("hello-again").setHello(Hello.getDefaultInstance()).build());
            assertError(aliceClient.next(), "hello-again", Status.Code.FAILED_PRECONDITION);

            aliceClient.send(ClientEvent.newBuilder().setClientId("read-back").setMarkRead(
                    MarkReadEvent.newBuilder().setRoomId(room.getId()).setSeq(-1)).build());
            assertError(aliceClient.next(), "read-back", Status.Code.INVALID_ARGUMENT);

            aliceClient.send(ClientEvent.newBuilder().setClientId("edit").setEdit(EditMessageEvent.newBuilder()
                    .setRoomId(room.getId()).setMessageId(Ids.newId()).setText("x")).build());
            assertError(aliceClient.next(), "edit", Status.Code.NOT_FOUND);
            aliceClient.send(ClientEvent.newBuilder().setClientId("delete").setDelete(DeleteMessageEvent.newBuilder()
                    .setRoomId(room.getId()).setMessageId(Ids.newId())).build());
            assertError(aliceClient.next(), "delete", Status.Code.NOT_FOUND);
            aliceClient.send(ClientEvent.newBuilder().setClientId("react").setReact(ReactEvent.newBuilder()
                    .setRoomId(room.getId()).setMessageId(Ids.newId()).setEmoji("+1")).build());
            assertError(aliceClient.next(), "react", Status.Code.INVALID_ARGUMENT);

            aliceClient.sendMessage("fine", room.getId(), "still here");
            assertThat(aliceClient.next(ServerEvent.EventCase.ACK).getAck().getSeq()).isEqualTo(1);
            // Bob saw none of it: the valid message is the first thing after his Ready.
            Message received = bobClient.next().getMessageCreated().getMessage();
            assertThat(received.getText()).isEqualTo("still here");
            assertThat(received.getSeq()).isEqualTo(1);
        }
    }

    @Test
    void theFirstEventMustBeHello() {
        TestUser alice = newUser();
        try (ChatClient client = ChatClient.connect(channel, alice.token())) {
            client.send(ClientEvent.newBuilder().setClientId("early").setPing(Ping.newBuilder().setNonce(1)).build());
            assertError(client.next(), "early", Status.Code.FAILED_PRECONDITION);

            client.send(ClientEvent.newBuilder().setHello(Hello.newBuilder().setDeviceId("d".repeat(65))).build());
            assertError(client.next(), "", Status.Code.INVALID_ARGUMENT);

            assertThat(client.hello(Hello.getDefaultInstance()).getUserId()).isEqualTo(alice.id());
            client.send(ClientEvent.newBuilder().setPing(Ping.newBuilder().setNonce(42)).build());
            ServerEvent pong = client.next();
            assertThat(pong.getPong().getNonce()).isEqualTo(42);
            assertThat(pong.getPong().getServerTime().getSeconds()).isPositive();
        }
    }

    @Test
    void aStreamThatKeepsSendingGarbageIsCutOff() {
        TestUser alice = newUser();
        try (ChatClient client = ChatClient.ready(channel, alice.token())) {
            for (int i = 0; i < MalformedRequests.STREAM_FRAMES_MAX; i++) {
                client.sendRaw(new byte[] {0x0A, 0x05, 0x01});
                assertError(client.next(), "", Status.Code.INVALID_ARGUMENT);
            }
            client.sendRaw(new byte[] {0x0A, 0x05, 0x01});
            assertError(client.next(), "", Status.Code.INVALID_ARGUMENT);
            assertThat(client.awaitClosed().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(client.awaitClosedReason()).isEqualTo("INVALID_FIELD");
        }
    }

    @Test
    void nonMembersCannotPost() {
        TestUser alice = newUser();
        TestUser carol = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_PUBLIC);
        try (ChatClient client = ChatClient.ready(channel, carol.token())) {
            client.sendMessage("c1", room.getId(), "let me in");
            assertError(client.next(), "c1", Status.Code.PERMISSION_DENIED);
            client.sendMessage("c2", Ids.newId(), "unknown room");
            assertError(client.next(), "c2", Status.Code.NOT_FOUND);
            client.send(ClientEvent.newBuilder().setClientId("t").setTyping(
                    TypingEvent.newBuilder().setRoomId(room.getId()).setTyping(true)).build());
            assertError(client.next(), "t", Status.Code.PERMISSION_DENIED);
            client.send(ClientEvent.newBuilder().setClientId("r").setMarkRead(
                    MarkReadEvent.newBuilder().setRoomId(room.getId()).setSeq(0)).build());
            assertError(client.next(), "r", Status.Code.PERMISSION_DENIED);
        }
        assertThat(rooms(alice).getRoom(io.chatmesh.proto.room.v1.GetRoomRequest.newBuilder()
                .setRoomId(room.getId()).build()).getRoom().getLastMessageSeq()).isZero();
    }

    @Test
    void membershipChangesStartAndStopDeliveryMidSession() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room shared = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        Room lobby = createRoom(alice, RoomKind.ROOM_KIND_PUBLIC);
        Room secret = createRoom(alice, RoomKind.ROOM_KIND_PRIVATE);
        try (ChatClient aliceClient = ChatClient.ready(channel, alice.token());
                ChatClient bobClient = ChatClient.ready(channel, bob.token())) {

            rooms(bob).joinRoom(JoinRoomRequest.newBuilder().setRoomId(lobby.getId()).build());
            assertMembership(bobClient.next(), lobby, bob, MembershipChange.MEMBERSHIP_CHANGE_JOINED);
            send(aliceClient, lobby, "welcome");
            assertThat(bobClient.next().getMessageCreated().getMessage().getText()).isEqualTo("welcome");

            rooms(alice).inviteMember(InviteMemberRequest.newBuilder().setRoomId(secret.getId()).setUserId(bob.id()).build());
            assertMembership(bobClient.next(), secret, bob, MembershipChange.MEMBERSHIP_CHANGE_INVITED);
            send(aliceClient, secret, "psst");
            assertThat(bobClient.next().getMessageCreated().getMessage().getText()).isEqualTo("psst");

            rooms(bob).leaveRoom(LeaveRoomRequest.newBuilder().setRoomId(lobby.getId()).build());
            assertMembership(bobClient.next(), lobby, bob, MembershipChange.MEMBERSHIP_CHANGE_LEFT);
            rooms(alice).removeMember(RemoveMemberRequest.newBuilder().setRoomId(secret.getId()).setUserId(bob.id()).build());
            assertMembership(bobClient.next(), secret, bob, MembershipChange.MEMBERSHIP_CHANGE_REMOVED);

            send(aliceClient, lobby, "after leave");
            send(aliceClient, secret, "after removal");
            send(aliceClient, shared, "marker");
            // Events reach a session in publish order: the marker comes after anything that
            // could have leaked from the rooms bob is no longer in.
            assertThat(bobClient.next().getMessageCreated().getMessage().getText()).isEqualTo("marker");
        }
    }

    @Test
    void theTokenMayComeInHelloInsteadOfTheHeader() {
        TestUser alice = newUser();
        try (ChatClient client = ChatClient.connect(channel, null)) {
            Ready ready = client.hello(Hello.newBuilder().setAccessToken(alice.token()).build());
            assertThat(ready.getUserId()).isEqualTo(alice.id());
            Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP);
            client.send(ClientEvent.newBuilder().setClientId("x").setSend(
                    SendMessageEvent.newBuilder().setRoomId(room.getId()).setText("hi")).build());
            assertThat(client.next(ServerEvent.EventCase.ACK).getAck().getSeq()).isEqualTo(1);
        }
    }

    @Test
    void badTokensAreUnauthenticated() {
        TestUser alice = newUser();
        String expired = TOKENS.issue(alice.id(), "alice", Duration.ofMinutes(-5));
        for (String token : List.of("garbage", expired, "")) {
            try (ChatClient client = ChatClient.connect(channel, null)) {
                client.send(ClientEvent.newBuilder().setHello(Hello.newBuilder().setAccessToken(token)).build());
                assertThat(client.awaitClosed().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(client.awaitClosedReason()).isEqualTo("UNAUTHENTICATED");
                assertThat(client.awaitClosedReason()).isEqualTo("UNAUTHENTICATED");
            }
        }
        try (ChatClient client = ChatClient.connect(channel, "garbage")) {
            client.send(ClientEvent.newBuilder().setHello(Hello.newBuilder().setAccessToken(alice.token())).build());
            assertThat(client.awaitClosed().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(client.awaitClosedReason()).isEqualTo("UNAUTHENTICATED");
        }
    }

    @Test
    void typingIsRelayedAtMostOncePerIntervalAndNotAcked() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        try (ChatClient aliceClient = ChatClient.ready(channel, alice.token());
                ChatClient bobClient = ChatClient.ready(channel, bob.token())) {
            for (int i = 0; i < 3; i++) {
                aliceClient.send(ClientEvent.newBuilder().setTyping(
                        TypingEvent.newBuilder().setRoomId(room.getId()).setTyping(true)).build());
            }
            send(aliceClient, room, "done typing");

            ServerEvent typing = bobClient.next();
            assertThat(typing.getTypingChanged().getUserId()).isEqualTo(alice.id());
            assertThat(typing.getTypingChanged().getRoomId()).isEqualTo(room.getId());
            assertThat(typing.getTypingChanged().getTyping()).isTrue();
            assertThat(bobClient.next().getMessageCreated().getMessage().getText()).isEqualTo("done typing");
        }
    }

    @Test
    void markReadMovesTheMarkerForwardOnlyToAnExistingSeqAndOnlyAMoveTellsTheOtherMembers() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        try (ChatClient aliceClient = ChatClient.ready(channel, alice.token());
                ChatClient bobClient = ChatClient.ready(channel, bob.token())) {
            for (int i = 1; i <= 3; i++) {
                send(bobClient, room, "message " + i);
                aliceClient.next(ServerEvent.EventCase.MESSAGE_CREATED);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> MESSAGES.stored(room.getId()) == 3);

            // 2, then back to 1 (no move), then far past the newest (stops at 3)
            List<Long> acked = new java.util.ArrayList<>();
            for (long seq : new long[] {2, 1, 1003}) {
                aliceClient.send(ClientEvent.newBuilder().setClientId("read-" + seq).setMarkRead(
                        MarkReadEvent.newBuilder().setRoomId(room.getId()).setSeq(seq)).build());
                acked.add(aliceClient.next(ServerEvent.EventCase.ACK).getAck().getSeq());
            }
            assertThat(acked).as("the marker after each").containsExactly(2L, 2L, 3L);

            ServerEvent first = bobClient.next(ServerEvent.EventCase.RECEIPT_UPDATED);
            assertThat(first.getReceiptUpdated().getUserId()).isEqualTo(alice.id());
            assertThat(first.getReceiptUpdated().getRoomId()).isEqualTo(room.getId());
            assertThat(first.getReceiptUpdated().getLastReadSeq()).isEqualTo(2);
            assertThat(bobClient.next(ServerEvent.EventCase.RECEIPT_UPDATED).getReceiptUpdated().getLastReadSeq())
                    .as("no receipt for the step back").isEqualTo(3);
        }
    }

    @Test
    void aMessageTheBusRefusesFailsUnavailableAndItsRetryPostsItWithTheSeqItTook() {
        TestUser alice = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP);
        try (ChatClient client = ChatClient.ready(channel, alice.token())) {
            MESSAGES.fail(room.getId());
            try {
                client.sendMessage("try", room.getId(), "important");
                assertError(client.next(ServerEvent.EventCase.ERROR), "try", Status.Code.UNAVAILABLE);
            } finally {
                MESSAGES.recover(room.getId());
            }
            client.sendMessage("try", room.getId(), "retried text is ignored");
            Ack ack = client.next(ServerEvent.EventCase.ACK).getAck();
            // the refused attempt took seq 1 and kept it, pending, for this retry
            assertThat(ack.getSeq()).isEqualTo(1);
            assertThat(MESSAGES.stored(room.getId())).isEqualTo(1);
        }
    }

    @Test
    void endingAStreamFreesItsSession() {
        TestUser alice = newUser();
        await().atMost(Duration.ofSeconds(20)).until(() -> fanout.sessionCount() == 0);
        ChatClient cancelled = ChatClient.ready(channel, alice.token());
        ChatClient completed = ChatClient.ready(channel, alice.token());
        assertThat(fanout.sessionCount()).isEqualTo(2);

        cancelled.close();
        await().atMost(Duration.ofSeconds(20)).until(() -> fanout.sessionCount() == 1);

        completed.halfClose();
        assertThat(completed.awaitClosed().getCode()).isEqualTo(Status.Code.OK);
        await().atMost(Duration.ofSeconds(20)).until(() -> fanout.sessionCount() == 0);
    }

    private static void send(ChatClient client, Room room, String text) {
        client.sendMessage(Ids.newId(), room.getId(), text);
        client.next(ServerEvent.EventCase.ACK);
    }

    private static StreamError assertError(ServerEvent event, String clientId, Status.Code code) {
        assertThat(event.getEventCase()).as("%s", event).isEqualTo(ServerEvent.EventCase.ERROR);
        assertThat(event.getError().getClientId()).isEqualTo(clientId);
        assertThat(event.getError().getCode()).isEqualTo(code.value());
        return event.getError();
    }

    private static void assertMembership(ServerEvent event, Room room, TestUser user, MembershipChange change) {
        MembershipChanged changed = event.getMembershipChanged();
        assertThat(changed.getRoomId()).as("%s", event).isEqualTo(room.getId());
        assertThat(changed.getUserId()).isEqualTo(user.id());
        assertThat(changed.getChange()).isEqualTo(change);
    }
}

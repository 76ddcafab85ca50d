package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.chat.AckGatedEventBus;
import io.chatmesh.chat.ChatClient;
import io.chatmesh.chat.ChatServiceTestBase;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.MembershipChange;
import io.chatmesh.proto.chat.v1.MessageCreated;
import io.chatmesh.proto.chat.internal.v1.RoomEvent;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.room.v1.JoinRoomRequest;
import io.chatmesh.proto.room.v1.LeaveRoomRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A stream gets each room's messages in seq order, each once, and never silently misses one:
 * every published message names the seq published before it, so a stream that did not get
 * that one (lost between the bus and this instance) is closed with UNAVAILABLE and the
 * client resumes from its cursors.
 */
class RoomOrderTest extends ChatServiceTestBase {

    @Autowired
    AckGatedEventBus bus;

    @Test
    void aStreamThatMissedOneOfARoomsMessagesIsClosedSoTheClientResumes() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        try (ChatClient bobClient = ChatClient.ready(channel, bob.token())) {
            Message first = post(alice, room, "first");
            assertThat(bobClient.next().getMessageCreated().getMessage()).isEqualTo(seenByOthers(first));

            // seq 3 names seq 2 as the message before it, which this instance never saw
            bus.publish(Topics.ROOM_EVENTS, room.getId(), RoomEvent.newBuilder().setEventId(Ids.newId())
                    .setRoomId(room.getId()).setPrevSeq(2)
                    .setMessageCreated(MessageCreated.newBuilder().setMessage(first.toBuilder().setId(Ids.newId())
                            .setSeq(3)))
                    .build().toByteArray()).join();

            assertThat(bobClient.awaitClosed().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(bobClient.awaitClosedReason()).isEqualTo("UNAVAILABLE");
        }
    }

    @Test
    void aMemberWhoLeftAndCameBackGetsTheRoomAgainWithoutBeingToldToResume() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room lobby = createRoom(alice, RoomKind.ROOM_KIND_PUBLIC);
        rooms(bob).joinRoom(JoinRoomRequest.newBuilder().setRoomId(lobby.getId()).build());
        try (ChatClient bobClient = ChatClient.ready(channel, bob.token())) {
            post(alice, lobby, "before");
            assertThat(bobClient.next().getMessageCreated().getMessage().getText()).isEqualTo("before");

            rooms(bob).leaveRoom(LeaveRoomRequest.newBuilder().setRoomId(lobby.getId()).build());
            assertThat(bobClient.next().getMembershipChanged().getChange())
                    .isEqualTo(MembershipChange.MEMBERSHIP_CHANGE_LEFT);
            post(alice, lobby, "while away");
            rooms(bob).joinRoom(JoinRoomRequest.newBuilder().setRoomId(lobby.getId()).build());
            assertThat(bobClient.next().getMembershipChanged().getChange())
                    .isEqualTo(MembershipChange.MEMBERSHIP_CHANGE_JOINED);

            Message back = post(alice, lobby, "welcome back");
            assertThat(bobClient.next(ServerEvent.EventCase.MESSAGE_CREATED).getMessageCreated().getMessage())
                    .isEqualTo(seenByOthers(back));
            Message next = post(alice, lobby, "and on");
            assertThat(bobClient.next().getMessageCreated().getMessage()).isEqualTo(seenByOthers(next));
        }
    }

    private Message post(TestUser sender, Room room, String text) {
        return chat(sender).sendMessage(SendMessageRequest.newBuilder().setClientId(Ids.newId())
                .setMessage(SendMessageEvent.newBuilder().setRoomId(room.getId()).setText(text)).build()).getMessage();
    }
}

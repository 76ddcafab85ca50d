package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.chat.ChatClient;
import io.chatmesh.chat.ChatServiceTestBase;
import io.chatmesh.proto.chat.v1.MembershipChange;
import io.chatmesh.proto.chat.v1.MembershipChanged;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.room.v1.InviteMemberRequest;
import io.chatmesh.proto.room.v1.JoinRoomRequest;
import io.chatmesh.proto.room.v1.LeaveRoomRequest;
import io.chatmesh.proto.room.v1.MemberRole;
import io.chatmesh.proto.room.v1.OpenDirectRoomRequest;
import io.chatmesh.proto.room.v1.RemoveMemberRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import org.junit.jupiter.api.Test;

/**
 * Every kind of membership change reaches the room's other members live on their chat streams
 * (`membership_changed`): join, invite, removal, leave, and the role change of an owner's heir.
 */
class MembershipEventsTest extends ChatServiceTestBase {

    @Test
    void aMemberWatchingTheRoomSeesEveryKindOfChange() {
        TestUser owner = newUser();
        TestUser watcher = newUser();
        TestUser joiner = newUser();
        TestUser guest = newUser();
        Room room = createRoom(owner, RoomKind.ROOM_KIND_PUBLIC, watcher);

        try (ChatClient watching = ChatClient.ready(channel, watcher.token())) {
            rooms(joiner).joinRoom(JoinRoomRequest.newBuilder().setRoomId(room.getId()).build());
            assertChange(watching.next(ServerEvent.EventCase.MEMBERSHIP_CHANGED), room, joiner, joiner,
                    MembershipChange.MEMBERSHIP_CHANGE_JOINED, MemberRole.MEMBER_ROLE_MEMBER);

            rooms(owner).inviteMember(InviteMemberRequest.newBuilder().setRoomId(room.getId()).setUserId(guest.id()).build());
            assertChange(watching.next(ServerEvent.EventCase.MEMBERSHIP_CHANGED), room, guest, owner,
                    MembershipChange.MEMBERSHIP_CHANGE_INVITED, MemberRole.MEMBER_ROLE_MEMBER);

            rooms(owner).removeMember(RemoveMemberRequest.newBuilder().setRoomId(room.getId()).setUserId(guest.id()).build());
            assertChange(watching.next(ServerEvent.EventCase.MEMBERSHIP_CHANGED), room, guest, owner,
                    MembershipChange.MEMBERSHIP_CHANGE_REMOVED, MemberRole.MEMBER_ROLE_MEMBER);

            rooms(joiner).leaveRoom(LeaveRoomRequest.newBuilder().setRoomId(room.getId()).build());
            assertChange(watching.next(ServerEvent.EventCase.MEMBERSHIP_CHANGED), room, joiner, joiner,
                    MembershipChange.MEMBERSHIP_CHANGE_LEFT, MemberRole.MEMBER_ROLE_MEMBER);

            // the owner leaving hands the room to the oldest member left: the watcher
            rooms(owner).leaveRoom(LeaveRoomRequest.newBuilder().setRoomId(room.getId()).build());
            assertChange(watching.next(ServerEvent.EventCase.MEMBERSHIP_CHANGED), room, owner, owner,
                    MembershipChange.MEMBERSHIP_CHANGE_LEFT, MemberRole.MEMBER_ROLE_OWNER);
            assertChange(watching.next(ServerEvent.EventCase.MEMBERSHIP_CHANGED), room, watcher, owner,
                    MembershipChange.MEMBERSHIP_CHANGE_ROLE_CHANGED, MemberRole.MEMBER_ROLE_OWNER);
        }
    }

    @Test
    void bothSidesOfANewDirectRoomAreToldLive() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        try (ChatClient aliceStream = ChatClient.ready(channel, alice.token());
                ChatClient bobStream = ChatClient.ready(channel, bob.token())) {
            Room room = rooms(alice).openDirectRoom(OpenDirectRoomRequest.newBuilder().setUserId(bob.id()).build())
                    .getRoom();

            assertChange(aliceStream.next(ServerEvent.EventCase.MEMBERSHIP_CHANGED), room, alice, alice,
                    MembershipChange.MEMBERSHIP_CHANGE_JOINED, MemberRole.MEMBER_ROLE_MEMBER);
            // bob's stream follows the room from the event that adds him
            for (ChatClient stream : new ChatClient[] {aliceStream, bobStream}) {
                assertChange(stream.next(ServerEvent.EventCase.MEMBERSHIP_CHANGED), room, bob, alice,
                        MembershipChange.MEMBERSHIP_CHANGE_INVITED, MemberRole.MEMBER_ROLE_MEMBER);
            }
        }
    }

    private static void assertChange(ServerEvent event, Room room, TestUser user, TestUser actor, MembershipChange change,
            MemberRole role) {
        MembershipChanged changed = event.getMembershipChanged();
        assertThat(changed.getRoomId()).as("%s", event).isEqualTo(room.getId());
        assertThat(changed.getUserId()).as("%s", event).isEqualTo(user.id());
        assertThat(changed.getActorId()).as("%s", event).isEqualTo(actor.id());
        assertThat(changed.getChange()).isEqualTo(change);
        assertThat(changed.getRole()).isEqualTo(role);
    }
}

package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatmesh.chat.ChatServiceTestBase;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.InviteMemberRequest;
import io.chatmesh.proto.room.v1.ListMyRoomsRequest;
import io.chatmesh.proto.room.v1.OpenDirectRoomRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.testkit.GrpcErrors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Blocks and the direct-message rule in RoomService, as user-service's relationship check
 * reports them (here the test directory; LauncherSocialTest runs the real one).
 */
class RoomRelationshipRulesTest extends ChatServiceTestBase {

    @Test
    void aDirectRoomNeedsFriendshipUnlessThePeerAcceptsAnyone() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        users.friendsOnly(bob.id());

        assertRefused(Status.Code.PERMISSION_DENIED, "NOT_ALLOWED", () -> rooms(alice).openDirectRoom(direct(bob)));
        assertThat(rooms(alice).listMyRooms(ListMyRoomsRequest.getDefaultInstance()).getRoomsList()).isEmpty();
        assertThat(rooms(bob).openDirectRoom(direct(alice)).getCreated())
                .as("alice accepts direct messages from anyone").isTrue();

        TestUser carol = newUser();
        users.friendsOnly(carol.id());
        users.befriend(alice.id(), carol.id());
        assertThat(rooms(alice).openDirectRoom(direct(carol)).getCreated()).isTrue();
    }

    @Test
    void noDirectRoomAcrossABlockEvenOneThatExists() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        TestUser carol = newUser();
        users.befriend(alice.id(), bob.id());
        rooms(alice).openDirectRoom(direct(bob));

        users.block(bob.id(), alice.id());
        users.block(alice.id(), carol.id());

        assertRefused(Status.Code.PERMISSION_DENIED, "BLOCKED", () -> rooms(alice).openDirectRoom(direct(bob)));
        assertRefused(Status.Code.PERMISSION_DENIED, "BLOCKED", () -> rooms(bob).openDirectRoom(direct(alice)));
        assertRefused(Status.Code.PERMISSION_DENIED, "BLOCKED", () -> rooms(carol).openDirectRoom(direct(alice)));
        assertThat(rooms(carol).listMyRooms(ListMyRoomsRequest.getDefaultInstance()).getRoomsList()).isEmpty();
    }

    @Test
    void nobodyIsAddedToARoomAcrossABlock() {
        TestUser owner = newUser();
        TestUser blocked = newUser();
        TestUser blocker = newUser();
        users.block(owner.id(), blocked.id());
        users.block(blocker.id(), owner.id());
        Room room = createRoom(owner, RoomKind.ROOM_KIND_PRIVATE);

        for (TestUser other : new TestUser[] {blocked, blocker}) {
            assertRefused(Status.Code.PERMISSION_DENIED, "BLOCKED", () -> rooms(owner).inviteMember(
                    InviteMemberRequest.newBuilder().setRoomId(room.getId()).setUserId(other.id()).build()));
            assertRefused(Status.Code.PERMISSION_DENIED, "BLOCKED", () -> rooms(owner).createRoom(
                    CreateRoomRequest.newBuilder().setKind(RoomKind.ROOM_KIND_GROUP).setName("with a blocked user")
                            .addMemberIds(other.id()).build()));
            assertThat(rooms(other).listMyRooms(ListMyRoomsRequest.getDefaultInstance()).getRoomsList()).isEmpty();
        }
        assertThat(rooms(owner).listMyRooms(ListMyRoomsRequest.getDefaultInstance()).getRoomsList())
                .extracting(Room::getId).containsExactly(room.getId());
    }

    private static OpenDirectRoomRequest direct(TestUser peer) {
        return OpenDirectRoomRequest.newBuilder().setUserId(peer.id()).build();
    }

    private static void assertRefused(Status.Code code, String reason, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(GrpcErrors.reason(e)).isEqualTo(reason);
        });
    }
}

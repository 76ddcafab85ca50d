package io.chatmesh.chat.api;

import static io.chatmesh.testkit.GrpcErrors.violatedFields;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.chat.ChatClient;
import io.chatmesh.chat.ChatServiceTestBase;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.room.internal.v1.CheckCoMembersRequest;
import io.chatmesh.proto.room.internal.v1.MembershipServiceGrpc;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.user.internal.v1.PresenceChanged;
import io.chatmesh.proto.user.v1.Presence;
import io.chatmesh.proto.user.v1.PresenceStatus;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * presence_changed on the chat stream: user-service's announcements (published here by the test,
 * as user-service does) reach the user's own streams, their friends' and their co-members' in
 * rooms small enough to share presence; never a stranger's, a co-member's across a block, or a
 * co-member's who shares only a big room. A repeated announcement is not sent twice.
 *
 * <p>That someone got nothing is shown without waiting: after the change, a marker user's change
 * that everyone may see is announced; changes go out in order, so whoever's next presence event
 * is the marker's did not get the first one.
 */
class PresenceChangedTest extends ChatServiceTestBase {

    @Autowired
    EventBus bus;

    @Test
    void friendsAndCoMembersOfSmallRoomsAreToldNeverAcrossABlock() {
        TestUser alice = newUser();
        TestUser coMember = newUser();
        TestUser blockedCoMember = newUser();
        TestUser friend = newUser();
        TestUser stranger = newUser();
        TestUser bigRoomMember = newUser();
        TestUser marker = newUser();
        createRoom(alice, RoomKind.ROOM_KIND_GROUP, coMember, blockedCoMember);
        // four members: more than the test's presence-room-limit (3)
        createRoom(bigRoomMember, RoomKind.ROOM_KIND_GROUP, alice, newUser(), newUser());

        List<TestUser> told = List.of(alice, coMember, friend);
        List<TestUser> notTold = List.of(stranger, blockedCoMember, bigRoomMember);
        List<ChatClient> toldStreams = told.stream().map(user -> ChatClient.ready(channel, user.token())).toList();
        List<ChatClient> notToldStreams = notTold.stream().map(user -> ChatClient.ready(channel, user.token())).toList();
        try {
            announce(alice, PresenceStatus.PRESENCE_STATUS_ONLINE, List.of(friend), List.of(blockedCoMember));
            announce(marker, PresenceStatus.PRESENCE_STATUS_ONLINE,
                    Stream.concat(told.stream(), notTold.stream()).toList(), List.of());

            for (ChatClient stream : toldStreams) {
                Presence seen = nextPresence(stream);
                assertThat(seen.getUserId()).isEqualTo(alice.id());
                assertThat(seen.getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_ONLINE);
                assertThat(nextPresence(stream).getUserId()).isEqualTo(marker.id());
            }
            for (ChatClient stream : notToldStreams) {
                assertThat(nextPresence(stream).getUserId()).isEqualTo(marker.id());
            }

            // every user-service instance announces each change: the repeat is dropped
            announce(alice, PresenceStatus.PRESENCE_STATUS_ONLINE, List.of(friend), List.of(blockedCoMember));
            announce(alice, PresenceStatus.PRESENCE_STATUS_AWAY, List.of(friend), List.of(blockedCoMember));
            for (ChatClient stream : toldStreams) {
                assertThat(nextPresence(stream).getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_AWAY);
            }
        } finally {
            Stream.concat(toldStreams.stream(), notToldStreams.stream()).forEach(ChatClient::close);
        }
    }

    @Test
    void anUnparseableAnnouncementIsDroppedAndLaterOnesStillArrive() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        try (ChatClient bobStream = ChatClient.ready(channel, bob.token())) {
            bus.publish(Topics.PRESENCE_CHANGES, alice.id(), new byte[] {(byte) 0xff, 0x01});
            announce(alice, PresenceStatus.PRESENCE_STATUS_DO_NOT_DISTURB, List.of(), List.of());
            Presence seen = nextPresence(bobStream);
            assertThat(seen.getUserId()).isEqualTo(alice.id());
            assertThat(seen.getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_DO_NOT_DISTURB);
        }
    }

    @Test
    void checkCoMembersNamesWhoSharesARoomSmallEnoughForPresenceAboutTheCallerOnly() {
        TestUser alice = newUser();
        TestUser coMember = newUser();
        TestUser bigRoomMember = newUser();
        TestUser stranger = newUser();
        createRoom(alice, RoomKind.ROOM_KIND_PRIVATE, coMember);
        // four members: more than the test's presence-room-limit (3)
        createRoom(bigRoomMember, RoomKind.ROOM_KIND_GROUP, alice, newUser(), newUser());

        assertThat(memberships(alice).checkCoMembers(CheckCoMembersRequest.newBuilder().setUserId(alice.id())
                .addOtherUserIds(coMember.id()).addOtherUserIds(bigRoomMember.id()).addOtherUserIds(stranger.id())
                .addOtherUserIds(Ids.newId()).build()).getCoMemberUserIdsList())
                .containsExactly(coMember.id());

        assertStatus(Status.Code.PERMISSION_DENIED, () -> memberships(stranger).checkCoMembers(
                CheckCoMembersRequest.newBuilder().setUserId(alice.id()).addOtherUserIds(coMember.id()).build()));
        assertThat(violatedFields(() -> memberships(alice).checkCoMembers(
                CheckCoMembersRequest.newBuilder().setUserId(alice.id()).build()))).containsExactly("other_user_ids");
        assertThat(violatedFields(() -> memberships(alice).checkCoMembers(CheckCoMembersRequest.newBuilder()
                .setUserId(alice.id()).addAllOtherUserIds(IntStream.range(0, 101).mapToObj(i -> Ids.newId()).toList())
                .build()))).containsExactly("other_user_ids");
        assertThat(violatedFields(() -> memberships(alice).checkCoMembers(CheckCoMembersRequest.newBuilder()
                .setUserId(alice.id()).addOtherUserIds("not an id").build()))).containsExactly("other_user_ids[0]");
    }

    private MembershipServiceGrpc.MembershipServiceBlockingStub memberships(TestUser user) {
        return MembershipServiceGrpc.newBlockingStub(channel).withCallCredentials(BearerCallCredentials.of(user.token()))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private void announce(TestUser user, PresenceStatus status, List<TestUser> friends, List<TestUser> blocked) {
        bus.publish(Topics.PRESENCE_CHANGES, user.id(), PresenceChanged.newBuilder()
                .setPresence(Presence.newBuilder().setUserId(user.id()).setStatus(status))
                .addAllFriendIds(friends.stream().map(TestUser::id).toList())
                .addAllBlockedUserIds(blocked.stream().map(TestUser::id).toList())
                .build().toByteArray()).join();
    }

    private static Presence nextPresence(ChatClient stream) {
        return stream.next(ServerEvent.EventCase.PRESENCE_CHANGED).getPresenceChanged();
    }
}

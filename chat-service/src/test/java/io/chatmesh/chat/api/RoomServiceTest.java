package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.chat.ChatServiceTestBase;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.room.internal.v1.CheckMembershipRequest;
import io.chatmesh.proto.room.internal.v1.CheckMembershipResponse;
import io.chatmesh.proto.room.internal.v1.MembershipServiceGrpc;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.GetRoomRequest;
import io.chatmesh.proto.room.v1.GetRoomResponse;
import io.chatmesh.proto.room.v1.InviteMemberRequest;
import io.chatmesh.proto.room.v1.JoinRoomRequest;
import io.chatmesh.proto.room.v1.LeaveRoomRequest;
import io.chatmesh.proto.room.v1.ListMembersRequest;
import io.chatmesh.proto.room.v1.ListMembersResponse;
import io.chatmesh.proto.room.v1.ListMyRoomsRequest;
import io.chatmesh.proto.room.v1.ListMyRoomsResponse;
import io.chatmesh.proto.room.v1.ListPublicRoomsRequest;
import io.chatmesh.proto.room.v1.ListPublicRoomsResponse;
import io.chatmesh.proto.room.v1.Member;
import io.chatmesh.proto.room.v1.MemberRole;
import io.chatmesh.proto.room.v1.OpenDirectRoomRequest;
import io.chatmesh.proto.room.v1.OpenDirectRoomResponse;
import io.chatmesh.proto.room.v1.RemoveMemberRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.proto.room.v1.UpdateRoomRequest;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** RoomService rules and status codes over a real socket and PostgreSQL. */
class RoomServiceTest extends ChatServiceTestBase {

    @Test
    void createRoomMakesTheCallerOwnerAndAddsTheMembers() {
        TestUser owner = newUser();
        TestUser member = newUser();

        Room room = rooms(owner).createRoom(CreateRoomRequest.newBuilder().setKind(RoomKind.ROOM_KIND_PRIVATE)
                .setName("Team").setTopic("planning").addMemberIds(member.id()).addMemberIds(owner.id()).build()).getRoom();

        assertThat(room.getKind()).isEqualTo(RoomKind.ROOM_KIND_PRIVATE);
        assertThat(room.getName()).isEqualTo("Team");
        assertThat(room.getTopic()).isEqualTo("planning");
        assertThat(room.getOwnerId()).isEqualTo(owner.id());
        assertThat(room.getMemberCount()).isEqualTo(2);
        assertThat(room.getLastMessageSeq()).isZero();
        assertThat(rooms(owner).getRoom(get(room)).getMyRole()).isEqualTo(MemberRole.MEMBER_ROLE_OWNER);
        assertThat(rooms(member).getRoom(get(room)).getMyRole()).isEqualTo(MemberRole.MEMBER_ROLE_MEMBER);
    }

    @Test
    void invalidCreateRoomRequestsAreRejectedAndCreateNothing() {
        TestUser owner = newUser();
        CreateRoomRequest valid = CreateRoomRequest.newBuilder().setKind(RoomKind.ROOM_KIND_GROUP).setName("ok").build();
        List<CreateRoomRequest> invalid = List.of(
                valid.toBuilder().setKind(RoomKind.ROOM_KIND_DIRECT).build(),
                valid.toBuilder().setKind(RoomKind.ROOM_KIND_UNSPECIFIED).build(),
                valid.toBuilder().setName("").build(),
                valid.toBuilder().setName("   ").build(),
                valid.toBuilder().setName("x".repeat(81)).build(),
                valid.toBuilder().setName("nul\0name").build(),
                valid.toBuilder().setTopic("t".repeat(513)).build(),
                valid.toBuilder().addMemberIds("not-an-id").build(),
                valid.toBuilder().addAllMemberIds(IntStream.range(0, 101).mapToObj(i -> Ids.newId()).toList()).build());

        for (CreateRoomRequest request : invalid) {
            assertStatus(Status.Code.INVALID_ARGUMENT, () -> rooms(owner).createRoom(request));
        }
        assertStatus(Status.Code.NOT_FOUND, () -> rooms(owner).createRoom(valid.toBuilder().addMemberIds(Ids.newId()).build()));

        assertThat(rooms(owner).listMyRooms(ListMyRoomsRequest.getDefaultInstance()).getRoomsList()).isEmpty();
        // the longest valid values pass
        assertThat(rooms(owner).createRoom(valid.toBuilder().setName("n".repeat(80)).setTopic("t".repeat(512)).build())
                .getRoom().getName()).hasSize(80);
    }

    @Test
    void everyRpcNeedsAToken() {
        RoomServiceGrpc.RoomServiceBlockingStub anonymous = RoomServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS);
        assertStatus(Status.Code.UNAUTHENTICATED, () -> anonymous.listMyRooms(ListMyRoomsRequest.getDefaultInstance()));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> anonymous.withCallCredentials(
                io.chatmesh.platform.auth.BearerCallCredentials.of("garbage")).listMyRooms(ListMyRoomsRequest.getDefaultInstance()));
    }

    @Test
    void getRoomShowsPrivateRoomsToMembersOnlyAndPublicRoomsToEveryone() {
        TestUser owner = newUser();
        TestUser stranger = newUser();
        Room privateRoom = createRoom(owner, RoomKind.ROOM_KIND_PRIVATE);
        Room publicRoom = createRoom(owner, RoomKind.ROOM_KIND_PUBLIC);

        assertStatus(Status.Code.NOT_FOUND, () -> rooms(stranger).getRoom(get(privateRoom)));
        assertStatus(Status.Code.NOT_FOUND, () -> rooms(stranger).getRoom(GetRoomRequest.newBuilder().setRoomId(Ids.newId()).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> rooms(stranger).getRoom(GetRoomRequest.newBuilder().setRoomId("nope").build()));
        GetRoomResponse seen = rooms(stranger).getRoom(get(publicRoom));
        assertThat(seen.getRoom().getId()).isEqualTo(publicRoom.getId());
        assertThat(seen.getMyRole()).isEqualTo(MemberRole.MEMBER_ROLE_UNSPECIFIED);
    }

    @Test
    void openDirectRoomIsOnePerPairWhoeverOpensIt() {
        TestUser alice = newUser();
        TestUser bob = newUser();

        OpenDirectRoomResponse first = rooms(alice).openDirectRoom(direct(bob));
        OpenDirectRoomResponse again = rooms(alice).openDirectRoom(direct(bob));
        OpenDirectRoomResponse fromBob = rooms(bob).openDirectRoom(direct(alice));

        assertThat(first.getCreated()).isTrue();
        assertThat(again.getCreated()).isFalse();
        assertThat(fromBob.getCreated()).isFalse();
        assertThat(again.getRoom().getId()).isEqualTo(first.getRoom().getId());
        assertThat(fromBob.getRoom().getId()).isEqualTo(first.getRoom().getId());
        Room room = first.getRoom();
        assertThat(room.getKind()).isEqualTo(RoomKind.ROOM_KIND_DIRECT);
        assertThat(room.getOwnerId()).isEmpty();
        assertThat(room.getMemberCount()).isEqualTo(2);
        assertThat(room.getDirectUserIdsList()).containsExactlyInAnyOrder(alice.id(), bob.id());
    }

    @Test
    void concurrentOpenDirectRoomCallsCreateExactlyOneRoom() throws Exception {
        TestUser alice = newUser();
        TestUser bob = newUser();
        int callers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<OpenDirectRoomResponse>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                TestUser caller = i % 2 == 0 ? alice : bob;
                TestUser peer = i % 2 == 0 ? bob : alice;
                calls.add(pool.submit((Callable<OpenDirectRoomResponse>) () -> {
                    start.await();
                    return rooms(caller).openDirectRoom(direct(peer));
                }));
            }
            start.countDown();
            List<OpenDirectRoomResponse> responses = new ArrayList<>();
            for (Future<OpenDirectRoomResponse> call : calls) {
                responses.add(call.get(30, TimeUnit.SECONDS));
            }
            assertThat(responses).extracting(r -> r.getRoom().getId()).containsOnly(responses.get(0).getRoom().getId());
            assertThat(responses).filteredOn(OpenDirectRoomResponse::getCreated).hasSize(1);
            assertThat(rooms(alice).listMyRooms(ListMyRoomsRequest.getDefaultInstance()).getRoomsList()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void openDirectRoomRejectsYourselfAndUnknownUsers() {
        TestUser alice = newUser();
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> rooms(alice).openDirectRoom(direct(alice)));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> rooms(alice).openDirectRoom(
                OpenDirectRoomRequest.newBuilder().setUserId("x").build()));
        assertStatus(Status.Code.NOT_FOUND, () -> rooms(alice).openDirectRoom(
                OpenDirectRoomRequest.newBuilder().setUserId(Ids.newId()).build()));
        assertThat(rooms(alice).listMyRooms(ListMyRoomsRequest.getDefaultInstance()).getRoomsList()).isEmpty();
    }

    @Test
    void onlyPublicRoomsCanBeJoinedAndJoiningTwiceChangesNothing() {
        TestUser owner = newUser();
        TestUser joiner = newUser();
        Room publicRoom = createRoom(owner, RoomKind.ROOM_KIND_PUBLIC);
        Room privateRoom = createRoom(owner, RoomKind.ROOM_KIND_PRIVATE);
        Room groupRoom = createRoom(owner, RoomKind.ROOM_KIND_GROUP);

        assertThat(rooms(joiner).joinRoom(join(publicRoom)).getRoom().getMemberCount()).isEqualTo(2);
        assertThat(rooms(joiner).joinRoom(join(publicRoom)).getRoom().getMemberCount()).isEqualTo(2);
        assertThat(rooms(joiner).getRoom(get(publicRoom)).getMyRole()).isEqualTo(MemberRole.MEMBER_ROLE_MEMBER);

        // to a non-member, a room that is not PUBLIC looks exactly like a missing one
        assertStatus(Status.Code.NOT_FOUND, () -> rooms(joiner).joinRoom(join(privateRoom)));
        assertStatus(Status.Code.NOT_FOUND, () -> rooms(joiner).joinRoom(join(groupRoom)));
        assertStatus(Status.Code.NOT_FOUND, () -> rooms(joiner).joinRoom(JoinRoomRequest.newBuilder().setRoomId(Ids.newId()).build()));
        assertStatus(Status.Code.NOT_FOUND, () -> rooms(joiner).getRoom(get(privateRoom)));
    }

    @Test
    void leavingIsIdempotentAndAnOwnerLeavingHandsTheRoomToTheOldestMember() {
        TestUser owner = newUser();
        TestUser first = newUser();
        TestUser second = newUser();
        Room room = createRoom(owner, RoomKind.ROOM_KIND_PRIVATE, first);
        rooms(owner).inviteMember(invite(room, second));

        rooms(owner).leaveRoom(leave(room));
        rooms(owner).leaveRoom(leave(room));
        rooms(owner).leaveRoom(LeaveRoomRequest.newBuilder().setRoomId(Ids.newId()).build());

        GetRoomResponse heir = rooms(first).getRoom(get(room));
        assertThat(heir.getMyRole()).isEqualTo(MemberRole.MEMBER_ROLE_OWNER);
        assertThat(heir.getRoom().getOwnerId()).isEqualTo(first.id());
        assertThat(heir.getRoom().getMemberCount()).isEqualTo(2);
        assertThat(rooms(second).getRoom(get(room)).getMyRole()).isEqualTo(MemberRole.MEMBER_ROLE_MEMBER);
        assertStatus(Status.Code.NOT_FOUND, () -> rooms(owner).getRoom(get(room)));
    }

    @Test
    void directRoomsCannotBeLeftOrChanged() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = rooms(alice).openDirectRoom(direct(bob)).getRoom();

        assertStatus(Status.Code.FAILED_PRECONDITION, () -> rooms(alice).leaveRoom(leave(room)));
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> rooms(alice).inviteMember(invite(room, newUser())));
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> rooms(alice).removeMember(remove(room, bob)));
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> rooms(alice).updateRoom(
                UpdateRoomRequest.newBuilder().setRoomId(room.getId()).setName("x").build()));
        assertThat(rooms(bob).getRoom(get(room)).getRoom().getMemberCount()).isEqualTo(2);
    }

    @Test
    void invitingFollowsTheRoles() {
        TestUser owner = newUser();
        TestUser member = newUser();
        TestUser stranger = newUser();
        Room privateRoom = createRoom(owner, RoomKind.ROOM_KIND_PRIVATE, member);
        Room groupRoom = createRoom(owner, RoomKind.ROOM_KIND_GROUP, member);

        Member invited = rooms(owner).inviteMember(invite(privateRoom, stranger)).getMember();
        assertThat(invited.getRole()).isEqualTo(MemberRole.MEMBER_ROLE_MEMBER);
        assertThat(rooms(owner).inviteMember(invite(privateRoom, stranger)).getMember().getJoinTime())
                .isEqualTo(invited.getJoinTime());
        assertThat(rooms(stranger).getRoom(get(privateRoom)).getRoom().getMemberCount()).isEqualTo(3);

        TestUser another = newUser();
        assertStatus(Status.Code.PERMISSION_DENIED, () -> rooms(member).inviteMember(invite(privateRoom, another)));
        assertStatus(Status.Code.NOT_FOUND, () -> rooms(another).inviteMember(invite(groupRoom, another)));
        assertThat(rooms(member).inviteMember(invite(groupRoom, another)).getMember().getUserId()).isEqualTo(another.id());

        assertStatus(Status.Code.NOT_FOUND, () -> rooms(owner).inviteMember(InviteMemberRequest.newBuilder()
                .setRoomId(privateRoom.getId()).setUserId(Ids.newId()).build()));
        assertStatus(Status.Code.NOT_FOUND, () -> rooms(owner).inviteMember(InviteMemberRequest.newBuilder()
                .setRoomId(Ids.newId()).setUserId(another.id()).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> rooms(owner).inviteMember(InviteMemberRequest.newBuilder()
                .setRoomId(privateRoom.getId()).setUserId("").build()));
        assertThat(rooms(owner).getRoom(get(privateRoom)).getRoom().getMemberCount()).isEqualTo(3);
    }

    @Test
    void removingFollowsTheRoles() {
        TestUser owner = newUser();
        TestUser member = newUser();
        TestUser other = newUser();
        Room room = createRoom(owner, RoomKind.ROOM_KIND_PUBLIC, member, other);

        assertStatus(Status.Code.PERMISSION_DENIED, () -> rooms(member).removeMember(remove(room, other)));
        assertStatus(Status.Code.PERMISSION_DENIED, () -> rooms(owner).removeMember(remove(room, owner)));
        assertStatus(Status.Code.PERMISSION_DENIED, () -> rooms(newUser()).removeMember(remove(room, other)));

        rooms(owner).removeMember(remove(room, other));
        rooms(owner).removeMember(remove(room, other));

        assertThat(rooms(owner).getRoom(get(room)).getRoom().getMemberCount()).isEqualTo(2);
        assertThat(rooms(other).getRoom(get(room)).getMyRole()).isEqualTo(MemberRole.MEMBER_ROLE_UNSPECIFIED);
    }

    @Test
    void onlyModeratorsUpdateARoomAndInvalidUpdatesChangeNothing() {
        TestUser owner = newUser();
        TestUser member = newUser();
        Room room = createRoom(owner, RoomKind.ROOM_KIND_PRIVATE, member);

        Room renamed = rooms(owner).updateRoom(UpdateRoomRequest.newBuilder()
                .setRoomId(room.getId()).setName("Renamed").build()).getRoom();
        assertThat(renamed.getName()).isEqualTo("Renamed");
        assertThat(renamed.getTopic()).isEqualTo(room.getTopic());

        Room retopiced = rooms(owner).updateRoom(UpdateRoomRequest.newBuilder()
                .setRoomId(room.getId()).setTopic("new topic").build()).getRoom();
        assertThat(retopiced.getName()).isEqualTo("Renamed");
        assertThat(retopiced.getTopic()).isEqualTo("new topic");

        assertStatus(Status.Code.PERMISSION_DENIED, () -> rooms(member).updateRoom(UpdateRoomRequest.newBuilder()
                .setRoomId(room.getId()).setName("Mine").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> rooms(owner).updateRoom(UpdateRoomRequest.newBuilder()
                .setRoomId(room.getId()).setName("").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> rooms(owner).updateRoom(UpdateRoomRequest.newBuilder()
                .setRoomId(room.getId()).setName("ok").setTopic("t".repeat(513)).build()));
        assertThat(rooms(member).getRoom(get(room)).getRoom().getName()).isEqualTo("Renamed");
    }

    @Test
    void membersAreListedToMembersOnlyInPages() {
        TestUser owner = newUser();
        List<TestUser> others = IntStream.range(0, 4).mapToObj(i -> newUser()).toList();
        Room room = createRoom(owner, RoomKind.ROOM_KIND_PUBLIC, others.toArray(TestUser[]::new));

        List<String> listed = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListMembersResponse page = rooms(owner).listMembers(ListMembersRequest.newBuilder()
                    .setRoomId(room.getId()).setPageSize(2).setPageToken(token).build());
            page.getMembersList().forEach(m -> listed.add(m.getUserId()));
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty());

        assertThat(pages).isEqualTo(3);
        assertThat(listed).hasSize(5).doesNotHaveDuplicates().contains(owner.id())
                .containsAll(others.stream().map(TestUser::id).toList());
        assertStatus(Status.Code.PERMISSION_DENIED, () -> rooms(newUser()).listMembers(members(room)));
        assertStatus(Status.Code.NOT_FOUND, () -> rooms(owner).listMembers(
                ListMembersRequest.newBuilder().setRoomId(Ids.newId()).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> rooms(owner).listMembers(
                members(room).toBuilder().setPageSize(501).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> rooms(owner).listMembers(
                members(room).toBuilder().setPageToken("not a token").build()));
    }

    @Test
    void myRoomsComeMostRecentlyActiveFirstInPages() {
        TestUser user = newUser();
        Room older = createRoom(user, RoomKind.ROOM_KIND_GROUP);
        Room middle = createRoom(user, RoomKind.ROOM_KIND_GROUP);
        Room newer = createRoom(user, RoomKind.ROOM_KIND_GROUP);

        assertThat(allMyRooms(user, 2)).containsExactly(newer.getId(), middle.getId(), older.getId());

        chat(user).sendMessage(SendMessageRequest.newBuilder().setClientId("c1")
                .setMessage(SendMessageEvent.newBuilder().setRoomId(older.getId()).setText("hi")).build());
        assertThat(allMyRooms(user, 2)).containsExactly(older.getId(), newer.getId(), middle.getId());
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> rooms(user).listMyRooms(
                ListMyRoomsRequest.newBuilder().setPageSize(201).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> rooms(user).listMyRooms(
                ListMyRoomsRequest.newBuilder().setPageToken(publicRoomsToken()).build()));
    }

    @Test
    void publicRoomsAreFoundByCaseInsensitiveNamePrefix() {
        TestUser owner = newUser();
        String prefix = "Zq" + Ids.newId().substring(16);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            expected.add(rooms(owner).createRoom(CreateRoomRequest.newBuilder().setKind(RoomKind.ROOM_KIND_PUBLIC)
                    .setName(prefix + " room " + i).build()).getRoom().getId());
        }
        rooms(owner).createRoom(CreateRoomRequest.newBuilder().setKind(RoomKind.ROOM_KIND_PRIVATE)
                .setName(prefix + " secret").build());
        rooms(owner).createRoom(CreateRoomRequest.newBuilder().setKind(RoomKind.ROOM_KIND_PUBLIC)
                .setName("other " + prefix).build());

        TestUser searcher = newUser();
        List<String> found = new ArrayList<>();
        String token = "";
        do {
            ListPublicRoomsResponse page = rooms(searcher).listPublicRooms(
                    ListPublicRoomsRequest.newBuilder().setQuery(prefix.toLowerCase()).setPageSize(2).setPageToken(token).build());
            page.getRoomsList().forEach(r -> found.add(r.getId()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());

        assertThat(found).containsExactlyElementsOf(expected);
        assertThat(rooms(owner).listPublicRooms(ListPublicRoomsRequest.newBuilder().setQuery(prefix + "%").build())
                .getRoomsList()).isEmpty();
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> rooms(owner).listPublicRooms(
                ListPublicRoomsRequest.newBuilder().setQuery("q".repeat(81)).build()));
    }

    @Test
    void checkMembershipAnswersOnlyAboutTheCaller() {
        TestUser owner = newUser();
        TestUser stranger = newUser();
        Room privateRoom = createRoom(owner, RoomKind.ROOM_KIND_PRIVATE);
        Room publicRoom = createRoom(owner, RoomKind.ROOM_KIND_PUBLIC);

        CheckMembershipResponse mine = memberships(owner).checkMembership(check(privateRoom.getId(), owner));
        assertThat(mine.getIsMember()).isTrue();
        assertThat(mine.getRole()).isEqualTo(MemberRole.MEMBER_ROLE_OWNER);
        assertThat(mine.getRoomKind()).isEqualTo(RoomKind.ROOM_KIND_PRIVATE);

        assertStatus(Status.Code.PERMISSION_DENIED, () -> memberships(stranger).checkMembership(check(privateRoom.getId(), owner)));

        CheckMembershipResponse hidden = memberships(stranger).checkMembership(check(privateRoom.getId(), stranger));
        CheckMembershipResponse unknown = memberships(stranger).checkMembership(check(Ids.newId(), stranger));
        assertThat(hidden).isEqualTo(unknown);
        assertThat(unknown.getIsMember()).isFalse();
        assertThat(unknown.getRoomKind()).isEqualTo(RoomKind.ROOM_KIND_UNSPECIFIED);

        CheckMembershipResponse outsidePublic = memberships(stranger).checkMembership(check(publicRoom.getId(), stranger));
        assertThat(outsidePublic.getIsMember()).isFalse();
        assertThat(outsidePublic.getRole()).isEqualTo(MemberRole.MEMBER_ROLE_UNSPECIFIED);
        assertThat(outsidePublic.getRoomKind()).isEqualTo(RoomKind.ROOM_KIND_PUBLIC);
    }

    private List<String> allMyRooms(TestUser user, int pageSize) {
        List<String> ids = new ArrayList<>();
        String token = "";
        do {
            ListMyRoomsResponse page = rooms(user).listMyRooms(
                    ListMyRoomsRequest.newBuilder().setPageSize(pageSize).setPageToken(token).build());
            page.getRoomsList().forEach(r -> ids.add(r.getId()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return Collections.unmodifiableList(ids);
    }

    private String publicRoomsToken() {
        TestUser owner = newUser();
        String name = "Tok" + Ids.newId();
        createRoom(owner, RoomKind.ROOM_KIND_PUBLIC);
        rooms(owner).createRoom(CreateRoomRequest.newBuilder().setKind(RoomKind.ROOM_KIND_PUBLIC).setName(name + "1").build());
        rooms(owner).createRoom(CreateRoomRequest.newBuilder().setKind(RoomKind.ROOM_KIND_PUBLIC).setName(name + "2").build());
        return rooms(owner).listPublicRooms(ListPublicRoomsRequest.newBuilder().setQuery(name).setPageSize(1).build())
                .getNextPageToken();
    }

    private static GetRoomRequest get(Room room) {
        return GetRoomRequest.newBuilder().setRoomId(room.getId()).build();
    }

    private static JoinRoomRequest join(Room room) {
        return JoinRoomRequest.newBuilder().setRoomId(room.getId()).build();
    }

    private static LeaveRoomRequest leave(Room room) {
        return LeaveRoomRequest.newBuilder().setRoomId(room.getId()).build();
    }

    private static OpenDirectRoomRequest direct(TestUser peer) {
        return OpenDirectRoomRequest.newBuilder().setUserId(peer.id()).build();
    }

    private static InviteMemberRequest invite(Room room, TestUser user) {
        return InviteMemberRequest.newBuilder().setRoomId(room.getId()).setUserId(user.id()).build();
    }

    private static RemoveMemberRequest remove(Room room, TestUser user) {
        return RemoveMemberRequest.newBuilder().setRoomId(room.getId()).setUserId(user.id()).build();
    }

    private static ListMembersRequest members(Room room) {
        return ListMembersRequest.newBuilder().setRoomId(room.getId()).build();
    }

    private MembershipServiceGrpc.MembershipServiceBlockingStub memberships(TestUser user) {
        return MembershipServiceGrpc.newBlockingStub(channel).withCallCredentials(BearerCallCredentials.of(user.token()))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static CheckMembershipRequest check(String roomId, TestUser user) {
        return CheckMembershipRequest.newBuilder().setRoomId(roomId).setUserId(user.id()).build();
    }
}

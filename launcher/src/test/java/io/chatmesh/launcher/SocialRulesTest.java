package io.chatmesh.launcher;

import static io.chatmesh.launcher.Accounts.as;
import static io.chatmesh.launcher.Accounts.signUpAndLogIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.InviteMemberRequest;
import io.chatmesh.proto.room.v1.ListMembersRequest;
import io.chatmesh.proto.room.v1.OpenDirectRoomRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.proto.user.v1.AcceptRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.BlockUserRequest;
import io.chatmesh.proto.user.v1.GetMeRequest;
import io.chatmesh.proto.user.v1.GetPresenceRequest;
import io.chatmesh.proto.user.v1.Presence;
import io.chatmesh.proto.user.v1.PresenceStatus;
import io.chatmesh.proto.user.v1.RelationshipKind;
import io.chatmesh.proto.user.v1.RelationshipListing;
import io.chatmesh.proto.user.v1.RemoveRelationshipRequest;
import io.chatmesh.proto.user.v1.SendRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.SetPresenceRequest;
import io.chatmesh.proto.user.v1.UnblockUserRequest;
import io.chatmesh.proto.user.v1.UpdateSettingsRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Friendship, blocks and the direct-message setting as chat-service enforces them, asking the
 * real user-service over gRPC (RelationshipService), and presence made of chat streams
 * (chat-service to user-service over the bus): the whole embedded stack, through the edge.
 */
class SocialRulesTest {

    @RegisterExtension
    static final LaunchedStack STACK = new LaunchedStack();

    private record Person(String id, String token) {}

    @Test
    void aDirectRoomNeedsFriendshipOrThePeersOpennessAndNeverCrossesABlock() {
        Person ann = person("ann");
        Person bob = person("bob");

        assertRefused("NOT_ALLOWED", () -> rooms(ann).openDirectRoom(direct(bob)));

        befriend(ann, bob);
        Room room = rooms(ann).openDirectRoom(direct(bob)).getRoom();
        assertThat(room.getDirectUserIdsList()).containsExactlyInAnyOrder(ann.id(), bob.id());

        users(bob).blockUser(BlockUserRequest.newBuilder().setUserId(ann.id()).build());
        assertRefused("BLOCKED", () -> rooms(ann).openDirectRoom(direct(bob)));
        assertRefused("BLOCKED", () -> rooms(bob).openDirectRoom(direct(ann)));

        // unblocking does not bring the friendship back; bob opening up to anyone does
        users(bob).unblockUser(UnblockUserRequest.newBuilder().setUserId(ann.id()).build());
        assertRefused("NOT_ALLOWED", () -> rooms(ann).openDirectRoom(direct(bob)));
        users(bob).updateSettings(UpdateSettingsRequest.newBuilder().setAcceptDirectMessagesFromAnyone(true).build());
        assertThat(rooms(ann).openDirectRoom(direct(bob)).getRoom().getId()).isEqualTo(room.getId());
    }

    @Test
    void unfriendingClosesTheDirectRoomToNewOpens() {
        Person cat = person("cat");
        Person dan = person("dan");
        befriend(cat, dan);
        rooms(cat).openDirectRoom(direct(dan));

        users(dan).removeRelationship(RemoveRelationshipRequest.newBuilder().setUserId(cat.id())
                .setListing(RelationshipListing.RELATIONSHIP_LISTING_FRIENDS).build());

        assertRefused("NOT_ALLOWED", () -> rooms(cat).openDirectRoom(direct(dan)));
    }

    @Test
    void nobodyIsInvitedAcrossABlock() {
        Person owner = person("owner");
        Person pest = person("pest");
        users(owner).blockUser(BlockUserRequest.newBuilder().setUserId(pest.id()).build());
        Room room = rooms(owner).createRoom(CreateRoomRequest.newBuilder().setKind(RoomKind.ROOM_KIND_PRIVATE)
                .setName("no pests").build()).getRoom();

        assertRefused("BLOCKED", () -> rooms(owner).inviteMember(InviteMemberRequest.newBuilder()
                .setRoomId(room.getId()).setUserId(pest.id()).build()));
        assertRefused("BLOCKED", () -> rooms(owner).createRoom(CreateRoomRequest.newBuilder()
                .setKind(RoomKind.ROOM_KIND_GROUP).setName("group").addMemberIds(pest.id()).build()));
        assertThat(rooms(owner).listMembers(ListMembersRequest.newBuilder().setRoomId(room.getId()).build())
                .getMembersCount()).isEqualTo(1);
    }

    @Test
    void aUserIsOnlineWhileAnyOfTheirDevicesHoldsAChatStream() {
        Person eve = person("eve");
        Person fay = person("fay");
        befriend(eve, fay);
        assertThat(presenceOf(fay, eve).getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_OFFLINE);

        StreamObserver<ClientEvent> phone = chatStream(eve, "phone");
        StreamObserver<ClientEvent> laptop = chatStream(eve, "laptop");
        await().atMost(StreamRecorder.PATIENCE).untilAsserted(() ->
                assertThat(presenceOf(fay, eve).getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_ONLINE));

        phone.onCompleted();
        users(eve).setPresence(SetPresenceRequest.newBuilder().setStatus(PresenceStatus.PRESENCE_STATUS_AWAY).build());
        // the laptop still holds its stream: eve is away, not offline
        await().atMost(StreamRecorder.PATIENCE).untilAsserted(() ->
                assertThat(presenceOf(fay, eve).getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_AWAY));

        laptop.onCompleted();
        await().atMost(StreamRecorder.PATIENCE).untilAsserted(() -> {
            Presence seen = presenceOf(fay, eve);
            assertThat(seen.getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_OFFLINE);
            assertThat(seen.hasLastSeenTime()).isTrue();
        });
    }

    private static StreamObserver<ClientEvent> chatStream(Person person, String deviceId) {
        StreamRecorder<ServerEvent> events = new StreamRecorder<>();
        StreamObserver<ClientEvent> out = ChatServiceGrpc.newStub(STACK.edge())
                .withCallCredentials(BearerCallCredentials.of(person.token())).connect(events);
        out.onNext(ClientEvent.newBuilder().setHello(Hello.newBuilder().setDeviceId(deviceId)).build());
        events.awaitFirst(ServerEvent::hasReady);
        return out;
    }

    private static Presence presenceOf(Person viewer, Person user) {
        return users(viewer).getPresence(GetPresenceRequest.newBuilder().addUserIds(user.id()).build()).getPresences(0);
    }

    private static void befriend(Person a, Person b) {
        String requestId = users(a).sendRelationshipRequest(SendRelationshipRequestRequest.newBuilder()
                .setToUserId(b.id()).setKind(RelationshipKind.RELATIONSHIP_KIND_FRIEND).build()).getRequest().getId();
        users(b).acceptRelationshipRequest(AcceptRelationshipRequestRequest.newBuilder().setRequestId(requestId).build());
    }

    private static OpenDirectRoomRequest direct(Person peer) {
        return OpenDirectRoomRequest.newBuilder().setUserId(peer.id()).build();
    }

    private static Person person(String username) {
        String token = signUpAndLogIn(STACK.edge(), username);
        return new Person(as(UserServiceGrpc.newBlockingStub(STACK.edge()), token).getMe(GetMeRequest.getDefaultInstance())
                .getUser().getId(), token);
    }

    private static UserServiceGrpc.UserServiceBlockingStub users(Person person) {
        return as(UserServiceGrpc.newBlockingStub(STACK.edge()), person.token());
    }

    private static RoomServiceGrpc.RoomServiceBlockingStub rooms(Person person) {
        return as(RoomServiceGrpc.newBlockingStub(STACK.edge()), person.token());
    }

    /** PERMISSION_DENIED with the ErrorInfo reason given. */
    private static void assertRefused(String reason, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(StatusProto.fromThrowable(e).getDetailsList()).filteredOn(any -> any.is(ErrorInfo.class))
                    .extracting(SocialRulesTest::reason).containsExactly(reason);
        });
    }

    private static String reason(Any any) {
        try {
            return any.unpack(ErrorInfo.class).getReason();
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}

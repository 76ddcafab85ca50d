package io.chatmesh.user.api;

import static io.chatmesh.user.api.GrpcAssertions.assertStatus;
import static io.chatmesh.user.api.GrpcAssertions.violatedFields;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.user.internal.v1.CheckRelationshipsRequest;
import io.chatmesh.proto.user.internal.v1.Relationship;
import io.chatmesh.proto.user.internal.v1.RelationshipServiceGrpc;
import io.chatmesh.proto.user.v1.AcceptRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.BlockUserRequest;
import io.chatmesh.proto.user.v1.CancelRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.DeclineRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.GetMeRequest;
import io.chatmesh.proto.user.v1.GetUserRequest;
import io.chatmesh.proto.user.v1.ListBlockedUsersRequest;
import io.chatmesh.proto.user.v1.ListRelationshipRequestsRequest;
import io.chatmesh.proto.user.v1.ListRelationshipsRequest;
import io.chatmesh.proto.user.v1.LogInRequest;
import io.chatmesh.proto.user.v1.RelationshipKind;
import io.chatmesh.proto.user.v1.RelationshipListing;
import io.chatmesh.proto.user.v1.RelationshipRequest;
import io.chatmesh.proto.user.v1.RelationshipRequestState;
import io.chatmesh.proto.user.v1.RemoveRelationshipRequest;
import io.chatmesh.proto.user.v1.RequestDirection;
import io.chatmesh.proto.user.v1.SendRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.SignUpRequest;
import io.chatmesh.proto.user.v1.UnblockUserRequest;
import io.chatmesh.proto.user.v1.UpdateSettingsRequest;
import io.chatmesh.proto.user.v1.User;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.testkit.TestPostgres;
import io.chatmesh.user.UserServiceApplication;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcPort;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Friend and follow requests, relationships, blocks, settings and the internal relationship
 * check: the whole service on a real socket and a real PostgreSQL, through its gRPC contracts.
 */
@SpringBootTest(classes = UserServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
                "spring.config.name=" + UserServiceApplication.CONFIG_NAME,
                "spring.grpc.server.port=0",
                TestDatabase.CHEAP_HASH_MEMORY,
                TestDatabase.CHEAP_HASH_ITERATIONS})
class RelationshipsApiTest {

    private static final String PASSWORD = "correct horse battery";
    private static final String JDBC_URL = TestPostgres.newDatabase();
    private static final AtomicInteger sequence = new AtomicInteger();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> JDBC_URL);
        registry.add("spring.datasource.username", () -> TestPostgres.USER);
        registry.add("spring.datasource.password", () -> TestPostgres.PASSWORD);
    }

    @LocalGrpcPort
    int port;

    @Autowired
    Jdbi jdbi;

    ManagedChannel channel;

    /** A signed-up, logged-in user. */
    record Person(String id, String token) {}

    @BeforeEach
    void connect() {
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    // --- friend requests ----------------------------------------------------------------------

    @Test
    void anAcceptedFriendRequestMakesBothFriendsAndLeavesThePendingLists() {
        Person alice = newUser();
        Person bob = newUser();

        RelationshipRequest sent = send(alice, bob, RelationshipKind.RELATIONSHIP_KIND_FRIEND, "hi from the room");
        assertThat(sent.getState()).isEqualTo(RelationshipRequestState.RELATIONSHIP_REQUEST_STATE_PENDING);
        assertThat(sent.getFromUserId()).isEqualTo(alice.id());
        assertThat(sent.getToUserId()).isEqualTo(bob.id());
        assertThat(sent.getMessage()).isEqualTo("hi from the room");
        assertThat(pending(bob, RequestDirection.REQUEST_DIRECTION_INCOMING)).extracting(RelationshipRequest::getId)
                .containsExactly(sent.getId());
        assertThat(pending(alice, RequestDirection.REQUEST_DIRECTION_OUTGOING)).extracting(RelationshipRequest::getId)
                .containsExactly(sent.getId());
        assertThat(pending(alice, RequestDirection.REQUEST_DIRECTION_INCOMING)).isEmpty();

        RelationshipRequest accepted = users(bob).acceptRelationshipRequest(
                AcceptRelationshipRequestRequest.newBuilder().setRequestId(sent.getId()).build()).getRequest();
        assertThat(accepted.getState()).isEqualTo(RelationshipRequestState.RELATIONSHIP_REQUEST_STATE_ACCEPTED);
        assertThat(friendsOf(alice)).containsExactly(bob.id());
        assertThat(friendsOf(bob)).containsExactly(alice.id());
        assertThat(pending(bob, RequestDirection.REQUEST_DIRECTION_INCOMING)).isEmpty();
        assertThat(users(bob).listRelationshipRequests(ListRelationshipRequestsRequest.newBuilder()
                .setDirection(RequestDirection.REQUEST_DIRECTION_INCOMING).build()).getRequestsList())
                .as("answered requests are listed unless pending_only").extracting(RelationshipRequest::getState)
                .containsExactly(RelationshipRequestState.RELATIONSHIP_REQUEST_STATE_ACCEPTED);

        // answering twice: the request is no longer pending
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> users(bob).acceptRelationshipRequest(
                AcceptRelationshipRequestRequest.newBuilder().setRequestId(sent.getId()).build()));
        // already friends: no new request either way
        assertStatus(Status.Code.ALREADY_EXISTS, () -> send(bob, alice, RelationshipKind.RELATIONSHIP_KIND_FRIEND, ""));

        users(alice).removeRelationship(RemoveRelationshipRequest.newBuilder().setUserId(bob.id())
                .setListing(RelationshipListing.RELATIONSHIP_LISTING_FRIENDS).build());
        assertThat(friendsOf(alice)).isEmpty();
        assertThat(friendsOf(bob)).isEmpty();
    }

    @Test
    void crossingFriendRequestsMakeFriendsAtOnce() {
        Person alice = newUser();
        Person bob = newUser();
        RelationshipRequest first = send(alice, bob, RelationshipKind.RELATIONSHIP_KIND_FRIEND, "");

        RelationshipRequest answer = send(bob, alice, RelationshipKind.RELATIONSHIP_KIND_FRIEND, "");

        assertThat(answer.getId()).as("the pending request is accepted, no second one made").isEqualTo(first.getId());
        assertThat(answer.getState()).isEqualTo(RelationshipRequestState.RELATIONSHIP_REQUEST_STATE_ACCEPTED);
        assertThat(friendsOf(alice)).containsExactly(bob.id());
        assertThat(requestRows(alice, bob)).isEqualTo(1);
    }

    @Test
    void declineAndCancelEndARequestAndOnlyTheRightSideMayAnswer() {
        Person alice = newUser();
        Person bob = newUser();
        Person eve = newUser();
        RelationshipRequest toDecline = send(alice, bob, RelationshipKind.RELATIONSHIP_KIND_FRIEND, "");

        // someone else's request does not exist for the caller; the sender cannot accept their own
        for (Person wrong : List.of(eve, alice)) {
            assertStatus(Status.Code.NOT_FOUND, () -> users(wrong).acceptRelationshipRequest(
                    AcceptRelationshipRequestRequest.newBuilder().setRequestId(toDecline.getId()).build()));
            assertStatus(Status.Code.NOT_FOUND, () -> users(wrong).declineRelationshipRequest(
                    DeclineRelationshipRequestRequest.newBuilder().setRequestId(toDecline.getId()).build()));
        }
        assertStatus(Status.Code.NOT_FOUND, () -> users(bob).cancelRelationshipRequest(
                CancelRelationshipRequestRequest.newBuilder().setRequestId(toDecline.getId()).build()));
        assertStatus(Status.Code.NOT_FOUND, () -> users(bob).acceptRelationshipRequest(
                AcceptRelationshipRequestRequest.newBuilder().setRequestId(Ids.newId()).build()));

        assertThat(users(bob).declineRelationshipRequest(DeclineRelationshipRequestRequest.newBuilder()
                .setRequestId(toDecline.getId()).build()).getRequest().getState())
                .isEqualTo(RelationshipRequestState.RELATIONSHIP_REQUEST_STATE_DECLINED);
        assertThat(friendsOf(bob)).isEmpty();

        // declined: a new request may be sent
        RelationshipRequest toCancel = send(alice, bob, RelationshipKind.RELATIONSHIP_KIND_FRIEND, "again");
        assertThat(users(alice).cancelRelationshipRequest(CancelRelationshipRequestRequest.newBuilder()
                .setRequestId(toCancel.getId()).build()).getRequest().getState())
                .isEqualTo(RelationshipRequestState.RELATIONSHIP_REQUEST_STATE_CANCELLED);
        assertStatus(Status.Code.FAILED_PRECONDITION, () -> users(bob).acceptRelationshipRequest(
                AcceptRelationshipRequestRequest.newBuilder().setRequestId(toCancel.getId()).build()));
        assertThat(friendsOf(bob)).isEmpty();
        assertThat(pending(bob, RequestDirection.REQUEST_DIRECTION_INCOMING)).isEmpty();
    }

    @Test
    void refusedRequestsChangeNothing() {
        Person alice = newUser();
        Person bob = newUser();
        send(alice, bob, RelationshipKind.RELATIONSHIP_KIND_FRIEND, "");

        assertStatus(Status.Code.ALREADY_EXISTS, () -> send(alice, bob, RelationshipKind.RELATIONSHIP_KIND_FRIEND, ""));
        assertThat(violatedFields(() -> send(alice, alice, RelationshipKind.RELATIONSHIP_KIND_FRIEND, "")))
                .containsExactly("to_user_id");
        assertStatus(Status.Code.NOT_FOUND, () -> users(alice).sendRelationshipRequest(
                SendRelationshipRequestRequest.newBuilder().setToUserId(Ids.newId())
                        .setKind(RelationshipKind.RELATIONSHIP_KIND_FRIEND).build()));
        assertThat(violatedFields(() -> users(alice).sendRelationshipRequest(SendRelationshipRequestRequest.newBuilder()
                .setToUserId("not-an-id").setMessage("m".repeat(257)).build())))
                .containsExactlyInAnyOrder("to_user_id", "kind", "message");
        assertThat(violatedFields(() -> users(alice).listRelationshipRequests(ListRelationshipRequestsRequest.newBuilder()
                .setPageSize(101).setPageToken("garbage").build())))
                .containsExactlyInAnyOrder("direction", "page_size");
        assertThat(violatedFields(() -> users(alice).listRelationshipRequests(ListRelationshipRequestsRequest.newBuilder()
                .setDirection(RequestDirection.REQUEST_DIRECTION_INCOMING).setPageToken("garbage").build())))
                .containsExactly("page_token");
        assertThat(violatedFields(() -> users(alice).listRelationships(ListRelationshipsRequest.getDefaultInstance())))
                .containsExactly("listing");
        assertThat(violatedFields(() -> users(alice).removeRelationship(RemoveRelationshipRequest.getDefaultInstance())))
                .containsExactlyInAnyOrder("user_id", "listing");
        assertStatus(Status.Code.UNAUTHENTICATED, () -> UserServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .sendRelationshipRequest(SendRelationshipRequestRequest.newBuilder().setToUserId(bob.id())
                        .setKind(RelationshipKind.RELATIONSHIP_KIND_FRIEND).build()));

        assertThat(requestRows(alice, bob)).isEqualTo(1);
        assertThat(requestRows(alice, alice)).isZero();
    }

    @Test
    void requestListsArePagedNewestFirst() {
        Person bob = newUser();
        List<String> sentIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sentIds.add(send(newUser(), bob, RelationshipKind.RELATIONSHIP_KIND_FRIEND, "").getId());
        }
        List<String> listed = new ArrayList<>();
        String token = "";
        do {
            var page = users(bob).listRelationshipRequests(ListRelationshipRequestsRequest.newBuilder()
                    .setDirection(RequestDirection.REQUEST_DIRECTION_INCOMING).setPendingOnly(true)
                    .setPageSize(2).setPageToken(token).build());
            assertThat(page.getRequestsCount()).isLessThanOrEqualTo(2);
            page.getRequestsList().forEach(r -> listed.add(r.getId()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertThat(listed).containsExactlyElementsOf(sentIds.reversed());
        assertThat(users(bob).listRelationshipRequests(ListRelationshipRequestsRequest.newBuilder()
                .setDirection(RequestDirection.REQUEST_DIRECTION_INCOMING)
                .setKind(RelationshipKind.RELATIONSHIP_KIND_FOLLOW).build()).getRequestsList())
                .as("filtered by kind").isEmpty();
    }

    // --- follows and settings -----------------------------------------------------------------

    @Test
    void followingTakesEffectAtOnceUnlessTheFolloweeRequiresApproval() {
        Person alice = newUser();
        Person bob = newUser();
        Person carol = newUser();

        RelationshipRequest follow = send(alice, bob, RelationshipKind.RELATIONSHIP_KIND_FOLLOW, "");
        assertThat(follow.getState()).isEqualTo(RelationshipRequestState.RELATIONSHIP_REQUEST_STATE_ACCEPTED);
        assertThat(listing(alice, RelationshipListing.RELATIONSHIP_LISTING_FOLLOWING)).containsExactly(bob.id());
        assertThat(listing(bob, RelationshipListing.RELATIONSHIP_LISTING_FOLLOWERS)).containsExactly(alice.id());
        assertThat(listing(bob, RelationshipListing.RELATIONSHIP_LISTING_FOLLOWING)).as("one way").isEmpty();
        assertStatus(Status.Code.ALREADY_EXISTS, () -> send(alice, bob, RelationshipKind.RELATIONSHIP_KIND_FOLLOW, ""));

        assertThat(users(carol).getMe(GetMeRequest.getDefaultInstance()).getSettings().getRequireFollowApproval())
                .as("default").isFalse();
        assertThat(users(carol).updateSettings(UpdateSettingsRequest.newBuilder().setRequireFollowApproval(true).build())
                .getSettings().getRequireFollowApproval()).isTrue();
        RelationshipRequest waiting = send(alice, carol, RelationshipKind.RELATIONSHIP_KIND_FOLLOW, "");
        assertThat(waiting.getState()).isEqualTo(RelationshipRequestState.RELATIONSHIP_REQUEST_STATE_PENDING);
        assertThat(listing(carol, RelationshipListing.RELATIONSHIP_LISTING_FOLLOWERS)).isEmpty();
        users(carol).acceptRelationshipRequest(AcceptRelationshipRequestRequest.newBuilder()
                .setRequestId(waiting.getId()).build());
        assertThat(listing(carol, RelationshipListing.RELATIONSHIP_LISTING_FOLLOWERS)).containsExactly(alice.id());

        // carol removes her follower, alice unfollows bob
        users(carol).removeRelationship(RemoveRelationshipRequest.newBuilder().setUserId(alice.id())
                .setListing(RelationshipListing.RELATIONSHIP_LISTING_FOLLOWERS).build());
        users(alice).removeRelationship(RemoveRelationshipRequest.newBuilder().setUserId(bob.id())
                .setListing(RelationshipListing.RELATIONSHIP_LISTING_FOLLOWING).build());
        assertThat(listing(alice, RelationshipListing.RELATIONSHIP_LISTING_FOLLOWING)).isEmpty();
        assertThat(listing(carol, RelationshipListing.RELATIONSHIP_LISTING_FOLLOWERS)).isEmpty();
    }

    @Test
    void settingsLeftUnsetKeepTheirValue() {
        Person alice = newUser();
        var me = users(alice).getMe(GetMeRequest.getDefaultInstance()).getSettings();
        assertThat(me.getAcceptDirectMessagesFromAnyone()).isFalse();

        users(alice).updateSettings(UpdateSettingsRequest.newBuilder().setAcceptDirectMessagesFromAnyone(true).build());
        var after = users(alice).updateSettings(UpdateSettingsRequest.newBuilder().setRequireFollowApproval(true).build())
                .getSettings();
        assertThat(after.getAcceptDirectMessagesFromAnyone()).isTrue();
        assertThat(after.getRequireFollowApproval()).isTrue();
        assertThat(users(alice).getMe(GetMeRequest.getDefaultInstance()).getSettings()).isEqualTo(after);
    }

    // --- blocks ---------------------------------------------------------------------------------

    @Test
    void blockingEndsFriendshipFollowsAndRequestsBothWaysAndRefusesNewOnes() {
        Person alice = newUser();
        Person bob = newUser();
        befriend(alice, bob);
        send(alice, bob, RelationshipKind.RELATIONSHIP_KIND_FOLLOW, "");
        send(bob, alice, RelationshipKind.RELATIONSHIP_KIND_FOLLOW, "");
        users(alice).updateSettings(UpdateSettingsRequest.newBuilder().setRequireFollowApproval(true).build());
        Person carol = newUser();
        RelationshipRequest carolsFollow = send(carol, alice, RelationshipKind.RELATIONSHIP_KIND_FOLLOW, "");

        users(bob).blockUser(BlockUserRequest.newBuilder().setUserId(alice.id()).build());
        users(bob).blockUser(BlockUserRequest.newBuilder().setUserId(alice.id()).build()); // idempotent

        assertThat(friendsOf(alice)).isEmpty();
        assertThat(friendsOf(bob)).isEmpty();
        assertThat(listing(alice, RelationshipListing.RELATIONSHIP_LISTING_FOLLOWING)).isEmpty();
        assertThat(listing(bob, RelationshipListing.RELATIONSHIP_LISTING_FOLLOWING)).isEmpty();
        assertThat(users(bob).listBlockedUsers(ListBlockedUsersRequest.getDefaultInstance()).getUsersList())
                .extracting(User::getId).containsExactly(alice.id());
        assertThat(users(alice).listBlockedUsers(ListBlockedUsersRequest.getDefaultInstance()).getUsersList()).isEmpty();

        // neither may send the other anything, whoever set the block
        for (RelationshipKind kind : List.of(RelationshipKind.RELATIONSHIP_KIND_FRIEND, RelationshipKind.RELATIONSHIP_KIND_FOLLOW)) {
            assertBlocked(() -> send(alice, bob, kind, ""));
            assertBlocked(() -> send(bob, alice, kind, ""));
        }
        // the blocked user no longer finds the one who blocked them; the other way round they do
        assertStatus(Status.Code.NOT_FOUND, () -> users(alice).getUser(GetUserRequest.newBuilder().setUserId(bob.id()).build()));
        assertThat(users(bob).getUser(GetUserRequest.newBuilder().setUserId(alice.id()).build()).getUser().getId())
                .isEqualTo(alice.id());
        assertThat(pending(alice, RequestDirection.REQUEST_DIRECTION_INCOMING)).extracting(RelationshipRequest::getId)
                .as("others' requests are untouched").containsExactly(carolsFollow.getId());

        users(bob).unblockUser(UnblockUserRequest.newBuilder().setUserId(alice.id()).build());
        users(bob).unblockUser(UnblockUserRequest.newBuilder().setUserId(alice.id()).build()); // idempotent
        assertThat(friendsOf(bob)).as("unblocking does not restore a friendship").isEmpty();
        assertThat(send(alice, bob, RelationshipKind.RELATIONSHIP_KIND_FRIEND, "").getState())
                .isEqualTo(RelationshipRequestState.RELATIONSHIP_REQUEST_STATE_PENDING);
    }

    @Test
    void aBlockCancelsPendingRequestsBetweenThePair() {
        Person alice = newUser();
        Person bob = newUser();
        RelationshipRequest request = send(alice, bob, RelationshipKind.RELATIONSHIP_KIND_FRIEND, "");

        users(alice).blockUser(BlockUserRequest.newBuilder().setUserId(bob.id()).build());

        assertStatus(Status.Code.FAILED_PRECONDITION, () -> users(bob).acceptRelationshipRequest(
                AcceptRelationshipRequestRequest.newBuilder().setRequestId(request.getId()).build()));
        assertThat(pending(bob, RequestDirection.REQUEST_DIRECTION_INCOMING)).isEmpty();
        assertThat(friendsOf(bob)).isEmpty();
    }

    @Test
    void blockRefusals() {
        Person alice = newUser();
        assertThat(violatedFields(() -> users(alice).blockUser(BlockUserRequest.newBuilder().setUserId(alice.id()).build())))
                .containsExactly("user_id");
        assertThat(violatedFields(() -> users(alice).blockUser(BlockUserRequest.getDefaultInstance())))
                .containsExactly("user_id");
        assertStatus(Status.Code.NOT_FOUND, () -> users(alice).blockUser(BlockUserRequest.newBuilder()
                .setUserId(Ids.newId()).build()));
        assertThat(violatedFields(() -> users(alice).listBlockedUsers(ListBlockedUsersRequest.newBuilder()
                .setPageSize(-1).setPageToken("x".repeat(513)).build())))
                .containsExactlyInAnyOrder("page_size", "page_token");
        assertThat(users(alice).listBlockedUsers(ListBlockedUsersRequest.getDefaultInstance()).getUsersList()).isEmpty();
    }

    @Test
    void blockedUsersArePaged() {
        Person alice = newUser();
        List<String> blocked = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Person other = newUser();
            users(alice).blockUser(BlockUserRequest.newBuilder().setUserId(other.id()).build());
            blocked.add(other.id());
        }
        var first = users(alice).listBlockedUsers(ListBlockedUsersRequest.newBuilder().setPageSize(2).build());
        var second = users(alice).listBlockedUsers(ListBlockedUsersRequest.newBuilder().setPageSize(2)
                .setPageToken(first.getNextPageToken()).build());
        assertThat(second.getNextPageToken()).isEmpty();
        List<String> listed = new ArrayList<>();
        first.getUsersList().forEach(u -> listed.add(u.getId()));
        second.getUsersList().forEach(u -> listed.add(u.getId()));
        assertThat(listed).containsExactlyElementsOf(blocked.stream().sorted().toList());
    }

    // --- the internal check ---------------------------------------------------------------------

    @Test
    void theInternalCheckTellsBlocksFriendshipAndTheDirectMessageSetting() {
        Person alice = newUser();
        Person friend = newUser();
        Person open = newUser();
        Person blocker = newUser();
        befriend(alice, friend);
        users(open).updateSettings(UpdateSettingsRequest.newBuilder().setAcceptDirectMessagesFromAnyone(true).build());
        users(blocker).blockUser(BlockUserRequest.newBuilder().setUserId(alice.id()).build());
        String unknown = Ids.newId();

        List<Relationship> answer = check(alice, alice.id(), List.of(friend.id(), open.id(), blocker.id(), unknown));

        assertThat(answer).containsExactlyInAnyOrder(
                Relationship.newBuilder().setOtherUserId(friend.id()).setFriends(true).build(),
                Relationship.newBuilder().setOtherUserId(open.id()).setOtherAcceptsDirectMessagesFromAnyone(true).build(),
                Relationship.newBuilder().setOtherUserId(blocker.id()).setBlocked(true).build());

        assertStatus(Status.Code.PERMISSION_DENIED, () -> check(alice, friend.id(), List.of(open.id())));
        assertThat(violatedFields(() -> check(alice, alice.id(), List.of()))).containsExactly("other_user_ids");
        assertStatus(Status.Code.UNAUTHENTICATED, () -> RelationshipServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .checkRelationships(CheckRelationshipsRequest.newBuilder().setUserId(alice.id())
                        .addOtherUserIds(open.id()).build()));
    }

    // --- helpers ----------------------------------------------------------------------------------

    private List<Relationship> check(Person caller, String userId, List<String> others) {
        return RelationshipServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .withCallCredentials(BearerCallCredentials.of(caller.token()))
                .checkRelationships(CheckRelationshipsRequest.newBuilder().setUserId(userId)
                        .addAllOtherUserIds(others).build())
                .getRelationshipsList();
    }

    private void befriend(Person a, Person b) {
        RelationshipRequest request = send(a, b, RelationshipKind.RELATIONSHIP_KIND_FRIEND, "");
        users(b).acceptRelationshipRequest(AcceptRelationshipRequestRequest.newBuilder().setRequestId(request.getId()).build());
    }

    private static void assertBlocked(ThrowingCallable call) {
        StatusRuntimeException e = assertStatus(Status.Code.PERMISSION_DENIED, call);
        assertThat(StatusProto.fromThrowable(e).getDetailsList()).anyMatch(any -> {
            try {
                return any.is(ErrorInfo.class) && any.unpack(ErrorInfo.class).getReason().equals("BLOCKED");
            } catch (InvalidProtocolBufferException ex) {
                throw new AssertionError(ex);
            }
        });
    }

    private RelationshipRequest send(Person from, Person to, RelationshipKind kind, String message) {
        return users(from).sendRelationshipRequest(SendRelationshipRequestRequest.newBuilder()
                .setToUserId(to.id()).setKind(kind).setMessage(message).build()).getRequest();
    }

    private List<RelationshipRequest> pending(Person person, RequestDirection direction) {
        return users(person).listRelationshipRequests(ListRelationshipRequestsRequest.newBuilder()
                .setDirection(direction).setPendingOnly(true).build()).getRequestsList();
    }

    private List<String> friendsOf(Person person) {
        return listing(person, RelationshipListing.RELATIONSHIP_LISTING_FRIENDS);
    }

    private List<String> listing(Person person, RelationshipListing listing) {
        return users(person).listRelationships(ListRelationshipsRequest.newBuilder().setListing(listing).build())
                .getUsersList().stream().map(User::getId).toList();
    }

    private long requestRows(Person from, Person to) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT count(*) FROM relationship_requests
                         WHERE (from_user_id = :a AND to_user_id = :b) OR (from_user_id = :b AND to_user_id = :a)""")
                .bind("a", from.id()).bind("b", to.id()).mapTo(Long.class).one());
    }

    private UserServiceGrpc.UserServiceBlockingStub users(Person person) {
        return UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .withCallCredentials(BearerCallCredentials.of(person.token()));
    }

    private Person newUser() {
        String username = "rel" + sequence.incrementAndGet();
        var anonymous = UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        String id = anonymous.signUp(SignUpRequest.newBuilder().setUsername(username).setPassword(PASSWORD).build())
                .getUser().getId();
        String token = anonymous.logIn(LogInRequest.newBuilder().setUsername(username).setPassword(PASSWORD).build())
                .getTokens().getAccessToken();
        return new Person(id, token);
    }
}

package io.chatmesh.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.MatchRandomRequest;
import io.chatmesh.proto.room.v1.MatchRandomResponse;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.proto.user.v1.AcceptRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.BlockUserRequest;
import io.chatmesh.proto.user.v1.GetPresenceRequest;
import io.chatmesh.proto.user.v1.LogInRequest;
import io.chatmesh.proto.user.v1.Presence;
import io.chatmesh.proto.user.v1.PresenceStatus;
import io.chatmesh.proto.user.v1.RelationshipKind;
import io.chatmesh.proto.user.v1.SendRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.SetPresenceRequest;
import io.chatmesh.proto.user.v1.SignUpRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.systemtest.ProductionStack.Instance;
import io.chatmesh.testkit.StreamRecorder;
import io.chatmesh.testkit.TestPostgres;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Presence and random matching end to end on the production path: user-service, two chat-service instances and
 * message-service, each with its own Kafka clients on one real broker. A user with two devices
 * on the two chat instances; a friend and a room co-member watching on their chat streams (each
 * on another instance than some of the user's devices; GetPresence shows the co-member what
 * the friend sees: user-service asks chat-service who shares a room); a co-member the user blocked. Short
 * presence timeouts so the test is quick; it waits for states, never for a time. And
 * MatchRandom across the two chat instances: of three waiting users the first two are matched,
 * the third keeps waiting until a fourth comes.
 */
class SocialSystemTest {

    private static final String PASSWORD = "correct horse battery";
    private static final Duration PATIENCE = StreamRecorder.PATIENCE;
    /** user-service's device timeout here; chat-service repeats every device well within it. */
    private static final Duration DEVICE_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    static Path dataDir;

    private static ProductionStack stack;
    private static final Map<Instance, ManagedChannel> channels = new EnumMap<>(Instance.class);

    private record Account(String id, String token) {}

    @BeforeAll
    static void startStack() {
        stack = ProductionStack.start(dataDir, ProductionStack.Options.forTests().only(
                List.of(Instance.USER, Instance.MESSAGE, Instance.CHAT_1, Instance.CHAT_2),
                "--chatmesh.presence.device-timeout=" + DEVICE_TIMEOUT.toMillis() + "ms",
                "--chatmesh.presence.expiry-interval=200ms",
                "--chatmesh.chat.presence-heartbeat=500ms",
                "--chatmesh.chat.presence-coalesce=50ms"));
        for (Instance instance : List.of(Instance.USER, Instance.CHAT_1, Instance.CHAT_2)) {
            channels.put(instance, NettyChannelBuilder.forAddress("127.0.0.1", stack.port(instance)).usePlaintext().build());
        }
    }

    @AfterAll
    static void stopStack() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void twoDevicesOnTwoInstancesKeepTheUserOnlineUntilBothCloseAndFriendsAndCoMembersAreTold() {
        Account ann = signUpAndLogIn("ann");
        Account bob = signUpAndLogIn("bob");
        Account cyd = signUpAndLogIn("cyd");
        Account dan = signUpAndLogIn("dan");
        befriend(bob, ann);
        rooms(Instance.CHAT_1, ann).createRoom(CreateRoomRequest.newBuilder().setKind(RoomKind.ROOM_KIND_GROUP)
                .setName("book club").addMemberIds(cyd.id()).addMemberIds(dan.id()).build());
        users(ann).blockUser(BlockUserRequest.newBuilder().setUserId(dan.id()).build());

        // the friend on instance 2, the co-member on instance 1, the blocked co-member on instance 2
        ChatClient bobStream = ChatClient.connect(channels.get(Instance.CHAT_2), bob.token(), "bob-phone");
        ChatClient cydStream = ChatClient.connect(channels.get(Instance.CHAT_1), cyd.token(), "cyd-phone");
        ChatClient danStream = ChatClient.connect(channels.get(Instance.CHAT_2), dan.token(), "dan-phone");

        ChatClient phone = ChatClient.connect(channels.get(Instance.CHAT_1), ann.token(), "ann-phone");
        ChatClient laptop = ChatClient.connect(channels.get(Instance.CHAT_2), ann.token(), "ann-laptop");
        for (ChatClient watcher : List.of(bobStream, cydStream)) {
            watcher.awaitPresence(ann.id(), PresenceStatus.PRESENCE_STATUS_ONLINE);
        }
        awaitStatus(bob, ann, PresenceStatus.PRESENCE_STATUS_ONLINE);

        users(ann).setPresence(SetPresenceRequest.newBuilder().setStatus(PresenceStatus.PRESENCE_STATUS_AWAY)
                .setStatusText("in a meeting").build());
        for (ChatClient watcher : List.of(bobStream, cydStream, laptop)) {
            assertThat(watcher.awaitPresence(ann.id(), PresenceStatus.PRESENCE_STATUS_AWAY).getStatusText())
                    .isEqualTo("in a meeting");
        }

        // user-service asks chat-service (over gRPC) who shares a room with cyd: ann does
        Presence seenByCoMember = presenceOf(cyd, ann);
        assertThat(seenByCoMember.getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_AWAY);
        assertThat(seenByCoMember.getStatusText()).isEqualTo("in a meeting");
        assertThat(presenceOf(dan, ann).getStatus()).as("across a block").isEqualTo(PresenceStatus.PRESENCE_STATUS_OFFLINE);

        // one device closes: the other keeps ann online. Once her last-seen time (moved by the
        // laptop's heartbeats) is a device timeout past the close, the phone is gone for good:
        // its close was applied, or else it timed out
        phone.close();
        Instant closed = Instant.now();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(ApiTimes.instant(presenceOf(bob, ann).getLastSeenTime()))
                .isAfter(closed.plus(DEVICE_TIMEOUT)));
        assertThat(presenceOf(bob, ann).getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_AWAY);

        // the last device closes: offline, with the time she was last seen
        laptop.close();
        Presence offline = awaitStatus(bob, ann, PresenceStatus.PRESENCE_STATUS_OFFLINE);
        assertThat(offline.hasLastSeenTime()).isTrue();
        assertThat(offline.getStatusText()).isEmpty();
        for (ChatClient watcher : List.of(bobStream, cydStream)) {
            watcher.awaitPresence(ann.id(), PresenceStatus.PRESENCE_STATUS_OFFLINE);
            // told each change once: no offline while one device was left, no heartbeat noise
            assertThat(watcher.presences(ann.id())).extracting(Presence::getStatus).containsExactly(
                    PresenceStatus.PRESENCE_STATUS_ONLINE, PresenceStatus.PRESENCE_STATUS_AWAY,
                    PresenceStatus.PRESENCE_STATUS_OFFLINE);
        }
        assertThat(danStream.presences(ann.id())).as("across a block nothing is told").isEmpty();
        assertThat(presenceOf(dan, ann).getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_OFFLINE);
        assertThat(presenceOf(dan, ann).hasLastSeenTime()).isFalse();

        // she comes back on one device: the chosen status (kept by user-service) shows again
        ChatClient again = ChatClient.connect(channels.get(Instance.CHAT_2), ann.token(), "ann-phone");
        assertThat(bobStream.awaitPresence(ann.id(), PresenceStatus.PRESENCE_STATUS_AWAY).getStatusText())
                .isEqualTo("in a meeting");
        for (ChatClient stream : List.of(again, bobStream, cydStream, danStream)) {
            stream.close();
        }
    }

    @Test
    void matchRandomPairsTheFirstTwoWaitingUsersOnTwoInstancesWhileTheThirdKeepsWaiting() throws Exception {
        Account ann = signUpAndLogIn("match-ann");
        Account ben = signUpAndLogIn("match-ben");
        Account cyd = signUpAndLogIn("match-cyd");
        Account dan = signUpAndLogIn("match-dan");

        ListenableFuture<MatchRandomResponse> annWaits = match(Instance.CHAT_1, ann);
        awaitWaiting(ann);
        ListenableFuture<MatchRandomResponse> benWaits = match(Instance.CHAT_2, ben);
        MatchRandomResponse annMatch = annWaits.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        MatchRandomResponse benMatch = benWaits.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        ListenableFuture<MatchRandomResponse> cydWaits = match(Instance.CHAT_1, cyd);
        awaitWaiting(cyd);

        assertThat(annMatch.getMatchedUserId()).isEqualTo(ben.id());
        assertThat(benMatch.getMatchedUserId()).isEqualTo(ann.id());
        assertThat(annMatch.getRoom().getId()).isEqualTo(benMatch.getRoom().getId());
        assertThat(annMatch.getRoom().getDirectUserIdsList()).containsExactlyInAnyOrder(ann.id(), ben.id());
        assertThat(cydWaits.isDone()).as("cyd has nobody to match").isFalse();
        assertThat(waiting()).containsExactly(cyd.id());

        // the next one to come, on the other instance, is matched with cyd
        MatchRandomResponse danMatch = match(Instance.CHAT_2, dan).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(danMatch.getMatchedUserId()).isEqualTo(cyd.id());
        assertThat(cydWaits.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getRoom().getId())
                .isEqualTo(danMatch.getRoom().getId());
        assertThat(waiting()).isEmpty();
    }

    private static ListenableFuture<MatchRandomResponse> match(Instance chat, Account account) {
        return RoomServiceGrpc.newFutureStub(channels.get(chat))
                .withCallCredentials(BearerCallCredentials.of(account.token()))
                .withDeadlineAfter(2, TimeUnit.MINUTES)
                .matchRandom(MatchRandomRequest.getDefaultInstance());
    }

    private static void awaitWaiting(Account account) {
        await().atMost(PATIENCE).until(() -> waiting().contains(account.id()));
    }

    /** Users with a ticket in the queue the chat instances share (a table of their database), oldest first. */
    private static List<String> waiting() {
        return Jdbi.create(stack.chatDatabase(), TestPostgres.USER, TestPostgres.PASSWORD).withHandle(handle -> handle
                .createQuery("SELECT user_id FROM random_match_queue ORDER BY ticket_id").mapTo(String.class).list());
    }

    private static Presence awaitStatus(Account viewer, Account user, PresenceStatus status) {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(presenceOf(viewer, user).getStatus()).isEqualTo(status));
        return presenceOf(viewer, user);
    }

    private static Presence presenceOf(Account viewer, Account user) {
        return users(viewer).getPresence(GetPresenceRequest.newBuilder().addUserIds(user.id()).build()).getPresences(0);
    }

    private static void befriend(Account from, Account to) {
        String requestId = users(from).sendRelationshipRequest(SendRelationshipRequestRequest.newBuilder()
                .setToUserId(to.id()).setKind(RelationshipKind.RELATIONSHIP_KIND_FRIEND).build()).getRequest().getId();
        users(to).acceptRelationshipRequest(AcceptRelationshipRequestRequest.newBuilder().setRequestId(requestId).build());
    }

    private static Account signUpAndLogIn(String username) {
        UserServiceGrpc.UserServiceBlockingStub users = UserServiceGrpc.newBlockingStub(channels.get(Instance.USER))
                .withDeadlineAfter(15, TimeUnit.SECONDS);
        String id = users.signUp(SignUpRequest.newBuilder().setUsername(username).setPassword(PASSWORD).build())
                .getUser().getId();
        String token = users.logIn(LogInRequest.newBuilder().setUsername(username).setPassword(PASSWORD).build())
                .getTokens().getAccessToken();
        return new Account(id, token);
    }

    private static UserServiceGrpc.UserServiceBlockingStub users(Account account) {
        return UserServiceGrpc.newBlockingStub(channels.get(Instance.USER))
                .withCallCredentials(BearerCallCredentials.of(account.token())).withDeadlineAfter(15, TimeUnit.SECONDS);
    }

    private static RoomServiceGrpc.RoomServiceBlockingStub rooms(Instance chat, Account account) {
        return RoomServiceGrpc.newBlockingStub(channels.get(chat))
                .withCallCredentials(BearerCallCredentials.of(account.token())).withDeadlineAfter(15, TimeUnit.SECONDS);
    }
}

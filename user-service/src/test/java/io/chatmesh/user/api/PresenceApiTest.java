package io.chatmesh.user.api;

import static io.chatmesh.user.api.GrpcAssertions.violatedFields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.user.internal.v1.DeviceStream;
import io.chatmesh.proto.user.internal.v1.PresenceChanged;
import io.chatmesh.proto.user.internal.v1.PresenceSignal;
import io.chatmesh.proto.user.v1.AcceptRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.BlockUserRequest;
import io.chatmesh.proto.user.v1.GetPresenceRequest;
import io.chatmesh.proto.user.v1.Presence;
import io.chatmesh.proto.user.v1.PresenceStatus;
import io.chatmesh.proto.user.v1.RelationshipKind;
import io.chatmesh.proto.user.v1.SendRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.SetPresenceRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.proto.user.v1.WatchPresenceRequest;
import io.chatmesh.proto.user.v1.WatchPresenceResponse;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Presence over the real service: device streams arrive on the bus as chat-service publishes
 * them (here published by the test on the service's own bus), and users see each other's
 * presence through GetPresence, WatchPresence and SetPresence.
 */
class PresenceApiTest extends UserServiceApiTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Autowired
    EventBus bus;

    @Test
    void aUserIsOnlineWhileAnyDeviceHoldsAStreamAndOfflineWithLastSeenAfterTheLast() {
        Person alice = newUser("pres");
        Person bob = newUser("pres");
        befriend(alice, bob);
        assertThat(presenceOf(bob, alice).getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_OFFLINE);

        device(alice, "phone", true, Instant.now());
        device(alice, "laptop", true, Instant.now());
        awaitStatus(bob, alice, PresenceStatus.PRESENCE_STATUS_ONLINE);

        device(alice, "phone", false, Instant.now());
        // the laptop's heartbeat, published after the phone closed: once it shows, so did the close
        Instant beat = Instant.now().plusMillis(1);
        device(alice, "laptop", true, beat);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(ApiTimes.instant(presenceOf(bob, alice).getLastSeenTime()))
                .isEqualTo(beat.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)));
        assertThat(presenceOf(bob, alice).getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_ONLINE);

        Instant closed = Instant.now();
        device(alice, "laptop", false, closed);
        awaitStatus(bob, alice, PresenceStatus.PRESENCE_STATUS_OFFLINE);
        assertThat(ApiTimes.instant(presenceOf(bob, alice).getLastSeenTime()))
                .isEqualTo(closed.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    @Test
    void aDeviceThatFellSilentTimesOut() {
        Person alice = newUser("pres");
        // heard of longer ago than the timeout (45 s): the next expiry drops it
        device(alice, "tablet", true, Instant.now().minus(Duration.ofMinutes(5)));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(presenceOf(alice, alice).getStatus())
                .isEqualTo(PresenceStatus.PRESENCE_STATUS_OFFLINE));
        assertThat(presenceOf(alice, alice).hasLastSeenTime()).isTrue();
    }

    @Test
    void friendsSeeTheChosenStatusOthersAndTheBlockedSeeOffline() {
        Person alice = newUser("pres");
        Person friend = newUser("pres");
        Person stranger = newUser("pres");
        Person blocked = newUser("pres");
        befriend(alice, friend);
        befriend(alice, blocked);
        users(alice).blockUser(BlockUserRequest.newBuilder().setUserId(blocked.id()).build());

        device(alice, "phone", true, Instant.now());
        Presence set = users(alice).setPresence(SetPresenceRequest.newBuilder()
                .setStatus(PresenceStatus.PRESENCE_STATUS_AWAY).setStatusText("  lunch ").build()).getPresence();
        awaitStatus(friend, alice, PresenceStatus.PRESENCE_STATUS_AWAY);
        assertThat(set.getStatusText()).isEqualTo("lunch");
        assertThat(presenceOf(friend, alice).getStatusText()).isEqualTo("lunch");

        for (Person outsider : List.of(stranger, blocked)) {
            Presence seen = presenceOf(outsider, alice);
            assertThat(seen.getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_OFFLINE);
            assertThat(seen.getStatusText()).isEmpty();
            assertThat(seen.hasLastSeenTime()).isFalse();
        }
        // a batch keeps the request's order
        assertThat(users(friend).getPresence(GetPresenceRequest.newBuilder().addUserIds(stranger.id())
                .addUserIds(alice.id()).build()).getPresencesList()).extracting(Presence::getUserId)
                .containsExactly(stranger.id(), alice.id());
    }

    @Test
    void watchPresenceSendsTheCurrentStateFirstThenEachChange() throws Exception {
        Person alice = newUser("pres");
        Person bob = newUser("pres");
        befriend(alice, bob);
        BlockingQueue<Presence> seen = new LinkedBlockingQueue<>();
        Context.CancellableContext watching = Context.current().withCancellation();
        watching.run(() -> UserServiceGrpc.newStub(channel).withCallCredentials(BearerCallCredentials.of(bob.token()))
                .watchPresence(WatchPresenceRequest.newBuilder().addUserIds(alice.id()).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(WatchPresenceResponse value) {
                        seen.add(value.getPresence());
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                }));
        try {
            assertThat(next(seen).getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_OFFLINE);
            device(alice, "phone", true, Instant.now());
            assertThat(next(seen).getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_ONLINE);
            users(alice).setPresence(SetPresenceRequest.newBuilder()
                    .setStatus(PresenceStatus.PRESENCE_STATUS_DO_NOT_DISTURB).build());
            assertThat(next(seen).getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_DO_NOT_DISTURB);
            device(alice, "phone", false, Instant.now());
            assertThat(next(seen).getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_OFFLINE);
        } finally {
            watching.cancel(null);
        }
    }

    @Test
    void everyChangeIsAnnouncedOnTheBusWithTheFriendsAndTheUsersAcrossABlock() throws Exception {
        Person alice = newUser("pres");
        Person friend = newUser("pres");
        Person blocker = newUser("pres");
        Person blocked = newUser("pres");
        befriend(alice, friend);
        users(blocker).blockUser(BlockUserRequest.newBuilder().setUserId(alice.id()).build());
        users(alice).blockUser(BlockUserRequest.newBuilder().setUserId(blocked.id()).build());
        BlockingQueue<PresenceChanged> announced = new LinkedBlockingQueue<>();
        try (EventBus.Subscription ignored = bus.subscribeLive(Topics.PRESENCE_CHANGES, (key, payload) -> {
            PresenceChanged changed = PresenceChanged.parseFrom(payload);
            if (changed.getPresence().getUserId().equals(alice.id())) {
                announced.add(changed);
            }
        })) {
            device(alice, "phone", true, Instant.now());
            PresenceChanged online = announced.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(online).as("announced within %s", PATIENCE).isNotNull();
            assertThat(online.getPresence().getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_ONLINE);
            assertThat(online.getFriendIdsList()).containsExactly(friend.id());
            assertThat(online.getBlockedUserIdsList()).containsExactlyInAnyOrder(blocker.id(), blocked.id());

            device(alice, "phone", false, Instant.now());
            PresenceChanged offline = announced.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(offline).as("announced within %s", PATIENCE).isNotNull();
            assertThat(offline.getPresence().getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_OFFLINE);
            assertThat(offline.getPresence().hasLastSeenTime()).isTrue();
        }
    }

    @Test
    void badPresenceRequestsAreRefused() {
        Person alice = newUser("pres");
        assertThat(violatedFields(() -> users(alice).setPresence(SetPresenceRequest.newBuilder()
                .setStatus(PresenceStatus.PRESENCE_STATUS_OFFLINE).setStatusText("x".repeat(129)).build())))
                .containsExactlyInAnyOrder("status", "status_text");
        assertThat(violatedFields(() -> users(alice).getPresence(GetPresenceRequest.getDefaultInstance())))
                .containsExactly("user_ids");
        assertThat(violatedFields(() -> users(alice).getPresence(GetPresenceRequest.newBuilder()
                .addAllUserIds(IntStream.range(0, 101).mapToObj(i -> Ids.newId()).toList()).build())))
                .containsExactly("user_ids");
        assertThat(violatedFields(() -> UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .withCallCredentials(BearerCallCredentials.of(alice.token()))
                .watchPresence(WatchPresenceRequest.getDefaultInstance()).hasNext()))
                .containsExactly("user_ids");
        assertThat(violatedFields(() -> users(alice).setPresence(SetPresenceRequest.newBuilder()
                .setStatus(PresenceStatus.PRESENCE_STATUS_AWAY).setStatusText("tab\there").build())))
                .containsExactly("status_text");
        assertThat(presenceOf(alice, alice).getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_OFFLINE);
    }

    private static Presence next(BlockingQueue<Presence> seen) throws InterruptedException {
        Presence presence = seen.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(presence).as("a presence within %s", PATIENCE).isNotNull();
        return presence;
    }

    private void device(Person person, String deviceId, boolean open, Instant time) {
        bus.publish(Topics.PRESENCE, person.id(), PresenceSignal.newBuilder().setDeviceStream(DeviceStream.newBuilder()
                .setUserId(person.id()).setDeviceId(deviceId).setOpen(open).setTime(ApiTimes.timestamp(time)))
                .build().toByteArray()).join();
    }

    private void awaitStatus(Person viewer, Person user, PresenceStatus status) {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(presenceOf(viewer, user).getStatus()).isEqualTo(status));
    }

    private Presence presenceOf(Person viewer, Person user) {
        return users(viewer).getPresence(GetPresenceRequest.newBuilder().addUserIds(user.id()).build()).getPresences(0);
    }

    private void befriend(Person a, Person b) {
        String id = users(a).sendRelationshipRequest(SendRelationshipRequestRequest.newBuilder().setToUserId(b.id())
                .setKind(RelationshipKind.RELATIONSHIP_KIND_FRIEND).build()).getRequest().getId();
        users(b).acceptRelationshipRequest(AcceptRelationshipRequestRequest.newBuilder().setRequestId(id).build());
    }

    private UserServiceGrpc.UserServiceBlockingStub users(Person person) {
        return UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .withCallCredentials(BearerCallCredentials.of(person.token()));
    }
}

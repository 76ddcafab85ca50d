package io.chatmesh.signaling.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.InProcessEventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.signaling.domain.CallEvent;
import io.chatmesh.signaling.domain.CallListener;
import io.chatmesh.signaling.domain.CallNotices;
import io.chatmesh.signaling.domain.CallRinging;
import io.chatmesh.signaling.domain.InMemoryCallRelay;
import io.chatmesh.signaling.domain.Invitation;
import io.chatmesh.signaling.domain.Media;
import io.chatmesh.signaling.domain.MutableClock;
import io.chatmesh.signaling.domain.Participant;
import io.chatmesh.signaling.domain.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Relays of several instances joined by their bridges over one in-process bus. Liveness
 * rounds are run by hand against clocks moved by hand, and {@link Instance#flush} waits for
 * an instance's queued publishes (in-process, a publish returns once every instance applied
 * it), so nothing here depends on timing.
 */
class CallBusBridgeTest {

    private static final String ROOM = "room-1";
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration RING_TIMEOUT = Duration.ofSeconds(30);
    /** These tests never ring long enough to miss a call, nor end a call with a note. */
    private static final CallNotices NO_NOTES = new CallNotices() {
        @Override
        public void missedCall(Principal caller, Invitation invitation) {
            throw new AssertionError("no ring times out here");
        }

        @Override
        public void callEnded(Principal last, String roomId, String callKey, Duration length) {}
    };
    private static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor();
    private static final Instant START = Instant.parse("2026-01-02T03:04:05Z");

    private final InProcessEventBus bus = new InProcessEventBus();
    private final List<Instance> instances = new ArrayList<>();

    /** One signaling-service instance: relay, bridge, its own clock and outbox. */
    private final class Instance {
        final String id;
        final MutableClock clock = new MutableClock(START);
        final ExecutorService outbox;
        final CallBusBridge bridge;
        final InMemoryCallRelay relay;
        final CallRinging ringing;
        final AtomicInteger nextParticipant = new AtomicInteger();

        Instance(String id, EventBus instanceBus, int outboxCapacity) {
            this.id = id;
            outbox = CallBusBridge.newOutbox(outboxCapacity);
            bridge = new CallBusBridge(instanceBus, Topics.SIGNALING, id, outbox);
            relay = new InMemoryCallRelay(16, Duration.ofSeconds(15), clock, () -> id + "-p" + nextParticipant.incrementAndGet(), bridge);
            ringing = new CallRinging(clock, () -> id + "-r" + nextParticipant.incrementAndGet(), RING_TIMEOUT,
                    Duration.ofSeconds(10), bridge, NO_NOTES, invitation -> {}, TIMERS);
            bridge.connect(relay, ringing);
            instances.add(this);
        }

        Participant join(String userId, Inbox inbox) {
            return relay.join(ROOM, userId, Media.NONE, inbox);
        }

        /**
         * Waits until everything this instance queued so far is published and applied everywhere:
         * the in-process bus completes a publication of nothing after those before it.
         */
        void flush() throws Exception {
            outbox.submit(() -> {}).get(10, TimeUnit.SECONDS);
            bus.publishAll(Topics.SIGNALING, List.of()).get(10, TimeUnit.SECONDS);
        }

        void advance(Duration duration) {
            clock.advance(duration);
        }
    }

    /** Records what one participant is told. */
    private static final class Inbox implements CallListener {
        final List<CallEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void deliver(CallEvent event) {
            events.add(event);
        }
    }

    private Instance instance(String id) {
        return new Instance(id, bus, 100);
    }

    @AfterEach
    void closeInstances() {
        instances.forEach(instance -> instance.bridge.close());
    }

    @Test
    void participantsOnTwoInstancesShareOneCall() throws Exception {
        Instance one = instance("one");
        Instance two = instance("two");
        Inbox alice = new Inbox();
        Inbox bob = new Inbox();

        Participant a = one.join("alice", alice);
        one.flush();
        Participant b = two.join("bob", bob);
        two.flush();
        assertThat(bob.events).containsExactly(new CallEvent.Joined(b, List.of(a)));
        assertThat(alice.events).containsExactly(new CallEvent.Joined(a, List.of()), new CallEvent.ParticipantJoined(b));

        Signal.Offer offer = new Signal.Offer("v=0 offer");
        Signal.IceCandidate candidate = new Signal.IceCandidate("candidate:1 1 udp 1 127.0.0.1 5000 typ host", "0", 1, "uf");
        one.relay.send(ROOM, a.participantId(), b.participantId(), offer).toCompletableFuture().get(10, TimeUnit.SECONDS);
        one.relay.send(ROOM, a.participantId(), b.participantId(), candidate).toCompletableFuture().get(10, TimeUnit.SECONDS);
        one.flush(); // a send completes once the bus took it; bob must have it before he leaves
        Signal.Answer answer = new Signal.Answer("v=0 answer");
        two.relay.send(ROOM, b.participantId(), a.participantId(), answer).toCompletableFuture().get(10, TimeUnit.SECONDS);
        Media sharing = new Media(true, false, true);
        two.relay.updateMedia(ROOM, b.participantId(), sharing);
        two.relay.leave(ROOM, b.participantId());
        two.flush();

        assertThat(bob.events).containsExactly(
                new CallEvent.Joined(b, List.of(a)),
                new CallEvent.SignalReceived(a.participantId(), offer),
                new CallEvent.SignalReceived(a.participantId(), candidate));
        assertThat(alice.events).containsExactly(
                new CallEvent.Joined(a, List.of()),
                new CallEvent.ParticipantJoined(b),
                new CallEvent.SignalReceived(b.participantId(), answer),
                new CallEvent.MediaChanged(b.participantId(), sharing),
                new CallEvent.ParticipantLeft(b.participantId(), "bob"));
        assertThat(one.relay.participants(ROOM)).containsExactly(a);
        assertThat(two.relay.participants(ROOM)).containsExactly(a);
    }

    @Test
    void aStoppedInstancesParticipantsExpireOneTtlAfterTheirLastAnnounce() throws Exception {
        Instance one = instance("one");
        Instance two = instance("two");
        Inbox alice = new Inbox();
        Participant a = one.join("alice", alice);
        Participant b = two.join("bob", new Inbox());
        one.flush();
        two.flush();

        one.advance(Duration.ofSeconds(10));
        two.advance(Duration.ofSeconds(10));
        two.bridge.announceAndExpire(TTL);
        two.flush();
        one.bridge.announceAndExpire(TTL);
        one.flush();
        two.bridge.close(); // crashed: no leave, no more announces

        one.advance(Duration.ofSeconds(29)); // bob's last announce was 29 s ago
        one.bridge.announceAndExpire(TTL);
        assertThat(one.relay.participants(ROOM)).containsExactly(a, b);
        assertThat(alice.events).doesNotHaveAnyElementsOfTypes(CallEvent.ParticipantLeft.class);

        one.advance(Duration.ofSeconds(2));
        one.bridge.announceAndExpire(TTL);
        one.advance(Duration.ofSeconds(10));
        one.bridge.announceAndExpire(TTL);

        assertThat(one.relay.participants(ROOM)).containsExactly(a);
        assertThat(alice.events.stream().filter(CallEvent.ParticipantLeft.class::isInstance))
                .containsExactly(new CallEvent.ParticipantLeft(b.participantId(), "bob"));
        assertThatThrownBy(() -> one.relay.send(ROOM, a.participantId(), b.participantId(), new Signal.Offer("v=0")))
                .asInstanceOf(InstanceOfAssertFactories.type(ChatmeshException.class))
                .extracting(ChatmeshException::kind).isEqualTo(ChatmeshException.Kind.NOT_FOUND);
    }

    @Test
    void anInstanceStartedLaterLearnsTheRosterFromTheNextAnnounce() throws Exception {
        Instance one = instance("one");
        Inbox alice = new Inbox();
        Participant a = one.join("alice", alice);
        one.flush();

        Instance late = instance("late");
        Inbox carol = new Inbox();
        Participant c = late.join("carol", carol);
        late.flush();
        assertThat(carol.events).containsExactly(new CallEvent.Joined(c, List.of()));
        assertThat(alice.events).endsWith(new CallEvent.ParticipantJoined(c));

        one.bridge.announceAndExpire(TTL);
        one.flush();
        assertThat(carol.events).containsExactly(new CallEvent.Joined(c, List.of()), new CallEvent.ParticipantJoined(a));
        late.relay.send(ROOM, c.participantId(), a.participantId(), new Signal.Offer("v=0"))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        late.flush();
        assertThat(alice.events).endsWith(new CallEvent.SignalReceived(c.participantId(), new Signal.Offer("v=0")));

        one.bridge.announceAndExpire(TTL);
        one.flush();
        assertThat(carol.events).hasSize(2); // known participants are only kept alive
    }

    @Test
    void aSignalTheBusRefusesFailsUnavailableAndLostAnnouncesHeal() throws Exception {
        SwitchableEventBus flaky = new SwitchableEventBus(bus);
        Instance one = new Instance("one", flaky, 100);
        Instance two = instance("two");
        Participant a = one.join("alice", new Inbox());
        one.flush();
        Inbox bob = new Inbox();
        Participant b = two.join("bob", bob);
        two.flush();

        flaky.failPublishes(true);
        CompletableFuture<Void> sent = one.relay.send(ROOM, a.participantId(), b.participantId(),
                new Signal.Offer("v=0")).toCompletableFuture();
        assertThatThrownBy(() -> sent.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().asInstanceOf(InstanceOfAssertFactories.type(ChatmeshException.class))
                .extracting(ChatmeshException::kind).isEqualTo(ChatmeshException.Kind.UNAVAILABLE);
        Participant d = one.join("dave", new Inbox()); // joins locally; its announce is lost
        one.flush();
        assertThat(bob.events).containsExactly(new CallEvent.Joined(b, List.of(a)));

        flaky.failPublishes(false);
        one.bridge.announceAndExpire(TTL);
        one.flush();
        assertThat(bob.events).endsWith(new CallEvent.ParticipantJoined(d));
        assertThat(two.relay.participants(ROOM)).containsExactly(a, b, d);
    }

    @Test
    void aSignalThatFindsTheOutboxFullFailsUnavailableAtOnce() throws Exception {
        Instance one = new Instance("one", bus, 1);
        Instance two = instance("two");
        Participant a = one.join("alice", new Inbox());
        Participant b = two.join("bob", new Inbox());
        one.flush();
        two.flush();
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        one.outbox.execute(() -> { // keeps the outbox thread busy, so queued events wait
            busy.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
        one.relay.updateMedia(ROOM, a.participantId(), new Media(true, false, false)); // takes the one place

        CompletableFuture<Void> sent = one.relay.send(ROOM, a.participantId(), b.participantId(),
                new Signal.Offer("v=0")).toCompletableFuture();

        assertThat(sent).isCompletedExceptionally();
        assertThatThrownBy(sent::join).cause().asInstanceOf(InstanceOfAssertFactories.type(ChatmeshException.class))
                .extracting(ChatmeshException::kind).isEqualTo(ChatmeshException.Kind.UNAVAILABLE);
        release.countDown();
    }
}

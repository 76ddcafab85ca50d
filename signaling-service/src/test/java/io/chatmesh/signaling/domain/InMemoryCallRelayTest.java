package io.chatmesh.signaling.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatmesh.platform.error.ChatmeshException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

class InMemoryCallRelayTest {

    private static final String ROOM = "room-1";
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final Duration GRACE = Duration.ofSeconds(15);

    private final AtomicInteger nextId = new AtomicInteger();
    private final Supplier<String> ids = () -> "p" + nextId.incrementAndGet();
    private final MutableClock clock = new MutableClock(NOW);
    private final Replicated replicated = new Replicated();
    private final InMemoryCallRelay relay = new InMemoryCallRelay(3, GRACE, clock, ids, replicated);

    /** Records what the relay tells the other instances, in order. */
    private static final class Replicated implements CallReplicator {
        final List<String> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> signalOutcome = new CompletableFuture<>();

        @Override
        public void present(String roomId, Participant participant, int resumes) {
            events.add("present " + roomId + " " + participant.participantId() + (resumes > 0 ? " resumes " + resumes : ""));
        }

        @Override
        public void left(String roomId, Participant participant, List<String> remainingParticipantIds) {
            events.add("left " + roomId + " " + participant.participantId() + " " + participant.userId()
                    + (remainingParticipantIds.isEmpty() ? "" : " before " + remainingParticipantIds));
        }

        @Override
        public void mediaChanged(String roomId, String participantId, Media media) {
            events.add("media " + roomId + " " + participantId + " " + media);
        }

        @Override
        public CompletionStage<Void> signal(String roomId, String fromParticipantId, String toParticipantId,
                Signal signal) {
            events.add("signal " + roomId + " " + fromParticipantId + "->" + toParticipantId + " " + signal);
            return signalOutcome;
        }
    }

    /** Records what one participant is told. */
    private static final class Inbox implements CallListener {
        final List<CallEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void deliver(CallEvent event) {
            events.add(event);
        }

        CallEvent last() {
            return events.getLast();
        }
    }

    @Test
    void newcomerIsToldWhoIsThereAndTheOthersAreToldAboutTheNewcomer() {
        Inbox alice = new Inbox();
        Inbox bob = new Inbox();
        Participant a = relay.join(ROOM, "alice", new Media(true, false, false), alice);
        Participant b = relay.join(ROOM, "bob", Media.NONE, bob);

        assertThat(a).isEqualTo(new Participant("p1", "alice", new Media(true, false, false), NOW));
        assertThat(alice.events).containsExactly(
                new CallEvent.Joined(a, List.of()),
                new CallEvent.ParticipantJoined(b));
        assertThat(bob.events).containsExactly(new CallEvent.Joined(b, List.of(a)));
        assertThat(relay.participants(ROOM)).containsExactly(a, b);
    }

    @Test
    void signalsReachOnlyTheirTargetNamingTheSender() {
        Inbox alice = new Inbox();
        Inbox bob = new Inbox();
        Inbox carol = new Inbox();
        Participant a = relay.join(ROOM, "alice", Media.NONE, alice);
        Participant b = relay.join(ROOM, "bob", Media.NONE, bob);
        relay.join(ROOM, "carol", Media.NONE, carol);
        int carolSeen = carol.events.size();

        relay.send(ROOM, a.participantId(), b.participantId(), new Signal.Offer("v=0 offer"));
        relay.send(ROOM, b.participantId(), a.participantId(), new Signal.Answer("v=0 answer"));
        Signal.IceCandidate candidate = new Signal.IceCandidate("candidate:1 1 udp 1 127.0.0.1 5000 typ host", "0", 0, "uf");
        relay.send(ROOM, a.participantId(), b.participantId(), candidate);

        assertThat(bob.events).endsWith(
                new CallEvent.SignalReceived(a.participantId(), new Signal.Offer("v=0 offer")),
                new CallEvent.SignalReceived(a.participantId(), candidate));
        assertThat(alice.last()).isEqualTo(new CallEvent.SignalReceived(b.participantId(), new Signal.Answer("v=0 answer")));
        assertThat(carol.events).hasSize(carolSeen);
    }

    @Test
    void targetOutsideTheSendersCallIsNotFound() {
        Inbox alice = new Inbox();
        Inbox dave = new Inbox();
        Participant a = relay.join(ROOM, "alice", Media.NONE, alice);
        Participant d = relay.join("room-2", "dave", Media.NONE, dave);

        assertThatThrownBy(() -> relay.send(ROOM, a.participantId(), d.participantId(), new Signal.Offer("v=0")))
                .asInstanceOf(InstanceOfAssertFactories.type(ChatmeshException.class))
                .extracting(ChatmeshException::kind).isEqualTo(ChatmeshException.Kind.NOT_FOUND);
        assertThatThrownBy(() -> relay.send(ROOM, a.participantId(), "nobody", new Signal.Offer("v=0")))
                .asInstanceOf(InstanceOfAssertFactories.type(ChatmeshException.class))
                .extracting(ChatmeshException::kind).isEqualTo(ChatmeshException.Kind.NOT_FOUND);
        assertThatThrownBy(() -> relay.send("room-3", a.participantId(), d.participantId(), new Signal.Offer("v=0")))
                .asInstanceOf(InstanceOfAssertFactories.type(ChatmeshException.class))
                .extracting(ChatmeshException::kind).isEqualTo(ChatmeshException.Kind.NOT_FOUND);
        assertThat(dave.events).containsExactly(new CallEvent.Joined(d, List.of()));
    }

    @Test
    void mediaChangesAreToldToTheOthersAndShownToLaterJoiners() {
        Inbox alice = new Inbox();
        Inbox bob = new Inbox();
        Participant a = relay.join(ROOM, "alice", Media.NONE, alice);
        relay.join(ROOM, "bob", Media.NONE, bob);
        int aliceSeen = alice.events.size();

        Media sharing = new Media(true, true, true);
        relay.updateMedia(ROOM, a.participantId(), sharing);

        assertThat(bob.last()).isEqualTo(new CallEvent.MediaChanged(a.participantId(), sharing));
        assertThat(alice.events).hasSize(aliceSeen);
        Inbox carol = new Inbox();
        relay.join(ROOM, "carol", Media.NONE, carol);
        assertThat(((CallEvent.Joined) carol.events.getFirst()).others())
                .extracting(Participant::media).containsExactly(sharing, Media.NONE);
    }

    @Test
    void leavingTellsTheOthersOnceAndTheLastLeaveEndsTheCall() {
        Inbox alice = new Inbox();
        Inbox bob = new Inbox();
        Participant a = relay.join(ROOM, "alice", Media.NONE, alice);
        Participant b = relay.join(ROOM, "bob", Media.NONE, bob);

        assertThat(relay.leave(ROOM, a.participantId())).isTrue();
        assertThat(relay.leave(ROOM, a.participantId())).isFalse();

        assertThat(bob.events.stream().filter(CallEvent.ParticipantLeft.class::isInstance))
                .containsExactly(new CallEvent.ParticipantLeft(a.participantId(), "alice"));
        assertThat(relay.participants(ROOM)).containsExactly(b);
        assertThatThrownBy(() -> relay.send(ROOM, b.participantId(), a.participantId(), new Signal.Offer("v=0")))
                .isInstanceOf(ChatmeshException.class);

        assertThat(relay.leave(ROOM, b.participantId())).isTrue();
        assertThat(relay.participants(ROOM)).isEmpty();
        assertThat(relay.leave(ROOM, b.participantId())).isFalse();

        Inbox carol = new Inbox();
        Participant c = relay.join(ROOM, "carol", Media.NONE, carol);
        assertThat(carol.events).containsExactly(new CallEvent.Joined(c, List.of()));
    }

    @Test
    void aFullCallRefusesTheNextParticipantWithoutTellingAnyone() {
        Inbox alice = new Inbox();
        relay.join(ROOM, "alice", Media.NONE, alice);
        relay.join(ROOM, "bob", Media.NONE, new Inbox());
        relay.join(ROOM, "carol", Media.NONE, new Inbox());
        int aliceSeen = alice.events.size();
        Inbox dave = new Inbox();

        assertThatThrownBy(() -> relay.join(ROOM, "dave", Media.NONE, dave))
                .asInstanceOf(InstanceOfAssertFactories.type(ChatmeshException.class))
                .extracting(ChatmeshException::kind).isEqualTo(ChatmeshException.Kind.RESOURCE_EXHAUSTED);
        assertThat(dave.events).isEmpty();
        assertThat(alice.events).hasSize(aliceSeen);
        assertThat(relay.participants(ROOM)).hasSize(3);
    }

    @Test
    void aFailingListenerDoesNotKeepEventsFromTheOthers() {
        Inbox alice = new Inbox();
        relay.join(ROOM, "alice", Media.NONE, alice);
        Participant broken = relay.join(ROOM, "broken", Media.NONE, event -> {
            if (!(event instanceof CallEvent.Joined)) {
                throw new IllegalStateException("listener bug");
            }
        });
        Inbox carol = new Inbox();
        Participant c = relay.join(ROOM, "carol", Media.NONE, carol);

        relay.updateMedia(ROOM, c.participantId(), new Media(true, false, false));
        relay.leave(ROOM, broken.participantId());

        assertThat(alice.events).endsWith(
                new CallEvent.ParticipantJoined(c),
                new CallEvent.MediaChanged(c.participantId(), new Media(true, false, false)),
                new CallEvent.ParticipantLeft(broken.participantId(), "broken"));
        assertThat(carol.last()).isEqualTo(new CallEvent.ParticipantLeft(broken.participantId(), "broken"));
    }

    private static final Participant RITA = new Participant("remote-1", "rita", new Media(true, false, false),
            NOW.minusSeconds(5));
    private static final Participant RAY = new Participant("remote-2", "ray", Media.NONE, NOW.minusSeconds(3));

    @Test
    void localChangesAreReplicatedInTheOrderTheRelayMadeThem() {
        Participant a = relay.join(ROOM, "alice", Media.NONE, new Inbox());
        Participant b = relay.join(ROOM, "bob", Media.NONE, new Inbox());
        relay.updateMedia(ROOM, a.participantId(), new Media(true, false, false));
        CompletionStage<Void> local = relay.send(ROOM, a.participantId(), b.participantId(), new Signal.Offer("v=0"));
        relay.leave(ROOM, b.participantId());
        relay.leave(ROOM, b.participantId());

        assertThat(local.toCompletableFuture()).isCompleted();
        assertThat(replicated.events).containsExactly(
                "present room-1 p1",
                "present room-1 p2",
                "media room-1 p1 " + new Media(true, false, false),
                "left room-1 p2 bob before [p1]");
    }

    @Test
    void remoteParticipantsTakePartLikeLocalOnesAndAreNotReplicatedBack() {
        Inbox alice = new Inbox();
        Participant a = relay.join(ROOM, "alice", Media.NONE, alice);

        relay.remote().present(ROOM, RITA, 0);
        relay.remote().present(ROOM, RITA, 0); // a re-announce: nothing new
        assertThat(alice.events).containsExactly(new CallEvent.Joined(a, List.of()), new CallEvent.ParticipantJoined(RITA));

        Inbox bob = new Inbox();
        Participant b = relay.join(ROOM, "bob", Media.NONE, bob);
        Media sharing = new Media(true, true, true);
        relay.remote().mediaChanged(ROOM, RITA.participantId(), sharing);
        relay.remote().present(ROOM, RITA.withMedia(Media.NONE), 0); // an announce carries the current media
        relay.remote().left(ROOM, RITA.participantId(), List.of());
        relay.remote().left(ROOM, RITA.participantId(), List.of());

        assertThat(bob.events).containsExactly(
                new CallEvent.Joined(b, List.of(a, RITA)),
                new CallEvent.MediaChanged(RITA.participantId(), sharing),
                new CallEvent.MediaChanged(RITA.participantId(), Media.NONE),
                new CallEvent.ParticipantLeft(RITA.participantId(), "rita"));
        assertThat(alice.events).endsWith(new CallEvent.ParticipantLeft(RITA.participantId(), "rita"));
        assertThat(relay.participants(ROOM)).containsExactly(a, b);
        assertThat(replicated.events).containsExactly("present room-1 p1", "present room-1 p2");
    }

    @Test
    void signalsToRemoteParticipantsGoThroughTheReplicatorAndRemoteSignalsReachOnlyTheirLocalTarget() {
        Inbox alice = new Inbox();
        Participant a = relay.join(ROOM, "alice", Media.NONE, alice);
        relay.remote().present(ROOM, RITA, 0);

        CompletionStage<Void> sent = relay.send(ROOM, a.participantId(), RITA.participantId(), new Signal.Offer("v=0"));
        assertThat(sent).isSameAs(replicated.signalOutcome);
        assertThat(replicated.events).endsWith("signal room-1 p1->remote-1 " + new Signal.Offer("v=0"));

        Signal.Answer answer = new Signal.Answer("v=0 answer");
        relay.remote().deliverSignal(ROOM, RITA.participantId(), a.participantId(), answer);
        relay.remote().deliverSignal("room-2", RITA.participantId(), a.participantId(), answer); // not a's room
        relay.remote().deliverSignal(ROOM, RITA.participantId(), RAY.participantId(), answer); // for another instance
        assertThat(alice.events).containsExactly(
                new CallEvent.Joined(a, List.of()),
                new CallEvent.ParticipantJoined(RITA),
                new CallEvent.SignalReceived(RITA.participantId(), answer));

        assertThatThrownBy(() -> relay.send(ROOM, a.participantId(), RAY.participantId(), new Signal.Offer("v=0")))
                .asInstanceOf(InstanceOfAssertFactories.type(ChatmeshException.class))
                .extracting(ChatmeshException::kind).isEqualTo(ChatmeshException.Kind.NOT_FOUND);
    }

    @Test
    void remoteParticipantsCannotBeActedForLocallyNorLocalOnesRemotely() {
        Inbox alice = new Inbox();
        Participant a = relay.join(ROOM, "alice", Media.NONE, alice);
        relay.remote().present(ROOM, RITA, 0);
        int aliceSeen = alice.events.size();

        assertThatThrownBy(() -> relay.send(ROOM, RITA.participantId(), a.participantId(), new Signal.Offer("v=0")))
                .asInstanceOf(InstanceOfAssertFactories.type(ChatmeshException.class))
                .extracting(ChatmeshException::kind).isEqualTo(ChatmeshException.Kind.NOT_FOUND);
        assertThatThrownBy(() -> relay.updateMedia(ROOM, RITA.participantId(), Media.NONE))
                .asInstanceOf(InstanceOfAssertFactories.type(ChatmeshException.class))
                .extracting(ChatmeshException::kind).isEqualTo(ChatmeshException.Kind.NOT_FOUND);
        assertThat(relay.leave(ROOM, RITA.participantId())).isFalse();
        relay.remote().left(ROOM, a.participantId(), List.of());
        relay.remote().mediaChanged(ROOM, a.participantId(), new Media(true, true, true));
        relay.remote().present(ROOM, new Participant(a.participantId(), "mallory", Media.NONE, NOW), 0);

        assertThat(relay.participants(ROOM)).containsExactly(a, RITA);
        assertThat(alice.events).hasSize(aliceSeen);
        assertThat(replicated.events).containsExactly("present room-1 p1");
    }

    @Test
    void theParticipantLimitCountsRemoteParticipants() {
        relay.remote().present(ROOM, RITA, 0);
        relay.remote().present(ROOM, RAY, 0);
        relay.join(ROOM, "alice", Media.NONE, new Inbox());

        assertThatThrownBy(() -> relay.join(ROOM, "bob", Media.NONE, new Inbox()))
                .asInstanceOf(InstanceOfAssertFactories.type(ChatmeshException.class))
                .extracting(ChatmeshException::kind).isEqualTo(ChatmeshException.Kind.RESOURCE_EXHAUSTED);

        relay.remote().left(ROOM, RAY.participantId(), List.of());
        assertThat(relay.join(ROOM, "bob", Media.NONE, new Inbox()).userId()).isEqualTo("bob");
    }

    @Test
    void remoteParticipantsNotReannouncedWithinTheTtlExpireOnce() {
        Duration ttl = Duration.ofSeconds(30);
        Inbox alice = new Inbox();
        Participant a = relay.join(ROOM, "alice", Media.NONE, alice);
        relay.remote().present(ROOM, RITA, 0);
        relay.remote().present(ROOM, RAY, 0);
        relay.remote().present("room-2", new Participant("remote-3", "rex", Media.NONE, NOW), 0);

        clock.advance(Duration.ofSeconds(20));
        relay.remote().present(ROOM, RITA, 0);
        clock.advance(Duration.ofSeconds(10));
        relay.remote().expire(ttl); // ray was announced exactly one ttl ago: still there
        assertThat(relay.participants(ROOM)).containsExactly(a, RITA, RAY);

        clock.advance(Duration.ofSeconds(1));
        relay.remote().expire(ttl);
        assertThat(relay.participants(ROOM)).containsExactly(a, RITA);
        assertThat(relay.participants("room-2")).isEmpty();

        clock.advance(Duration.ofSeconds(20));
        relay.remote().expire(ttl);
        relay.remote().expire(ttl);
        assertThat(relay.participants(ROOM)).containsExactly(a);
        assertThat(alice.events.stream().filter(CallEvent.ParticipantLeft.class::isInstance)).containsExactly(
                new CallEvent.ParticipantLeft(RAY.participantId(), "ray"),
                new CallEvent.ParticipantLeft(RITA.participantId(), "rita"));

        relay.remote().present(ROOM, RITA, 0); // announced again (its instance was only cut off): joined again
        assertThat(alice.last()).isEqualTo(new CallEvent.ParticipantJoined(RITA));
    }

    @Test
    void reannouncingCoversEveryLocalParticipantAndNoRemoteOne() {
        relay.join(ROOM, "alice", Media.NONE, new Inbox());
        relay.join("room-2", "dave", Media.NONE, new Inbox());
        relay.remote().present(ROOM, RITA, 0);
        replicated.events.clear();

        relay.announceLocalParticipants();

        assertThat(replicated.events).containsExactlyInAnyOrder("present room-1 p1", "present room-2 p2");
    }

    @Test
    void aDroppedParticipantIsReconnectingAndComesBackWithItsIdWithinTheGracePeriod() {
        Inbox alice = new Inbox();
        Inbox bob = new Inbox();
        Participant a = relay.join(ROOM, "alice", Media.NONE, alice);
        Participant b = relay.join(ROOM, "bob", Media.NONE, bob);

        relay.disconnect(ROOM, b.participantId());
        assertThat(alice.last()).isEqualTo(new CallEvent.ParticipantReconnecting(b.participantId(), "bob"));
        assertThat(relay.participants(ROOM)).extracting(Participant::reconnecting).containsExactly(false, true);
        // signals to it are dropped, not refused: it negotiates anew when back
        relay.send(ROOM, a.participantId(), b.participantId(), new Signal.Offer("v=0 lost"));
        assertThat(bob.events).noneMatch(event -> event instanceof CallEvent.SignalReceived);

        clock.advance(GRACE.minusSeconds(1));
        relay.expireReconnecting();
        Inbox bobAgain = new Inbox();
        Participant back = relay.join(ROOM, "bob", Media.NONE, bobAgain, b.participantId());

        assertThat(back.participantId()).isEqualTo(b.participantId());
        assertThat(back.reconnecting()).isFalse();
        assertThat(bobAgain.events).containsExactly(new CallEvent.Joined(back, List.of(a), true));
        assertThat(alice.last()).isEqualTo(new CallEvent.ParticipantJoined(back, true));
        assertThat(alice.events).noneMatch(event -> event instanceof CallEvent.ParticipantLeft);
        assertThat(replicated.events).endsWith("present room-1 " + b.participantId() + " resumes 1");
    }

    @Test
    void aConnectedRemoteParticipantIsTakenOverHereWhenItsUserRejoinsWithItsId() {
        Inbox alice = new Inbox();
        Participant a = relay.join(ROOM, "alice", Media.NONE, alice);
        relay.remote().present(ROOM, RITA, 2); // connected on its instance; its drop is not noticed there yet

        Inbox ritaHere = new Inbox();
        Participant back = relay.join(ROOM, RITA.userId(), Media.NONE, ritaHere, RITA.participantId());

        assertThat(back.participantId()).isEqualTo(RITA.participantId());
        assertThat(ritaHere.events).containsExactly(new CallEvent.Joined(back, List.of(a), true));
        assertThat(alice.last()).isEqualTo(new CallEvent.ParticipantJoined(back, true));
        // one more resume than its old instance knows: that one lets it go
        assertThat(replicated.events).endsWith("present room-1 " + RITA.participantId() + " resumes 3");
        // the old instance's re-announce, sent before it heard of the resume, changes nothing
        relay.remote().present(ROOM, RITA, 2);
        assertThat(relay.participants(ROOM)).containsExactly(a, back);
        assertThat(relay.leave(ROOM, back.participantId())).isTrue();
    }

    @Test
    void aLocalParticipantResumedOnAnotherInstanceIsLetGoWithoutLeaving() {
        Inbox alice = new Inbox();
        Inbox bob = new Inbox();
        Participant a = relay.join(ROOM, "alice", Media.NONE, alice);
        Participant b = relay.join(ROOM, "bob", Media.NONE, bob);
        int replicatedBefore = replicated.events.size();

        relay.remote().present(ROOM, b, 1); // bob rejoined elsewhere before his drop was noticed here

        assertThat(bob.last()).isEqualTo(new CallEvent.Replaced());
        assertThat(alice.last()).isEqualTo(new CallEvent.ParticipantJoined(b, true));
        assertThat(alice.events).noneMatch(event -> event instanceof CallEvent.ParticipantLeft);
        assertThat(relay.participants(ROOM)).containsExactly(a, b);
        // remote now: not this instance's to leave, nor to announce
        assertThat(relay.leave(ROOM, b.participantId())).isFalse();
        assertThat(replicated.events).hasSize(replicatedBefore);
        // an announce with no more resumes than this instance holds is not a takeover
        Inbox carol = new Inbox();
        Participant c = relay.join(ROOM, "carol", Media.NONE, carol);
        relay.remote().present(ROOM, c, 0);
        assertThat(carol.events).noneMatch(event -> event instanceof CallEvent.Replaced);
    }

    @Test
    void whenTheLastTwoLeaveOnTwoInstancesAtOnceTheGreaterParticipantIdEndsTheCall() {
        // here alice is p1; the remote one leaving at the same moment is less (p0) or greater (p9)
        for (String remoteId : List.of("p0", "p9")) {
            String room = "room-" + remoteId;
            Inbox alice = new Inbox();
            Participant a = relay.join(room, "alice", Media.NONE, alice);
            Participant remote = new Participant(remoteId, "rita", Media.NONE, NOW);
            relay.remote().present(room, remote, 0);

            relay.leave(room, a.participantId());
            assertThat(replicated.events).last().isEqualTo("left " + room + " " + a.participantId() + " alice before [" + remoteId + "]");
            // its leave as its instance saw it: alice still there
            relay.remote().left(room, remoteId, List.of(a.participantId()));

            boolean aliceEnds = a.participantId().compareTo(remoteId) > 0;
            assertThat(alice.events.stream().filter(event -> event instanceof CallEvent.CallEnded).count())
                    .isEqualTo(aliceEnds ? 1 : 0);
            assertThat(relay.participants(room)).isEmpty();
            nextId.set(0);
        }
    }

    @Test
    void aRemoteLastLeaveThatSawTheLocalOneLeaveEndsTheCallOnItsOwnInstanceOnly() {
        Inbox alice = new Inbox();
        Participant a = relay.join(ROOM, "alice", Media.NONE, alice);
        relay.remote().present(ROOM, RAY, 0);
        relay.leave(ROOM, a.participantId());

        relay.remote().left(ROOM, RAY.participantId(), List.of()); // its instance saw alice leave: it posts

        assertThat(alice.events).noneMatch(event -> event instanceof CallEvent.CallEnded);
        assertThat(relay.participants(ROOM)).isEmpty();
    }

    @Test
    void afterTheGracePeriodTheDroppedParticipantLeavesAndItsIdIsNotResumed() {
        Inbox alice = new Inbox();
        Participant a = relay.join(ROOM, "alice", Media.NONE, alice);
        Participant b = relay.join(ROOM, "bob", Media.NONE, new Inbox());
        relay.disconnect(ROOM, b.participantId());

        clock.advance(GRACE);
        relay.expireReconnecting();
        assertThat(alice.last()).isEqualTo(new CallEvent.ParticipantLeft(b.participantId(), "bob"));
        assertThat(replicated.events).endsWith("left room-1 " + b.participantId() + " bob before [" + a.participantId() + "]");

        Participant again = relay.join(ROOM, "bob", Media.NONE, new Inbox(), b.participantId());
        assertThat(again.participantId()).isNotEqualTo(b.participantId());
        assertThat(relay.participants(ROOM)).extracting(Participant::participantId)
                .containsExactly(a.participantId(), again.participantId());
    }

    @Test
    void aRejoinBeforeTheDropWasNoticedTakesTheParticipantOverFromTheStaleStream() {
        Inbox alice = new Inbox();
        Inbox staleBob = new Inbox();
        relay.join(ROOM, "alice", Media.NONE, alice);
        Participant b = relay.join(ROOM, "bob", Media.NONE, staleBob);

        Inbox bob = new Inbox();
        Participant back = relay.join(ROOM, "bob", Media.NONE, bob, b.participantId());
        assertThat(back.participantId()).isEqualTo(b.participantId());
        assertThat(staleBob.last()).isEqualTo(new CallEvent.Replaced());
        assertThat(alice.last()).isEqualTo(new CallEvent.ParticipantJoined(back, true));
        assertThat(relay.participants(ROOM)).hasSize(2);
    }

    @Test
    void onlyTheSameUserMayResumeAParticipantId() {
        relay.join(ROOM, "alice", Media.NONE, new Inbox());
        Participant b = relay.join(ROOM, "bob", Media.NONE, new Inbox());
        relay.disconnect(ROOM, b.participantId());

        Participant mallory = relay.join(ROOM, "mallory", Media.NONE, new Inbox(), b.participantId());
        assertThat(mallory.participantId()).isNotEqualTo(b.participantId());
        assertThat(relay.participants(ROOM)).filteredOn(Participant::reconnecting).extracting(Participant::participantId)
                .containsExactly(b.participantId());
    }

    @Test
    void theLastParticipantToLeaveIsToldHowLongTheCallLasted() {
        Inbox alice = new Inbox();
        Inbox bob = new Inbox();
        Participant a = relay.join(ROOM, "alice", Media.NONE, alice);
        clock.advance(Duration.ofMinutes(1));
        Participant b = relay.join(ROOM, "bob", Media.NONE, bob);
        clock.advance(Duration.ofMinutes(2));

        relay.leave(ROOM, a.participantId());
        assertThat(alice.events).noneMatch(event -> event instanceof CallEvent.CallEnded);
        relay.leave(ROOM, b.participantId());
        assertThat(bob.last()).isEqualTo(new CallEvent.CallEnded(ROOM + "-" + NOW.toEpochMilli(), Duration.ofMinutes(3)));
    }
}

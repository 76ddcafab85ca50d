package io.chatmesh.signaling.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatmesh.platform.error.ChatmeshException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

class InMemoryCallRelayTest {

    private static final String ROOM = "room-1";
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private final AtomicInteger nextId = new AtomicInteger();
    private final Supplier<String> ids = () -> "p" + nextId.incrementAndGet();
    private final InMemoryCallRelay relay = new InMemoryCallRelay(3, Clock.fixed(NOW, ZoneOffset.UTC), ids);

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
}

package io.chatmesh.signaling.domain;

import io.chatmesh.platform.error.ChatmeshException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The calls as this instance knows them, in memory: its local participants (with their
 * listeners) and a roster of the participants other instances announced. Local changes go
 * out through the {@link CallReplicator}; what other instances announce comes in through the
 * {@code remote*} methods and reaches the local participants as ordinary call events, so a
 * call looks the same whichever instance each participant is connected to.
 *
 * <p>Each call is its own lock: joins, leaves, relays and remote updates of one call are
 * serialized (which gives every local participant the same event order), different calls do
 * not contend. Events are delivered and replicated under that lock, which is fine because
 * listeners and the replicator only queue them.
 */
public final class InMemoryCallRelay implements CallRelay {

    private static final System.Logger log = System.getLogger(InMemoryCallRelay.class.getName());
    private static final CompletionStage<Void> DELIVERED = CompletableFuture.completedStage(null);

    private final ConcurrentMap<String, Call> calls = new ConcurrentHashMap<>();
    private final int maxParticipants;
    private final Clock clock;
    private final Supplier<String> participantIds;
    private final CallReplicator replicator;

    public InMemoryCallRelay(int maxParticipants, Clock clock, Supplier<String> participantIds,
            CallReplicator replicator) {
        if (maxParticipants < 1) {
            throw new IllegalArgumentException("maxParticipants must be at least 1");
        }
        this.maxParticipants = maxParticipants;
        this.clock = clock;
        this.participantIds = participantIds;
        this.replicator = replicator;
    }

    /** The call is full when local and remote participants together reach the maximum. */
    @Override
    public Participant join(String roomId, String userId, Media media, CallListener listener) {
        return inCall(roomId, call -> {
            if (call.members.size() >= maxParticipants) {
                throw ChatmeshException.limitReached("the call is full (" + maxParticipants + " participants)");
            }
            Participant self = new Participant(participantIds.get(), userId, media, clock.instant());
            deliver(listener, new CallEvent.Joined(self, call.participants()));
            call.tellLocals(new CallEvent.ParticipantJoined(self));
            call.members.put(self.participantId(), new Local(self, listener));
            replicator.present(roomId, self);
            return self;
        });
    }

    @Override
    public CompletionStage<Void> send(String roomId, String fromParticipantId, String toParticipantId, Signal signal) {
        Call call = calls.get(roomId);
        if (call == null) {
            throw ChatmeshException.notFound("participant " + toParticipantId);
        }
        synchronized (call) {
            if (!(call.members.get(fromParticipantId) instanceof Local)) {
                throw ChatmeshException.notFound("participant " + toParticipantId);
            }
            return switch (call.members.get(toParticipantId)) {
                case Local target -> {
                    deliver(target.listener(), new CallEvent.SignalReceived(fromParticipantId, signal));
                    yield DELIVERED;
                }
                case Remote target -> replicator.signal(roomId, fromParticipantId, toParticipantId, signal);
                case null -> throw ChatmeshException.notFound("participant " + toParticipantId);
            };
        }
    }

    @Override
    public void updateMedia(String roomId, String participantId, Media media) {
        Call call = calls.get(roomId);
        if (call == null) {
            throw ChatmeshException.notFound("participant " + participantId);
        }
        synchronized (call) {
            if (!(call.members.get(participantId) instanceof Local member)) {
                throw ChatmeshException.notFound("participant " + participantId);
            }
            call.members.put(participantId, new Local(member.participant().withMedia(media), member.listener()));
            call.tellLocalsBut(participantId, new CallEvent.MediaChanged(participantId, media));
            replicator.mediaChanged(roomId, participantId, media);
        }
    }

    /** Only local participants leave through here; remote ones through {@link #remoteLeft}. */
    @Override
    public boolean leave(String roomId, String participantId) {
        Call call = calls.get(roomId);
        if (call == null) {
            return false;
        }
        synchronized (call) {
            if (!(call.members.get(participantId) instanceof Local left)) {
                return false;
            }
            removeAndTell(roomId, call, left);
            replicator.left(roomId, left.participant());
            return true;
        }
    }

    /**
     * Another instance announced a participant (joined, or re-announced as still there). A
     * participant not known yet counts as joined, whether this is its join or a re-announce
     * (this instance started later, or had dropped it); a known one is kept alive and takes
     * the announced media.
     */
    public void remotePresent(String roomId, Participant participant) {
        inCall(roomId, call -> {
            Remote seen = new Remote(participant, clock.instant());
            switch (call.members.get(participant.participantId())) {
                case null -> {
                    call.tellLocals(new CallEvent.ParticipantJoined(participant));
                    call.members.put(participant.participantId(), seen);
                }
                case Remote known -> {
                    call.members.put(participant.participantId(), seen);
                    if (!known.participant().media().equals(participant.media())) {
                        call.tellLocals(new CallEvent.MediaChanged(participant.participantId(), participant.media()));
                    }
                }
                case Local ignored -> {} // participant ids are unique: never another instance's
            }
            return null;
        });
    }

    /** Another instance's participant left; unknown ones (already gone, never seen) are ignored. */
    public void remoteLeft(String roomId, String participantId) {
        inExistingCall(roomId, call -> {
            if (call.members.get(participantId) instanceof Remote left) {
                removeAndTell(roomId, call, left);
            }
        });
    }

    /** Another instance's participant changed its media; unknown ones get it with their next announce. */
    public void remoteMediaChanged(String roomId, String participantId, Media media) {
        inExistingCall(roomId, call -> {
            if (call.members.get(participantId) instanceof Remote member) {
                call.members.put(participantId, new Remote(member.participant().withMedia(media), member.lastSeen()));
                call.tellLocals(new CallEvent.MediaChanged(participantId, media));
            }
        });
    }

    /**
     * A signal relayed by another instance, delivered if its target is a local participant of
     * that room (every instance sees every relayed signal). The sender was checked by its own
     * instance; it may not be in this roster yet when this instance started only recently.
     */
    public void deliverRemoteSignal(String roomId, String fromParticipantId, String toParticipantId, Signal signal) {
        inExistingCall(roomId, call -> {
            if (call.members.get(toParticipantId) instanceof Local target) {
                deliver(target.listener(), new CallEvent.SignalReceived(fromParticipantId, signal));
            }
        });
    }

    /** Re-announces every local participant, so other instances keep (or learn) them. */
    public void announceLocalParticipants() {
        calls.forEach((roomId, call) -> {
            synchronized (call) {
                call.members.values().forEach(member -> {
                    if (member instanceof Local local) {
                        replicator.present(roomId, local.participant());
                    }
                });
            }
        });
    }

    /**
     * Drops the remote participants not announced within {@code ttl} (their instance is gone
     * or cut off) and tells the local participants they left.
     */
    public void expireRemoteParticipants(Duration ttl) {
        Instant cutoff = clock.instant().minus(ttl);
        calls.forEach((roomId, call) -> {
            synchronized (call) {
                List<Remote> expired = new ArrayList<>();
                call.members.values().forEach(member -> {
                    if (member instanceof Remote remote && remote.lastSeen().isBefore(cutoff)) {
                        expired.add(remote);
                    }
                });
                expired.forEach(remote -> removeAndTell(roomId, call, remote));
            }
        });
    }

    /** Participants of a room's call on every instance, in the order this instance learnt of them. */
    public List<Participant> participants(String roomId) {
        Call call = calls.get(roomId);
        if (call == null) {
            return List.of();
        }
        synchronized (call) {
            return call.participants();
        }
    }

    /** Runs action under the lock of the room's call, starting the call if there is none. */
    private <T> T inCall(String roomId, Function<Call, T> action) {
        while (true) {
            Call call = calls.computeIfAbsent(roomId, id -> new Call());
            synchronized (call) {
                if (!call.ended) {
                    return action.apply(call);
                }
            }
            // its last participant left meanwhile: start a new call
        }
    }

    /** Runs action under the lock of the room's call, if there is one. */
    private void inExistingCall(String roomId, Consumer<Call> action) {
        Call call = calls.get(roomId);
        if (call == null) {
            return;
        }
        synchronized (call) {
            if (!call.ended) {
                action.accept(call);
            }
        }
    }

    /** Called holding the call's lock; the call ends with its last participant. */
    private void removeAndTell(String roomId, Call call, Member member) {
        Participant left = member.participant();
        call.members.remove(left.participantId());
        call.tellLocals(new CallEvent.ParticipantLeft(left.participantId(), left.userId()));
        if (call.members.isEmpty()) {
            call.ended = true;
            calls.remove(roomId, call);
        }
    }

    /** A broken listener must not keep the event from the other participants. */
    private static void deliver(CallListener listener, CallEvent event) {
        try {
            listener.deliver(event);
        } catch (RuntimeException e) {
            log.log(Level.WARNING, "call listener failed on " + event.getClass().getSimpleName(), e);
        }
    }

    private sealed interface Member {
        Participant participant();
    }

    /** Connected to this instance. */
    private record Local(Participant participant, CallListener listener) implements Member {}

    /** Connected to another instance, which last announced it at {@code lastSeen} (our clock). */
    private record Remote(Participant participant, Instant lastSeen) implements Member {}

    /** Guarded by its own monitor. */
    private static final class Call {
        /** Local and remote participants by participant id, in the order this instance learnt of them. */
        final Map<String, Member> members = new LinkedHashMap<>();
        /** Set when the last participant left and the call was dropped from the map. */
        boolean ended;

        List<Participant> participants() {
            return members.values().stream().map(Member::participant).toList();
        }

        /** Remote participants are told by their own instance. */
        void tellLocals(CallEvent event) {
            tellLocalsBut(null, event);
        }

        /** @param participantId the one local participant not to tell (the one it is about); null for none */
        void tellLocalsBut(String participantId, CallEvent event) {
            members.forEach((id, member) -> {
                if (member instanceof Local local && !id.equals(participantId)) {
                    deliver(local.listener(), event);
                }
            });
        }
    }
}

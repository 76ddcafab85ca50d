package io.chatmesh.signaling.domain;

import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.signaling.domain.RelayCall.Local;
import io.chatmesh.signaling.domain.RelayCall.Member;
import io.chatmesh.signaling.domain.RelayCall.Remote;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 *
 * <p>A local participant whose stream drops stays, reconnecting, for {@code reconnectGrace}:
 * it may rejoin on any instance with its id. {@link #expireReconnecting} (run periodically)
 * lets the ones whose grace ran out leave.
 */
public final class InMemoryCallRelay implements CallRelay {

    private static final CompletionStage<Void> DELIVERED = CompletableFuture.completedStage(null);

    private final ConcurrentMap<String, RelayCall> calls = new ConcurrentHashMap<>();
    private final int maxParticipants;
    private final Duration reconnectGrace;
    private final Clock clock;
    private final Supplier<String> participantIds;
    private final CallReplicator replicator;

    public InMemoryCallRelay(int maxParticipants, Duration reconnectGrace, Clock clock,
            Supplier<String> participantIds, CallReplicator replicator) {
        if (maxParticipants < 1) {
            throw new IllegalArgumentException("maxParticipants must be at least 1");
        }
        this.maxParticipants = maxParticipants;
        this.reconnectGrace = reconnectGrace;
        this.clock = clock;
        this.participantIds = participantIds;
        this.replicator = replicator;
    }

    /** The call is full when local and remote participants together reach the maximum. */
    @Override
    public Participant join(String roomId, String userId, Media media, CallListener listener,
            String resumeParticipantId) {
        return inCall(roomId, call -> {
            Member resumable = resumeParticipantId == null ? null : call.members.get(resumeParticipantId);
            // reconnecting here or elsewhere, or still connected here: a drop this instance has not noticed yet
            boolean mayResume = resumable != null && resumable.participant().userId().equals(userId)
                    && (resumable.participant().reconnecting() || resumable instanceof Local);
            if (mayResume) {
                return resume(roomId, call, resumable.participant(), media, listener);
            }
            if (call.members.size() >= maxParticipants) {
                throw ChatmeshException.limitReached("the call is full (" + maxParticipants + " participants)");
            }
            Participant self = new Participant(participantIds.get(), userId, media, clock.instant());
            RelayCall.deliver(listener, new CallEvent.Joined(self, call.participants()));
            call.tellLocals(new CallEvent.ParticipantJoined(self));
            call.add(new Local(self, listener, null));
            replicator.present(roomId, self);
            return self;
        });
    }

    /** Called holding the call's lock: the participant takes its place again (it may have dropped on another instance). */
    private Participant resume(String roomId, RelayCall call, Participant old, Media media, CallListener listener) {
        Participant self = new Participant(old.participantId(), old.userId(), media, old.joinTime());
        if (call.members.remove(self.participantId()) instanceof Local stale && stale.disconnectedAt() == null) {
            RelayCall.deliver(stale.listener(), new CallEvent.Replaced());
        }
        List<Participant> others = call.participants();
        call.add(new Local(self, listener, null));
        RelayCall.deliver(listener, new CallEvent.Joined(self, others, true));
        call.tellLocalsBut(self.participantId(), new CallEvent.ParticipantJoined(self, true));
        replicator.present(roomId, self);
        return self;
    }

    @Override
    public void disconnect(String roomId, String participantId) {
        inExistingCall(roomId, call -> {
            if (call.members.get(participantId) instanceof Local local && local.disconnectedAt() == null) {
                Participant reconnecting = local.participant().withReconnecting(true);
                call.members.put(participantId, new Local(reconnecting, local.listener(), clock.instant()));
                call.tellLocals(new CallEvent.ParticipantReconnecting(participantId, reconnecting.userId()));
                replicator.present(roomId, reconnecting);
            }
        });
    }

    /** Lets the local participants that did not come back within the grace period leave. */
    public void expireReconnecting() {
        Instant cutoff = clock.instant().minus(reconnectGrace);
        calls.forEach((roomId, call) -> {
            synchronized (call) {
                List<Local> expired = new ArrayList<>();
                call.members.values().forEach(member -> {
                    if (member instanceof Local local && local.disconnectedAt() != null
                            && !local.disconnectedAt().isAfter(cutoff)) {
                        expired.add(local);
                    }
                });
                expired.forEach(local -> {
                    removeAndTell(roomId, call, local);
                    replicator.left(roomId, local.participant());
                });
            }
        });
    }

    @Override
    public CompletionStage<Void> send(String roomId, String fromParticipantId, String toParticipantId, Signal signal) {
        RelayCall call = calls.get(roomId);
        if (call == null) {
            throw ChatmeshException.notFound("participant " + toParticipantId);
        }
        synchronized (call) {
            if (!(call.members.get(fromParticipantId) instanceof Local)) {
                throw ChatmeshException.notFound("participant " + toParticipantId);
            }
            return switch (call.members.get(toParticipantId)) {
                // a reconnecting target negotiates anew when it is back: nothing to deliver to
                case Local target when target.disconnectedAt() != null -> DELIVERED;
                case Local target -> {
                    RelayCall.deliver(target.listener(), new CallEvent.SignalReceived(fromParticipantId, signal));
                    yield DELIVERED;
                }
                case Remote target -> replicator.signal(roomId, fromParticipantId, toParticipantId, signal);
                case null -> throw ChatmeshException.notFound("participant " + toParticipantId);
            };
        }
    }

    @Override
    public void updateMedia(String roomId, String participantId, Media media) {
        RelayCall call = calls.get(roomId);
        if (call == null) {
            throw ChatmeshException.notFound("participant " + participantId);
        }
        synchronized (call) {
            if (!(call.members.get(participantId) instanceof Local member)) {
                throw ChatmeshException.notFound("participant " + participantId);
            }
            call.members.put(participantId, new Local(member.participant().withMedia(media), member.listener(),
                    member.disconnectedAt()));
            call.tellLocalsBut(participantId, new CallEvent.MediaChanged(participantId, media));
            replicator.mediaChanged(roomId, participantId, media);
        }
    }

    /** Only local participants leave through here; remote ones through {@link #remoteLeft}. */
    @Override
    public boolean leave(String roomId, String participantId) {
        RelayCall call = calls.get(roomId);
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
     * Another instance announced a participant (joined, re-announced as still there, dropped
     * and reconnecting, or back). A participant not known yet counts as joined, whether this is
     * its join or a re-announce (this instance started later, or had dropped it); a known one
     * is kept alive, and its changes (media, reconnecting, back) are told. A participant that
     * was reconnecting here and came back on another instance becomes remote without leaving.
     */
    public void remotePresent(String roomId, Participant participant) {
        inCall(roomId, call -> {
            Remote seen = new Remote(participant, clock.instant());
            String id = participant.participantId();
            switch (call.members.get(id)) {
                case null -> {
                    call.tellLocals(new CallEvent.ParticipantJoined(participant));
                    call.add(seen);
                }
                case Remote known -> {
                    call.members.put(id, seen);
                    tellChanges(call, known.participant(), participant);
                }
                case Local local when local.disconnectedAt() != null && !participant.reconnecting() -> {
                    call.members.put(id, seen); // it rejoined elsewhere
                    call.tellLocals(new CallEvent.ParticipantJoined(participant, true));
                }
                case Local ignored -> {} // participant ids are unique: never another instance's
            }
            return null;
        });
    }

    private static void tellChanges(RelayCall call, Participant before, Participant now) {
        String id = now.participantId();
        if (!before.reconnecting() && now.reconnecting()) {
            call.tellLocals(new CallEvent.ParticipantReconnecting(id, now.userId()));
        } else if (before.reconnecting() && !now.reconnecting()) {
            call.tellLocals(new CallEvent.ParticipantJoined(now, true));
        } else if (!before.media().equals(now.media())) {
            call.tellLocals(new CallEvent.MediaChanged(id, now.media()));
        }
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
     * A signal relayed by another instance, delivered if its target is a connected local
     * participant of that room (every instance sees every relayed signal). The sender was
     * checked by its own instance; it may not be in this roster yet when this instance started
     * only recently.
     */
    public void deliverRemoteSignal(String roomId, String fromParticipantId, String toParticipantId, Signal signal) {
        inExistingCall(roomId, call -> {
            if (call.members.get(toParticipantId) instanceof Local target && target.disconnectedAt() == null) {
                RelayCall.deliver(target.listener(), new CallEvent.SignalReceived(fromParticipantId, signal));
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
        RelayCall call = calls.get(roomId);
        if (call == null) {
            return List.of();
        }
        synchronized (call) {
            return call.participants();
        }
    }

    /** Runs action under the lock of the room's call, starting the call if there is none. */
    private <T> T inCall(String roomId, Function<RelayCall, T> action) {
        while (true) {
            RelayCall call = calls.computeIfAbsent(roomId, id -> new RelayCall());
            synchronized (call) {
                if (!call.ended) {
                    return action.apply(call);
                }
            }
            // its last participant left meanwhile: start a new call
        }
    }

    /** Runs action under the lock of the room's call, if there is one. */
    private void inExistingCall(String roomId, Consumer<RelayCall> action) {
        RelayCall call = calls.get(roomId);
        if (call == null) {
            return;
        }
        synchronized (call) {
            if (!call.ended) {
                action.accept(call);
            }
        }
    }

    /**
     * Called holding the call's lock; the call ends with its last participant, and a local
     * last participant is told {@link CallEvent.CallEnded} (for the room's note).
     */
    private void removeAndTell(String roomId, RelayCall call, Member member) {
        Participant left = member.participant();
        call.members.remove(left.participantId());
        call.tellLocals(new CallEvent.ParticipantLeft(left.participantId(), left.userId()));
        if (call.members.isEmpty()) {
            call.ended = true;
            calls.remove(roomId, call);
            if (member instanceof Local local) {
                RelayCall.deliver(local.listener(), new CallEvent.CallEnded(
                        roomId + "-" + call.startedAt.toEpochMilli(), Duration.between(call.startedAt, clock.instant())));
            }
        }
    }
}

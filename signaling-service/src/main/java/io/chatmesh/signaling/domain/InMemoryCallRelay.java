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
import java.util.function.Supplier;

/**
 * The calls as this instance knows them, in memory: its local participants (with their
 * listeners) and a roster of the participants other instances announced. Local changes go
 * out through the {@link CallReplicator}; what other instances announce comes in through
 * {@link #remote()} ({@link RemoteParticipants}) and reaches the local participants as
 * ordinary call events, so a call looks the same whichever instance each participant is
 * connected to. This class is the local side: joins, resumes, drops, signals, media, leaves.
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

    private final CallTable calls;
    private final RemoteParticipants remote;
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
        this.calls = new CallTable(clock);
        this.remote = new RemoteParticipants(calls, clock);
    }

    /** The call is full when local and remote participants together reach the maximum. */
    @Override
    public Participant join(String roomId, String userId, Media media, CallListener listener,
            String resumeParticipantId) {
        return calls.inCall(roomId, call -> {
            Member resumable = resumeParticipantId == null ? null : call.members.get(resumeParticipantId);
            // reconnecting here or elsewhere, or still connected here or elsewhere: a drop not noticed yet
            if (resumable != null && resumable.participant().userId().equals(userId)) {
                return resume(roomId, call, resumable, media, listener);
            }
            if (call.members.size() >= maxParticipants) {
                throw ChatmeshException.limitReached("the call is full (" + maxParticipants + " participants)");
            }
            Participant self = new Participant(participantIds.get(), userId, media, clock.instant());
            RelayCall.deliver(listener, new CallEvent.Joined(self, call.participants()));
            call.tellLocals(new CallEvent.ParticipantJoined(self));
            call.add(new Local(self, listener, null, 0));
            replicator.present(roomId, self, 0);
            return self;
        });
    }

    /**
     * Called holding the call's lock: the participant takes its place again. Its old stream may
     * be here (dropped, or still open: it gets {@link CallEvent.Replaced}) or on another
     * instance, which lets it go when it hears of the resume (one more resume than it knows).
     */
    private Participant resume(String roomId, RelayCall call, Member old, Media media, CallListener listener) {
        Participant self = new Participant(old.participant().participantId(), old.participant().userId(), media,
                old.participant().joinTime());
        if (call.members.remove(self.participantId()) instanceof Local stale && stale.disconnectedAt() == null) {
            RelayCall.deliver(stale.listener(), new CallEvent.Replaced());
        }
        List<Participant> others = call.participants();
        int resumes = old.resumes() + 1;
        call.add(new Local(self, listener, null, resumes));
        RelayCall.deliver(listener, new CallEvent.Joined(self, others, true));
        call.tellLocalsBut(self.participantId(), new CallEvent.ParticipantJoined(self, true));
        replicator.present(roomId, self, resumes);
        return self;
    }

    @Override
    public void disconnect(String roomId, String participantId) {
        calls.inExistingCall(roomId, call -> {
            if (call.members.get(participantId) instanceof Local local && local.disconnectedAt() == null) {
                Participant reconnecting = local.participant().withReconnecting(true);
                call.members.put(participantId, new Local(reconnecting, local.listener(), clock.instant(),
                        local.resumes()));
                call.tellLocals(new CallEvent.ParticipantReconnecting(participantId, reconnecting.userId()));
                replicator.present(roomId, reconnecting, local.resumes());
            }
        });
    }

    /** Lets the local participants that did not come back within the grace period leave. */
    public void expireReconnecting() {
        Instant cutoff = clock.instant().minus(reconnectGrace);
        calls.forEachCall((roomId, call) -> {
            List<Local> expired = new ArrayList<>();
            call.members.values().forEach(member -> {
                if (member instanceof Local local && local.disconnectedAt() != null
                        && !local.disconnectedAt().isAfter(cutoff)) {
                    expired.add(local);
                }
            });
            expired.forEach(local -> {
                calls.remove(roomId, call, local);
                replicator.left(roomId, local.participant(), call.participantIds());
            });
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
                    member.disconnectedAt(), member.resumes()));
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
            calls.remove(roomId, call, left);
            replicator.left(roomId, left.participant(), call.participantIds());
            return true;
        }
    }

    /** Re-announces every local participant, so other instances keep (or learn) them. */
    public void announceLocalParticipants() {
        calls.forEachCall((roomId, call) -> call.members.values().forEach(member -> {
            if (member instanceof Local local) {
                replicator.present(roomId, local.participant(), local.resumes());
            }
        }));
    }

    /** Participants of a room's call on every instance, in the order this instance learnt of them. */
    public List<Participant> participants(String roomId) {
        return calls.participants(roomId);
    }

    /** The other instances' participants in the same calls (for the bus bridge). */
    public RemoteParticipants remote() {
        return remote;
    }
}

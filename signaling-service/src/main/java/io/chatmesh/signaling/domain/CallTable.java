package io.chatmesh.signaling.domain;

import io.chatmesh.signaling.domain.RelayCall.Local;
import io.chatmesh.signaling.domain.RelayCall.Member;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The calls of this instance by room, and their locking: every change to a call happens
 * holding the call's own monitor, through the methods here. A call starts with its first
 * participant (local or remote) and ends with its last ({@link #remove}).
 */
final class CallTable {

    private final ConcurrentMap<String, RelayCall> calls = new ConcurrentHashMap<>();
    private final Clock clock;

    CallTable(Clock clock) {
        this.clock = clock;
    }

    /** Runs action under the lock of the room's call, starting the call if there is none. */
    <T> T inCall(String roomId, Function<RelayCall, T> action) {
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
    void inExistingCall(String roomId, Consumer<RelayCall> action) {
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
     * The room's call, or null; the caller locks it. An ended call has no participants, so a
     * lookup in it finds nobody.
     */
    RelayCall get(String roomId) {
        return calls.get(roomId);
    }

    /** Runs action on every call, each under its lock. */
    void forEachCall(BiConsumer<String, RelayCall> action) {
        calls.forEach((roomId, call) -> {
            synchronized (call) {
                if (!call.ended) {
                    action.accept(roomId, call);
                }
            }
        });
    }

    /** Participants of a room's call on every instance, in the order this instance learnt of them. */
    List<Participant> participants(String roomId) {
        RelayCall call = calls.get(roomId);
        if (call == null) {
            return List.of();
        }
        synchronized (call) {
            return call.participants();
        }
    }

    /**
     * Called holding the call's lock: removes a participant and tells the local ones. The call
     * ends with its last participant, and a local last participant is told
     * {@link CallEvent.CallEnded} (for the room's note). A local participant leaving only remote
     * ones behind becomes the call's {@link RelayCall#departed}.
     *
     * @return whether the call ended
     */
    boolean remove(String roomId, RelayCall call, Member member) {
        Participant left = member.participant();
        call.members.remove(left.participantId());
        call.tellLocals(new CallEvent.ParticipantLeft(left.participantId(), left.userId()));
        if (!call.members.isEmpty()) {
            if (member instanceof Local local && !call.hasLocals()) {
                call.departed = local;
                call.racingLeavers.clear();
            }
            return false;
        }
        call.ended = true;
        calls.remove(roomId, call);
        if (member instanceof Local local) {
            tellEnded(roomId, call, local);
        }
        return true;
    }

    /** The call-ended note is posted as {@code last}, by its session (a listener outlives its stream). */
    void tellEnded(String roomId, RelayCall call, Local last) {
        RelayCall.deliver(last.listener(), new CallEvent.CallEnded(
                roomId + "-" + call.startedAt.toEpochMilli(), Duration.between(call.startedAt, clock.instant())));
    }
}

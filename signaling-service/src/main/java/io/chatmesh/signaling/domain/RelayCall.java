package io.chatmesh.signaling.domain;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One room's call as {@link InMemoryCallRelay} keeps it: local and remote participants.
 * Guarded by its own monitor.
 */
final class RelayCall {

    private static final System.Logger log = System.getLogger(RelayCall.class.getName());

    sealed interface Member {
        Participant participant();

        /**
         * How many times the participant was resumed on a new stream (a Join with its id), on
         * any instance: of two instances claiming it, the one with more resumes holds it.
         */
        int resumes();
    }

    /**
     * Connected to this instance.
     *
     * @param disconnectedAt when its stream dropped (it is reconnecting); null while connected
     */
    record Local(Participant participant, CallListener listener, Instant disconnectedAt, int resumes)
            implements Member {}

    /** Connected to another instance, which last announced it at {@code lastSeen} (our clock). */
    record Remote(Participant participant, Instant lastSeen, int resumes) implements Member {}

    /** Local and remote participants by participant id, in the order this instance learnt of them. */
    final Map<String, Member> members = new LinkedHashMap<>();
    /** Set when the last participant left and the call was dropped from the map. */
    boolean ended;
    /** The earliest join time of anyone this instance saw in the call. */
    Instant startedAt;
    /**
     * The last local participant to leave while remote ones stayed, until a local one joins
     * again: if the remote ones leave at the same moment on their instances, the call-ended
     * note may be this instance's to post (see {@link RemoteParticipants#left}).
     */
    Local departed;
    /** Remote participants that left without having seen {@link #departed} leave (ids). */
    final Set<String> racingLeavers = new HashSet<>();

    void add(Member member) {
        if (member instanceof Local) {
            departed = null;
            racingLeavers.clear();
        }
        members.put(member.participant().participantId(), member);
        Instant joined = member.participant().joinTime();
        if (startedAt == null || joined.isBefore(startedAt)) {
            startedAt = joined;
        }
    }

    /** Ids of everyone still in the call (for a leave's announcement). */
    List<String> participantIds() {
        return List.copyOf(members.keySet());
    }

    boolean hasLocals() {
        return members.values().stream().anyMatch(member -> member instanceof Local);
    }

    List<Participant> participants() {
        return members.values().stream().map(Member::participant).toList();
    }

    /** Remote participants are told by their own instance. */
    void tellLocals(CallEvent event) {
        tellLocalsBut(null, event);
    }

    /**
     * Reconnecting participants are not told (their stream is gone; they get a fresh Joined).
     *
     * @param participantId the one local participant not to tell (the one it is about); null for none
     */
    void tellLocalsBut(String participantId, CallEvent event) {
        members.forEach((id, member) -> {
            if (member instanceof Local local && local.disconnectedAt() == null && !id.equals(participantId)) {
                deliver(local.listener(), event);
            }
        });
    }

    /** A broken listener must not keep the event from the other participants. */
    static void deliver(CallListener listener, CallEvent event) {
        try {
            listener.deliver(event);
        } catch (RuntimeException e) {
            log.log(Level.WARNING, "call listener failed on " + event.getClass().getSimpleName(), e);
        }
    }
}

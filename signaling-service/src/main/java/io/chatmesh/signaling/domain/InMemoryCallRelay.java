package io.chatmesh.signaling.domain;

import io.chatmesh.platform.error.ChatmeshException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * The calls of this instance, in memory. Each call is its own lock: joins, leaves and
 * relays of one call are serialized (which gives every participant the same event order),
 * different calls do not contend. Events are delivered under that lock, which is fine
 * because listeners only queue them.
 */
public final class InMemoryCallRelay implements CallRelay {

    private static final System.Logger log = System.getLogger(InMemoryCallRelay.class.getName());

    private final ConcurrentMap<String, Call> calls = new ConcurrentHashMap<>();
    private final int maxParticipants;
    private final Clock clock;
    private final Supplier<String> participantIds;

    public InMemoryCallRelay(int maxParticipants, Clock clock, Supplier<String> participantIds) {
        if (maxParticipants < 1) {
            throw new IllegalArgumentException("maxParticipants must be at least 1");
        }
        this.maxParticipants = maxParticipants;
        this.clock = clock;
        this.participantIds = participantIds;
    }

    @Override
    public Participant join(String roomId, String userId, Media media, CallListener listener) {
        while (true) {
            Call call = calls.computeIfAbsent(roomId, id -> new Call());
            synchronized (call) {
                if (call.ended) {
                    continue; // its last participant left meanwhile: start a new call
                }
                if (call.members.size() >= maxParticipants) {
                    throw new ChatmeshException(ChatmeshException.Kind.RESOURCE_EXHAUSTED,
                            ChatmeshException.Reason.RATE_LIMITED,
                            "the call is full (" + maxParticipants + " participants)");
                }
                Participant self = new Participant(participantIds.get(), userId, media, clock.instant());
                List<Member> others = List.copyOf(call.members.values());
                deliver(listener, new CallEvent.Joined(self, others.stream().map(Member::participant).toList()));
                call.members.put(self.participantId(), new Member(self, listener));
                CallEvent joined = new CallEvent.ParticipantJoined(self);
                others.forEach(other -> deliver(other.listener(), joined));
                return self;
            }
        }
    }

    @Override
    public void send(String roomId, String fromParticipantId, String toParticipantId, Signal signal) {
        Call call = calls.get(roomId);
        if (call == null) {
            throw ChatmeshException.notFound("participant " + toParticipantId);
        }
        synchronized (call) {
            Member target = call.members.get(toParticipantId);
            if (target == null || !call.members.containsKey(fromParticipantId)) {
                throw ChatmeshException.notFound("participant " + toParticipantId);
            }
            deliver(target.listener(), new CallEvent.SignalReceived(fromParticipantId, signal));
        }
    }

    @Override
    public void updateMedia(String roomId, String participantId, Media media) {
        Call call = calls.get(roomId);
        if (call == null) {
            throw ChatmeshException.notFound("participant " + participantId);
        }
        synchronized (call) {
            Member member = call.members.get(participantId);
            if (member == null) {
                throw ChatmeshException.notFound("participant " + participantId);
            }
            call.members.put(participantId, new Member(member.participant().withMedia(media), member.listener()));
            CallEvent changed = new CallEvent.MediaChanged(participantId, media);
            call.othersThan(participantId).forEach(other -> deliver(other.listener(), changed));
        }
    }

    @Override
    public boolean leave(String roomId, String participantId) {
        Call call = calls.get(roomId);
        if (call == null) {
            return false;
        }
        synchronized (call) {
            Member left = call.members.remove(participantId);
            if (left == null) {
                return false;
            }
            CallEvent event = new CallEvent.ParticipantLeft(participantId, left.participant().userId());
            call.members.values().forEach(other -> deliver(other.listener(), event));
            if (call.members.isEmpty()) {
                call.ended = true;
                calls.remove(roomId, call);
            }
            return true;
        }
    }

    /** Participants of a room's call, in join order (empty when there is no call). */
    public List<Participant> participants(String roomId) {
        Call call = calls.get(roomId);
        if (call == null) {
            return List.of();
        }
        synchronized (call) {
            return call.members.values().stream().map(Member::participant).toList();
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

    private record Member(Participant participant, CallListener listener) {}

    /** Guarded by its own monitor. */
    private static final class Call {
        final Map<String, Member> members = new LinkedHashMap<>();
        /** Set when the last participant left and the call was dropped from the map. */
        boolean ended;

        List<Member> othersThan(String participantId) {
            List<Member> others = new ArrayList<>(members.size());
            members.forEach((id, member) -> {
                if (!id.equals(participantId)) {
                    others.add(member);
                }
            });
            return others;
        }
    }
}

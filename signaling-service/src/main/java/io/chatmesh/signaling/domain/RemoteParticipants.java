package io.chatmesh.signaling.domain;

import io.chatmesh.signaling.domain.RelayCall.Local;
import io.chatmesh.signaling.domain.RelayCall.Remote;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The other instances' side of this instance's calls: the roster of the participants they
 * announce (over the bus), applied to the same calls as the local participants and told to
 * these as ordinary call events, so a call looks the same whichever instance each participant
 * is connected to. Remote participants not re-announced in time are dropped ({@link #expire}).
 */
public final class RemoteParticipants {

    private final CallTable calls;
    private final Clock clock;

    RemoteParticipants(CallTable calls, Clock clock) {
        this.calls = calls;
        this.clock = clock;
    }

    /**
     * Another instance announced a participant (joined, re-announced as still there, dropped
     * and reconnecting, or back). A participant not known yet counts as joined, whether this is
     * its join or a re-announce (this instance started later, or had dropped it); a known one
     * is kept alive, and its changes (media, reconnecting, back) are told. A participant that
     * was reconnecting here and came back on another instance becomes remote without leaving.
     */
    public void present(String roomId, Participant participant) {
        calls.inCall(roomId, call -> {
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
    public void left(String roomId, String participantId) {
        calls.inExistingCall(roomId, call -> {
            if (call.members.get(participantId) instanceof Remote left) {
                calls.remove(roomId, call, left);
            }
        });
    }

    /** Another instance's participant changed its media; unknown ones get it with their next announce. */
    public void mediaChanged(String roomId, String participantId, Media media) {
        calls.inExistingCall(roomId, call -> {
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
    public void deliverSignal(String roomId, String fromParticipantId, String toParticipantId, Signal signal) {
        calls.inExistingCall(roomId, call -> {
            if (call.members.get(toParticipantId) instanceof Local target && target.disconnectedAt() == null) {
                RelayCall.deliver(target.listener(), new CallEvent.SignalReceived(fromParticipantId, signal));
            }
        });
    }

    /**
     * Drops the remote participants not announced within {@code ttl} (their instance is gone
     * or cut off) and tells the local participants they left.
     */
    public void expire(Duration ttl) {
        Instant cutoff = clock.instant().minus(ttl);
        calls.forEachCall((roomId, call) -> {
            List<Remote> expired = new ArrayList<>();
            call.members.values().forEach(member -> {
                if (member instanceof Remote remote && remote.lastSeen().isBefore(cutoff)) {
                    expired.add(remote);
                }
            });
            expired.forEach(remote -> calls.remove(roomId, call, remote));
        });
    }
}

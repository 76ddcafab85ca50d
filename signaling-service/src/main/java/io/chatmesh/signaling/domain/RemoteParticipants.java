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
     * is kept alive, and its changes (media, reconnecting, back) are told.
     *
     * <p>{@code resumes} orders the claims on one participant: an announce with fewer resumes
     * than known is stale (its old instance re-announced it before hearing of the resume) and
     * ignored. One with more means it was resumed on the announcing instance: a local one here
     * becomes remote without leaving — if its stream is still open here (the drop was not
     * noticed yet), that stream is told {@link CallEvent.Replaced} — and the others see it
     * come back.
     */
    public void present(String roomId, Participant participant, int resumes) {
        calls.inCall(roomId, call -> {
            Remote seen = new Remote(participant, clock.instant(), resumes);
            String id = participant.participantId();
            switch (call.members.get(id)) {
                case null -> {
                    call.tellLocals(new CallEvent.ParticipantJoined(participant));
                    call.add(seen);
                }
                case Remote known when resumes < known.resumes() -> {} // stale
                case Remote known -> {
                    call.members.put(id, seen);
                    tellChanges(call, known.participant(), participant, resumes > known.resumes());
                }
                case Local local when resumes > local.resumes()
                        && local.participant().userId().equals(participant.userId()) -> {
                    if (local.disconnectedAt() == null) {
                        RelayCall.deliver(local.listener(), new CallEvent.Replaced());
                    }
                    call.members.put(id, seen); // it rejoined elsewhere
                    tellChanges(call, local.participant().withReconnecting(true), participant, true);
                }
                case Local ignored -> {} // its own stale announce, or a forged id: this instance holds it
            }
            return null;
        });
    }

    private static void tellChanges(RelayCall call, Participant before, Participant now, boolean resumed) {
        String id = now.participantId();
        if (resumed && !now.reconnecting()) {
            call.tellLocals(new CallEvent.ParticipantJoined(now, true));
        } else if (!before.reconnecting() && now.reconnecting()) {
            call.tellLocals(new CallEvent.ParticipantReconnecting(id, now.userId()));
        } else if (before.reconnecting() && !now.reconnecting()) {
            call.tellLocals(new CallEvent.ParticipantJoined(now, true));
        } else if (!before.media().equals(now.media())) {
            call.tellLocals(new CallEvent.MediaChanged(id, now.media()));
        }
    }

    /**
     * Another instance's participant left; unknown ones (already gone, never seen) are ignored.
     *
     * <p>The call-ended note is posted by the instance whose local participant's leave empties
     * the call. When the last participants leave on different instances at the same moment,
     * each still sees the others when its own leaves, so none ends the call that way; then the
     * leaves' {@code remainingParticipantIds} tell: a remote leave that still counted this
     * instance's {@link RelayCall#departed} among those remaining raced with it. Of the racing
     * last leavers, the one with the greatest participant id posts the note — every instance
     * knows all of their ids, so exactly one does.
     */
    public void left(String roomId, String participantId, List<String> remainingParticipantIds) {
        calls.inExistingCall(roomId, call -> {
            if (!(call.members.get(participantId) instanceof Remote left)) {
                return;
            }
            Local departed = call.departed;
            boolean raced = departed != null
                    && remainingParticipantIds.contains(departed.participant().participantId());
            if (raced) {
                call.racingLeavers.add(participantId);
            }
            if (calls.remove(roomId, call, left) && raced && call.racingLeavers.stream()
                    .allMatch(racer -> departed.participant().participantId().compareTo(racer) > 0)) {
                calls.tellEnded(roomId, call, departed);
            }
        });
    }

    /** Another instance's participant changed its media; unknown ones get it with their next announce. */
    public void mediaChanged(String roomId, String participantId, Media media) {
        calls.inExistingCall(roomId, call -> {
            if (call.members.get(participantId) instanceof Remote member) {
                call.members.put(participantId,
                        new Remote(member.participant().withMedia(media), member.lastSeen(), member.resumes()));
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

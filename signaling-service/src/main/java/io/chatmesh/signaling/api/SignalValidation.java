package io.chatmesh.signaling.api;

import io.chatmesh.platform.error.Validation;
import io.chatmesh.proto.signaling.v1.IceCandidate;
import io.chatmesh.proto.signaling.v1.Join;
import io.chatmesh.proto.signaling.v1.SessionDescription;

/** Size and shape limits of the signaling frames (as documented in the proto). */
final class SignalValidation {

    static final int MAX_CLIENT_ID = 64;
    static final int MAX_SDP_BYTES = 64 * 1024;
    static final int MAX_CANDIDATE_BYTES = 1024;
    static final int MAX_SDP_MID = 64;
    static final int MAX_USERNAME_FRAGMENT = 256;
    /** m-line indexes count the media sections of one SDP; 16 bits is far more than any has. */
    static final int MAX_M_LINE_INDEX = 65_535;

    private SignalValidation() {}

    static void clientId(String clientId) {
        new Validation().length("client_id", clientId, 0, MAX_CLIENT_ID).check();
    }

    static void join(Join join) {
        new Validation().id("join.room_id", join.getRoomId()).check();
    }

    /**
     * @param field "offer" or "answer"
     * @param self the sender's participant id (nobody negotiates with themselves)
     */
    static void sessionDescription(String field, SessionDescription description, String self) {
        Validation validation = new Validation();
        target(validation, field, description.getParticipantId(), self);
        String sdp = description.getSdp();
        if (description.getSdpBytes().size() > MAX_SDP_BYTES) {
            validation.add(field + ".sdp", "must be at most " + MAX_SDP_BYTES + " bytes");
        } else if (!sdp.startsWith("v=0")) {
            validation.add(field + ".sdp", "is not SDP (must start with v=0)");
        }
        validation.check();
    }

    static void iceCandidate(IceCandidate candidate, String self) {
        Validation validation = new Validation();
        target(validation, "ice_candidate", candidate.getParticipantId(), self);
        if (candidate.getCandidateBytes().size() > MAX_CANDIDATE_BYTES) {
            validation.add("ice_candidate.candidate", "must be at most " + MAX_CANDIDATE_BYTES + " bytes");
        }
        validation.length("ice_candidate.sdp_mid", candidate.getSdpMid(), 0, MAX_SDP_MID)
                .range("ice_candidate.sdp_m_line_index", candidate.getSdpMLineIndex(), 0, MAX_M_LINE_INDEX)
                .length("ice_candidate.username_fragment", candidate.getUsernameFragment(), 0, MAX_USERNAME_FRAGMENT)
                .check();
    }

    private static void target(Validation validation, String field, String target, String self) {
        validation.id(field + ".participant_id", target);
        if (target.equals(self)) {
            validation.add(field + ".participant_id", "must name another participant");
        }
    }
}

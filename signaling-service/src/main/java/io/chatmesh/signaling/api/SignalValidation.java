package io.chatmesh.signaling.api;

import io.chatmesh.platform.error.Validation;
import io.chatmesh.proto.signaling.v1.IceCandidate;
import io.chatmesh.proto.signaling.v1.Join;
import io.chatmesh.proto.signaling.v1.SessionDescription;
import java.util.regex.Pattern;

/** Size and shape limits of the signaling frames (as documented in the proto). */
final class SignalValidation {

    static final int MAX_CLIENT_ID = 64;
    static final int MAX_SDP_BYTES = 64 * 1024;
    static final int MAX_CANDIDATE_BYTES = 1024;
    static final int MAX_SDP_MID = 64;
    static final int MAX_USERNAME_FRAGMENT = 256;
    /** m-line indexes count the media sections of one SDP; 16 bits is far more than any has. */
    static final int MAX_M_LINE_INDEX = 65_535;

    /** One SDP line: a type letter, '=', then printable text (RFC 8866 5). */
    private static final Pattern SDP_LINE = Pattern.compile("[a-z]=[\\x20-\\x7E\\u0080-\\uFFFF]*");
    /**
     * RFC 8839 candidate-attribute, as browsers produce it (without the "a=" prefix):
     * foundation, component, transport, priority, address (IP or mDNS name), port, typ, then
     * optional extensions.
     */
    private static final Pattern CANDIDATE = Pattern.compile(
            "candidate:[A-Za-z0-9+/]{1,32} [0-9]{1,3} (?i:udp|tcp) [0-9]{1,10} [A-Za-z0-9.:\\-]{1,255} [0-9]{1,5}"
                    + " typ (host|srflx|prflx|relay)( [\\x21-\\x7E]+)*");

    private SignalValidation() {}

    /** v=0 first, every line a type letter and a value, with the mandatory o= and s= lines. */
    static boolean isSdp(String sdp) {
        String[] lines = sdp.split("\\r?\\n");
        if (lines.length < 3 || !lines[0].equals("v=0")) {
            return false;
        }
        boolean origin = false;
        boolean session = false;
        for (String line : lines) {
            if (!SDP_LINE.matcher(line).matches()) {
                return false;
            }
            origin |= line.startsWith("o=");
            session |= line.startsWith("s=");
        }
        return origin && session;
    }

    static void clientId(String clientId) {
        new Validation().length("client_id", clientId, 0, MAX_CLIENT_ID).check();
    }

    static void join(Join join) {
        new Validation().id("join.room_id", join.getRoomId())
                .optionalId("join.participant_id", join.getParticipantId())
                .check();
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
        } else if (!isSdp(sdp)) {
            validation.add(field + ".sdp", "is not SDP (v=0 first, then <letter>=<value> lines with o= and s=)");
        }
        validation.check();
    }

    static void iceCandidate(IceCandidate candidate, String self) {
        Validation validation = new Validation();
        target(validation, "ice_candidate", candidate.getParticipantId(), self);
        if (candidate.getCandidateBytes().size() > MAX_CANDIDATE_BYTES) {
            validation.add("ice_candidate.candidate", "must be at most " + MAX_CANDIDATE_BYTES + " bytes");
        } else if (!candidate.getCandidate().isEmpty() && !CANDIDATE.matcher(candidate.getCandidate()).matches()) {
            validation.add("ice_candidate.candidate", "is not an ICE candidate line (RFC 8839 candidate-attribute)");
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

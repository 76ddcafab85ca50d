package io.chatmesh.signaling.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.proto.signaling.v1.ClientEvent;
import io.chatmesh.proto.signaling.v1.IceCandidate;
import io.chatmesh.proto.signaling.v1.SessionDescription;

/** Signals the signaling tests send, and the full WebRTC handshake between two participants. */
final class Signals {

    static final String SDP = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    private Signals() {}

    static SessionDescription.Builder sdp(String participantId, String sdp) {
        return SessionDescription.newBuilder().setParticipantId(participantId).setSdp(sdp);
    }

    static IceCandidate.Builder candidate(String participantId, String candidate) {
        return IceCandidate.newBuilder().setParticipantId(participantId).setCandidate(candidate)
                .setSdpMid("0").setSdpMLineIndex(0).setUsernameFragment("ufrag");
    }

    /**
     * Alice (participant {@code a}) offers to Bob ({@code b}), Bob answers, both send a
     * candidate and Bob ends his candidates; each side receives exactly what the other sent,
     * with the participant id rewritten to the sender's.
     */
    static void exchangeOfferAnswerAndCandidates(SignalClient alice, String a, SignalClient bob, String b) {
        alice.send("o1", ClientEvent.newBuilder().setOffer(sdp(b, SDP + "a=offer\r\n")));
        assertThat(bob.next().getOffer()).isEqualTo(sdp(a, SDP + "a=offer\r\n").build());
        bob.send("a1", ClientEvent.newBuilder().setAnswer(sdp(a, SDP + "a=answer\r\n")));
        assertThat(alice.next().getAnswer()).isEqualTo(sdp(b, SDP + "a=answer\r\n").build());

        alice.send("c1", ClientEvent.newBuilder().setIceCandidate(candidate(b, "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host")));
        bob.send("c2", ClientEvent.newBuilder().setIceCandidate(candidate(a, "candidate:2 1 udp 2122260223 127.0.0.1 50001 typ host")));
        bob.send("c3", ClientEvent.newBuilder().setIceCandidate(candidate(a, "")));
        assertThat(bob.next().getIceCandidate())
                .isEqualTo(candidate(a, "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host").build());
        assertThat(alice.next().getIceCandidate())
                .isEqualTo(candidate(b, "candidate:2 1 udp 2122260223 127.0.0.1 50001 typ host").build());
        assertThat(alice.next().getIceCandidate()).isEqualTo(candidate(b, "").build());
    }
}

package io.chatmesh.signaling.domain;

/** WebRTC negotiation data one participant sends to another; the relay never looks inside. */
public sealed interface Signal {

    record Offer(String sdp) implements Signal {}

    record Answer(String sdp) implements Signal {}

    /** An empty {@code candidate} signals the end of candidates. */
    record IceCandidate(String candidate, String sdpMid, int sdpMLineIndex, String usernameFragment)
            implements Signal {}
}

package io.chatmesh.signaling.domain;

/** Which media a participant is sending. */
public record Media(boolean audio, boolean video, boolean screen) {

    public static final Media NONE = new Media(false, false, false);
}

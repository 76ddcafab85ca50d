package io.chatmesh.signaling.domain;

/** Which media a participant is sending, and whether it is speaking (client-reported). */
public record Media(boolean audio, boolean video, boolean screen, boolean speaking) {

    public static final Media NONE = new Media(false, false, false, false);

    /** Not speaking. */
    public Media(boolean audio, boolean video, boolean screen) {
        this(audio, video, screen, false);
    }
}

package io.chatmesh.message.domain;

/**
 * A finished upload as a message shows it.
 *
 * @param width images: declared pixel width, 0 when not declared
 * @param height images: declared pixel height, 0 when not declared
 */
public record Attachment(String id, String fileName, String contentType, long sizeBytes, String sha256, int width,
        int height) {

    /** Without declared image dimensions. */
    public Attachment(String id, String fileName, String contentType, long sizeBytes, String sha256) {
        this(id, fileName, contentType, sizeBytes, sha256, 0, 0);
    }
}

package io.chatmesh.chat.domain;

/**
 * A finished upload a message carries, as message-service confirmed it when the send claimed it
 * (chat-service keeps it only as part of the posted message).
 *
 * @param width images: declared pixel width, 0 when not declared
 * @param height images: declared pixel height, 0 when not declared
 */
public record Attachment(String id, String fileName, String contentType, long sizeBytes, String sha256, int width,
        int height) {}

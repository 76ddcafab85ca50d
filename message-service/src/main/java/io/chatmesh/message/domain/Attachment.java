package io.chatmesh.message.domain;

/** A finished upload attached to a message. */
public record Attachment(String id, String fileName, String contentType, long sizeBytes, String sha256) {}

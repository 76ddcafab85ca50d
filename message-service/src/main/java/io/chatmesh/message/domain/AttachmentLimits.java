package io.chatmesh.message.domain;

import java.time.Duration;

/**
 * Limits of uploads (chatmesh.message.attachments.*, docs/attachments.md).
 *
 * @param maxSizeBytes largest attachment
 * @param maxChunkBytes largest chunk of UploadAttachmentChunk
 * @param maxOpenUploads unfinished uploads one user may have at a time
 * @param uploadTtl how long an upload lives after its last chunk, and a finished attachment
 *        after its finish, unless posted
 */
public record AttachmentLimits(long maxSizeBytes, int maxChunkBytes, int maxOpenUploads, Duration uploadTtl) {

    /** The protocol's bound on a chunk (UploadAttachmentChunkRequest), whatever is configured. */
    public static final int CHUNK_BYTES_CAP = 1024 * 1024;

    public AttachmentLimits {
        if (maxSizeBytes < 1) {
            throw new IllegalArgumentException("max size must be positive: " + maxSizeBytes);
        }
        if (maxChunkBytes < 1 || maxChunkBytes > CHUNK_BYTES_CAP) {
            throw new IllegalArgumentException("max chunk must be 1 to " + CHUNK_BYTES_CAP + " bytes: " + maxChunkBytes);
        }
        if (maxOpenUploads < 1) {
            throw new IllegalArgumentException("max open uploads must be positive: " + maxOpenUploads);
        }
        if (uploadTtl.isNegative() || uploadTtl.isZero()) {
            throw new IllegalArgumentException("upload ttl must be positive: " + uploadTtl);
        }
    }
}

package io.chatmesh.message.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * An upload and, once finished, the attachment it became (same id). Unfinished while
 * {@code sha256} is null.
 *
 * @param committedSize bytes stored so far: the offset the next chunk must start at
 * @param claimClientId the client_id of the send that claimed it for its message; null while unclaimed
 * @param expireTime when the sweeper removes it; null once claimed (it then lives as long as its message)
 */
public record AttachmentUpload(String id, String uploaderId, String roomId, String fileName, String contentType,
        long sizeBytes, int width, int height, long committedSize, String sha256, String claimClientId,
        Instant createTime, Instant expireTime) {

    public AttachmentUpload {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(uploaderId, "uploaderId");
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(createTime, "createTime");
    }

    public boolean finished() {
        return sha256 != null;
    }

    /** The attachment as messages show it (meaningful once finished). */
    public Attachment attachment() {
        return new Attachment(id, fileName, contentType, sizeBytes, sha256, width, height);
    }
}

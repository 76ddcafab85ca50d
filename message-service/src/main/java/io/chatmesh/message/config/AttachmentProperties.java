package io.chatmesh.message.config;

import io.chatmesh.message.domain.AttachmentLimits;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@value #PREFIX}.*: attachments (docs/attachments.md); defaults in message-service.properties.
 *
 * @param maxSize largest attachment
 * @param maxChunkSize largest upload chunk (at most 1 MiB, the protocol's bound)
 * @param maxOpenUploads unfinished uploads per user
 * @param uploadTtl how long an upload lives after its last chunk, and an attachment after its finish, unless posted
 * @param sweepInterval how often expired uploads are removed
 * @param postingWait how long a member's download of a claimed attachment waits for its message to be stored
 * @param directory where the filesystem blob store keeps content (SQL store); required there
 */
@ConfigurationProperties(AttachmentProperties.PREFIX)
public record AttachmentProperties(DataSize maxSize, DataSize maxChunkSize, Integer maxOpenUploads,
        Duration uploadTtl, Duration sweepInterval, Duration postingWait, String directory) {

    public static final String PREFIX = "chatmesh.message.attachments";

    public AttachmentProperties {
        require(maxSize != null, "max-size");
        require(maxChunkSize != null, "max-chunk-size");
        require(maxOpenUploads != null, "max-open-uploads");
        require(uploadTtl != null, "upload-ttl");
        require(sweepInterval != null && sweepInterval.isPositive(), "sweep-interval");
        require(postingWait != null && !postingWait.isNegative(), "posting-wait");
    }

    public AttachmentLimits limits() {
        return new AttachmentLimits(maxSize.toBytes(), Math.toIntExact(maxChunkSize.toBytes()), maxOpenUploads,
                uploadTtl);
    }

    private static void require(boolean valid, String property) {
        if (!valid) {
            throw new IllegalArgumentException(PREFIX + "." + property + " is missing or out of range");
        }
    }
}

package io.chatmesh.message.config;

import io.chatmesh.message.domain.AttachmentLimits;
import io.chatmesh.platform.config.SettingChecks;
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
        SettingChecks settings = new SettingChecks(PREFIX);
        settings.require("max-size", maxSize, maxSize != null && maxSize.toBytes() > 0, "must be set and larger than 0");
        settings.require("max-chunk-size", maxChunkSize, maxChunkSize != null && maxChunkSize.toBytes() > 0
                && maxChunkSize.toBytes() <= AttachmentLimits.CHUNK_BYTES_CAP, "must be set, 1B to 1MB");
        settings.present("max-open-uploads", maxOpenUploads);
        settings.atLeastOne("max-open-uploads", maxOpenUploads);
        settings.positive("upload-ttl", uploadTtl);
        settings.positive("sweep-interval", sweepInterval);
        settings.notNegative("posting-wait", postingWait);
    }

    public AttachmentLimits limits() {
        return new AttachmentLimits(maxSize.toBytes(), Math.toIntExact(maxChunkSize.toBytes()), maxOpenUploads,
                uploadTtl);
    }
}

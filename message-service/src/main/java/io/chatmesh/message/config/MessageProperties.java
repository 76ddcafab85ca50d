package io.chatmesh.message.config;

import io.chatmesh.platform.config.SettingChecks;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@value #PREFIX}.*: message-service's own settings (the store's and the attachments' have records of their own).
 *
 * @param roomsDeadline deadline of the calls to chat-service's RoomService (membership, room kinds)
 * @param membershipCacheTtl how long a membership answer is reused (0: asked every time)
 * @param publishTimeout how long MarkRead waits for the bus to take the receipt
 * @param unreadFoldInterval with the SQL store: how often unread counters and the search index take in new messages
 * @param persisterGroup the persister's durable subscription (Kafka consumer group)
 */
@ConfigurationProperties(MessageProperties.PREFIX)
public record MessageProperties(
        @DefaultValue("2s") Duration roomsDeadline,
        @DefaultValue("5s") Duration membershipCacheTtl,
        @DefaultValue("10s") Duration publishTimeout,
        @DefaultValue("1s") Duration unreadFoldInterval,
        @DefaultValue("message-persister") String persisterGroup) {

    public static final String PREFIX = "chatmesh.message";

    public MessageProperties {
        SettingChecks settings = new SettingChecks(PREFIX);
        settings.positive("rooms-deadline", roomsDeadline);
        settings.notNegative("membership-cache-ttl", membershipCacheTtl);
        settings.positive("publish-timeout", publishTimeout);
        settings.positive("unread-fold-interval", unreadFoldInterval);
        settings.require("persister-group", persisterGroup, persisterGroup != null && !persisterGroup.isBlank(),
                "must not be blank");
    }
}

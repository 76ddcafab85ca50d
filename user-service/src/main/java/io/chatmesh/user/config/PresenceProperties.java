package io.chatmesh.user.config;

import io.chatmesh.platform.config.SettingChecks;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Presence settings ({@code chatmesh.presence.*}).
 *
 * @param deviceTimeout a device whose chat stream was not heard of this long counts as gone; longer
 *        than chat-service's presence heartbeat interval ({@code chatmesh.chat.presence-heartbeat})
 * @param expiryInterval how often devices are checked against the timeout
 * @param publishTimeout how long SetPresence waits for the bus to take the chosen status
 * @param roomsDeadline deadline of the calls asking chat-service who shares a room with a user
 */
@ConfigurationProperties("chatmesh.presence")
public record PresenceProperties(
        @DefaultValue("45s") Duration deviceTimeout,
        @DefaultValue("1s") Duration expiryInterval,
        @DefaultValue("5s") Duration publishTimeout,
        @DefaultValue("3s") Duration roomsDeadline) {

    public PresenceProperties {
        SettingChecks settings = new SettingChecks("chatmesh.presence");
        settings.positive("device-timeout", deviceTimeout);
        settings.positive("expiry-interval", expiryInterval);
        settings.positive("publish-timeout", publishTimeout);
        settings.positive("rooms-deadline", roomsDeadline);
    }
}

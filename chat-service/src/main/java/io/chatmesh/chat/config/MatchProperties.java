package io.chatmesh.chat.config;

import io.chatmesh.platform.config.SettingChecks;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * MatchRandom settings ({@code chatmesh.chat.match.*}).
 *
 * @param attemptInterval how often a waiting call tries to match (and keeps its ticket alive)
 * @param ticketLifetime how long a ticket stays matchable after its call's last attempt: a
 *        ticket of a call that vanished (its instance crashed) expires after this
 * @param attemptThreads threads that run the attempts of all waiting calls of an instance
 */
@ConfigurationProperties("chatmesh.chat.match")
public record MatchProperties(
        @DefaultValue("250ms") Duration attemptInterval,
        @DefaultValue("10s") Duration ticketLifetime,
        @DefaultValue("2") int attemptThreads) {

    public MatchProperties {
        SettingChecks settings = new SettingChecks("chatmesh.chat.match");
        settings.positive("attempt-interval", attemptInterval);
        settings.positive("ticket-lifetime", ticketLifetime);
        settings.atLeastOne("attempt-threads", attemptThreads);
    }
}

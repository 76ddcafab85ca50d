package io.chatmesh.platform.auth;

import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.proto.user.internal.v1.SessionEnded;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Every instance hears of every ended login session, from the bus (a live subscription: no
 * group, no replay), and tells its {@link EndedSessions}. On its own, after the bus is chosen:
 * subscribing reaches the broker, which a test of the bus's configuration alone need not have.
 */
@AutoConfiguration(afterName = {
        "io.chatmesh.platform.ChatmeshPlatformAutoConfiguration",
        "io.chatmesh.platform.kafka.KafkaEventBusAutoConfiguration"})
public class EndedSessionsAutoConfiguration {

    @Bean(destroyMethod = "close")
    EventBus.Subscription endedSessionsSubscription(EventBus bus, EndedSessions endedSessions) {
        return bus.subscribeLive(Topics.SESSIONS,
                (userId, payload) -> endedSessions.end(SessionEnded.parseFrom(payload).getSessionId()));
    }
}

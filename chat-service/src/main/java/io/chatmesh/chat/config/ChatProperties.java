package io.chatmesh.chat.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * chat-service settings ({@code chatmesh.chat.*}).
 *
 * @param heartbeatInterval Ping interval announced in Ready to clients without HTTP/2 pings
 * @param sessionQueueCapacity events one stream may have waiting; one more closes it (slow consumer)
 * @param typingInterval at most one typing event per room per session per interval
 * @param publishTimeout how long a send waits for the event bus to accept its message (keeping
 *        the room locked meanwhile); longer than the Kafka bus's delivery timeout (checked at
 *        startup), so the producer has given up on a failed publish before the room's next
 *        send goes out
 * @param usersDeadline deadline of calls to user-service
 * @param historyDeadline deadline of each ListMessages call to message-service when resuming
 * @param historyCatchUpTimeout how long a resume waits for message-service to store the
 *        messages the bus already acknowledged
 * @param replayStallTimeout how long a resume waits for a client that reads nothing
 * @param lockStripes number of per-room (and per-send-key) locks of one instance
 */
@ConfigurationProperties("chatmesh.chat")
public record ChatProperties(
        @DefaultValue("30s") Duration heartbeatInterval,
        @DefaultValue("1024") int sessionQueueCapacity,
        @DefaultValue("1s") Duration typingInterval,
        @DefaultValue("10s") Duration publishTimeout,
        @DefaultValue("3s") Duration usersDeadline,
        @DefaultValue("5s") Duration historyDeadline,
        @DefaultValue("5s") Duration historyCatchUpTimeout,
        @DefaultValue("30s") Duration replayStallTimeout,
        @DefaultValue("1024") int lockStripes) {}

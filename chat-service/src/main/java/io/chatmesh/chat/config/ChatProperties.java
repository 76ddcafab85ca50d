package io.chatmesh.chat.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * chat-service settings ({@code chatmesh.chat.*}).
 *
 * @param heartbeatInterval Ping interval announced in Ready to clients without HTTP/2 pings
 * @param helloTimeout a chat stream that sent no valid Hello this long after opening is closed
 * @param sessionQueueCapacity events one stream may have waiting; one more closes it (slow consumer)
 * @param sessionStartsMax stream starts (Hello until the session is live) one instance runs at
 *        once; a Hello past them is refused at once (RESOURCE_EXHAUSTED, OVERLOADED, retry delay)
 * @param typingInterval at most one typing event per room per session per interval
 * @param publishTimeout how long a relay waits for the event bus to accept a batch of messages
 *        (keeping their rooms locked meanwhile); longer than the Kafka bus's delivery timeout
 *        (checked at startup), so the producer has given up on a failed publish before the
 *        rooms' next relay publishes again
 * @param usersDeadline deadline of calls to user-service
 * @param historyDeadline deadline of each ListMessages call to message-service when resuming
 * @param historyCatchUpTimeout how long a resume waits for message-service to store the
 *        messages the bus already acknowledged
 * @param replayStallTimeout how long a resume waits for a client that reads nothing
 * @param sendRate messages per second one user may send on average (per instance; 0: no limit)
 * @param sendBurst messages one user may send at once before the rate applies
 * @param sendQueueCapacity sends one instance may have waiting for the pipeline; more are refused
 *        (RESOURCE_EXHAUSTED): the instance is overloaded
 * @param sendBatchMax most sends logged and published as one batch
 * @param sendLinger least time from one batch's start to the next's (0: none): a send waits at
 *        most that long for more to join its batch; fewer, bigger batches at moderate rates
 * @param sendLingerBatch sends waiting (besides the batch's first) that end a linger at once: past
 *        a batch this big, waiting longer saves little CPU per message and only adds latency
 * @param relayRetryInterval pause before publishing again what a failed publish left waiting
 * @param relaySweepInterval how often every room is checked for messages left unpublished (by a
 *        crash of any instance); also done at start
 * @param presenceHeartbeat how often every connected device is announced on the bus again; well
 *        within user-service's device timeout
 * @param presenceCoalesce how long presence changes wait before they go out (a user's newest wins)
 * @param presenceRoomLimit rooms of at most this many members share presence among their members
 * @throws InvalidConfigurationPropertyValueException naming the first setting out of its range,
 *         so that startup stops with it instead of a failure deep inside a component (or none)
 */
@ConfigurationProperties("chatmesh.chat")
public record ChatProperties(
        @DefaultValue("30s") Duration heartbeatInterval,
        @DefaultValue("15s") Duration helloTimeout,
        @DefaultValue("1024") int sessionQueueCapacity,
        @DefaultValue("64") int sessionStartsMax,
        @DefaultValue("1s") Duration typingInterval,
        @DefaultValue("10s") Duration publishTimeout,
        @DefaultValue("3s") Duration usersDeadline,
        @DefaultValue("5s") Duration historyDeadline,
        @DefaultValue("5s") Duration historyCatchUpTimeout,
        @DefaultValue("30s") Duration replayStallTimeout,
        @DefaultValue("50") double sendRate,
        @DefaultValue("100") int sendBurst,
        @DefaultValue("2000") int sendQueueCapacity,
        @DefaultValue("1000") int sendBatchMax,
        @DefaultValue("20ms") Duration sendLinger,
        @DefaultValue("25") int sendLingerBatch,
        @DefaultValue("1s") Duration relayRetryInterval,
        @DefaultValue("1m") Duration relaySweepInterval,
        @DefaultValue("15s") Duration presenceHeartbeat,
        @DefaultValue("250ms") Duration presenceCoalesce,
        @DefaultValue("100") int presenceRoomLimit) {

    public ChatProperties {
        positive("heartbeat-interval", heartbeatInterval);
        positive("hello-timeout", helloTimeout);
        atLeastOne("session-queue-capacity", sessionQueueCapacity);
        atLeastOne("session-starts-max", sessionStartsMax);
        notNegative("typing-interval", typingInterval);
        positive("publish-timeout", publishTimeout);
        positive("users-deadline", usersDeadline);
        positive("history-deadline", historyDeadline);
        positive("history-catch-up-timeout", historyCatchUpTimeout);
        positive("replay-stall-timeout", replayStallTimeout);
        require("send-rate", sendRate, sendRate >= 0 && Double.isFinite(sendRate), "must be 0 (no limit) or more");
        atLeastOne("send-burst", sendBurst);
        atLeastOne("send-queue-capacity", sendQueueCapacity);
        atLeastOne("send-batch-max", sendBatchMax);
        notNegative("send-linger", sendLinger);
        require("send-linger-batch", sendLingerBatch, sendLingerBatch >= 0, "must be 0 or more");
        positive("relay-retry-interval", relayRetryInterval);
        positive("relay-sweep-interval", relaySweepInterval);
        positive("presence-heartbeat", presenceHeartbeat);
        notNegative("presence-coalesce", presenceCoalesce);
        require("presence-room-limit", presenceRoomLimit, presenceRoomLimit >= 0, "must be 0 or more");
    }

    private static void positive(String name, Duration value) {
        require(name, value, value != null && value.isPositive(), "must be longer than 0");
    }

    private static void notNegative(String name, Duration value) {
        require(name, value, value != null && !value.isNegative(), "must be 0 or longer");
    }

    private static void atLeastOne(String name, int value) {
        require(name, value, value >= 1, "must be at least 1");
    }

    private static void require(String name, Object value, boolean valid, String reason) {
        if (!valid) {
            throw new InvalidConfigurationPropertyValueException("chatmesh.chat." + name, value, reason);
        }
    }
}

package io.chatmesh.chat.config;

import io.chatmesh.platform.config.SettingChecks;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
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
 * @param sendLingerBatch sends waiting (besides the batch's first) that end a linger at once; a
 *        bigger value buys CPU per message at high rates with median latency
 * @param relayRetryInterval pause before publishing again what a failed publish left waiting
 * @param relaySweepInterval how often every room is checked for messages left unpublished (by a
 *        crash of any instance); also done at start
 * @param presenceHeartbeat how often every connected device is announced on the bus again; well
 *        within user-service's device timeout
 * @param presenceCoalesce how long presence changes wait before they go out (a user's newest wins)
 * @param presenceRoomLimit rooms of at most this many members share presence among their members
 * <p>Each value out of its range stops startup naming it ({@link SettingChecks}).
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
        SettingChecks settings = new SettingChecks("chatmesh.chat");
        settings.positive("heartbeat-interval", heartbeatInterval);
        settings.positive("hello-timeout", helloTimeout);
        settings.atLeastOne("session-queue-capacity", sessionQueueCapacity);
        settings.atLeastOne("session-starts-max", sessionStartsMax);
        settings.notNegative("typing-interval", typingInterval);
        settings.positive("publish-timeout", publishTimeout);
        settings.positive("users-deadline", usersDeadline);
        settings.positive("history-deadline", historyDeadline);
        settings.positive("history-catch-up-timeout", historyCatchUpTimeout);
        settings.positive("replay-stall-timeout", replayStallTimeout);
        settings.require("send-rate", sendRate, sendRate >= 0 && Double.isFinite(sendRate), "must be 0 (no limit) or more");
        settings.atLeastOne("send-burst", sendBurst);
        settings.atLeastOne("send-queue-capacity", sendQueueCapacity);
        settings.atLeastOne("send-batch-max", sendBatchMax);
        settings.notNegative("send-linger", sendLinger);
        settings.notNegative("send-linger-batch", sendLingerBatch);
        settings.positive("relay-retry-interval", relayRetryInterval);
        settings.positive("relay-sweep-interval", relaySweepInterval);
        settings.positive("presence-heartbeat", presenceHeartbeat);
        settings.notNegative("presence-coalesce", presenceCoalesce);
        settings.notNegative("presence-room-limit", presenceRoomLimit);
    }
}

package io.chatmesh.chat.config;

import io.chatmesh.chat.api.MessageHistoryClient;
import io.chatmesh.chat.api.RandomMatchCalls;
import io.chatmesh.chat.api.StreamSettings;
import io.chatmesh.chat.bus.BusDevicePresence;
import io.chatmesh.chat.bus.BusRoomEventPublisher;
import io.chatmesh.chat.bus.CallRingFanout;
import io.chatmesh.chat.bus.PresenceFanout;
import io.chatmesh.chat.bus.RoomEventFanout;
import io.chatmesh.chat.domain.Memberships;
import io.chatmesh.chat.domain.MessageLog;
import io.chatmesh.chat.domain.ChangeLog;
import io.chatmesh.chat.domain.MessageEditing;
import io.chatmesh.chat.domain.Messaging;
import io.chatmesh.chat.domain.PresenceReach;
import io.chatmesh.chat.domain.RandomMatching;
import io.chatmesh.chat.domain.RoomEventPublisher;
import io.chatmesh.chat.domain.RoomStore;
import io.chatmesh.chat.domain.Rooms;
import io.chatmesh.chat.domain.SendLimiter;
import io.chatmesh.chat.domain.SendPipeline;
import io.chatmesh.chat.domain.UserDirectory;
import io.chatmesh.chat.store.GrpcUserDirectory;
import io.chatmesh.chat.store.JdbiChangeLog;
import io.chatmesh.chat.store.JdbiMessageLog;
import io.chatmesh.chat.store.JdbiRoomStore;
import io.chatmesh.chat.store.MatchQueueDao;
import io.chatmesh.chat.store.migration.V5__SeqsOfEarlierSends;
import io.chatmesh.platform.auth.AuthPolicy;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.client.RelationshipClient;
import io.chatmesh.platform.db.SqlObjects;
import io.chatmesh.platform.http.HttpRoutes;
import io.chatmesh.platform.kafka.KafkaEventBus;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.grpc.client.GrpcChannelFactory;

/** Wires the domain to its adapters: PostgreSQL, the event bus, user-service and message-service. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ChatProperties.class, MatchProperties.class})
public class ChatServiceConfiguration {

    /** ListMessages' largest page, the size a resume reads with. */
    private static final int HISTORY_PAGE_MAX = 200;
    private static final String PUBLISH_TIMEOUT = "chatmesh.chat.publish-timeout";
    private static final String KAFKA_DELIVERY_TIMEOUT = "chatmesh.bus.kafka.delivery-timeout";

    /** Browsers' chat stream: /ws/chat on the HTTP port, bridged to this service's Connect. */
    @Bean
    HttpRoutes chatWebSocket() {
        return HttpRoutes.webSocket("/ws/chat", ChatServiceGrpc.getConnectMethod());
    }

    /** Connect may carry its token in Hello (the WebSocket bridge cannot set headers). */
    @Bean
    AuthPolicy authPolicy() {
        return new AuthPolicy(Set.of(), Set.of(ChatServiceGrpc.getConnectMethod().getFullMethodName()));
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    RoomStore roomStore(Jdbi jdbi) {
        return new JdbiRoomStore(jdbi);
    }

    @Bean
    JdbiMessageLog messageLog(Jdbi jdbi) {
        return new JdbiMessageLog(jdbi);
    }

    @Bean
    ChangeLog changeLog(Jdbi jdbi) {
        return new JdbiChangeLog(jdbi);
    }

    /** Copies seqs out of the message bytes of sends logged before the message log existed. */
    @Bean
    V5__SeqsOfEarlierSends seqsOfEarlierSends() {
        return new V5__SeqsOfEarlierSends();
    }

    @Bean
    UserDirectory userDirectory(GrpcChannelFactory channels, ChatProperties properties) {
        return new GrpcUserDirectory(new RelationshipClient(channels.createChannel("users"), properties.usersDeadline()));
    }

    @Bean
    MessageHistoryClient messageHistoryClient(GrpcChannelFactory channels, ChatProperties properties) {
        return new MessageHistoryClient(channels.createChannel("messages"), properties.historyDeadline());
    }

    @Bean
    RoomEventPublisher roomEventPublisher(EventBus bus, Clock clock,
            @Value("${" + Topics.ROOM_EVENTS_PROPERTY + ":" + Topics.ROOM_EVENTS + "}") String topic) {
        return new BusRoomEventPublisher(bus, clock, topic);
    }

    /** Rings from signaling-service, for the chat streams of the caller and the callees. */
    @Bean(initMethod = "start", destroyMethod = "close")
    CallRingFanout callRingFanout(EventBus bus, RoomEventFanout sessions,
            @Value("${" + Topics.CALL_RINGS_PROPERTY + ":" + Topics.CALL_RINGS + "}") String topic) {
        return new CallRingFanout(bus, topic, sessions);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    RoomEventFanout roomEventFanout(EventBus bus,
            @Value("${" + Topics.ROOM_EVENTS_PROPERTY + ":" + Topics.ROOM_EVENTS + "}") String topic,
            ObjectProvider<MeterRegistry> metrics) {
        return new RoomEventFanout(bus, topic, metrics.getIfAvailable(SimpleMeterRegistry::new));
    }

    @Bean
    Rooms rooms(RoomStore store, UserDirectory users, RoomEventPublisher events, Clock clock, ChatProperties properties,
            EventBus bus, Environment environment) {
        return new Rooms(store, users, events, clock, publishTimeout(properties, bus, environment));
    }

    @Bean
    Memberships memberships(RoomStore store, UserDirectory users, RoomEventPublisher events, Clock clock,
            ChatProperties properties, EventBus bus, Environment environment) {
        return new Memberships(store, users, events, clock, publishTimeout(properties, bus, environment));
    }

    /** Device streams for user-service's presence; a heartbeat well inside its device timeout (45 s). */
    @Bean(initMethod = "start", destroyMethod = "close")
    BusDevicePresence devicePresence(EventBus bus, Clock clock, ChatProperties properties) {
        return new BusDevicePresence(bus, clock, properties.presenceHeartbeat());
    }

    /** Co-members of rooms of at most this many members see each other's presence. */
    @Bean
    PresenceReach presenceReach(RoomStore store, ChatProperties properties) {
        return new PresenceReach(store, properties.presenceRoomLimit());
    }

    /** Presence changes onto the chat streams of those who may see them, coalesced per user. */
    @Bean(initMethod = "start", destroyMethod = "close")
    PresenceFanout presenceFanout(EventBus bus, RoomEventFanout sessions, PresenceReach reach,
            ChatProperties properties) {
        return new PresenceFanout(bus, sessions, reach, properties.presenceCoalesce());
    }

    @Bean
    RandomMatching randomMatching(RoomStore store, Jdbi jdbi, UserDirectory users, RoomEventPublisher events, Clock clock,
            ChatProperties properties, MatchProperties match, EventBus bus, Environment environment) {
        return new RandomMatching(store, SqlObjects.attachOnce(jdbi, MatchQueueDao.class), users, events, clock,
                publishTimeout(properties, bus, environment), match.ticketLifetime());
    }

    @Bean(destroyMethod = "close")
    RandomMatchCalls randomMatchCalls(RandomMatching matching, MatchProperties match) {
        return new RandomMatchCalls(matching, match.attemptInterval(), match.attemptThreads());
    }

    /** Its thread starts by sweeping the message log, so the schema must be migrated first. */
    @Bean(initMethod = "start", destroyMethod = "close")
    @DependsOnDatabaseInitialization
    SendPipeline sendPipeline(MessageLog messageLog, ChangeLog changeLog, RoomEventPublisher events,
            ChatProperties properties, EventBus bus, Environment environment) {
        return new SendPipeline(messageLog, changeLog, events, publishTimeout(properties, bus, environment),
                new SendPipeline.Settings(properties.sendQueueCapacity(), properties.sendBatchMax(),
                        properties.sendLinger(), properties.sendLingerBatch(), properties.relayRetryInterval(),
                        properties.relaySweepInterval()));
    }

    /** One budget per user for sends and changes of messages. */
    @Bean
    SendLimiter sendLimiter(ChatProperties properties) {
        return new SendLimiter(properties.sendRate(), properties.sendBurst(), System::nanoTime);
    }

    @Bean
    Messaging messaging(RoomStore store, RoomEventPublisher events, SendPipeline pipeline, Clock clock,
            SendLimiter limiter) {
        return new Messaging(store, events, pipeline, limiter, clock);
    }

    @Bean
    MessageEditing messageEditing(SendPipeline pipeline, SendLimiter limiter, Clock clock) {
        return new MessageEditing(pipeline, limiter, clock);
    }

    /**
     * The publish timeout, which must be longer than the Kafka delivery timeout (the bus's, or
     * the property's when set): a send that gave up earlier would release the room while the
     * producer may still deliver its message, after the room's next one.
     */
    private static Duration publishTimeout(ChatProperties properties, EventBus bus, Environment environment) {
        Duration delivery = bus instanceof KafkaEventBus kafka ? kafka.settings().deliveryTimeout()
                : Binder.get(environment).bind(KAFKA_DELIVERY_TIMEOUT, Duration.class).orElse(null);
        Duration publish = properties.publishTimeout();
        if (delivery != null && publish.compareTo(delivery) <= 0) {
            throw new InvalidConfigurationPropertyValueException(PUBLISH_TIMEOUT, publish,
                    "must be longer than " + KAFKA_DELIVERY_TIMEOUT + " (" + delivery + ")");
        }
        return publish;
    }

    @Bean
    StreamSettings streamSettings(ChatProperties properties) {
        int capacity = properties.sessionQueueCapacity();
        // A replay page must fit into the queue with room to spare for live events.
        int replayPageSize = Math.max(1, Math.min(HISTORY_PAGE_MAX, capacity / 2));
        return new StreamSettings(properties.heartbeatInterval(), capacity, properties.typingInterval(), replayPageSize,
                properties.historyCatchUpTimeout(), properties.replayStallTimeout(), properties.helloTimeout(),
                properties.sessionStartsMax());
    }
}

package io.chatmesh.signaling.config;

import io.chatmesh.platform.auth.AuthPolicy;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.client.MembershipClient;
import io.chatmesh.platform.client.RelationshipClient;
import io.chatmesh.platform.http.HttpRoutes;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.chatmesh.signaling.api.StreamSettings;
import io.chatmesh.signaling.bus.BusRingBroadcast;
import io.chatmesh.signaling.bus.CallBusBridge;
import io.chatmesh.signaling.client.ChatServiceNotices;
import io.chatmesh.signaling.client.RoomServiceRoster;
import io.chatmesh.signaling.domain.CallRinging;
import io.chatmesh.signaling.domain.IceServerDirectory;
import io.chatmesh.signaling.domain.InMemoryCallRelay;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.client.GrpcChannelFactory;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SignalingProperties.class)
class SignalingConfig {

    /** Browsers' signaling stream: /ws/signaling on the HTTP port, bridged to this service's Connect. */
    @Bean
    HttpRoutes signalingWebSocket() {
        return HttpRoutes.webSocket("/ws/signaling", SignalingServiceGrpc.getConnectMethod());
    }

    @Bean
    AuthPolicy authPolicy() {
        return new AuthPolicy(Set.of(), Set.of(SignalingServiceGrpc.getConnectMethod().getFullMethodName()));
    }

    @Bean
    MembershipClient membershipClient(GrpcChannelFactory channels, SignalingProperties properties) {
        return new MembershipClient(channels.createChannel("rooms"),
                properties.membership().deadline(), properties.membership().cacheTtl());
    }

    /** Publishes the bus events of calls and rings in order, one thread; the bridge stops it. */
    @Bean(destroyMethod = "")
    ExecutorService signalingBusOutbox(SignalingProperties properties) {
        return CallBusBridge.newOutbox(properties.bus().outboxCapacity());
    }

    /** Shares the calls with the other instances over the bus (an instance alone only hears itself). */
    @Bean(destroyMethod = "close")
    CallBusBridge callBusBridge(EventBus eventBus, SignalingProperties properties, ExecutorService signalingBusOutbox) {
        return new CallBusBridge(eventBus, properties.bus().topic(), properties.instanceId(), signalingBusOutbox);
    }

    /** Ring timeouts, RPC confirmation timeouts, WatchCalls token expiry. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService callTimers() {
        return Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("signaling-call-timers").daemon().factory());
    }

    /** Posts call notes (missed call, call ended) off the bus and relay threads. */
    @Bean(destroyMethod = "close")
    ExecutorService callNoteSender() {
        return Executors.newVirtualThreadPerTaskExecutor();
    }

    @Bean
    RoomServiceRoster roomRoster(GrpcChannelFactory channels, SignalingProperties properties) {
        return new RoomServiceRoster(channels.createChannel("rooms"), properties.ringing().chatDeadline(),
                new RelationshipClient(channels.createChannel("users"), properties.ringing().usersDeadline()));
    }

    @Bean
    ChatServiceNotices callNotices(GrpcChannelFactory channels, SignalingProperties properties,
            ExecutorService callNoteSender) {
        return new ChatServiceNotices(channels.createChannel("rooms"), properties.ringing().chatDeadline(),
                callNoteSender);
    }

    /** Rings for the chat streams: chat-service's fan-out reads the topic. */
    @Bean
    BusRingBroadcast ringBroadcast(EventBus eventBus, ExecutorService signalingBusOutbox,
            @Value("${" + Topics.CALL_RINGS_PROPERTY + ":" + Topics.CALL_RINGS + "}") String topic) {
        return new BusRingBroadcast(eventBus, topic, signalingBusOutbox);
    }

    @Bean
    CallRinging callRinging(SignalingProperties properties, CallBusBridge bridge, ChatServiceNotices notices,
            BusRingBroadcast ringBroadcast, ScheduledExecutorService callTimers) {
        return new CallRinging(Clock.systemUTC(), Ids::newId, properties.ringing().timeout(),
                properties.ringing().confirmTimeout(), bridge, notices, ringBroadcast, callTimers);
    }

    @Bean
    InMemoryCallRelay callRelay(SignalingProperties properties, CallBusBridge bridge, CallRinging ringing,
            ScheduledExecutorService callTimers) {
        InMemoryCallRelay relay = new InMemoryCallRelay(properties.maxParticipants(), properties.reconnectGrace(),
                Clock.systemUTC(), Ids::newId, bridge);
        // reconnecting participants leave within a second after their grace period
        callTimers.scheduleWithFixedDelay(relay::expireReconnecting, 1, 1, TimeUnit.SECONDS);
        bridge.connect(relay, ringing);
        bridge.scheduleLiveness(properties.bus().announceInterval(), properties.bus().presenceTtl());
        return relay;
    }

    @Bean
    IceServerDirectory iceServerDirectory(SignalingProperties properties) {
        SignalingProperties.Ice ice = properties.ice();
        return new IceServerDirectory(ice.stunUrls(), ice.turnUrls(), ice.turnSecret(), ice.turnTtl(),
                Clock.systemUTC());
    }

    @Bean
    StreamSettings streamSettings(SignalingProperties properties) {
        return new StreamSettings(properties.heartbeatInterval(), properties.outboundQueueCapacity(),
                properties.joinTimeout());
    }
}

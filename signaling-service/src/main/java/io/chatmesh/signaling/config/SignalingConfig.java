package io.chatmesh.signaling.config;

import io.chatmesh.platform.auth.AuthPolicy;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.client.MembershipClient;
import io.chatmesh.platform.http.HttpRoutes;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.chatmesh.signaling.api.StreamSettings;
import io.chatmesh.signaling.bus.CallBusBridge;
import io.chatmesh.signaling.domain.IceServerDirectory;
import io.chatmesh.signaling.domain.InMemoryCallRelay;
import java.time.Clock;
import java.util.Set;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.client.GrpcChannelFactory;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SignalingProperties.class)
class SignalingConfig {

    /** Browsers on the WebSocket bridge cannot set headers: Connect may carry the token in Join. */
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

    /** Shares the calls with the other instances over the bus (an instance alone only hears itself). */
    @Bean(destroyMethod = "close")
    CallBusBridge callBusBridge(EventBus eventBus, SignalingProperties properties) {
        SignalingProperties.Bus bus = properties.bus();
        return new CallBusBridge(eventBus, bus.topic(), properties.instanceId(),
                CallBusBridge.newOutbox(bus.outboxCapacity()));
    }

    @Bean
    InMemoryCallRelay callRelay(SignalingProperties properties, CallBusBridge bridge) {
        InMemoryCallRelay relay = new InMemoryCallRelay(properties.maxParticipants(), Clock.systemUTC(), Ids::newId,
                bridge);
        bridge.connect(relay);
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

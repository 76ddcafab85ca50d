package io.chatmesh.signaling.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chatmesh.signaling.*} settings.
 *
 * @param maxParticipants most devices in one call (mesh: every pair has a peer connection)
 * @param heartbeatInterval how often WebSocket-bridge clients must ping (below Envoy's 5 min idle timeout)
 * @param outboundQueueCapacity events that may wait for one slow client before it is disconnected
 */
@ConfigurationProperties("chatmesh.signaling")
public record SignalingProperties(
        @DefaultValue("16") int maxParticipants,
        @DefaultValue("25s") Duration heartbeatInterval,
        @DefaultValue("256") int outboundQueueCapacity,
        @DefaultValue Membership membership,
        @DefaultValue Ice ice) {

    /** Membership checks against RoomService (channel "rooms"). */
    public record Membership(@DefaultValue("3s") Duration deadline, @DefaultValue("5s") Duration cacheTtl) {}

    /**
     * @param stunUrls e.g. stun:stun.example.org:3478; none needed for loopback/LAN calls
     * @param turnUrls e.g. turn:turn.example.org:3478?transport=udp
     * @param turnSecret coturn's static-auth-secret; required with turnUrls
     * @param turnTtl lifetime of the TURN credentials handed out
     */
    public record Ice(@DefaultValue List<String> stunUrls, @DefaultValue List<String> turnUrls, String turnSecret,
            @DefaultValue("1h") Duration turnTtl) {}
}

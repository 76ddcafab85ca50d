package io.chatmesh.signaling.config;

import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.config.SettingChecks;
import io.chatmesh.platform.id.Ids;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chatmesh.signaling.*} settings.
 *
 * @param maxParticipants most devices in one call, on all instances together (mesh: every pair
 *        has a peer connection)
 * @param reconnectGrace how long a participant whose stream dropped keeps its id and place
 * @param heartbeatInterval how often WebSocket-bridge clients must ping (below Envoy's 5 min idle timeout)
 * @param outboundQueueCapacity events that may wait for one slow client before it is disconnected
 * @param joinTimeout a stream not authenticated by a Join this long after opening is closed
 * @param instanceId names this instance on the event bus (instances ignore their own events);
 *        unset or blank: random per start. Must differ between running instances.
 * @param ringing RingCall and its answers
 */
@ConfigurationProperties("chatmesh.signaling")
public record SignalingProperties(
        @DefaultValue("8") int maxParticipants,
        @DefaultValue("15s") Duration reconnectGrace,
        @DefaultValue("25s") Duration heartbeatInterval,
        @DefaultValue("256") int outboundQueueCapacity,
        @DefaultValue("15s") Duration joinTimeout,
        @DefaultValue Membership membership,
        @DefaultValue Ice ice,
        String instanceId,
        @DefaultValue Bus bus,
        @DefaultValue Ringing ringing) {

    public SignalingProperties {
        SettingChecks settings = new SettingChecks("chatmesh.signaling");
        settings.require("max-participants", maxParticipants, maxParticipants >= 2, "must be at least 2");
        settings.notNegative("reconnect-grace", reconnectGrace);
        settings.positive("heartbeat-interval", heartbeatInterval);
        settings.atLeastOne("outbound-queue-capacity", outboundQueueCapacity);
        settings.positive("join-timeout", joinTimeout);
        if (instanceId == null || instanceId.isBlank()) {
            instanceId = Ids.newId();
        }
    }

    /** Membership checks against RoomService (channel "rooms"). */
    public record Membership(@DefaultValue("3s") Duration deadline, @DefaultValue("5s") Duration cacheTtl) {

        public Membership {
            SettingChecks settings = new SettingChecks("chatmesh.signaling.membership");
            settings.positive("deadline", deadline);
            settings.notNegative("cache-ttl", cacheTtl);
        }
    }

    /**
     * @param stunUrls e.g. stun:stun.example.org:3478; none needed for loopback/LAN calls
     * @param turnUrls e.g. turn:turn.example.org:3478?transport=udp
     * @param turnSecret coturn's static-auth-secret; required with turnUrls
     * @param turnTtl lifetime of the TURN credentials handed out
     */
    public record Ice(@DefaultValue List<String> stunUrls, @DefaultValue List<String> turnUrls, String turnSecret,
            @DefaultValue("1h") Duration turnTtl) {

        public Ice {
            new SettingChecks("chatmesh.signaling.ice").positive("turn-ttl", turnTtl);
        }
    }

    /**
     * @param timeout an unanswered ring stops (MISSED, with a note in the room) this long after it started
     * @param confirmTimeout how long a ringing RPC waits for its change to come back from the bus
     *        before it answers UNAVAILABLE
     * @param chatDeadline deadline of the calls to chat-service (ListMembers, SendMessage for call notes)
     * @param usersDeadline deadline of the calls to user-service (CheckRelationships: blocks)
     */
    public record Ringing(@DefaultValue("30s") Duration timeout, @DefaultValue("10s") Duration confirmTimeout,
            @DefaultValue("3s") Duration chatDeadline, @DefaultValue("3s") Duration usersDeadline) {

        public Ringing {
            SettingChecks settings = new SettingChecks("chatmesh.signaling.ringing");
            settings.positive("timeout", timeout);
            settings.positive("confirm-timeout", confirmTimeout);
            settings.positive("chat-deadline", chatDeadline);
            settings.positive("users-deadline", usersDeadline);
        }
    }

    /**
     * Calls spanning instances over the event bus.
     *
     * @param topic where instances exchange call events (keyed by room id)
     * @param announceInterval how often each instance re-announces its participants
     * @param presenceTtl how long a remote participant stays without being re-announced;
     *        unset: 3 × announceInterval. Must exceed announceInterval.
     * @param outboxCapacity call events that may wait to be published; beyond that a signal
     *        fails UNAVAILABLE and other events are dropped (re-announces repair the roster)
     */
    public record Bus(@DefaultValue(Topics.SIGNALING) String topic, @DefaultValue("10s") Duration announceInterval,
            Duration presenceTtl, @DefaultValue("10000") int outboxCapacity) {

        public Bus {
            SettingChecks settings = new SettingChecks("chatmesh.signaling.bus");
            settings.positive("announce-interval", announceInterval);
            if (presenceTtl == null) {
                presenceTtl = announceInterval.multipliedBy(3);
            }
            settings.require("presence-ttl", presenceTtl, presenceTtl.compareTo(announceInterval) > 0,
                    "must exceed chatmesh.signaling.bus.announce-interval");
            settings.atLeastOne("outbox-capacity", outboxCapacity);
        }
    }
}

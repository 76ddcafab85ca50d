package io.chatmesh.signaling.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

class SignalingPropertiesTest {

    @Test
    void presenceTtlDefaultsToThreeAnnounceIntervalsAndMustExceedOne() {
        assertThat(new SignalingProperties.Bus("t", Duration.ofSeconds(10), null, 1).presenceTtl())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(new SignalingProperties.Bus("t", Duration.ofSeconds(10), Duration.ofSeconds(11), 1).presenceTtl())
                .isEqualTo(Duration.ofSeconds(11));
        assertRefused(() -> new SignalingProperties.Bus("t", Duration.ofSeconds(10), Duration.ofSeconds(10), 1),
                "chatmesh.signaling.bus.presence-ttl");
        assertRefused(() -> new SignalingProperties.Bus("t", Duration.ZERO, null, 1),
                "chatmesh.signaling.bus.announce-interval");
        assertRefused(() -> new SignalingProperties.Bus("t", Duration.ofSeconds(10), null, 0),
                "chatmesh.signaling.bus.outbox-capacity");
    }

    @Test
    void ringingDurationsMustBePositive() {
        Duration second = Duration.ofSeconds(1);
        assertRefused(() -> new SignalingProperties.Ringing(Duration.ZERO, second, second, second),
                "chatmesh.signaling.ringing.timeout");
        assertRefused(() -> new SignalingProperties.Ringing(second, second, second, Duration.ofSeconds(-1)),
                "chatmesh.signaling.ringing.users-deadline");
    }

    @Test
    void callSettingsOutOfRangeAreRefusedNamingThem() {
        SignalingProperties.Bus bus = new SignalingProperties.Bus("t", Duration.ofSeconds(10), null, 1);
        Duration second = Duration.ofSeconds(1);
        assertRefused(() -> new SignalingProperties(1, second, second, 256, second, null, null, null, bus, null),
                "chatmesh.signaling.max-participants");
        assertRefused(() -> new SignalingProperties(8, Duration.ofSeconds(-1), second, 256, second, null, null, null, bus, null),
                "chatmesh.signaling.reconnect-grace");
        assertRefused(() -> new SignalingProperties(8, second, Duration.ZERO, 256, second, null, null, null, bus, null),
                "chatmesh.signaling.heartbeat-interval");
        assertRefused(() -> new SignalingProperties(8, second, second, 0, second, null, null, null, bus, null),
                "chatmesh.signaling.outbound-queue-capacity");
        assertRefused(() -> new SignalingProperties(8, second, second, 256, Duration.ZERO, null, null, null, bus, null),
                "chatmesh.signaling.join-timeout");
        assertRefused(() -> new SignalingProperties.Membership(Duration.ZERO, second), "chatmesh.signaling.membership.deadline");
        assertRefused(() -> new SignalingProperties.Ice(List.of(), List.of(), null, Duration.ZERO),
                "chatmesh.signaling.ice.turn-ttl");
        // no reconnect grace and no membership cache are allowed
        assertThat(new SignalingProperties(8, Duration.ZERO, second, 256, second, null, null, null, bus, null)).isNotNull();
        assertThat(new SignalingProperties.Membership(second, Duration.ZERO).cacheTtl()).isZero();
    }

    private static void assertRefused(ThrowingCallable construction, String setting) {
        assertThatThrownBy(construction).isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
                invalid -> assertThat(invalid.getName()).isEqualTo(setting));
    }

    @Test
    void anUnsetInstanceIdIsRandomPerStart() {
        SignalingProperties.Bus bus = new SignalingProperties.Bus("t", Duration.ofSeconds(10), null, 1);
        String first = properties(null, bus).instanceId();
        String second = properties(" ", bus).instanceId();

        assertThat(first).isNotBlank().isNotEqualTo(second);
        assertThat(second).isNotBlank();
        assertThat(properties("pod-7", bus).instanceId()).isEqualTo("pod-7");
    }

    private static SignalingProperties properties(String instanceId, SignalingProperties.Bus bus) {
        return new SignalingProperties(16, Duration.ofSeconds(15), Duration.ofSeconds(25), 256, Duration.ofSeconds(15), null, null, instanceId, bus, null);
    }
}

package io.chatmesh.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.chatmesh.platform.bus.Topics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KafkaBusSettingsTest {

    @Test
    void defaultsSuitOneDevBrokerAndFailPublishesWithinSeconds() {
        KafkaBusSettings settings = KafkaBusSettings.of("localhost:9092");

        assertThat(settings.partitions()).isEqualTo(12);
        assertThat(settings.replicationFactor()).isEqualTo((short) 1);
        assertThat(settings.createTopics()).isTrue();
        assertThat(settings.topics()).containsExactly(Topics.ROOM_EVENTS, Topics.SIGNALING);
        assertThat(settings.deliveryTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.maxBlock()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.retryBackoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.clientProperties()).isEmpty();
        assertThat(settings.instanceId()).isNotBlank().isNotEqualTo(KafkaBusSettings.of("localhost:9092").instanceId());
    }

    @Test
    void bootstrapServersAreRequired() {
        assertThatIllegalArgumentException().isThrownBy(() -> KafkaBusSettings.of(" "));
        assertThatIllegalArgumentException().isThrownBy(() -> KafkaBusSettings.of(null));
    }

    @Test
    void deliveryTimeoutMustCoverOneRequest() {
        KafkaBusSettings settings = KafkaBusSettings.of("localhost:9092");

        assertThatIllegalArgumentException().isThrownBy(() -> settings.withPublishTimeouts(
                Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(1)));
        assertThat(settings.withPublishTimeouts(Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofSeconds(1))
                .deliveryTimeout()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void partitionsAndTimeoutsMustBePositive() {
        KafkaBusSettings settings = KafkaBusSettings.of("localhost:9092");

        assertThatIllegalArgumentException().isThrownBy(() -> settings.withRetryBackoff(Duration.ZERO));
        assertThatIllegalArgumentException().isThrownBy(() -> settings.withApiTimeout(Duration.ofSeconds(-1)));
        assertThatIllegalArgumentException().isThrownBy(() -> new KafkaBusSettings("localhost:9092", null, null, 0,
                null, null, null, null, null, null, null, null, null));
    }
}

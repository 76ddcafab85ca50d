package io.chatmesh.user.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** A presence setting that is not longer than 0 stops startup naming the setting. */
class PresencePropertiesTest {

    @Test
    void theDefaultsAreInRange() {
        assertThat(bind(Map.of()).deviceTimeout()).isEqualTo(Duration.ofSeconds(45));
    }

    @ParameterizedTest
    @ValueSource(strings = {"device-timeout", "expiry-interval", "publish-timeout", "rooms-deadline"})
    void aDurationNotLongerThanZeroIsRefusedNamingItsSetting(String setting) {
        Throwable failure = catchThrowable(() -> bind(Map.of("chatmesh.presence." + setting, "0s")));

        assertThat(failure).rootCause().isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
                invalid -> assertThat(invalid.getName()).isEqualTo("chatmesh.presence." + setting));
    }

    private static PresenceProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("chatmesh.presence", PresenceProperties.class);
    }
}

package io.chatmesh.chat.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** A MatchRandom setting out of its range stops startup naming the setting. */
class MatchPropertiesTest {

    @Test
    void theDefaultsAreInRange() {
        assertThat(bind(Map.of()).attemptThreads()).isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource({"attempt-interval, 0s", "ticket-lifetime, -1s", "attempt-threads, 0"})
    void aValueOutOfRangeIsRefusedNamingItsSetting(String setting, String value) {
        Throwable failure = catchThrowable(() -> bind(Map.of("chatmesh.chat.match." + setting, value)));

        assertThat(failure).rootCause().isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
                invalid -> assertThat(invalid.getName()).isEqualTo("chatmesh.chat.match." + setting));
    }

    private static MatchProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("chatmesh.chat.match", MatchProperties.class);
    }
}

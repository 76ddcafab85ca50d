package io.chatmesh.message.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** A message-service setting out of its range stops startup naming the setting; the defaults are in range. */
class MessagePropertiesTest {

    @Test
    void theDefaultsAreInRange() {
        MessageProperties defaults = bind(Map.of());

        assertThat(defaults.roomsDeadline()).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.persisterGroup()).isEqualTo("message-persister");
    }

    @ParameterizedTest
    @CsvSource({"rooms-deadline, 0s", "membership-cache-ttl, -1s", "publish-timeout, 0s",
            "unread-fold-interval, 0s", "persister-group, ' '"})
    void aValueOutOfRangeIsRefusedNamingItsSetting(String setting, String value) {
        Throwable failure = catchThrowable(() -> bind(Map.of("chatmesh.message." + setting, value)));

        assertThat(failure).rootCause().isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
                invalid -> assertThat(invalid.getName()).isEqualTo("chatmesh.message." + setting));
    }

    @Test
    void membershipAnswersMayGoUncached() {
        assertThat(bind(Map.of("chatmesh.message.membership-cache-ttl", "0s")).membershipCacheTtl()).isZero();
    }

    private static MessageProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate(MessageProperties.PREFIX, MessageProperties.class);
    }
}

package io.chatmesh.message.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** An attachment setting missing or out of its range stops startup naming the setting. */
class AttachmentPropertiesTest {

    private static final Map<String, String> SHIPPED = Map.of("max-size", "25MB", "max-chunk-size", "1MB",
            "max-open-uploads", "20", "upload-ttl", "24h", "sweep-interval", "10m", "posting-wait", "3s");

    @Test
    void theShippedValuesAreInRange() {
        assertThat(bind(Map.of()).limits().maxChunkBytes()).isEqualTo(1024 * 1024);
        assertThat(bind(Map.of("posting-wait", "0s")).postingWait()).isZero();
    }

    @ParameterizedTest
    @CsvSource({"max-size, 0B", "max-chunk-size, 0B", "max-chunk-size, 2MB", "max-open-uploads, 0",
            "upload-ttl, 0s", "sweep-interval, 0s", "posting-wait, -1s"})
    void aValueOutOfRangeIsRefusedNamingItsSetting(String setting, String value) {
        Throwable failure = catchThrowable(() -> bind(Map.of(setting, value)));

        assertThat(failure).rootCause().isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
                invalid -> assertThat(invalid.getName()).isEqualTo(AttachmentProperties.PREFIX + "." + setting));
    }

    /** The shipped values (message-service.properties) with {@code changes}. */
    private static AttachmentProperties bind(Map<String, String> changes) {
        Map<String, String> settings = new HashMap<>();
        SHIPPED.forEach((name, value) -> settings.put(AttachmentProperties.PREFIX + "." + name, value));
        changes.forEach((name, value) -> settings.put(AttachmentProperties.PREFIX + "." + name, value));
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate(AttachmentProperties.PREFIX, AttachmentProperties.class);
    }
}

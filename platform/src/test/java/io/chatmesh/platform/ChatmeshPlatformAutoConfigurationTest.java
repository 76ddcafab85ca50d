package io.chatmesh.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

class ChatmeshPlatformAutoConfigurationTest {

    @Test
    void aJwksDeadlineNotLongerThanZeroStopsStartupNamingIt() {
        assertThatThrownBy(() -> new ChatmeshPlatformAutoConfiguration().jwksAccessTokenVerifier(null, Duration.ZERO))
                .isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
                        invalid -> assertThat(invalid.getName()).isEqualTo("chatmesh.auth.jwks-deadline"));
    }
}

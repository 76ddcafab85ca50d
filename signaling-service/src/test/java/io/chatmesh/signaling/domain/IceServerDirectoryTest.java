package io.chatmesh.signaling.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class IceServerDirectoryTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05.678Z"), ZoneOffset.UTC);

    @Test
    void withoutTurnThereAreNoCredentialsAndNoExpiry() {
        IceServerDirectory directory = new IceServerDirectory(List.of("stun:stun.example.org:3478", " "),
                List.of(), null, Duration.ofHours(1), CLOCK);

        IceServerDirectory.IceServers servers = directory.forUser("user-1");

        assertThat(servers.servers()).containsExactly(
                new IceServerDirectory.IceServer(List.of("stun:stun.example.org:3478"), "", ""));
        assertThat(servers.expireTime()).isNull();
        assertThat(new IceServerDirectory(List.of(), List.of(), "", Duration.ofHours(1), CLOCK)
                .forUser("user-1").servers()).isEmpty();
    }

    @Test
    void turnCredentialsFollowTheCoturnRestScheme() throws Exception {
        IceServerDirectory directory = new IceServerDirectory(List.of(), List.of("turn:turn.example.org:3478"),
                "s3cret", Duration.ofMinutes(10), CLOCK);

        IceServerDirectory.IceServers servers = directory.forUser("user-1");

        long expiry = Instant.parse("2026-01-02T03:14:05Z").getEpochSecond();
        assertThat(servers.expireTime()).isEqualTo(Instant.ofEpochSecond(expiry));
        IceServerDirectory.IceServer turn = servers.servers().getFirst();
        assertThat(turn.urls()).containsExactly("turn:turn.example.org:3478");
        assertThat(turn.username()).isEqualTo(expiry + ":user-1");
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        assertThat(Base64.getDecoder().decode(turn.credential()))
                .isEqualTo(mac.doFinal(turn.username().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void turnWithoutSecretIsAConfigurationError() {
        assertThatThrownBy(() -> new IceServerDirectory(List.of(), List.of("turn:turn.example.org"), " ",
                Duration.ofHours(1), CLOCK)).isInstanceOf(IllegalArgumentException.class);
    }
}

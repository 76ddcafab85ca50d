package io.chatmesh.platform.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ApiTimesTest {

    @Test
    void timestampsCarryWholeMillisecondsAndComeBackUnchanged() {
        Instant precise = Instant.parse("2026-11-29T12:34:56.789123456Z");

        assertThat(ApiTimes.timestamp(precise).getNanos()).isEqualTo(789_000_000);
        assertThat(ApiTimes.instant(ApiTimes.timestamp(precise))).isEqualTo(Instant.parse("2026-11-29T12:34:56.789Z"));
        assertThat(ApiTimes.timestamp(Instant.parse("1969-12-31T23:59:59.999999Z")))
                .as("before the epoch, towards the past").satisfies(t -> {
                    assertThat(t.getSeconds()).isEqualTo(-1);
                    assertThat(t.getNanos()).isEqualTo(999_000_000);
                });
    }
}

package io.chatmesh.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.server.Server;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Stopping a real Armeria server on loopback: in time, or given up on after the wait. */
class ServerStopTest {

    private static Server started(Duration quietPeriod) {
        Server server = Server.builder()
                .localPort(0, SessionProtocol.HTTP)
                .service("/", (ctx, req) -> HttpResponse.of(200))
                .gracefulShutdownTimeout(quietPeriod, quietPeriod.plusSeconds(1))
                .build();
        server.start().join();
        return server;
    }

    @Test
    void aServerThatStopsInTimeIsStopped() throws InterruptedException {
        Server server = started(Duration.ZERO);

        assertThat(ServerStop.stop(server, "test server", Duration.ofSeconds(10))).isTrue();
        assertThat(server.activePorts()).isEmpty();
    }

    /** A stop that takes longer than the wait (here a 30 s quiet period) no longer holds up the caller. */
    @Test
    void aStopThatTakesLongerThanTheWaitIsGivenUpOn() throws InterruptedException {
        Server server = started(Duration.ofSeconds(30));

        assertThat(ServerStop.stop(server, "test server", Duration.ofMillis(200))).isFalse();
    }
}

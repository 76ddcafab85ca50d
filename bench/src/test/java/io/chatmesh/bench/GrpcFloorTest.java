package io.chatmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bin/bench grpc-floor over real gRPC on loopback: every delivery written arrives, and each side's
 * CPU is counted (no timing).
 */
class GrpcFloorTest {

    @Test
    void everyEventWrittenReachesItsStreamsWhateverTheEventsPerMessage() throws Exception {
        GrpcFloor.Settings settings = GrpcFloor.parse(List.of("--streams", "60", "--connections", "3", "--members", "6",
                "--rates", "3000", "--events-per-message", "1,4", "--tick-ms", "5", "--seconds", "1"));

        List<GrpcFloor.Result> results = GrpcFloor.measure(settings);

        assertThat(results).extracting(GrpcFloor.Result::eventsPerMessage).containsExactly(1, 4);
        assertThat(results).allSatisfy(result -> {
            assertThat(result.missing()).isZero();
            assertThat(result.deliveredPerSecond()).isPositive();
            // a second of 3,000 deliveries costs the server's threads and the clients' far more than nothing
            assertThat(result.serverMicros()).isPositive();
            assertThat(result.writerMicros()).isPositive();
            assertThat(result.clientMicros()).isPositive();
        });
    }

    @Test
    void theCommandPrintsALinePerEventsPerMessageAndRate() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        int exit = GrpcFloor.main(List.of("--streams", "20", "--connections", "2", "--members", "5",
                "--rates", "500,1000", "--events-per-message", "2", "--seconds", "1"),
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(exit).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8).lines().filter(line -> line.matches("^ +2 +(500|1000) .*")))
                .hasSize(2);
    }

    @Test
    void badFlagsExitWithUsage() {
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(GrpcFloor.main(List.of("--rates"), out)).isEqualTo(2);
        assertThat(GrpcFloor.main(List.of("--rates", "0"), out)).isEqualTo(2);
        assertThat(GrpcFloor.main(List.of("--streams", "10", "--members", "20"), out)).isEqualTo(2);
        assertThat(GrpcFloor.main(List.of("--frames", "1"), out)).isEqualTo(2);
        // one message of 5 x 1 MiB would be over what a gRPC client accepts
        assertThat(GrpcFloor.main(List.of("--bytes", "1048576", "--events-per-message", "1,5"), out)).isEqualTo(2);
    }
}

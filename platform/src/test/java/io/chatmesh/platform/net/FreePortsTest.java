package io.chatmesh.platform.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void picksPortsThatBindAndThatNoOutgoingConnectionIsHandedMeanwhile() throws IOException {
        int ephemeralStart;
        try (BufferedReader range = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            ephemeralStart = Integer.parseInt(range.readLine().trim().split("\\s+")[0]);
        }
        for (int i = 0; i < 20; i++) {
            int port = FreePorts.pick("127.0.0.1");
            assertThat(port).isBetween(10_000, ephemeralStart - 1);
            try (ServerSocket bound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(bound.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void neverHandsOutAPortTwiceToOneProcessWhileTheFirstTakerMayStillBeStarting() {
        Set<Integer> picked = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            assertThat(picked.add(FreePorts.pick("127.0.0.1"))).as("pick %d is new", i).isTrue();
        }
    }
}

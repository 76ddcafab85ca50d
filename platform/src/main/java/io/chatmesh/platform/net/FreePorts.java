package io.chatmesh.platform.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports picked now and bound a little later, e.g. by services told each other's ports before
 * they start one after another (the launcher, tests). A port of the kernel's ephemeral range may
 * meanwhile become the local end of an outgoing connection (each service opens dozens to the
 * database while the next one waits), and the server meant to bind it would fail; so these come
 * from below that range.
 */
public final class FreePorts {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Linux's default start of the ephemeral range, when the kernel does not say. */
    private static final int DEFAULT_EPHEMERAL_START = 32768;
    private static final int LOWEST = 10_000;
    private static final int ATTEMPTS = 1_000;

    private FreePorts() {}

    /** A port nothing listens on now on {@code host}, below the ephemeral range when there is room. */
    public static int pick(String host) {
        int ephemeralStart = ephemeralStart();
        try {
            InetAddress address = InetAddress.getByName(host);
            if (ephemeralStart - LOWEST >= ATTEMPTS) {
                for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                    int port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralStart);
                    try (ServerSocket probe = new ServerSocket(port, 1, address)) {
                        return probe.getLocalPort();
                    } catch (IOException taken) {
                        // try another
                    }
                }
            }
            try (ServerSocket socket = new ServerSocket(0, 1, address)) {
                return socket.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    private static int ephemeralStart() {
        // read as a stream: Files.readString trusts the size procfs reports and returned "3"
        try (BufferedReader reader = Files.newBufferedReader(EPHEMERAL_RANGE)) {
            return Integer.parseInt(reader.readLine().trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_START;
        }
    }
}

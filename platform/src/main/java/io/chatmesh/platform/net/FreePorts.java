package io.chatmesh.platform.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports picked now and bound a little later, e.g. by services told each other's ports before
 * they start one after another (the launcher, tests). A port of the kernel's ephemeral range may
 * meanwhile become the local end of an outgoing connection (each service opens dozens to the
 * database while the next one waits), and the server meant to bind it would fail; so these come
 * from below that range. Nor does one process get a port twice while the first taker may not have
 * bound it yet: the launcher picks its four services' ports before the first one binds, and a port
 * picked twice fails the second service's start.
 */
public final class FreePorts {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Linux's default start of the ephemeral range, when the kernel does not say. */
    private static final int DEFAULT_EPHEMERAL_START = 32768;
    private static final int LOWEST = 10_000;
    private static final int ATTEMPTS = 1_000;
    /** How many of the latest ports handed out are not handed out again (a few stacks' worth). */
    private static final int REMEMBERED = 256;
    private static final Set<Integer> HANDED_OUT = new LinkedHashSet<>();

    private FreePorts() {}

    /**
     * A port nothing listens on now on {@code host}, below the ephemeral range when there is room,
     * and none of the last {@value #REMEMBERED} this process was handed.
     */
    public static synchronized int pick(String host) {
        int ephemeralStart = ephemeralStart();
        try {
            InetAddress address = InetAddress.getByName(host);
            boolean roomBelow = ephemeralStart - LOWEST >= ATTEMPTS;
            for (int attempt = 0; attempt < 2 * ATTEMPTS; attempt++) {
                // below the ephemeral range while there is room; then any port the kernel offers
                int candidate = roomBelow && attempt < ATTEMPTS
                        ? ThreadLocalRandom.current().nextInt(LOWEST, ephemeralStart) : 0;
                if (HANDED_OUT.contains(candidate)) {
                    continue;
                }
                int port;
                try (ServerSocket probe = new ServerSocket(candidate, 1, address)) {
                    port = probe.getLocalPort();
                } catch (IOException taken) {
                    continue;
                }
                if (HANDED_OUT.add(port)) {
                    if (HANDED_OUT.size() > REMEMBERED) {
                        HANDED_OUT.remove(HANDED_OUT.iterator().next());
                    }
                    return port;
                }
            }
            throw new IOException(2 * ATTEMPTS + " attempts found no port that binds and was not handed out lately");
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

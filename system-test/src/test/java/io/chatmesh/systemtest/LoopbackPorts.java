package io.chatmesh.systemtest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for servers the tests start on fixed ports (so they can be started again on
 * the same port). They come from below the kernel's ephemeral range (Linux: 32768-60999,
 * macOS: 49152-65535), where every port-0 bind and every outgoing connection of this and other
 * processes gets its port: a port from there, free when picked, is often taken by the time the
 * server binds it seconds later (a stack start once failed with "Address already in use").
 */
final class LoopbackPorts {

    private static final int FIRST = 20_000;
    private static final int LAST = 32_767;
    private static final int ATTEMPTS = 200;

    /** Handed out already, bound or not yet: never handed out twice. */
    private static final Set<Integer> handedOut = new HashSet<>();

    /** A port nothing listens on right now and that this JVM has not handed out before. */
    static synchronized int free() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, LAST + 1);
            if (handedOut.contains(port)) {
                continue;
            }
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                handedOut.add(port);
                return port;
            } catch (IOException busy) {
                // in use: try another
            }
        }
        throw new IllegalStateException("no free loopback port in " + FIRST + "-" + LAST + " after " + ATTEMPTS + " attempts");
    }

    private LoopbackPorts() {}
}

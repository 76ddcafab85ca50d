package io.chatmesh.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the embedded run keeps its data, which loopback ports it uses and which web origins may
 * call the edge. Port 0 means "any free port" (tests). From the environment: CHATMESH_DATA_DIR,
 * CHATMESH_HOST, CHATMESH_EDGE_PORT, CHATMESH_USER_PORT, CHATMESH_CHAT_PORT,
 * CHATMESH_MESSAGE_PORT, CHATMESH_SIGNALING_PORT, CHATMESH_POSTGRES_PORT,
 * CHATMESH_EDGE_CORS_ORIGINS, CHATMESH_WEB_DIR.
 *
 * @param edgeCorsOrigins origins (lower case, e.g. "http://localhost:5173") whose pages may call the
 *        edge with gRPC-Web; empty: only the edge's own origin
 * @param webDir the built web app the edge serves at / (default web/dist, relative to the working
 *        directory); none when it holds no index.html
 */
public record LauncherSettings(Path dataDir, String host, int edgePort, int userPort, int chatPort,
        int messagePort, int signalingPort, int postgresPort, List<String> edgeCorsOrigins, Path webDir) {

    /** An origin as a browser sends it: scheme, host (a name, IPv4 or [IPv6]) and optional port. */
    private static final Pattern ORIGIN = Pattern.compile("https?://([a-z0-9.-]+|\\[[0-9a-f:.]+])(:[0-9]{1,5})?");

    public LauncherSettings {
        edgeCorsOrigins = List.copyOf(edgeCorsOrigins);
    }

    public static LauncherSettings fromEnvironment(Map<String, String> env) {
        return new LauncherSettings(
                Path.of(env.getOrDefault("CHATMESH_DATA_DIR", "data")),
                env.getOrDefault("CHATMESH_HOST", "127.0.0.1"),
                port(env, "CHATMESH_EDGE_PORT", 9090),
                port(env, "CHATMESH_USER_PORT", 9091),
                port(env, "CHATMESH_CHAT_PORT", 9092),
                port(env, "CHATMESH_MESSAGE_PORT", 9093),
                port(env, "CHATMESH_SIGNALING_PORT", 9094),
                port(env, "CHATMESH_POSTGRES_PORT", 0),
                origins(env, "CHATMESH_EDGE_CORS_ORIGINS"),
                Path.of(env.getOrDefault("CHATMESH_WEB_DIR", "web/dist")));
    }

    /**
     * Fails, naming the setting that moves it, when a configured port is taken: checked before
     * anything starts, so a taken edge port is not found after every service is up.
     *
     * @throws IllegalStateException "port 9090 on 127.0.0.1 (CHATMESH_EDGE_PORT) is in use; ..."
     */
    public void requireFreePorts() {
        Map<String, Integer> configured = new LinkedHashMap<>();
        configured.put("CHATMESH_EDGE_PORT", edgePort);
        configured.put("CHATMESH_USER_PORT", userPort);
        configured.put("CHATMESH_CHAT_PORT", chatPort);
        configured.put("CHATMESH_MESSAGE_PORT", messagePort);
        configured.put("CHATMESH_SIGNALING_PORT", signalingPort);
        configured.put("CHATMESH_POSTGRES_PORT", postgresPort);
        configured.forEach((setting, port) -> {
            if (port == 0) {
                return;
            }
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getByName(host))) {
                // free
            } catch (IOException e) {
                throw new IllegalStateException("port " + port + " on " + host + " (" + setting + ") is in use; stop"
                        + " what holds it or set " + setting + " to another port");
            }
        });
    }

    /** Free ports everywhere, data in the given directory, no web app. */
    public static LauncherSettings forTests(Path dataDir) {
        return new LauncherSettings(dataDir, "127.0.0.1", 0, 0, 0, 0, 0, 0, List.of(), dataDir.resolve("no-web-app"));
    }

    private static int port(Map<String, String> env, String name, int defaultPort) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return defaultPort;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number (0-65535), got '" + value + "'");
        }
    }

    /**
     * A comma-separated list of web origins, each {@code scheme://host[:port]} as a browser sends it
     * in the Origin header (no path, no trailing slash); empty when unset.
     */
    private static List<String> origins(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<String> origins = new ArrayList<>();
        for (String item : value.split(",")) {
            String origin = item.trim().toLowerCase(Locale.ROOT);
            if (!ORIGIN.matcher(origin).matches()) {
                throw new IllegalArgumentException(name + " must list origins like http://localhost:5173,"
                        + "https://app.example (scheme, host and port only), got '" + item.trim() + "'");
            }
            origins.add(origin);
        }
        return origins;
    }
}

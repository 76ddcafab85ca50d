package io.chatmesh.launcher;

import io.chatmesh.chat.ChatServiceApplication;
import io.chatmesh.message.MessageServiceApplication;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.InProcessEventBus;
import io.chatmesh.platform.net.FreePorts;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.signaling.SignalingServiceApplication;
import io.chatmesh.user.UserServiceApplication;
import io.grpc.ManagedChannel;
import io.grpc.ServiceDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * chatmesh on embedded defaults, in one JVM: a real PostgreSQL (binaries from Maven
 * Central) whose data lives under the data directory and survives restarts, one in-process
 * event bus shared by the services, the four services each on its own loopback gRPC port
 * calling each other over gRPC, and the edge (gRPC and gRPC-Web) on one port in front of them.
 */
public final class Chatmesh implements AutoCloseable {

    /** The four services. Channels connect lazily, so start order only matters for the bus. */
    public enum Service { USER, CHAT, MESSAGE, SIGNALING }

    private final EmbeddedDatabase postgres;
    private final EventBus bus = new InProcessEventBus();
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final Map<Service, Integer> ports = new LinkedHashMap<>();
    private final List<ManagedChannel> edgeChannels = new ArrayList<>();
    private final GrpcEdge edge;
    private final LauncherSettings settings;
    private boolean closed;

    private Chatmesh(LauncherSettings settings) {
        this.settings = settings;
        settings.requireFreePorts();
        this.postgres = EmbeddedDatabase.start(settings.dataDir().resolve("postgres"), settings.postgresPort());
        try {
            ports.put(Service.USER, resolvePort(settings.host(), settings.userPort()));
            ports.put(Service.CHAT, resolvePort(settings.host(), settings.chatPort()));
            ports.put(Service.MESSAGE, resolvePort(settings.host(), settings.messagePort()));
            ports.put(Service.SIGNALING, resolvePort(settings.host(), settings.signalingPort()));
            for (String database : List.of("chatmesh_users", "chatmesh_chat", "chatmesh_messages")) {
                postgres.createDatabaseIfMissing(database);
            }
            // message-service subscribes to the bus before chat-service can publish anything.
            startService(Service.USER, UserServiceApplication::builder, "chatmesh_users");
            startService(Service.MESSAGE, MessageServiceApplication::builder, "chatmesh_messages");
            startService(Service.CHAT, ChatServiceApplication::builder, "chatmesh_chat");
            startService(Service.SIGNALING, SignalingServiceApplication::builder, null);
            this.edge = new GrpcEdge(settings.host(), settings.edgePort(), Map.of(
                    UserServiceGrpc.getServiceDescriptor(), channel(Service.USER),
                    RoomServiceGrpc.getServiceDescriptor(), channel(Service.CHAT),
                    ChatServiceGrpc.getServiceDescriptor(), channel(Service.CHAT),
                    MessageServiceGrpc.getServiceDescriptor(), channel(Service.MESSAGE),
                    SignalingServiceGrpc.getServiceDescriptor(), channel(Service.SIGNALING)),
                    8 * 1024 * 1024, settings.edgeCorsOrigins(), settings.webDir());
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    public static Chatmesh start(LauncherSettings settings) {
        return new Chatmesh(settings);
    }

    /** The services by name, for running one of them on its own (production). */
    static final Map<String, Supplier<SpringApplicationBuilder>> SERVICES = Map.of(
            "user-service", UserServiceApplication::builder,
            "chat-service", ChatServiceApplication::builder,
            "message-service", MessageServiceApplication::builder,
            "signaling-service", SignalingServiceApplication::builder);

    static final String USAGE = """
            usage: chatmesh                      all services in one JVM on embedded defaults
                   chatmesh <service> [args...]  one service on its own (production; docs/production.md)
                   chatmesh --help
            services: chat-service, message-service, signaling-service, user-service
            embedded settings (environment): CHATMESH_DATA_DIR [data], CHATMESH_HOST [127.0.0.1],
              CHATMESH_EDGE_PORT [9090], CHATMESH_USER_PORT [9091], CHATMESH_CHAT_PORT [9092],
              CHATMESH_MESSAGE_PORT [9093], CHATMESH_SIGNALING_PORT [9094], CHATMESH_POSTGRES_PORT [any free],
              CHATMESH_EDGE_CORS_ORIGINS [the edge's own origin; e.g. http://localhost:5173,https://app.example],
              CHATMESH_WEB_DIR [web/dist: the built web app, served by the edge at /]""";

    /**
     * With no argument: everything on embedded defaults. With a service name first: only that
     * service, configured like any Spring Boot app (e.g. SPRING_PROFILES_ACTIVE=prod and the
     * variables in docs/production.md), the remaining arguments passed to it. A start that
     * fails says why in one line (exit 1); a bad argument prints the usage (exit 2).
     */
    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(USAGE);
            return;
        }
        if (args.length > 0 && !SERVICES.containsKey(args[0])) {
            System.err.println("chatmesh: unknown argument '" + args[0] + "'\n" + USAGE);
            System.exit(2);
        }
        if (args.length > 0) {
            runService(args[0], Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Chatmesh chatmesh;
        try {
            chatmesh = start(LauncherSettings.fromEnvironment(System.getenv()));
        } catch (RuntimeException e) {
            System.err.println("chatmesh: cannot start: " + rootMessage(e));
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(chatmesh::close, "chatmesh-shutdown"));
        System.out.println(chatmesh.summary());
    }

    /**
     * The innermost cause's message: what actually went wrong, after the outermost one's unless
     * that only says which beans could not be created (a chain of them, a few hundred characters,
     * around a setting out of range).
     */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        return root == e || e instanceof BeanCreationException ? message : e.getMessage() + ": " + message;
    }

    /** Starts one service by name, as a process of its own would. */
    public static ConfigurableApplicationContext runService(String name, String... args) {
        Supplier<SpringApplicationBuilder> service = SERVICES.get(name);
        if (service == null) {
            throw new IllegalArgumentException("unknown service '" + name + "'; one of " + new TreeSet<>(SERVICES.keySet()));
        }
        return service.get().run(args);
    }

    public int port(Service service) {
        return ports.get(service);
    }

    public int edgePort() {
        return edge.port();
    }

    public String host() {
        return settings.host();
    }

    /** JDBC URL of one of the embedded PostgreSQL's databases (e.g. "postgres"), for tools and tests. */
    public String postgresJdbcUrl(String database) {
        return postgres.jdbcUrl(database);
    }

    /** What runs where, printed at start. */
    public String summary() {
        String host = settings.host();
        return String.join("\n",
                "chatmesh is up on embedded defaults (data in " + settings.dataDir().toAbsolutePath() + ")",
                String.format("  edge (all services)  %s:%d  gRPC, gRPC-Web, GET /healthz, WebSocket /ws/chat /ws/signaling", host, edgePort()),
                GrpcEdge.servesWebApp(settings.webDir())
                        ? String.format("  web app              http://%s:%d/  (from %s)", host, edgePort(), settings.webDir().toAbsolutePath().normalize())
                        : String.format("  web app              none: no build in %s (cd web && npm ci && npm run build)", settings.webDir().toAbsolutePath().normalize()),
                String.format("  user-service         %s:%d  chatmesh.user.v1.UserService", host, port(Service.USER)),
                String.format("  chat-service         %s:%d  chatmesh.room.v1.RoomService, chatmesh.chat.v1.ChatService", host, port(Service.CHAT)),
                String.format("  message-service      %s:%d  chatmesh.message.v1.MessageService", host, port(Service.MESSAGE)),
                String.format("  signaling-service    %s:%d  chatmesh.signaling.v1.SignalingService", host, port(Service.SIGNALING)),
                String.format("  postgresql           %s:%d", "127.0.0.1", postgres.port()),
                "Try: npx buf curl --protocol grpc --http2-prior-knowledge --list-services http://" + host + ":" + edgePort(),
                "Stop with Ctrl+C.");
    }

    private void startService(Service service, Supplier<SpringApplicationBuilder> builder, String database) {
        String host = settings.host();
        List<String> args = new ArrayList<>(List.of(
                "--spring.grpc.server.host=" + host,
                "--spring.grpc.server.port=" + port(service),
                "--spring.grpc.client.channels.users.address=static://" + host + ":" + port(Service.USER),
                "--spring.grpc.client.channels.rooms.address=static://" + host + ":" + port(Service.CHAT),
                "--spring.grpc.client.channels.messages.address=static://" + host + ":" + port(Service.MESSAGE),
                "--spring.main.banner-mode=off",
                "--spring.main.log-startup-info=false",
                // one JVM, one logging system: an application name in the prefix would be the last
                // service's on every line; the logger name and the messages say which service
                "--logging.include-application-name=false"));
        if (service == Service.MESSAGE) {
            args.add("--chatmesh.message.attachments.directory=" + settings.dataDir().resolve("attachments"));
        }
        if (database != null) {
            args.add("--spring.datasource.url=" + postgres.jdbcUrl(database));
            args.add("--spring.datasource.username=" + EmbeddedDatabase.USER);
            args.add("--spring.datasource.password=");
        }
        ConfigurableApplicationContext context = builder.get()
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("eventBus", bus))
                .run(args.toArray(String[]::new));
        contexts.add(context);
    }

    private ManagedChannel channel(Service service) {
        ManagedChannel channel = NettyChannelBuilder.forAddress(settings.host(), port(service)).usePlaintext().build();
        edgeChannels.add(channel);
        return channel;
    }

    /** A fixed port as configured, or (for 0) a port that is free now, so services can be told each other's. */
    private static int resolvePort(String host, int configured) {
        return configured != 0 ? configured : FreePorts.pick(host);
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private synchronized void closeQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        if (edge != null) {
            edge.close();
        }
        edgeChannels.forEach(ManagedChannel::shutdownNow);
        edgeChannels.clear();
        for (int i = contexts.size() - 1; i >= 0; i--) {
            contexts.get(i).close();
        }
        contexts.clear();
        bus.close();
        postgres.close();
    }
}

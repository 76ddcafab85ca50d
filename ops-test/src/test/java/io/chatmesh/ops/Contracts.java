package io.chatmesh.ops;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import io.chatmesh.platform.http.HttpRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What proto/ defines, from the descriptor set the proto module compiles from every .proto file
 * (chatmesh.protoset), plus the few facts that are not in the contracts: which process serves a
 * service (docs/edge.md's table), which service a channel name means, and where the WebSocket
 * bridges are.
 */
final class Contracts {

    /** A method of a chatmesh service. */
    record Method(String service, String name, boolean clientStreaming, boolean serverStreaming) {

        /** "pkg.Service/Method", as grpc-java's full method name and AuthPolicy spell it. */
        String fullName() {
            return service + "/" + name;
        }

        String path() {
            return "/" + fullName();
        }

        boolean streaming() {
            return clientStreaming || serverStreaming;
        }
    }

    /** Which process serves each service: docs/edge.md's route table (and MembershipService, internal). */
    static final Map<String, Deployable> OWNERS = Map.of(
            "chatmesh.user.v1.UserService", Deployable.USER_SERVICE,
            "chatmesh.room.v1.RoomService", Deployable.CHAT_SERVICE,
            "chatmesh.chat.v1.ChatService", Deployable.CHAT_SERVICE,
            "chatmesh.message.v1.MessageService", Deployable.MESSAGE_SERVICE,
            "chatmesh.signaling.v1.SignalingService", Deployable.SIGNALING_SERVICE,
            "chatmesh.room.internal.v1.MembershipService", Deployable.CHAT_SERVICE);

    /** The services' channel names (spring.grpc.client.channels.NAME) and whom they reach. */
    static final Map<String, Deployable> CHANNEL_TARGETS = Map.of(
            "users", Deployable.USER_SERVICE,
            "rooms", Deployable.CHAT_SERVICE,
            "messages", Deployable.MESSAGE_SERVICE);

    /** The browsers' WebSocket paths and the stream each one carries (docs/edge.md). */
    static final Map<String, String> WEB_SOCKETS = Map.of(
            "/ws/chat", "chatmesh.chat.v1.ChatService/Connect",
            "/ws/signaling", "chatmesh.signaling.v1.SignalingService/Connect");

    static final String HEALTH_PREFIX = "/grpc.health.v1.Health/";
    /** Calls to chatmesh that are not in proto/: health (Check, Watch), always without a token. */
    static final List<String> HEALTH_PATHS = List.of(HEALTH_PREFIX + "Check", HEALTH_PREFIX + "Watch");

    private static final String PROTOSET = "/META-INF/chatmesh/chatmesh.protoset";
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");

    private Contracts() {}

    /** Every method of every chatmesh.* service in proto/. */
    static List<Method> methods() {
        List<Method> methods = new ArrayList<>();
        for (FileDescriptorProto file : descriptorSet().getFileList()) {
            if (!file.getPackage().startsWith("chatmesh.")) {
                continue;
            }
            for (ServiceDescriptorProto service : file.getServiceList()) {
                String serviceName = file.getPackage() + "." + service.getName();
                for (MethodDescriptorProto method : service.getMethodList()) {
                    methods.add(new Method(serviceName, method.getName(), method.getClientStreaming(),
                            method.getServerStreaming()));
                }
            }
        }
        return methods;
    }

    /** A service is internal when its package says so: chatmesh.*.internal.v1. */
    static boolean isInternal(String service) {
        return service.contains(".internal.");
    }

    static List<Method> publicMethods() {
        return methods().stream().filter(method -> !isInternal(method.service())).toList();
    }

    static List<Method> internalMethods() {
        return methods().stream().filter(method -> isInternal(method.service())).toList();
    }

    static Deployable owner(String service) {
        Deployable owner = OWNERS.get(service);
        if (owner == null) {
            throw new AssertionError(service + " is in proto/ but nobody serves it: add it to docs/edge.md, "
                    + "envoy/gateway.yaml (if public) and Contracts.OWNERS");
        }
        return owner;
    }

    /**
     * The longest time a live stream may be silent: the server heartbeats (chat-service's and
     * signaling-service's settings) and the WebSocket bridge's pings.
     */
    static Duration longestHeartbeat() {
        Duration chat = duration(Deployable.CHAT_SERVICE.properties("chat-service.properties")
                .getProperty("chatmesh.chat.heartbeat-interval"));
        Duration signaling = duration(Deployable.SIGNALING_SERVICE.properties("signaling-service.properties")
                .getProperty("chatmesh.signaling.heartbeat-interval"));
        Duration longest = chat.compareTo(signaling) > 0 ? chat : signaling;
        return longest.compareTo(HttpRoutes.WEB_SOCKET_PING_INTERVAL) > 0 ? longest : HttpRoutes.WEB_SOCKET_PING_INTERVAL;
    }

    private static Duration duration(String value) {
        Matcher matcher = DURATION.matcher(value == null ? "" : value);
        if (!matcher.matches()) {
            throw new IllegalStateException("not a duration: " + value);
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
    }

    private static FileDescriptorSet descriptorSet() {
        try (InputStream in = Contracts.class.getResourceAsStream(PROTOSET)) {
            if (in == null) {
                throw new IllegalStateException(PROTOSET + " is not on the classpath (chatmesh-proto)");
            }
            return FileDescriptorSet.parseFrom(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

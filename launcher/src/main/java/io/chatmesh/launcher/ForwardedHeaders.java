package io.chatmesh.launcher;

import io.grpc.Deadline;
import io.grpc.Metadata;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Which metadata the edge passes between a caller and a backend. Everything the caller or the
 * backend put there passes, both ways: {@code authorization}, custom metadata, and trailers such
 * as {@code grpc-status-details-bin}. What each hop of HTTP/2 sets for itself does not: Armeria
 * hands a call's HTTP headers over as they came (pseudo-headers and a gRPC-Web content type
 * included), and adds a backend's headers to the response without replacing its own.
 */
final class ForwardedHeaders {

    /** Headers that describe one hop, not the call: each side of the edge writes its own. */
    private static final Set<String> HOP_HEADERS = Set.of(
            "content-type", "content-length", "content-encoding", "accept-encoding", "te", "host", "user-agent",
            "connection", "keep-alive", "transfer-encoding", "upgrade",
            "grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "grpc-status", "grpc-message");

    private static final Metadata.Key<String> GRPC_TIMEOUT =
            Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);

    private ForwardedHeaders() {}

    /** The metadata of {@code from} that belongs to the call, for the other side of the edge. */
    static Metadata relayed(Metadata from) {
        Metadata to = new Metadata();
        for (String name : from.keys()) {
            if (!isMetadataName(name) || HOP_HEADERS.contains(name)) {
                continue;
            }
            if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                Metadata.Key<byte[]> key = Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER);
                from.getAll(key).forEach(value -> to.put(key, value));
            } else {
                Metadata.Key<String> key = Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
                from.getAll(key).forEach(value -> to.put(key, value));
            }
        }
        return to;
    }

    /**
     * The caller's deadline, from its {@code grpc-timeout} header ({@code 1*8DIGIT} and a unit of
     * H, M, S, m, u or n), so the backend stops when the caller stops waiting; null without one.
     * Armeria has already refused a malformed one with INVALID_ARGUMENT.
     */
    static Deadline deadline(Metadata headers) {
        String timeout = headers.get(GRPC_TIMEOUT);
        if (timeout == null || timeout.length() < 2 || timeout.length() > 9) {
            return null;
        }
        long amount;
        try {
            amount = Long.parseLong(timeout.substring(0, timeout.length() - 1));
        } catch (NumberFormatException e) {
            return null;
        }
        TimeUnit unit = switch (timeout.charAt(timeout.length() - 1)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            case 'n' -> TimeUnit.NANOSECONDS;
            default -> null;
        };
        return unit == null ? null : Deadline.after(amount, unit);
    }

    /**
     * Whether grpc-java accepts the name as a metadata key: not a pseudo-header ({@code :path}), nor
     * another HTTP header name a browser may send.
     */
    private static boolean isMetadataName(String name) {
        return !name.isEmpty() && name.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.');
    }
}

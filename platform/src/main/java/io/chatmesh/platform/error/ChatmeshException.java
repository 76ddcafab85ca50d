package io.chatmesh.platform.error;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A failure the caller can act on, raised by domain code (which knows no gRPC types) and
 * translated once, at the edge, into a gRPC status with google.rpc details or a StreamError.
 */
public final class ChatmeshException extends RuntimeException {

    /** The outcome, one per gRPC status code we use. */
    public enum Kind {
        INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND, ALREADY_EXISTS,
        FAILED_PRECONDITION, RESOURCE_EXHAUSTED, UNAVAILABLE, DEADLINE_EXCEEDED
    }

    /** Machine-readable reasons; the same names as chatmesh.common.v1.ErrorReason without prefix. */
    public enum Reason {
        INVALID_FIELD, TOO_LARGE, UNAUTHENTICATED, NOT_A_MEMBER, NOT_ALLOWED, NOT_FOUND,
        ALREADY_EXISTS, RATE_LIMITED, SLOW_CONSUMER, FAILED_PRECONDITION, BLOCKED, UNAVAILABLE, OVERLOADED,
        LIMIT_REACHED
    }

    /** One invalid field. */
    public record Violation(String field, String description) {}

    private final Kind kind;
    private final Reason reason;
    private final List<Violation> violations;
    private final Duration retryDelay;

    private ChatmeshException(Kind kind, Reason reason, String message, List<Violation> violations,
            Duration retryDelay) {
        super(message, null, false, false);
        this.kind = kind;
        this.reason = reason;
        this.violations = List.copyOf(violations);
        this.retryDelay = retryDelay;
    }

    public ChatmeshException(Kind kind, Reason reason, String message, List<Violation> violations) {
        this(kind, reason, message, violations, null);
    }

    public ChatmeshException(Kind kind, Reason reason, String message) {
        this(kind, reason, message, List.of());
    }

    public Kind kind() { return kind; }

    public Reason reason() { return reason; }

    public List<Violation> violations() { return violations; }

    /** How long the caller should wait before trying again, when the server knows (rate limits). */
    public Optional<Duration> retryDelay() { return Optional.ofNullable(retryDelay); }

    /**
     * This error with its violations' fields under {@code prefix} ("text" becomes "send.text"):
     * a rule checked below the API names fields relative to the request part the API knows.
     */
    public ChatmeshException withFieldPrefix(String prefix) {
        if (violations.isEmpty()) {
            return this;
        }
        List<Violation> prefixed = violations.stream()
                .map(v -> new Violation(prefix + "." + v.field(), v.description())).toList();
        return new ChatmeshException(kind, reason, prefix + "." + getMessage(), prefixed, retryDelay);
    }

    public static ChatmeshException invalid(String field, String description) {
        return new ChatmeshException(Kind.INVALID_ARGUMENT, Reason.INVALID_FIELD,
                field + ": " + description, List.of(new Violation(field, description)));
    }

    public static ChatmeshException unauthenticated(String message) {
        return new ChatmeshException(Kind.UNAUTHENTICATED, Reason.UNAUTHENTICATED, message);
    }

    public static ChatmeshException notMember(String roomId) {
        return new ChatmeshException(Kind.PERMISSION_DENIED, Reason.NOT_A_MEMBER, "not a member of room " + roomId);
    }

    /**
     * A non-member's refusal, by the one rule for rooms (docs/api.md): a room only its members
     * may see — any but PUBLIC — is NOT_FOUND to others, exactly as an unknown room, so nobody
     * learns it exists; a PUBLIC room is PERMISSION_DENIED (NOT_A_MEMBER).
     */
    public static ChatmeshException outsideRoom(String roomId, boolean publicRoom) {
        return publicRoom ? notMember(roomId) : notFound("room");
    }

    public static ChatmeshException notAllowed(String message) {
        return new ChatmeshException(Kind.PERMISSION_DENIED, Reason.NOT_ALLOWED, message);
    }

    /** One of two users blocked the other, so nothing may pass between them. */
    public static ChatmeshException blocked(String message) {
        return new ChatmeshException(Kind.PERMISSION_DENIED, Reason.BLOCKED, message);
    }

    public static ChatmeshException notFound(String what) {
        return new ChatmeshException(Kind.NOT_FOUND, Reason.NOT_FOUND, what + " not found");
    }

    public static ChatmeshException alreadyExists(String what) {
        return new ChatmeshException(Kind.ALREADY_EXISTS, Reason.ALREADY_EXISTS, what + " already exists");
    }

    public static ChatmeshException failedPrecondition(String message) {
        return new ChatmeshException(Kind.FAILED_PRECONDITION, Reason.FAILED_PRECONDITION, message);
    }

    public static ChatmeshException unavailable(String message) {
        return new ChatmeshException(Kind.UNAVAILABLE, Reason.UNAVAILABLE, message);
    }

    /** A rate limit refused the call; trying again after {@code retryDelay} may succeed. */
    public static ChatmeshException rateLimited(String message, Duration retryDelay) {
        return new ChatmeshException(Kind.RESOURCE_EXHAUSTED, Reason.RATE_LIMITED, message, List.of(), retryDelay);
    }

    /** The service's queue of work is full; trying again after {@code retryDelay} may succeed. */
    public static ChatmeshException overloaded(String message, Duration retryDelay) {
        return new ChatmeshException(Kind.RESOURCE_EXHAUSTED, Reason.OVERLOADED, message, List.of(), retryDelay);
    }

    /** A stream's client reads too slowly: its stream is closed and the client resumes. */
    public static ChatmeshException slowConsumer(String message) {
        return new ChatmeshException(Kind.RESOURCE_EXHAUSTED, Reason.SLOW_CONSUMER, message);
    }

    /** A resource is at its size limit (a full call); retrying does not help until it changes. */
    public static ChatmeshException limitReached(String message) {
        return new ChatmeshException(Kind.RESOURCE_EXHAUSTED, Reason.LIMIT_REACHED, message);
    }
}

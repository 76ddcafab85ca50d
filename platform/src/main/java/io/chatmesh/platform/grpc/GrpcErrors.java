package io.chatmesh.platform.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.proto.common.v1.FieldViolation;
import io.chatmesh.proto.common.v1.StreamError;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.concurrent.CompletionException;

/**
 * The one place where failures become gRPC statuses (unary) or StreamErrors (streams), so
 * both carry the same code, reason and field violations.
 */
public final class GrpcErrors {

    /** google.rpc.ErrorInfo.domain of every chatmesh error. */
    public static final String DOMAIN = "chatmesh.io";

    private GrpcErrors() {}

    public static Status.Code code(ChatmeshException.Kind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
            case UNAUTHENTICATED -> Status.Code.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Status.Code.PERMISSION_DENIED;
            case NOT_FOUND -> Status.Code.NOT_FOUND;
            case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
            case RESOURCE_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
            case UNAVAILABLE -> Status.Code.UNAVAILABLE;
            case DEADLINE_EXCEEDED -> Status.Code.DEADLINE_EXCEEDED;
        };
    }

    /** A status exception with ErrorInfo (reason) and, when there are violations, BadRequest. */
    public static StatusException toStatusException(ChatmeshException e) {
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(code(e.kind()).value())
                .setMessage(e.getMessage() == null ? "" : e.getMessage())
                .addDetails(Any.pack(ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(e.reason().name()).build()));
        if (!e.violations().isEmpty()) {
            BadRequest.Builder badRequest = BadRequest.newBuilder();
            e.violations().forEach(v -> badRequest.addFieldViolations(
                    BadRequest.FieldViolation.newBuilder().setField(v.field()).setDescription(v.description())));
            status.addDetails(Any.pack(badRequest.build()));
        }
        e.retryDelay().ifPresent(delay -> status.addDetails(Any.pack(RetryInfo.newBuilder()
                .setRetryDelay(duration(delay)).build())));
        return StatusProto.toStatusException(status.build());
    }

    /**
     * Maps any failure (also one wrapped by an asynchronous stage) to a status exception:
     * chatmesh errors with details, statuses from downstream calls as they are, anything else
     * as INTERNAL without leaking its message.
     */
    public static StatusException toStatusException(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof ChatmeshException e) {
            return toStatusException(e);
        }
        if (t instanceof StatusRuntimeException e) {
            return new StatusException(e.getStatus(), e.getTrailers());
        }
        if (t instanceof StatusException e) {
            return e;
        }
        return Status.INTERNAL.withDescription("internal error").withCause(t).asException();
    }

    /** The failure itself, not the CompletionException an asynchronous stage wrapped it in. */
    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static com.google.protobuf.Duration duration(java.time.Duration delay) {
        return com.google.protobuf.Duration.newBuilder().setSeconds(delay.getSeconds()).setNanos(delay.getNano()).build();
    }

    /** The StreamError a stream sends for a failed client event. */
    public static StreamError toStreamError(String clientId, Throwable failure) {
        Throwable t = unwrap(failure);
        StreamError.Builder error = StreamError.newBuilder().setClientId(clientId == null ? "" : clientId);
        if (t instanceof ChatmeshException e) {
            error.setCode(code(e.kind()).value()).setReason(e.reason().name())
                    .setMessage(e.getMessage() == null ? "" : e.getMessage());
            e.violations().forEach(v -> error.addFieldViolations(
                    FieldViolation.newBuilder().setField(v.field()).setDescription(v.description())));
            e.retryDelay().ifPresent(delay -> error.setRetryDelay(duration(delay)));
            return error.build();
        }
        Status status = Status.fromThrowable(t);
        if (status.getCode() == Status.Code.UNKNOWN) {
            return error.setCode(Status.Code.INTERNAL.value()).setMessage("internal error").build();
        }
        return error.setCode(status.getCode().value())
                .setMessage(status.getDescription() == null ? "" : status.getDescription()).build();
    }
}

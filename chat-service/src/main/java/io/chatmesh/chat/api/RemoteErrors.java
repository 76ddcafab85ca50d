package io.chatmesh.chat.api;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.chatmesh.platform.error.ChatmeshException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Another chatmesh service's refusal as a {@link ChatmeshException}, keeping its kind, reason and
 * field violations, so that this service can put the fields under its own request's names (and a
 * stream's StreamError carries them too).
 */
final class RemoteErrors {

    private RemoteErrors() {}

    static ChatmeshException toChatmeshException(StatusRuntimeException e) {
        ChatmeshException.Kind kind = Arrays.stream(ChatmeshException.Kind.values())
                .filter(k -> k.name().equals(e.getStatus().getCode().name()))
                .findFirst()
                .orElse(ChatmeshException.Kind.UNAVAILABLE);
        ChatmeshException.Reason reason = defaultReason(kind);
        List<ChatmeshException.Violation> violations = new ArrayList<>();
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status != null) {
            for (com.google.protobuf.Any detail : status.getDetailsList()) {
                try {
                    if (detail.is(ErrorInfo.class)) {
                        String name = detail.unpack(ErrorInfo.class).getReason();
                        reason = Arrays.stream(ChatmeshException.Reason.values())
                                .filter(r -> r.name().equals(name)).findFirst().orElse(reason);
                    } else if (detail.is(BadRequest.class)) {
                        detail.unpack(BadRequest.class).getFieldViolationsList().forEach(v ->
                                violations.add(new ChatmeshException.Violation(v.getField(), v.getDescription())));
                    }
                } catch (InvalidProtocolBufferException malformed) {
                    // a detail that does not parse says nothing more than the status
                }
            }
        }
        String description = e.getStatus().getDescription();
        return new ChatmeshException(kind, reason, description == null ? kind.name() : description, violations);
    }

    /**
     * The reason of a refusal that names none (chatmesh services always do; a proxy in between
     * may not): the one a chatmesh service gives its own refusals of that kind.
     */
    private static ChatmeshException.Reason defaultReason(ChatmeshException.Kind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> ChatmeshException.Reason.INVALID_FIELD;
            case UNAUTHENTICATED -> ChatmeshException.Reason.UNAUTHENTICATED;
            case PERMISSION_DENIED -> ChatmeshException.Reason.NOT_ALLOWED;
            case NOT_FOUND -> ChatmeshException.Reason.NOT_FOUND;
            case ALREADY_EXISTS -> ChatmeshException.Reason.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> ChatmeshException.Reason.FAILED_PRECONDITION;
            case RESOURCE_EXHAUSTED -> ChatmeshException.Reason.OVERLOADED;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> ChatmeshException.Reason.UNAVAILABLE;
        };
    }
}

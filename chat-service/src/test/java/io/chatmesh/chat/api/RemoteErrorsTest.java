package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.error.ChatmeshException.Kind;
import io.chatmesh.platform.error.ChatmeshException.Reason;
import io.chatmesh.platform.grpc.GrpcErrors;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Another service's refusal as this service's own: its kind, its reason (or the kind's own), its fields. */
class RemoteErrorsTest {

    @Test
    void aRefusalWithoutErrorInfoGetsTheReasonThisServiceGivesItsKind() {
        Map<Status, Reason> expected = Map.of(
                Status.INVALID_ARGUMENT, Reason.INVALID_FIELD,
                Status.UNAUTHENTICATED, Reason.UNAUTHENTICATED,
                Status.PERMISSION_DENIED, Reason.NOT_ALLOWED,
                Status.NOT_FOUND, Reason.NOT_FOUND,
                Status.ALREADY_EXISTS, Reason.ALREADY_EXISTS,
                Status.FAILED_PRECONDITION, Reason.FAILED_PRECONDITION,
                Status.RESOURCE_EXHAUSTED, Reason.OVERLOADED,
                Status.UNAVAILABLE, Reason.UNAVAILABLE,
                Status.DEADLINE_EXCEEDED, Reason.UNAVAILABLE);
        expected.forEach((status, reason) -> {
            ChatmeshException refusal = RemoteErrors.toChatmeshException(status.withDescription("no details")
                    .asRuntimeException());
            assertThat(refusal.kind().name()).isEqualTo(status.getCode().name());
            assertThat(refusal.reason()).as(status.getCode().name()).isEqualTo(reason);
        });
    }

    @Test
    void aCodeWithoutAKindOfItsOwnIsUnavailable() {
        ChatmeshException refusal = RemoteErrors.toChatmeshException(Status.INTERNAL.asRuntimeException());

        assertThat(refusal.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(refusal.reason()).isEqualTo(Reason.UNAVAILABLE);
    }

    @Test
    void theRemoteReasonAndFieldViolationsAreKept() {
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(Code.PERMISSION_DENIED_VALUE).setMessage("not yours")
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("NOT_A_MEMBER").setDomain(GrpcErrors.DOMAIN).build()))
                .addDetails(Any.pack(BadRequest.newBuilder().addFieldViolations(BadRequest.FieldViolation.newBuilder()
                        .setField("attachment_ids[1]").setDescription("unknown attachment")).build()))
                .build();

        ChatmeshException refusal = RemoteErrors.toChatmeshException(StatusProto.toStatusRuntimeException(status));

        assertThat(refusal.kind()).isEqualTo(Kind.PERMISSION_DENIED);
        assertThat(refusal.reason()).isEqualTo(Reason.NOT_A_MEMBER);
        assertThat(refusal.violations())
                .containsExactly(new ChatmeshException.Violation("attachment_ids[1]", "unknown attachment"));
    }
}

package io.chatmesh.user.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Status checks for calls over a real channel. */
final class GrpcAssertions {

    private GrpcAssertions() {}

    static StatusRuntimeException assertStatus(Status.Code expected, ThrowingCallable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call);
        assertThat(e).as("expected %s", expected).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(expected);
        return e;
    }

    /** The fields named in the BadRequest detail of an INVALID_ARGUMENT failure. */
    static List<String> violatedFields(ThrowingCallable call) {
        StatusRuntimeException e = assertStatus(Status.Code.INVALID_ARGUMENT, call);
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        assertThat(status).isNotNull();
        return status.getDetailsList().stream()
                .filter(any -> any.is(BadRequest.class))
                .flatMap(any -> unpack(any).getFieldViolationsList().stream())
                .map(BadRequest.FieldViolation::getField)
                .toList();
    }

    private static BadRequest unpack(Any any) {
        try {
            return any.unpack(BadRequest.class);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}

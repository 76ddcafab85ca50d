package io.chatmesh.user.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.chatmesh.testkit.GrpcErrors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
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
        return GrpcErrors.violatedFields(call::call);
    }
}

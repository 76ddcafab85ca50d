package io.chatmesh.platform.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.chatmesh.platform.grpc.GrpcErrors;
import io.chatmesh.proto.common.v1.StreamError;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GrpcErrorsTest {

    @Test
    void validationCollectsEveryViolationAndTheStatusCarriesThemAsBadRequest() {
        Validation validation = new Validation()
                .id("room_id", "nope")
                .length("text", "x".repeat(4001), 1, 4000)
                .length("client_id", "ok", 1, 64);
        assertThat(validation.ok()).isFalse();

        ChatmeshException failure = catchFailure(validation);
        StatusException status = GrpcErrors.toStatusException(failure);
        assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

        com.google.rpc.Status details = StatusProto.fromThrowable(status);
        BadRequest badRequest = details.getDetailsList().stream().filter(a -> a.is(BadRequest.class))
                .map(a -> unpack(a, BadRequest.class)).findFirst().orElseThrow();
        assertThat(badRequest.getFieldViolationsList()).extracting(BadRequest.FieldViolation::getField)
                .containsExactly("room_id", "text");
        ErrorInfo info = details.getDetailsList().stream().filter(a -> a.is(ErrorInfo.class))
                .map(a -> unpack(a, ErrorInfo.class)).findFirst().orElseThrow();
        assertThat(info.getReason()).isEqualTo("INVALID_FIELD");
        assertThat(info.getDomain()).isEqualTo(GrpcErrors.DOMAIN);
    }

    @Test
    void streamErrorsNameTheClientEventAndKeepTheViolations() {
        StreamError error = GrpcErrors.toStreamError("c-7", ChatmeshException.invalid("send.text", "is required"));
        assertThat(error.getClientId()).isEqualTo("c-7");
        assertThat(error.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        assertThat(error.getFieldViolationsList()).extracting(f -> f.getField()).containsExactly("send.text");

        assertThat(GrpcErrors.toStreamError("c-8", ChatmeshException.notMember("r")).getCode())
                .isEqualTo(Status.Code.PERMISSION_DENIED.value());
        assertThat(GrpcErrors.toStreamError("c-9", new IllegalStateException("secret detail")).getCode())
                .isEqualTo(Status.Code.INTERNAL.value());
        assertThat(GrpcErrors.toStreamError("c-9", new IllegalStateException("secret detail")).getMessage())
                .doesNotContain("secret");
    }

    @Test
    void validIdsAndLengthsPass() {
        new Validation().id("room_id", "01JD0000000000000000000000").length("text", "hi", 1, 10)
                .optionalId("reply_to_id", "").check();
        assertThatThrownBy(() -> new Validation().optionalId("reply_to_id", "01jd0000000000000000000000").check())
                .isInstanceOf(ChatmeshException.class);
    }

    private static ChatmeshException catchFailure(Validation validation) {
        try {
            validation.check();
        } catch (ChatmeshException e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }

    private static <T extends com.google.protobuf.Message> T unpack(com.google.protobuf.Any any, Class<T> type) {
        try {
            return any.unpack(type);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aRateLimitCarriesItsRetryDelayInTheStatusAndInTheStreamError() {
        ChatmeshException limited = ChatmeshException.rateLimited("slow down", Duration.ofMillis(1500));

        com.google.rpc.Status details = StatusProto.fromThrowable(GrpcErrors.toStatusException(limited));
        assertThat(details.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
        RetryInfo retry = details.getDetailsList().stream().filter(a -> a.is(RetryInfo.class))
                .map(a -> unpack(a, RetryInfo.class)).findFirst().orElseThrow();
        assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(1);
        assertThat(retry.getRetryDelay().getNanos()).isEqualTo(500_000_000);

        StreamError error = GrpcErrors.toStreamError("c1", limited);
        assertThat(error.getReason()).isEqualTo("RATE_LIMITED");
        assertThat(error.getRetryDelay()).isEqualTo(retry.getRetryDelay());

        assertThat(GrpcErrors.toStreamError("c2", ChatmeshException.notMember("r")).hasRetryDelay()).isFalse();
    }
}

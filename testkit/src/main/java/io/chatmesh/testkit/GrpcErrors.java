package io.chatmesh.testkit;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;

/** What a failed call over a real channel says: the fields it names. */
public final class GrpcErrors {

    /** A call expected to fail. */
    @FunctionalInterface
    public interface Call {
        void run() throws Throwable;
    }

    private GrpcErrors() {}

    /** The fields named in the BadRequest detail of the INVALID_ARGUMENT failure the call must end with. */
    public static List<String> violatedFields(Call call) {
        StatusRuntimeException failure;
        try {
            call.run();
            throw new AssertionError("expected INVALID_ARGUMENT, the call succeeded");
        } catch (StatusRuntimeException e) {
            failure = e;
        } catch (Throwable e) {
            throw new AssertionError("expected INVALID_ARGUMENT, got " + e, e);
        }
        if (failure.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
            throw new AssertionError("expected INVALID_ARGUMENT, got " + failure.getStatus());
        }
        com.google.rpc.Status status = StatusProto.fromThrowable(failure);
        if (status == null) {
            throw new AssertionError("INVALID_ARGUMENT without details");
        }
        return status.getDetailsList().stream()
                .filter(any -> any.is(BadRequest.class))
                .flatMap(any -> unpack(any, BadRequest.class).getFieldViolationsList().stream())
                .map(BadRequest.FieldViolation::getField)
                .toList();
    }

    /** The chatmesh reason (google.rpc.ErrorInfo) a failure's status carries; "" if it has none. */
    public static String reason(Throwable failure) {
        com.google.rpc.Status status = StatusProto.fromThrowable(failure);
        if (status == null) {
            return "";
        }
        return status.getDetailsList().stream()
                .filter(any -> any.is(ErrorInfo.class))
                .map(any -> unpack(any, ErrorInfo.class).getReason())
                .findFirst().orElse("");
    }

    private static <T extends com.google.protobuf.Message> T unpack(Any any, Class<T> type) {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}

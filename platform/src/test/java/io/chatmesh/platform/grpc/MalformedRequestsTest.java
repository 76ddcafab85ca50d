package io.chatmesh.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.proto.user.v1.GetMeRequest;
import io.chatmesh.proto.user.v1.GetMeResponse;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.grpc.server.service.GrpcService;

/**
 * Garbage where a request should be — bytes that are no protobuf, a compressed frame that
 * inflates past the limit, an oversized frame — gets a clear status, never reaches the handler,
 * and logs nothing, so no caller can fill the logs; well-formed calls go on as ever.
 */
@ExtendWith({OutputCaptureExtension.class, ServerChannelResolver.class})
@SpringBootTest(classes = {TestGrpcServerApp.class, MalformedRequestsTest.CountingGetMe.class},
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.grpc.server.port=0", "test.public-methods=chatmesh.user.v1.UserService/GetMe",
                "spring.grpc.server.max-inbound-message-size=64KB"})
class MalformedRequestsTest {

    private static final MethodDescriptor<byte[], byte[]> RAW_GET_ME = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(UserServiceGrpc.getGetMeMethod().getFullMethodName())
            .setRequestMarshaller(RawBytes.MARSHALLER).setResponseMarshaller(RawBytes.MARSHALLER).build();

    @GrpcService
    static class CountingGetMe extends UserServiceGrpc.UserServiceImplBase {

        final AtomicInteger calls = new AtomicInteger();

        @Override
        public void getMe(GetMeRequest request, StreamObserver<GetMeResponse> response) {
            calls.incrementAndGet();
            response.onNext(GetMeResponse.getDefaultInstance());
            response.onCompleted();
        }
    }

    @Autowired
    CountingGetMe service;

    @Test
    void garbageGetsAStatusNeverReachesTheHandlerAndLogsNothing(ManagedChannel channel, CapturedOutput output) {
        byte[] notProtobuf = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x0a, 0x7f};
        int before = service.calls.get();

        assertThat(codeOf(channel, notProtobuf, CallOptions.DEFAULT)).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(codeOf(channel, bigValidRequest(), CallOptions.DEFAULT.withCompression("gzip")))
                .as("1 MiB inflated from a few KiB").isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(codeOf(channel, new byte[1 << 20], CallOptions.DEFAULT)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(service.calls).hasValue(before);

        assertThat(UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getMe(GetMeRequest.getDefaultInstance())).isEqualTo(GetMeResponse.getDefaultInstance());
        assertThat(service.calls).hasValue(before + 1);
        assertThat(output.getAll()).doesNotContain("Exception while executing runnable")
                .doesNotContain("Exception processing message").doesNotContain("InvalidProtocolBufferException");
    }

    @Test
    void unknownFieldsOfAnyNumberAreIgnoredNotTakenForGarbage(ManagedChannel channel) {
        // field 536870911 (the largest there is) = 3, as a varint: nothing a client sends marks a request as garbage
        byte[] unknownField = {(byte) 0xf8, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x03};
        int before = service.calls.get();

        assertThat(codeOf(channel, unknownField, CallOptions.DEFAULT)).isEqualTo(Status.Code.OK);
        assertThat(service.calls).hasValue(before + 1);
    }

    /** A well-formed GetMeRequest of 1 MiB: one unknown bytes field (number 100) of zeros. */
    private static byte[] bigValidRequest() {
        byte[] request = new byte[5 + (1 << 20)];
        byte[] header = {(byte) 0xA2, 0x06, (byte) 0x80, (byte) 0x80, 0x40}; // tag 100/bytes, length 2^20
        System.arraycopy(header, 0, request, 0, header.length);
        return request;
    }

    private static Status.Code codeOf(ManagedChannel channel, byte[] request, CallOptions options) {
        try {
            ClientCalls.blockingUnaryCall(channel, RAW_GET_ME, options.withDeadlineAfter(10, TimeUnit.SECONDS), request);
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }
}

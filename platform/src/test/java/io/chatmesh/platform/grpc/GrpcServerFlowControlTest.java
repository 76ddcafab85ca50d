package io.chatmesh.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.message.v1.DownloadAttachmentRequest;
import io.chatmesh.proto.message.v1.DownloadAttachmentResponse;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.grpc.server.service.GrpcService;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * HTTP/2 flow control both ways: a client cannot make the server buffer more of a call's frames
 * than {@code chatmesh.grpc.flow-control-window} while the server does not read them, and a
 * client that does not read its responses, then cancels, costs the server no log lines.
 */
@ExtendWith({OutputCaptureExtension.class, ServerChannelResolver.class})
@SpringBootTest(classes = {TestGrpcServerApp.class, GrpcServerFlowControlTest.EndlessDownload.class,
        GrpcServerFlowControlTest.NeverReads.class}, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.grpc.server.port=0",
                "test.public-methods=chatmesh.chat.v1.ChatService/Connect,"
                        + "chatmesh.message.v1.MessageService/DownloadAttachment",
                "chatmesh.grpc.flow-control-window=64KB"})
class GrpcServerFlowControlTest {

    private static final int EVENT_BYTES = 1000;

    /** Connect that never asks for the client's events (as a stream paused after a refusal). */
    @GrpcService
    static class NeverReads extends ChatServiceGrpc.ChatServiceImplBase {

        @Override
        public StreamObserver<ClientEvent> connect(StreamObserver<ServerEvent> response) {
            ((ServerCallStreamObserver<ServerEvent>) response).disableAutoRequest();
            return new StreamObserver<>() {
                @Override public void onNext(ClientEvent event) {}
                @Override public void onError(Throwable t) {}
                @Override public void onCompleted() {}
            };
        }
    }

    /** DownloadAttachment that writes chunks whenever the stream is ready, for ever. */
    @GrpcService
    static class EndlessDownload extends MessageServiceGrpc.MessageServiceImplBase {

        final AtomicLong written = new AtomicLong();

        @Override
        public void downloadAttachment(DownloadAttachmentRequest request,
                StreamObserver<DownloadAttachmentResponse> response) {
            ServerCallStreamObserver<DownloadAttachmentResponse> stream =
                    (ServerCallStreamObserver<DownloadAttachmentResponse>) response;
            DownloadAttachmentResponse chunk = DownloadAttachmentResponse.newBuilder()
                    .setChunk(ByteString.copyFrom(new byte[EVENT_BYTES])).build();
            stream.setOnCancelHandler(() -> {});
            stream.setOnReadyHandler(() -> {
                while (stream.isReady() && !stream.isCancelled()) {
                    stream.onNext(chunk);
                    written.addAndGet(EVENT_BYTES);
                }
            });
        }
    }

    @Autowired
    EndlessDownload download;

    @Test
    void aClientThatIsNotReadStopsAfterTheWindow(ManagedChannel channel) throws Exception {
        AtomicReference<ClientCallStreamObserver<ClientEvent>> call = new AtomicReference<>();
        ChatServiceGrpc.newStub(channel).connect(new ClientResponseObserver<ClientEvent, ServerEvent>() {
            @Override public void beforeStart(ClientCallStreamObserver<ClientEvent> requests) { call.set(requests); }
            @Override public void onNext(ServerEvent event) {}
            @Override public void onError(Throwable t) {}
            @Override public void onCompleted() {}
        });
        ClientEvent event = ClientEvent.newBuilder().setClientId("x".repeat(EVENT_BYTES)).build();
        long sent = 0;
        // send while the stream is ready; it stays unready once the server's window is full
        long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sent < 4 * 1024 * 1024 && System.nanoTime() < giveUpAt) {
            if (call.get().isReady()) {
                call.get().onNext(event);
                sent += EVENT_BYTES;
            } else {
                TimeUnit.MILLISECONDS.sleep(200);
                if (!call.get().isReady()) {
                    break;
                }
            }
        }
        // 64 KB in the server's window, plus what gRPC lets the client queue before it is not
        // ready (32 KB); with gRPC's default window of 1 MB the client gets past 1 MB
        assertThat(sent).isBetween(64L * 1024, 256L * 1024);
        call.get().cancel("done", null);
    }

    @Test
    void aClientThatCancelsWhileItsResponsesWaitForItsWindowCostsNoLogLines(ManagedChannel channel,
            CapturedOutput output) throws Exception {
        AtomicReference<ClientCallStreamObserver<DownloadAttachmentRequest>> call = new AtomicReference<>();
        MessageServiceGrpc.newStub(channel).downloadAttachment(DownloadAttachmentRequest.getDefaultInstance(),
                new ClientResponseObserver<DownloadAttachmentRequest, DownloadAttachmentResponse>() {
                    @Override public void beforeStart(ClientCallStreamObserver<DownloadAttachmentRequest> requests) {
                        requests.disableAutoRequestWithInitial(0); // reads nothing
                        call.set(requests);
                    }
                    @Override public void onNext(DownloadAttachmentResponse response) {}
                    @Override public void onError(Throwable t) {}
                    @Override public void onCompleted() {}
                });
        // the client's window (1 MB) fills, and the server's next chunks wait for it
        long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long seen = -1;
        while (System.nanoTime() < giveUpAt && download.written.get() != seen) {
            seen = download.written.get();
            TimeUnit.MILLISECONDS.sleep(300);
        }
        assertThat(download.written.get()).isGreaterThan(1024L * 1024);

        call.get().cancel("gone", null);
        TimeUnit.MILLISECONDS.sleep(500);
        assertThat(output.getAll()).doesNotContain("Stream Error").doesNotContain("Stream closed before write");
    }

    @Test
    void aWindowOutsideWhatHttp2AllowsOrNoCallsPerConnectionStopsStartupNamingTheSetting() {
        GrpcServerLimitsAutoConfiguration limits = new GrpcServerLimitsAutoConfiguration();
        for (DataSize window : List.of(DataSize.ofBytes(0), DataSize.ofGigabytes(4))) {
            assertThatThrownBy(() -> limits.chatmeshServerLimits(1000, window))
                    .isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
                            invalid -> assertThat(invalid.getName()).isEqualTo("chatmesh.grpc.flow-control-window"));
        }
        assertThatThrownBy(() -> limits.chatmeshServerLimits(0, DataSize.ofKilobytes(64)))
                .isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
                        invalid -> assertThat(invalid.getName()).isEqualTo("chatmesh.grpc.max-concurrent-calls-per-connection"));
    }
}

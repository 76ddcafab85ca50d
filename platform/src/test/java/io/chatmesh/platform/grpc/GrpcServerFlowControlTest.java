package io.chatmesh.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.platform.auth.AuthPolicy;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.grpc.server.service.GrpcService;

/**
 * A client cannot make the server buffer more of a call's frames than
 * {@code chatmesh.grpc.flow-control-window} while the server does not read them: past the
 * window the frames wait on the client, whose stream stops being ready.
 */
@SpringBootTest(classes = GrpcServerFlowControlTest.TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.grpc.server.port=0", "chatmesh.grpc.flow-control-window=64KB"})
class GrpcServerFlowControlTest {

    private static final int EVENT_BYTES = 1000;

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class TestApp {

        @Bean
        AuthPolicy openConnect() {
            return new AuthPolicy(Set.of(ChatServiceGrpc.getConnectMethod().getFullMethodName()), Set.of());
        }

        @Bean
        NeverReads neverReads() {
            return new NeverReads();
        }
    }

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

    @Autowired
    GrpcServerLifecycle lifecycle;

    @Test
    void aClientThatIsNotReadStopsAfterTheWindow() throws Exception {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", lifecycle.getPort(),
                InsecureChannelCredentials.create()).build();
        try {
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
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}

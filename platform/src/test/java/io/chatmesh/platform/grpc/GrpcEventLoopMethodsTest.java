package io.chatmesh.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Ping;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.SendMessageResponse;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.FastThreadLocalThread;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.grpc.server.service.GrpcService;

/**
 * {@code chatmesh.grpc.event-loop-methods}: a listed method's callbacks run on the connection's
 * event loop (a Netty thread), its handler method and every other method's calls on gRPC's
 * executor (so does an event that arrives before the call has started).
 */
@ExtendWith(ServerChannelResolver.class)
@SpringBootTest(classes = {TestGrpcServerApp.class, GrpcEventLoopMethodsTest.ThreadsSeen.class},
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.grpc.server.port=0",
                "test.public-methods=chatmesh.chat.v1.ChatService/Connect,chatmesh.chat.v1.ChatService/SendMessage",
                "chatmesh.grpc.event-loop-methods=chatmesh.chat.v1.ChatService/Connect"})
class GrpcEventLoopMethodsTest {

    /** Records the thread each handler ran on. */
    @GrpcService
    static class ThreadsSeen extends ChatServiceGrpc.ChatServiceImplBase {

        final CompletableFuture<Thread> connectStarted = new CompletableFuture<>();
        /** The thread of each Connect event, by its ping's nonce. */
        final Map<Long, Thread> connectEvents = new ConcurrentHashMap<>();
        final CompletableFuture<Thread> unaryCall = new CompletableFuture<>();

        @Override
        public StreamObserver<ClientEvent> connect(StreamObserver<ServerEvent> response) {
            connectStarted.complete(Thread.currentThread());
            return new StreamObserver<>() {
                @Override
                public void onNext(ClientEvent event) {
                    connectEvents.put(event.getPing().getNonce(), Thread.currentThread());
                    response.onNext(ServerEvent.getDefaultInstance());
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {
                    response.onCompleted();
                }
            };
        }

        @Override
        public void sendMessage(SendMessageRequest request, StreamObserver<SendMessageResponse> response) {
            unaryCall.complete(Thread.currentThread());
            response.onNext(SendMessageResponse.getDefaultInstance());
            response.onCompleted();
        }
    }

    @Autowired
    ThreadsSeen seen;

    @Test
    void aListedMethodsEventsRunOnTheEventLoopAndNothingElseDoes(ManagedChannel channel) throws Exception {
        BlockingQueue<ServerEvent> answers = new LinkedBlockingQueue<>();
        StreamObserver<ClientEvent> events = ChatServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
            @Override
            public void onNext(ServerEvent event) {
                answers.add(event);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        });
        // the call's first event may arrive with its headers and run where the call starts
        for (long nonce = 1; nonce <= 2; nonce++) {
            events.onNext(ClientEvent.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)).build());
            assertThat(answers.poll(10, TimeUnit.SECONDS)).isNotNull();
        }
        events.onCompleted();
        ChatServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .sendMessage(SendMessageRequest.getDefaultInstance());

        assertThat(seen.connectEvents.get(2L)).isInstanceOf(FastThreadLocalThread.class);
        assertThat(seen.connectStarted.get(10, TimeUnit.SECONDS)).isNotInstanceOf(FastThreadLocalThread.class);
        assertThat(seen.unaryCall.get(10, TimeUnit.SECONDS)).isNotInstanceOf(FastThreadLocalThread.class);
    }
}

package io.chatmesh.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.proto.user.v1.GetMeRequest;
import io.chatmesh.proto.user.v1.GetMeResponse;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.grpc.server.service.GrpcService;

/**
 * A client cannot have more calls open on one connection than the server allows: the rest wait
 * on the client until earlier ones finish (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS).
 */
@ExtendWith(ServerChannelResolver.class)
@SpringBootTest(classes = {TestGrpcServerApp.class, GrpcServerLimitsTest.SlowGetMe.class},
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.grpc.server.port=0", "test.public-methods=chatmesh.user.v1.UserService/GetMe",
                "chatmesh.grpc.max-concurrent-calls-per-connection=2"})
class GrpcServerLimitsTest {

    /** GetMe answers only when the test lets it, and records how many calls were open at once. */
    @GrpcService
    static class SlowGetMe extends UserServiceGrpc.UserServiceImplBase {

        final Semaphore answers = new Semaphore(0);
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger mostOpen = new AtomicInteger();
        final AtomicInteger arrived = new AtomicInteger();

        @Override
        public void getMe(GetMeRequest request, StreamObserver<GetMeResponse> response) {
            arrived.incrementAndGet();
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            Thread.startVirtualThread(() -> {
                answers.acquireUninterruptibly();
                open.decrementAndGet();
                response.onNext(GetMeResponse.getDefaultInstance());
                response.onCompleted();
            });
        }
    }

    @Autowired
    SlowGetMe service;

    @Test
    void callsBeyondTheLimitWaitOnTheClientUntilEarlierOnesFinish(ManagedChannel channel) throws Exception {
        UserServiceGrpc.UserServiceFutureStub users = UserServiceGrpc.newFutureStub(channel);
        List<com.google.common.util.concurrent.ListenableFuture<GetMeResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(users.withDeadlineAfter(30, TimeUnit.SECONDS).getMe(GetMeRequest.getDefaultInstance()));
        }
        awaitArrived(2);
        assertThat(service.arrived).hasValue(2);

        service.answers.release(5);
        for (var call : calls) {
            call.get(30, TimeUnit.SECONDS);
        }
        assertThat(service.arrived).hasValue(5);
        assertThat(service.mostOpen.get()).isEqualTo(2);
    }

    private void awaitArrived(int calls) throws InterruptedException {
        long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (service.arrived.get() < calls && System.nanoTime() < giveUpAt) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        // a moment for any call beyond the limit that (wrongly) got through
        TimeUnit.MILLISECONDS.sleep(300);
    }
}

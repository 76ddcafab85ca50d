package io.chatmesh.user.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.rpc.ErrorInfo;
import io.chatmesh.proto.user.v1.LogInRequest;
import io.chatmesh.proto.user.v1.LogInResponse;
import io.chatmesh.proto.user.v1.SignUpRequest;
import io.chatmesh.proto.user.v1.SignUpResponse;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.testkit.TestPostgres;
import io.chatmesh.user.UserServiceApplication;
import io.chatmesh.user.config.AuthProperties;
import io.chatmesh.user.domain.BoundedPasswordHasher;
import io.chatmesh.user.domain.GatedPasswordHasher;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcPort;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service's password-hash limit, over gRPC: the limiter as configured, in front of a gate
 * that stands in for argon2id so the test decides when hashes finish.
 */
@SpringBootTest(classes = {UserServiceApplication.class, PasswordHashLimitTest.GatedHashing.class},
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
                "spring.config.name=" + UserServiceApplication.CONFIG_NAME,
                "spring.grpc.server.port=0",
                TestDatabase.CHEAP_HASH_MEMORY,
                TestDatabase.CHEAP_HASH_ITERATIONS,
                "chatmesh.auth.argon2.max-concurrent=2",
                "chatmesh.auth.argon2.max-waiting=3",
                "chatmesh.auth.argon2.max-wait=1m"})
@Timeout(60)
class PasswordHashLimitTest {

    private static final String PASSWORD = "correct horse battery";
    private static final String JDBC_URL = TestPostgres.newDatabase();

    @TestConfiguration(proxyBeanMethods = false)
    static class GatedHashing {

        @Bean
        GatedPasswordHasher gate() {
            return new GatedPasswordHasher();
        }

        @Bean
        @Primary
        BoundedPasswordHasher gatedLimiter(GatedPasswordHasher gate, AuthProperties properties) {
            return new BoundedPasswordHasher(gate, properties.argon2().limits(), CallDeadline::timeLeft);
        }
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> JDBC_URL);
        registry.add("spring.datasource.username", () -> TestPostgres.USER);
        registry.add("spring.datasource.password", () -> TestPostgres.PASSWORD);
    }

    @LocalGrpcPort
    int port;

    @Autowired
    GatedPasswordHasher gate;

    @Autowired
    BoundedPasswordHasher limiter;

    @Autowired
    Jdbi jdbi;

    ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        gate.open();
        // calls a test left behind finish before the next test closes the gate again
        await().until(() -> gate.running() == 0 && waiting() == 0);
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void signUpsBeyondTheHashesRunningAndWaitingAreRefusedWithResourceExhaustedAndStoreNothing() throws Exception {
        gate.close();
        List<String> usernames = new ArrayList<>();
        List<ListenableFuture<SignUpResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String username = "rush" + i;
            usernames.add(username);
            calls.add(users().signUp(SignUpRequest.newBuilder().setUsername(username).setPassword(PASSWORD).build()));
        }

        // 2 hashing and 3 waiting (max-concurrent, max-waiting): the other 7 are refused without waiting
        await().until(() -> calls.stream().filter(Future::isDone).count() == 7);
        assertThat(gate.running()).isEqualTo(2);
        gate.open();

        List<String> accepted = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < calls.size(); i++) {
            Status.Code outcome = outcome(calls.get(i));
            if (outcome == Status.Code.OK) {
                accepted.add(usernames.get(i));
            } else {
                assertThat(outcome).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                refused++;
            }
        }
        assertThat(accepted).hasSize(5);
        assertThat(refused).isEqualTo(7);
        assertThat(storedUsernamesStartingWith("rush")).containsExactlyInAnyOrderElementsOf(accepted);
        assertThat(gate.mostRunning()).isEqualTo(2);
    }

    @Test
    void aRefusalSaysRateLimited() throws Exception {
        gate.close();
        List<ListenableFuture<SignUpResponse>> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            held.add(users().signUp(SignUpRequest.newBuilder().setUsername("held" + i).setPassword(PASSWORD).build()));
        }
        await().until(() -> gate.running() == 2 && waiting() == 3);

        ExecutionException refused = catchThrowableOfType(ExecutionException.class,
                () -> users().logIn(LogInRequest.newBuilder().setUsername("held0").setPassword(PASSWORD).build()).get());
        assertThat(Status.fromThrowable(refused.getCause()).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        com.google.rpc.Status details = StatusProto.fromThrowable(refused.getCause());
        assertThat(details).isNotNull();
        assertThat(details.getDetailsList()).filteredOn(any -> any.is(ErrorInfo.class)).singleElement()
                .satisfies(any -> assertThat(any.unpack(ErrorInfo.class).getReason()).isEqualTo("OVERLOADED"));

        gate.open();
        for (ListenableFuture<SignUpResponse> call : held) {
            assertThat(call.get().getUser().getUsername()).startsWith("held");
        }
    }

    @Test
    void aCallWaitingForATurnLeavesTheQueueWhenItsDeadlinePasses() throws Exception {
        gate.close();
        List<ListenableFuture<SignUpResponse>> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            held.add(users().signUp(SignUpRequest.newBuilder().setUsername("slow" + i).setPassword(PASSWORD).build()));
        }
        await().until(() -> gate.running() == 2);

        ListenableFuture<LogInResponse> impatient = UserServiceGrpc.newFutureStub(channel)
                .withDeadlineAfter(2, TimeUnit.SECONDS)
                .logIn(LogInRequest.newBuilder().setUsername("slow0").setPassword(PASSWORD).build());
        await().pollInterval(Duration.ofMillis(10)).until(() -> waiting() == 1);

        // max-wait is a minute: only the call's own deadline can send it away
        await().until(() -> waiting() == 0);
        // the client's own timer usually fires first; the server's refusal may beat it
        assertThat(outcome(impatient)).isIn(Status.Code.DEADLINE_EXCEEDED, Status.Code.RESOURCE_EXHAUSTED);
        assertThat(gate.running()).isEqualTo(2);

        gate.open();
        for (ListenableFuture<SignUpResponse> call : held) {
            assertThat(call.get().getUser().getUsername()).startsWith("slow");
        }
    }

    private UserServiceGrpc.UserServiceFutureStub users() {
        return UserServiceGrpc.newFutureStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES);
    }

    private int waiting() {
        return limiter.waiting();
    }

    private List<String> storedUsernamesStartingWith(String prefix) {
        return jdbi.withHandle(h -> h.createQuery("SELECT username FROM users WHERE username LIKE :prefix || '%'")
                .bind("prefix", prefix).mapTo(String.class).list());
    }

    private static Status.Code outcome(Future<?> call) {
        try {
            call.get();
            return Status.Code.OK;
        } catch (ExecutionException e) {
            return Status.fromThrowable(e.getCause()).getCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

package io.chatmesh.user.api;

import io.chatmesh.proto.user.v1.LogInRequest;
import io.chatmesh.proto.user.v1.SignUpRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.testkit.TestPostgres;
import io.chatmesh.user.UserServiceApplication;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcPort;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole user-service on a real socket and a real PostgreSQL (one database for the test
 * classes that extend this, which share the Spring context), with cheap password hashing, a
 * plaintext channel to it per test, and users signed up and logged in through its contract.
 */
@SpringBootTest(classes = UserServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
                "spring.config.name=" + UserServiceApplication.CONFIG_NAME,
                "spring.grpc.server.port=0",
                // chat-service does not run here: co-member presence checks fail closed
                TestDatabase.NO_CHAT_SERVICE,
                TestDatabase.CHEAP_HASH_MEMORY,
                TestDatabase.CHEAP_HASH_ITERATIONS})
abstract class UserServiceApiTestSupport {

    static final String PASSWORD = "correct horse battery";
    private static final String JDBC_URL = TestPostgres.newDatabase();
    private static final AtomicInteger sequence = new AtomicInteger();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> JDBC_URL);
        registry.add("spring.datasource.username", () -> TestPostgres.USER);
        registry.add("spring.datasource.password", () -> TestPostgres.PASSWORD);
    }

    @LocalGrpcPort
    int port;

    @Autowired
    Jdbi jdbi;

    ManagedChannel channel;

    /** A signed-up, logged-in user. */
    record Person(String id, String token) {}

    @BeforeEach
    void connect() {
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** A name no other test of these classes uses: {@code base} and a number. */
    static String uniqueName(String base) {
        return base + sequence.incrementAndGet();
    }

    /** Signs up a new user (named {@code base} and a number) and logs them in. */
    Person newUser(String base) {
        String username = uniqueName(base);
        var anonymous = UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        String id = anonymous.signUp(SignUpRequest.newBuilder().setUsername(username).setPassword(PASSWORD).build())
                .getUser().getId();
        String token = anonymous.logIn(LogInRequest.newBuilder().setUsername(username).setPassword(PASSWORD).build())
                .getTokens().getAccessToken();
        return new Person(id, token);
    }
}

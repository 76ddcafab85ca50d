package io.chatmesh.signaling.api;

import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.signaling.SignalingServiceApplication;
import io.chatmesh.testkit.TestRelationshipService;
import io.chatmesh.testkit.TestRoomService;
import io.chatmesh.testkit.TestTokens;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcPort;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What the signaling API tests share: signaling-service on a real port, a channel to it per
 * test, test tokens, and doubles on real ports of chat-service ({@link #ROOMS}: rooms,
 * memberships, call notes) and user-service ({@link #USERS}: blocks). Subclasses add their own
 * settings with {@code @TestPropertySource}.
 *
 * <p>The doubles are static and shared by every test class in the JVM, so a Spring context
 * cached by one class still reaches them in the next; they stop with the JVM.
 */
@SpringBootTest(classes = {SignalingServiceApplication.class, SignalingApiTest.TestTokenVerifier.class},
        properties = {"spring.config.name=signaling-service", "spring.grpc.server.port=0"})
abstract class SignalingApiTest {

    static final TestTokens TOKENS = new TestTokens();
    static final TestRoomService ROOMS = new TestRoomService(TOKENS.verifier());
    static final TestRelationshipService USERS = new TestRelationshipService(TOKENS.verifier());

    @DynamicPropertySource
    static void doubles(DynamicPropertyRegistry registry) {
        registry.add("spring.grpc.client.channels.rooms.address", ROOMS::address);
        registry.add("spring.grpc.client.channels.users.address", USERS::address);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class TestTokenVerifier {
        @Bean
        @Primary
        AccessTokenVerifier testAccessTokenVerifier() {
            return TOKENS.verifier();
        }
    }

    @LocalGrpcPort
    int port;

    /** To the signaling-service under test; a new one per test. */
    ManagedChannel channel;

    @BeforeEach
    void openChannel() {
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}

package io.chatmesh.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.InProcessEventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.testkit.TestPostgres;
import io.chatmesh.testkit.TestTokens;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcPort;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * chat-service on a real port over a fresh PostgreSQL database, with test tokens, a test
 * user directory (user-service does not run here) and a {@link TestMessageService} on a real
 * port that stores what the in-process bus ({@link AckGatedEventBus}) carries. Subclasses
 * share one application context.
 */
@SpringBootTest(classes = ChatServiceApplication.class, properties = {
        "spring.config.name=" + ChatServiceApplication.CONFIG_NAME,
        "spring.grpc.server.port=0",
        // user-service is never called: token verifier and user directory are test doubles
        "spring.grpc.client.channels.users.address=static://127.0.0.1:9",
        // one typing event per room per session for the whole test run: rate limiting is deterministic
        "chatmesh.chat.typing-interval=1h",
        "chatmesh.chat.history-deadline=30s",
        // how long a resume waits for a lagging history before it gives up (ResumeTest waits that long)
        "chatmesh.chat.history-catch-up-timeout=3s",
        // small enough that a resume reads several pages (of capacity / 2)
        "chatmesh.chat.session-queue-capacity=64",
        // tests post as fast as they can; SendLimitTest checks the limit
        "chatmesh.chat.send-rate=0",
        // a failed publish stays unpublished until the test publishes the room again;
        // RelayRetryTest checks the retries
        "chatmesh.chat.relay-retry-interval=1h",
        "chatmesh.chat.relay-sweep-interval=1h",
        // rooms of up to 3 members share presence, so a test can build a bigger one cheaply
        "chatmesh.chat.presence-room-limit=3"})
@Import(ChatServiceTestBase.TestServices.class)
public abstract class ChatServiceTestBase {

    protected static final TestTokens TOKENS = new TestTokens();
    protected static final TestMessageService MESSAGES = new TestMessageService(TOKENS.verifier());
    private static final String DATABASE_URL = TestPostgres.newDatabase();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> DATABASE_URL);
        registry.add("spring.datasource.username", () -> TestPostgres.USER);
        registry.add("spring.datasource.password", () -> TestPostgres.PASSWORD);
        registry.add("spring.grpc.client.channels.messages.address", MESSAGES::address);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class TestServices {

        @Bean
        @Primary
        AccessTokenVerifier testTokenVerifier() {
            return TOKENS.verifier();
        }

        @Bean
        @Primary
        TestUserDirectory testUserDirectory() {
            return new TestUserDirectory();
        }

        /** The in-process bus, with acknowledgements tests can hold back. */
        @Bean(destroyMethod = "close")
        AckGatedEventBus eventBus() {
            return new AckGatedEventBus(new InProcessEventBus());
        }

        /** The test message service stores room events like message-service's persister. */
        @Bean(destroyMethod = "close")
        EventBus.Subscription testMessagePersister(EventBus bus) {
            MESSAGES.publishReceiptsTo(bus);
            return bus.subscribe(Topics.ROOM_EVENTS, "message-persister", MESSAGES::store);
        }
    }

    /** A message as members other than its sender get it: without the sender's client_id. */
    protected static io.chatmesh.proto.message.v1.Message seenByOthers(io.chatmesh.proto.message.v1.Message message) {
        return message.toBuilder().clearClientId().build();
    }

    /** A signed-in user of the tests. */
    protected record TestUser(String id, String token) {}

    @LocalGrpcPort
    protected int port;

    @Autowired
    protected TestUserDirectory users;

    protected ManagedChannel channel;

    @BeforeEach
    void openChannel() {
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    /** A new user that exists (in the test directory) with a valid token. */
    protected TestUser newUser() {
        String id = Ids.newId();
        users.register(id);
        return new TestUser(id, TOKENS.issue(id, "user-" + id.substring(20).toLowerCase()));
    }

    protected RoomServiceGrpc.RoomServiceBlockingStub rooms(TestUser user) {
        return RoomServiceGrpc.newBlockingStub(channel).withCallCredentials(BearerCallCredentials.of(user.token()))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    protected ChatServiceGrpc.ChatServiceBlockingStub chat(TestUser user) {
        return ChatServiceGrpc.newBlockingStub(channel).withCallCredentials(BearerCallCredentials.of(user.token()))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    /** A room of {@code kind} owned by {@code owner} with the other users as members. */
    protected Room createRoom(TestUser owner, RoomKind kind, TestUser... members) {
        return rooms(owner).createRoom(CreateRoomRequest.newBuilder()
                .setKind(kind).setName("room " + Ids.newId().substring(18))
                .addAllMemberIds(Arrays.stream(members).map(TestUser::id).toList())
                .build()).getRoom();
    }

    protected static void assertStatus(Status.Code code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
    }
}

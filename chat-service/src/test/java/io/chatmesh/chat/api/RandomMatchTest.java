package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import io.chatmesh.chat.ChatServiceApplication;
import io.chatmesh.chat.SkipTestConfigurations;
import io.chatmesh.chat.TestUserDirectory;
import io.chatmesh.chat.domain.UserDirectory;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.bus.InProcessEventBus;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.room.v1.ListMembersRequest;
import io.chatmesh.proto.room.v1.MatchRandomRequest;
import io.chatmesh.proto.room.v1.MatchRandomResponse;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.testkit.TestPostgres;
import io.chatmesh.testkit.TestTokens;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

/**
 * MatchRandom across two chat-service instances sharing one rooms database (the queue is a
 * table there): first come, first matched; never across a block or with oneself; a cancelled
 * call leaves the queue.
 */
class RandomMatchTest {

    private static final TestTokens TOKENS = new TestTokens();
    private static final TestUserDirectory USERS = new TestUserDirectory();
    private static final InProcessEventBus BUS = new InProcessEventBus();
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private static String databaseUrl;
    private static Instance one;
    private static Instance two;

    private record Instance(ConfigurableApplicationContext context, ManagedChannel channel) {

        static Instance start(String databaseUrl) {
            AtomicInteger port = new AtomicInteger();
            ConfigurableApplicationContext context = ChatServiceApplication.builder()
                    .initializers(ctx -> {
                        ctx.getBeanFactory().registerSingleton("eventBus", BUS);
                        ctx.getBeanFactory().registerSingleton("testAccessTokenVerifier", TOKENS.verifier());
                        ctx.getBeanFactory().registerSingleton("skipTestConfigurations", new SkipTestConfigurations());
                        ((GenericApplicationContext) ctx).registerBean("testUserDirectory", UserDirectory.class,
                                () -> USERS, definition -> definition.setPrimary(true));
                    })
                    .listeners((ApplicationListener<ApplicationEvent>) event -> {
                        if (event instanceof GrpcServerStartedEvent started) {
                            port.set(started.getPort());
                        }
                    })
                    .run("--spring.grpc.server.port=0",
                            "--spring.datasource.url=" + databaseUrl,
                            "--spring.datasource.username=" + TestPostgres.USER,
                            "--spring.datasource.password=" + TestPostgres.PASSWORD,
                            "--spring.grpc.client.channels.users.address=static://127.0.0.1:9",
                            "--spring.grpc.client.channels.messages.address=static://127.0.0.1:9",
                            "--spring.main.banner-mode=off");
            return new Instance(context, Grpc.newChannelBuilderForAddress("127.0.0.1", port.get(),
                    InsecureChannelCredentials.create()).build());
        }

        void stop() throws InterruptedException {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            context.close();
        }
    }

    private record Person(String id, String token) {}

    @BeforeAll
    static void startInstances() {
        databaseUrl = TestPostgres.newDatabase();
        one = Instance.start(databaseUrl);
        two = Instance.start(databaseUrl);
    }

    @AfterAll
    static void stopInstances() throws InterruptedException {
        one.stop();
        two.stop();
        BUS.close();
    }

    @Test
    void ofThreeWaitingUsersOnTwoInstancesTheFirstTwoAreMatchedAndTheThirdKeepsWaiting() throws Exception {
        Person ann = person();
        Person ben = person();
        Person cyd = person();

        ListenableFuture<MatchRandomResponse> annWaits = match(one, ann);
        awaitWaiting(ann);
        ListenableFuture<MatchRandomResponse> benWaits = match(two, ben);
        MatchRandomResponse annMatch = annWaits.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        MatchRandomResponse benMatch = benWaits.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        ListenableFuture<MatchRandomResponse> cydWaits = match(one, cyd);
        awaitWaiting(cyd);

        assertThat(annMatch.getMatchedUserId()).isEqualTo(ben.id());
        assertThat(benMatch.getMatchedUserId()).isEqualTo(ann.id());
        assertThat(annMatch.getRoom().getId()).isEqualTo(benMatch.getRoom().getId());
        assertThat(annMatch.getRoom().getKind()).isEqualTo(RoomKind.ROOM_KIND_DIRECT);
        assertThat(annMatch.getRoom().getDirectUserIdsList()).containsExactlyInAnyOrder(ann.id(), ben.id());
        assertThat(rooms(two, ben).listMembers(ListMembersRequest.newBuilder().setRoomId(annMatch.getRoom().getId())
                .build()).getMembersCount()).isEqualTo(2);

        assertThat(cydWaits.isDone()).as("cyd has nobody to match").isFalse();
        assertThat(waiting()).containsExactly(cyd.id());
        cydWaits.cancel(true);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(waiting()).isEmpty());
    }

    @Test
    void theLongestWaitingFittingUserIsMatchedFirstAndNeverAcrossABlock() throws Exception {
        Person first = person();
        Person second = person();
        Person third = person();
        USERS.block(first.id(), second.id());

        ListenableFuture<MatchRandomResponse> firstWaits = match(one, first);
        awaitWaiting(first);
        ListenableFuture<MatchRandomResponse> secondWaits = match(two, second);
        awaitWaiting(second);
        ListenableFuture<MatchRandomResponse> thirdWaits = match(two, third);

        assertThat(thirdWaits.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getMatchedUserId()).isEqualTo(first.id());
        assertThat(firstWaits.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getMatchedUserId()).isEqualTo(third.id());
        assertThat(secondWaits.isDone()).isFalse();
        assertThat(waiting()).containsExactly(second.id());
        secondWaits.cancel(true);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(waiting()).isEmpty());
    }

    /**
     * The oldest ticket is locked now and then by its own call's attempt; a newcomer's attempt
     * that meets that lock waits for it instead of taking the younger ticket behind it.
     */
    @Test
    void aNewcomerWaitsForTheOldestTicketWhileItsOwnAttemptHoldsIt() throws Exception {
        Person first = person();
        Person second = person();
        Person newcomer = person();
        USERS.block(first.id(), second.id()); // so that both wait
        ListenableFuture<MatchRandomResponse> firstWaits = match(one, first);
        awaitWaiting(first);
        ListenableFuture<MatchRandomResponse> secondWaits = match(two, second);
        awaitWaiting(second);

        ListenableFuture<MatchRandomResponse> newcomerWaits;
        try (Handle attemptOfFirst = Jdbi.create(databaseUrl, TestPostgres.USER, TestPostgres.PASSWORD).open()) {
            attemptOfFirst.begin();
            attemptOfFirst.execute("SELECT 1 FROM random_match_queue WHERE user_id = ? FOR UPDATE", first.id());
            newcomerWaits = match(two, newcomer); // first's attempts, on one, are held up meanwhile
            TimeUnit.MILLISECONDS.sleep(500); // the newcomer's attempts meet the held ticket meanwhile
            assertThat(secondWaits.isDone()).isFalse();
            assertThat(newcomerWaits.isDone()).isFalse();
            attemptOfFirst.commit();
        }

        assertThat(newcomerWaits.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getMatchedUserId()).isEqualTo(first.id());
        assertThat(firstWaits.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getMatchedUserId()).isEqualTo(newcomer.id());
        secondWaits.cancel(true);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(waiting()).isEmpty());
    }

    @Test
    void interestsMustOverlapUnlessEitherGaveNone() throws Exception {
        Person chess = person();
        Person golf = person();
        Person anything = person();

        ListenableFuture<MatchRandomResponse> chessWaits = match(one, chess, "Chess");
        awaitWaiting(chess);
        ListenableFuture<MatchRandomResponse> golfWaits = match(two, golf, "golf");
        awaitWaiting(golf);
        ListenableFuture<MatchRandomResponse> anythingWaits = match(one, anything);

        assertThat(anythingWaits.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getMatchedUserId()).isEqualTo(chess.id());
        assertThat(chessWaits.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).getMatchedUserId()).isEqualTo(anything.id());
        assertThat(golfWaits.isDone()).isFalse();
        golfWaits.cancel(true);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(waiting()).isEmpty());
    }

    @Test
    void aUserWaitsOnceAndACancelledCallLeavesTheQueue() throws Exception {
        Person ann = person();
        ListenableFuture<MatchRandomResponse> waits = match(one, ann);
        awaitWaiting(ann);

        assertStatus(Status.Code.FAILED_PRECONDITION, () -> rooms(two, ann).matchRandom(MatchRandomRequest.getDefaultInstance()));
        assertThat(waits.isDone()).as("never matched with oneself").isFalse();

        waits.cancel(true);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(waiting()).isEmpty());
        // a deadline ends the wait the same way
        assertStatus(Status.Code.DEADLINE_EXCEEDED, () -> RoomServiceGrpc.newBlockingStub(two.channel())
                .withCallCredentials(BearerCallCredentials.of(ann.token())).withDeadlineAfter(1, TimeUnit.SECONDS)
                .matchRandom(MatchRandomRequest.getDefaultInstance()));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(waiting()).isEmpty());
    }

    @Test
    void badRequestsAreRefusedAndQueueNothing() {
        Person ann = person();
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> rooms(one, ann).matchRandom(MatchRandomRequest.newBuilder()
                .addAllInterests(List.of("a", "b", "c", "d", "e", "f")).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> rooms(one, ann).matchRandom(MatchRandomRequest.newBuilder()
                .addInterests("x".repeat(33)).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, () -> rooms(one, ann).matchRandom(MatchRandomRequest.newBuilder()
                .addInterests("").build()));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> RoomServiceGrpc.newBlockingStub(one.channel())
                .withDeadlineAfter(5, TimeUnit.SECONDS).matchRandom(MatchRandomRequest.getDefaultInstance()));
        assertThat(waiting()).isEmpty();
    }

    private static ListenableFuture<MatchRandomResponse> match(Instance instance, Person person, String... interests) {
        return RoomServiceGrpc.newFutureStub(instance.channel())
                .withCallCredentials(BearerCallCredentials.of(person.token()))
                .withDeadlineAfter(2, TimeUnit.MINUTES)
                .matchRandom(MatchRandomRequest.newBuilder().addAllInterests(List.of(interests)).build());
    }

    private static RoomServiceGrpc.RoomServiceBlockingStub rooms(Instance instance, Person person) {
        return RoomServiceGrpc.newBlockingStub(instance.channel())
                .withCallCredentials(BearerCallCredentials.of(person.token())).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    /** Users with a ticket in the shared queue, oldest first. */
    private static List<String> waiting() {
        return Jdbi.create(databaseUrl, TestPostgres.USER, TestPostgres.PASSWORD).withHandle(handle -> handle
                .createQuery("SELECT user_id FROM random_match_queue ORDER BY ticket_id").mapTo(String.class).list());
    }

    private static void awaitWaiting(Person person) {
        await().atMost(PATIENCE).until(() -> waiting().contains(person.id()));
    }

    private static Person person() {
        String id = Ids.newId();
        USERS.register(id);
        return new Person(id, TOKENS.issue(id, "user-" + id.substring(20).toLowerCase()));
    }

    private static void assertStatus(Status.Code code, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).satisfiesAnyOf(
                e -> assertThat(e).isInstanceOfSatisfying(StatusRuntimeException.class,
                        s -> assertThat(s.getStatus().getCode()).isEqualTo(code)),
                e -> assertThat(e).isInstanceOfSatisfying(ExecutionException.class,
                        s -> assertThat(Status.fromThrowable(s.getCause()).getCode()).isEqualTo(code)));
    }
}

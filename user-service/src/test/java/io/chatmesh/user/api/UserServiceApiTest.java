package io.chatmesh.user.api;

import static io.chatmesh.user.api.GrpcAssertions.assertStatus;
import static io.chatmesh.user.api.GrpcAssertions.violatedFields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.common.util.concurrent.ListenableFuture;
import com.nimbusds.jose.jwk.JWKSet;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.auth.JwksAccessTokenVerifier;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.client.GrpcJwksSupplier;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.user.v1.BatchGetUsersRequest;
import io.chatmesh.proto.user.v1.GetJwksRequest;
import io.chatmesh.proto.user.v1.GetMeRequest;
import io.chatmesh.proto.user.v1.GetUserRequest;
import io.chatmesh.proto.user.v1.LogInRequest;
import io.chatmesh.proto.user.v1.LogInResponse;
import io.chatmesh.proto.user.v1.LogOutRequest;
import io.chatmesh.proto.user.v1.RefreshTokenRequest;
import io.chatmesh.proto.user.v1.SearchUsersRequest;
import io.chatmesh.proto.user.v1.SearchUsersResponse;
import io.chatmesh.proto.user.v1.SignUpRequest;
import io.chatmesh.proto.user.v1.SignUpResponse;
import io.chatmesh.proto.user.v1.TokenPair;
import io.chatmesh.proto.user.v1.UpdateMeRequest;
import io.chatmesh.proto.user.v1.User;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.testkit.TestPostgres;
import io.chatmesh.testkit.TestTokens;
import io.chatmesh.user.UserServiceApplication;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcPort;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The whole service on a real socket and a real PostgreSQL, driven through its gRPC contract. */
@SpringBootTest(classes = UserServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
                "spring.config.name=" + UserServiceApplication.CONFIG_NAME,
                "spring.grpc.server.port=0",
                TestDatabase.CHEAP_HASH_MEMORY,
                TestDatabase.CHEAP_HASH_ITERATIONS})
class UserServiceApiTest {

    private static final String PASSWORD = "correct horse battery";
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
    UserServiceGrpc.UserServiceBlockingStub anonymous;

    @BeforeEach
    void connect() {
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
        anonymous = UserServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    // --- SignUp ---------------------------------------------------------------------------------

    @Test
    void signUpStoresTheUsernameLowerCaseAndDefaultsTheDisplayName() {
        String username = unique("Alice.X-");
        User user = users().signUp(SignUpRequest.newBuilder().setUsername(username).setPassword(PASSWORD).build())
                .getUser();

        assertThat(user.getId()).hasSize(26);
        assertThat(user.getUsername()).isEqualTo(username.toLowerCase());
        assertThat(user.getDisplayName()).isEqualTo(username.toLowerCase());
        assertThat(Instant.ofEpochSecond(user.getCreateTime().getSeconds()))
                .isCloseTo(Instant.now(), within(1, java.time.temporal.ChronoUnit.MINUTES));

        User named = signUp(unique("bea"), "  Bea B.  ");
        assertThat(named.getDisplayName()).isEqualTo("Bea B.");
    }

    @Test
    void manyConcurrentSignUpsEachSucceedOrAreRefusedWithResourceExhausted() throws Exception {
        // real argon2id behind the default limit (a hash per processor, 64 waiting): nothing hangs,
        // nothing fails otherwise, and exactly the accepted sign-ups are stored
        String prefix = unique("crowd") + "x";
        var async = UserServiceGrpc.newFutureStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES);
        List<ListenableFuture<SignUpResponse>> calls =
                IntStream.range(0, 150).mapToObj(i -> async.signUp(SignUpRequest.newBuilder()
                        .setUsername(prefix + i).setPassword(PASSWORD).build())).toList();

        List<String> accepted = new ArrayList<>();
        for (ListenableFuture<SignUpResponse> call : calls) {
            try {
                accepted.add(call.get().getUser().getUsername());
            } catch (ExecutionException e) {
                assertThat(Status.fromThrowable(e.getCause()).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            }
        }
        List<String> stored = jdbi.withHandle(h -> h.createQuery("SELECT username FROM users WHERE username LIKE :p || '%'")
                .bind("p", prefix).mapTo(String.class).list());
        assertThat(stored).containsExactlyInAnyOrderElementsOf(accepted);
    }

    @Test
    void signUpRejectsEveryInvalidFieldAndStoresNothing() {
        long before = userCount();

        assertThat(violatedFields(() -> users().signUp(SignUpRequest.newBuilder()
                .setUsername("no spaces!").setPassword("short").setDisplayName("x".repeat(65)).build())))
                .containsExactlyInAnyOrder("username", "password", "display_name");
        assertThat(violatedFields(() -> users().signUp(SignUpRequest.newBuilder()
                .setUsername("ab").setPassword("p".repeat(129)).setDisplayName("line\nbreak").build())))
                .containsExactlyInAnyOrder("username", "password", "display_name");
        assertThat(violatedFields(() -> users().signUp(SignUpRequest.newBuilder()
                .setUsername("u".repeat(33)).setPassword(PASSWORD).build())))
                .containsExactly("username");
        assertThat(violatedFields(() -> users().signUp(SignUpRequest.getDefaultInstance())))
                .containsExactlyInAnyOrder("username", "password");

        assertThat(userCount()).isEqualTo(before);
    }

    @Test
    void aUsernameIsTakenWhateverItsCase() {
        String username = unique("bob");
        signUp(username, "");

        assertStatus(Status.Code.ALREADY_EXISTS, () -> signUp(username.toUpperCase(), "Other Bob"));
        long stored = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM users WHERE username = :u")
                .bind("u", username).mapTo(Long.class).one());
        assertThat(stored).isEqualTo(1);
    }

    // --- LogIn and tokens -----------------------------------------------------------------------

    @Test
    void logInHandsOutTokensForTheRightPasswordOnly() {
        String username = unique("carol");
        User carol = signUp(username, "");

        LogInResponse loggedIn = logIn(username.toUpperCase());
        assertThat(loggedIn.getUser()).isEqualTo(carol);
        TokenPair tokens = loggedIn.getTokens();
        assertThat(tokens.getAccessToken()).isNotEmpty();
        assertThat(tokens.getRefreshToken()).isNotEmpty();
        Instant now = Instant.now();
        assertThat(Instant.ofEpochSecond(tokens.getAccessTokenExpireTime().getSeconds()))
                .isBetween(now.plus(Duration.ofMinutes(14)), now.plus(Duration.ofMinutes(16)));
        assertThat(Instant.ofEpochSecond(tokens.getRefreshTokenExpireTime().getSeconds()))
                .isBetween(now.plus(Duration.ofDays(29)), now.plus(Duration.ofDays(31)));

        assertStatus(Status.Code.UNAUTHENTICATED, () -> users().logIn(LogInRequest.newBuilder()
                .setUsername(username).setPassword(PASSWORD + "!").build()));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> users().logIn(LogInRequest.newBuilder()
                .setUsername(unique("nobody")).setPassword(PASSWORD).build()));
        assertThat(violatedFields(() -> users().logIn(LogInRequest.newBuilder().setUsername(username).build())))
                .containsExactly("password");
    }

    @Test
    void accessTokensVerifyWithTheKeysOtherServicesFetchFromGetJwks() {
        String username = unique("dave");
        User dave = signUp(username, "");
        String accessToken = logIn(username).getTokens().getAccessToken();

        JwksAccessTokenVerifier verifier =
                new JwksAccessTokenVerifier(new GrpcJwksSupplier(channel, Duration.ofSeconds(5)));
        Principal principal = verifier.verify(accessToken);

        assertThat(principal.userId()).isEqualTo(dave.getId());
        assertThat(principal.username()).isEqualTo(username);
    }

    @Test
    void getJwksPublishesOnlyPublicKeys() throws Exception {
        JWKSet keys = JWKSet.parse(anonymous.withDeadlineAfter(5, TimeUnit.SECONDS)
                .getJwks(GetJwksRequest.getDefaultInstance()).getJwksJson());

        assertThat(keys.getKeys()).isNotEmpty().allSatisfy(key -> assertThat(key.isPrivate()).isFalse());
    }

    @Test
    void getMeNeedsATokenThisServiceSigned() {
        String username = unique("erin");
        User erin = signUp(username, "Erin");
        String accessToken = logIn(username).getTokens().getAccessToken();

        assertThat(as(accessToken).getMe(GetMeRequest.getDefaultInstance()).getUser()).isEqualTo(erin);
        assertStatus(Status.Code.UNAUTHENTICATED, () -> users().getMe(GetMeRequest.getDefaultInstance()));
        String foreign = new TestTokens().issue(erin.getId(), username);
        assertStatus(Status.Code.UNAUTHENTICATED, () -> as(foreign).getMe(GetMeRequest.getDefaultInstance()));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> as("not-a-jwt").getMe(GetMeRequest.getDefaultInstance()));
    }

    @Test
    void updateMeChangesTheDisplayNameAndEmptyResetsIt() {
        String username = unique("frank");
        User frank = signUp(username, "");
        var me = as(logIn(username).getTokens().getAccessToken());

        assertThat(me.updateMe(UpdateMeRequest.newBuilder().setDisplayName("Frank F").build()).getUser()
                .getDisplayName()).isEqualTo("Frank F");
        assertThat(violatedFields(() -> me.updateMe(UpdateMeRequest.newBuilder()
                .setDisplayName("f".repeat(65)).build()))).containsExactly("display_name");
        assertThat(me.getUser(GetUserRequest.newBuilder().setUserId(frank.getId()).build()).getUser()
                .getDisplayName()).isEqualTo("Frank F");

        assertThat(me.updateMe(UpdateMeRequest.getDefaultInstance()).getUser().getDisplayName()).isEqualTo(username);
        assertStatus(Status.Code.UNAUTHENTICATED, () -> users().updateMe(UpdateMeRequest.getDefaultInstance()));
    }

    // --- RefreshToken and LogOut ----------------------------------------------------------------

    @Test
    void refreshRotatesThePair() {
        String username = unique("gina");
        User gina = signUp(username, "");
        TokenPair first = logIn(username).getTokens();

        TokenPair second = refresh(first.getRefreshToken());
        assertThat(second.getRefreshToken()).isNotEqualTo(first.getRefreshToken());
        assertThat(as(second.getAccessToken()).getMe(GetMeRequest.getDefaultInstance()).getUser().getId())
                .isEqualTo(gina.getId());

        TokenPair third = refresh(second.getRefreshToken());
        assertThat(third.getRefreshToken()).isNotIn(first.getRefreshToken(), second.getRefreshToken());
    }

    @Test
    void reusingARefreshTokenRevokesEverySessionOfThatUserOnly() {
        String username = unique("hank");
        signUp(username, "");
        TokenPair phone = logIn(username).getTokens();
        TokenPair laptop = logIn(username).getTokens();
        String bystander = unique("ivy");
        signUp(bystander, "");
        TokenPair bystanderTokens = logIn(bystander).getTokens();

        TokenPair rotated = refresh(phone.getRefreshToken());
        assertStatus(Status.Code.UNAUTHENTICATED, () -> refresh(phone.getRefreshToken()));

        assertStatus(Status.Code.UNAUTHENTICATED, () -> refresh(rotated.getRefreshToken()));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> refresh(laptop.getRefreshToken()));
        assertThat(refresh(bystanderTokens.getRefreshToken()).getRefreshToken()).isNotEmpty();
    }

    @Test
    void refreshNeedsAKnownToken() {
        assertThat(violatedFields(() -> users().refreshToken(RefreshTokenRequest.getDefaultInstance())))
                .containsExactly("refresh_token");
        assertThat(violatedFields(() -> refresh("r".repeat(257)))).containsExactly("refresh_token");
        assertStatus(Status.Code.UNAUTHENTICATED, () -> refresh("never-issued"));
    }

    @Test
    void logOutRevokesOnlyTheCallersOwnToken() {
        String alice = unique("jane");
        signUp(alice, "");
        TokenPair aliceTokens = logIn(alice).getTokens();
        String bob = unique("karl");
        signUp(bob, "");
        TokenPair bobTokens = logIn(bob).getTokens();
        var asAlice = as(aliceTokens.getAccessToken());

        assertStatus(Status.Code.NOT_FOUND, () -> asAlice.logOut(logOut(bobTokens.getRefreshToken())));
        assertThat(refresh(bobTokens.getRefreshToken()).getRefreshToken()).isNotEmpty();

        asAlice.logOut(logOut(aliceTokens.getRefreshToken()));
        assertStatus(Status.Code.UNAUTHENTICATED, () -> refresh(aliceTokens.getRefreshToken()));
        // the session ended: its access token is refused too, while a new session's works
        assertStatus(Status.Code.UNAUTHENTICATED, () -> asAlice.getMe(GetMeRequest.getDefaultInstance()));
        var asAliceAgain = as(logIn(alice).getTokens().getAccessToken());
        asAliceAgain.logOut(logOut(aliceTokens.getRefreshToken()));

        assertStatus(Status.Code.NOT_FOUND, () -> asAliceAgain.logOut(logOut("never-issued")));
        assertThat(violatedFields(() -> asAliceAgain.logOut(LogOutRequest.getDefaultInstance())))
                .containsExactly("refresh_token");
        assertStatus(Status.Code.UNAUTHENTICATED, () -> users().logOut(logOut(aliceTokens.getRefreshToken())));
    }

    // --- GetUser, BatchGetUsers, SearchUsers ----------------------------------------------------

    @Test
    void getUserFindsKnownIdsOnly() {
        User lena = signUp(unique("lena"), "Lena");
        var caller = signedIn();

        assertThat(caller.getUser(GetUserRequest.newBuilder().setUserId(lena.getId()).build()).getUser())
                .isEqualTo(lena);
        assertStatus(Status.Code.NOT_FOUND,
                () -> caller.getUser(GetUserRequest.newBuilder().setUserId(Ids.newId()).build()));
        assertThat(violatedFields(() -> caller.getUser(GetUserRequest.newBuilder().setUserId("nope").build())))
                .containsExactly("user_id");
        assertStatus(Status.Code.UNAUTHENTICATED,
                () -> users().getUser(GetUserRequest.newBuilder().setUserId(lena.getId()).build()));
    }

    @Test
    void batchGetUsersLeavesUnknownIdsOutAndKeepsTheRequestOrder() {
        User mia = signUp(unique("mia"), "");
        User ned = signUp(unique("ned"), "");
        var caller = signedIn();

        assertThat(caller.batchGetUsers(BatchGetUsersRequest.newBuilder()
                .addUserIds(ned.getId()).addUserIds(Ids.newId()).addUserIds(mia.getId()).addUserIds(ned.getId())
                .build()).getUsersList()).containsExactly(ned, mia);

        List<String> hundredUnknown = IntStream.range(0, 100).mapToObj(i -> Ids.newId()).toList();
        assertThat(caller.batchGetUsers(BatchGetUsersRequest.newBuilder().addAllUserIds(hundredUnknown).build())
                .getUsersList()).isEmpty();

        List<String> tooMany = new ArrayList<>(hundredUnknown);
        tooMany.add(mia.getId());
        assertThat(violatedFields(() -> caller.batchGetUsers(BatchGetUsersRequest.newBuilder()
                .addAllUserIds(tooMany).build()))).containsExactly("user_ids");
        assertThat(violatedFields(() -> caller.batchGetUsers(BatchGetUsersRequest.getDefaultInstance())))
                .containsExactly("user_ids");
        assertThat(violatedFields(() -> caller.batchGetUsers(BatchGetUsersRequest.newBuilder()
                .addUserIds(mia.getId()).addUserIds("bad").build()))).containsExactly("user_ids[1]");
    }

    @Test
    void searchUsersPagesThroughUsernameAndDisplayNamePrefixMatches() {
        String prefix = unique("srch") + "x";
        List<User> byUsername = new ArrayList<>();
        for (String suffix : List.of("d", "a", "c", "b")) {
            byUsername.add(signUp(prefix + suffix, ""));
        }
        User byDisplayName = signUp(unique("zed"), prefix.toUpperCase() + " Zed");
        signUp(unique("other"), "Not " + prefix);
        List<String> expected = new ArrayList<>(byUsername.stream()
                .sorted(Comparator.comparing(User::getUsername)).map(User::getId).toList());
        expected.add(byDisplayName.getId()); // "zed..." sorts after the "srch..." usernames
        var caller = signedIn();

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String token = "";
        do {
            SearchUsersResponse page = caller.searchUsers(SearchUsersRequest.newBuilder()
                    .setQuery(prefix.toUpperCase()).setPageSize(2).setPageToken(token).build());
            page.getUsersList().forEach(u -> seen.add(u.getId()));
            pageSizes.add(page.getUsersCount());
            token = page.getNextPageToken();
        } while (!token.isEmpty());

        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(pageSizes).containsExactly(2, 2, 1);
    }

    @Test
    void searchUsersDefaultsToPagesOfTwentyAndTakesWildcardsLiterally() {
        String prefix = unique("many") + "x";
        for (int i = 0; i < 21; i++) {
            signUp(prefix + (char) ('a' + i), "");
        }
        var caller = signedIn();

        SearchUsersResponse first = caller.searchUsers(SearchUsersRequest.newBuilder().setQuery(prefix).build());
        assertThat(first.getUsersCount()).isEqualTo(20);
        assertThat(first.getNextPageToken()).isNotEmpty();
        SearchUsersResponse last = caller.searchUsers(SearchUsersRequest.newBuilder()
                .setQuery(prefix).setPageToken(first.getNextPageToken()).build());
        assertThat(last.getUsersList()).extracting(User::getUsername).containsExactly(prefix + "u");
        assertThat(last.getNextPageToken()).isEmpty();

        assertThat(caller.searchUsers(SearchUsersRequest.newBuilder().setQuery("%").build()).getUsersList()).isEmpty();
        assertThat(caller.searchUsers(SearchUsersRequest.newBuilder().setQuery("_").build()).getUsersList()).isEmpty();
    }

    @Test
    void searchUsersRejectsBadQueriesSizesAndTokens() {
        String prefix = unique("lim") + "x";
        signUp(prefix + "a", "");
        signUp(prefix + "b", "");
        var caller = signedIn();
        String token = caller.searchUsers(SearchUsersRequest.newBuilder().setQuery(prefix).setPageSize(1).build())
                .getNextPageToken();
        assertThat(token).isNotEmpty();

        assertThat(violatedFields(() -> caller.searchUsers(SearchUsersRequest.getDefaultInstance())))
                .containsExactly("query");
        assertThat(violatedFields(() -> caller.searchUsers(search("q".repeat(65))))).containsExactly("query");
        assertThat(violatedFields(() -> caller.searchUsers(search(prefix).toBuilder().setPageSize(101).build())))
                .containsExactly("page_size");
        assertThat(violatedFields(() -> caller.searchUsers(search(prefix).toBuilder().setPageSize(-1).build())))
                .containsExactly("page_size");
        assertThat(violatedFields(() -> caller.searchUsers(search(prefix).toBuilder().setPageToken("%%%").build())))
                .containsExactly("page_token");
        assertThat(violatedFields(() -> caller.searchUsers(search(prefix + "a").toBuilder().setPageToken(token).build())))
                .containsExactly("page_token");
        assertThat(caller.searchUsers(search(prefix.toUpperCase()).toBuilder().setPageToken(token).build())
                .getUsersList()).extracting(User::getUsername).containsExactly(prefix + "b");
        assertStatus(Status.Code.UNAUTHENTICATED, () -> users().searchUsers(search(prefix)));
    }

    // --- helpers ----------------------------------------------------------------------------------

    private UserServiceGrpc.UserServiceBlockingStub users() {
        return anonymous.withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private UserServiceGrpc.UserServiceBlockingStub as(String accessToken) {
        return users().withCallCredentials(BearerCallCredentials.of(accessToken));
    }

    /** A stub acting for a fresh user. */
    private UserServiceGrpc.UserServiceBlockingStub signedIn() {
        String username = unique("caller");
        signUp(username, "");
        return as(logIn(username).getTokens().getAccessToken());
    }

    private User signUp(String username, String displayName) {
        return users().signUp(SignUpRequest.newBuilder()
                .setUsername(username).setPassword(PASSWORD).setDisplayName(displayName).build()).getUser();
    }

    private LogInResponse logIn(String username) {
        return users().logIn(LogInRequest.newBuilder().setUsername(username).setPassword(PASSWORD).build());
    }

    private TokenPair refresh(String refreshToken) {
        return users().refreshToken(RefreshTokenRequest.newBuilder().setRefreshToken(refreshToken).build()).getTokens();
    }

    private static LogOutRequest logOut(String refreshToken) {
        return LogOutRequest.newBuilder().setRefreshToken(refreshToken).build();
    }

    private static SearchUsersRequest search(String query) {
        return SearchUsersRequest.newBuilder().setQuery(query).build();
    }

    private long userCount() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM users").mapTo(Long.class).one());
    }

    /** Usernames no other test uses (all tests share one database). */
    private static String unique(String base) {
        return base + sequence.incrementAndGet();
    }
}

package io.chatmesh.user.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.auth.JwksAccessTokenVerifier;
import io.chatmesh.platform.client.GrpcJwksSupplier;
import io.chatmesh.proto.user.v1.GetJwksRequest;
import io.chatmesh.proto.user.v1.GetMeRequest;
import io.chatmesh.proto.user.v1.LogInRequest;
import io.chatmesh.proto.user.v1.SignUpRequest;
import io.chatmesh.proto.user.v1.User;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.testkit.TestPostgres;
import io.chatmesh.user.UserServiceApplication;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.text.ParseException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

/** Where the signing key comes from, across restarts of the service (started as its main class does). */
class SigningKeyPersistenceTest {

    private static final String PASSWORD = "correct horse battery";

    @Test
    void aRestartOnTheSameDatabaseKeepsTheKeySoEarlierTokensStillVerify() {
        String database = TestPostgres.newDatabase();
        record BeforeRestart(User user, String accessToken, String jwks) {}

        BeforeRestart before = running(database, users -> new BeforeRestart(
                users.signUp(SignUpRequest.newBuilder().setUsername("olga").setPassword(PASSWORD).build()).getUser(),
                users.logIn(LogInRequest.newBuilder().setUsername("olga").setPassword(PASSWORD).build())
                        .getTokens().getAccessToken(),
                users.getJwks(GetJwksRequest.getDefaultInstance()).getJwksJson()));

        running(database, users -> {
            assertThat(users.getJwks(GetJwksRequest.getDefaultInstance()).getJwksJson()).isEqualTo(before.jwks());
            assertThat(users.withCallCredentials(BearerCallCredentials.of(before.accessToken()))
                    .getMe(GetMeRequest.getDefaultInstance()).getUser()).isEqualTo(before.user());
            assertThat(verifierOf(users).verify(before.accessToken()).userId()).isEqualTo(before.user().getId());
            return null;
        });
    }

    @Test
    void aConfiguredKeySignsTheTokensAndNoKeyIsGenerated() throws Exception {
        String database = TestPostgres.newDatabase();
        ECKey configured = new ECKeyGenerator(Curve.P_256).keyID("ops-2026").generate();

        running(database, users -> {
            users.signUp(SignUpRequest.newBuilder().setUsername("pia").setPassword(PASSWORD).build());
            String token = users.logIn(LogInRequest.newBuilder().setUsername("pia").setPassword(PASSWORD).build())
                    .getTokens().getAccessToken();

            assertThat(parse(token).getHeader().getKeyID()).isEqualTo("ops-2026");
            assertThat(verifierOf(users).verify(token).username()).isEqualTo("pia");
            assertThat(jwksOf(users).getKeys()).singleElement()
                    .satisfies(key -> assertThat(key.getKeyID()).isEqualTo("ops-2026"));
            return null;
        }, "chatmesh.auth.signing-key=" + configured.toJSONString());

        long stored = Jdbi.create(database, TestPostgres.USER, TestPostgres.PASSWORD)
                .withHandle(h -> h.createQuery("SELECT count(*) FROM signing_keys").mapTo(Long.class).one());
        assertThat(stored).isZero();
    }

    @Test
    void aConfiguredKeyWithoutItsPrivatePartStopsTheStart() throws Exception {
        ECKey publicOnly = new ECKeyGenerator(Curve.P_256).keyID("public").generate()
                .toPublicJWK();

        assertThatThrownBy(() -> running(TestPostgres.newDatabase(), users -> null,
                "chatmesh.auth.signing-key=" + publicOnly.toJSONString()))
                .hasRootCauseInstanceOf(IllegalArgumentException.class);
    }

    /** Starts the service on the database, runs {@code body} against it, then stops the service. */
    private static <T> T running(String database, Function<UserServiceGrpc.UserServiceBlockingStub, T> body,
            String... properties) {
        try (ConfigurableApplicationContext service = UserServiceApplication.builder()
                .run(TestDatabase.args(database, properties))) {
            int port = service.getBean(GrpcServerLifecycle.class).getPort();
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port,
                    InsecureChannelCredentials.create()).build();
            try {
                return body.apply(UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS));
            } finally {
                channel.shutdownNow();
            }
        }
    }

    /** How every other service verifies: JWKS fetched over gRPC from user-service. */
    private static JwksAccessTokenVerifier verifierOf(UserServiceGrpc.UserServiceBlockingStub users) {
        return new JwksAccessTokenVerifier(new GrpcJwksSupplier(users.getChannel(), Duration.ofSeconds(5)));
    }

    private static JWKSet jwksOf(UserServiceGrpc.UserServiceBlockingStub users) {
        try {
            return JWKSet.parse(users.getJwks(GetJwksRequest.getDefaultInstance()).getJwksJson());
        } catch (ParseException e) {
            throw new AssertionError(e);
        }
    }

    private static SignedJWT parse(String token) {
        try {
            return SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new AssertionError(e);
        }
    }
}

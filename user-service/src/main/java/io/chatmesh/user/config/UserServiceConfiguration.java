package io.chatmesh.user.config;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.platform.auth.AuthPolicy;
import io.chatmesh.platform.auth.JwksAccessTokenVerifier;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.http.HttpRoutes;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.user.api.CallDeadline;
import io.chatmesh.user.bus.BusPresence;
import io.chatmesh.user.bus.BusSessionEvents;
import io.chatmesh.user.client.GrpcRoomCoMembers;
import io.chatmesh.user.domain.AccessTokenIssuer;
import io.chatmesh.user.domain.Accounts;
import io.chatmesh.user.domain.BoundedPasswordHasher;
import io.chatmesh.user.domain.PasswordHasher;
import io.chatmesh.user.domain.PresenceBroadcast;
import io.chatmesh.user.domain.PresenceChoiceStore;
import io.chatmesh.user.domain.PresenceDirectory;
import io.chatmesh.user.domain.PresenceTracker;
import io.chatmesh.user.domain.Privacy;
import io.chatmesh.user.domain.RefreshTokenStore;
import io.chatmesh.user.domain.RelationshipStore;
import io.chatmesh.user.domain.Relationships;
import io.chatmesh.user.domain.Sessions;
import io.chatmesh.user.domain.SigningKeys;
import io.chatmesh.user.domain.UserStore;
import io.chatmesh.user.store.JdbiPresenceChoiceStore;
import io.chatmesh.user.store.JdbiRefreshTokenStore;
import io.chatmesh.user.store.JdbiRelationshipStore;
import io.chatmesh.user.store.JdbiSigningKeyStore;
import io.chatmesh.user.store.JdbiUserStore;
import java.time.Clock;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.springframework.grpc.client.GrpcChannelFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the domain to PostgreSQL, argon2id and the signing key; tells platform auth what is public. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({AuthProperties.class, PresenceProperties.class})
class UserServiceConfiguration {

    /** Where the JWKS is served on the HTTP port (the conventional place). */
    static final String JWKS_PATH = "/.well-known/jwks.json";

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    UserStore userStore(Jdbi jdbi) {
        return new JdbiUserStore(jdbi);
    }

    @Bean
    RefreshTokenStore refreshTokenStore(Jdbi jdbi) {
        return new JdbiRefreshTokenStore(jdbi);
    }

    /** Reads (and on first start writes) signing_keys, so Flyway must have run. */
    @Bean
    @DependsOnDatabaseInitialization
    SigningKeys signingKeys(AuthProperties properties, Jdbi jdbi, Clock clock) {
        return SigningKeys.load(properties.signingKey(), new JdbiSigningKeyStore(jdbi), clock);
    }

    /** argon2id, at most so many at a time: each hash needs its memory cost (19 MiB) while it runs. */
    @Bean
    PasswordHasher passwordHasher(AuthProperties properties) {
        BoundedPasswordHasher.Limits limits = properties.argon2().limits();
        return new BoundedPasswordHasher(new Argon2PasswordHasher(properties.argon2(), limits.maxConcurrent()), limits,
                CallDeadline::timeLeft);
    }

    @Bean
    AccessTokenIssuer accessTokenIssuer(SigningKeys keys, AuthProperties properties, Clock clock) {
        return new AccessTokenIssuer(keys, properties.accessTokenTtl(), clock);
    }

    @Bean
    Accounts accounts(UserStore users, PasswordHasher hasher, Clock clock) {
        return new Accounts(users, hasher, clock);
    }

    @Bean
    RelationshipStore relationshipStore(Jdbi jdbi) {
        return new JdbiRelationshipStore(jdbi);
    }

    @Bean
    Relationships relationships(RelationshipStore store, Accounts accounts, Clock clock) {
        return new Relationships(store, accounts, clock);
    }

    @Bean
    Privacy privacy(RelationshipStore store, Accounts accounts, Clock clock) {
        return new Privacy(store, accounts, clock);
    }

    @Bean
    PresenceChoiceStore presenceChoiceStore(Jdbi jdbi) {
        return new JdbiPresenceChoiceStore(jdbi);
    }

    @Bean
    PresenceTracker presenceTracker(PresenceProperties properties, Clock clock, PresenceChoiceStore choices) {
        return new PresenceTracker(properties.deviceTimeout(), clock, choices);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    BusPresence busPresence(EventBus bus, PresenceTracker tracker, PresenceProperties properties) {
        return new BusPresence(bus, tracker, properties.expiryInterval());
    }

    @Bean
    PresenceDirectory presenceDirectory(PresenceTracker tracker, Privacy privacy, BusPresence events,
            PresenceChoiceStore choices, GrpcChannelFactory channels, PresenceProperties properties, Clock clock) {
        return new PresenceDirectory(tracker, privacy, events, choices,
                new GrpcRoomCoMembers(channels.createChannel("rooms"), properties.roomsDeadline()), clock,
                properties.publishTimeout());
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    PresenceBroadcast presenceBroadcast(PresenceTracker tracker, Privacy privacy, BusPresence events) {
        return new PresenceBroadcast(tracker, privacy, events);
    }

    @Bean
    Sessions sessions(UserStore users, RefreshTokenStore refreshTokens, PasswordHasher hasher,
            AccessTokenIssuer issuer, EventBus bus, AuthProperties properties, Clock clock) {
        return new Sessions(users, refreshTokens, hasher, issuer, new BusSessionEvents(bus),
                properties.logoutPublishTimeout(), properties.refreshTokenTtl(), clock);
    }

    /** The public keys over HTTP too, where Envoy's jwt_authn fetches them (remote JWKS). */
    @Bean
    HttpRoutes jwksOverHttp(SigningKeys keys) {
        return (server, context) -> server.service(JWKS_PATH, (ctx, request) ->
                HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, keys.publicJwksJson()));
    }

    /** Verifies against this service's own keys: user-service never calls itself for its JWKS. */
    @Bean
    AccessTokenVerifier accessTokenVerifier(SigningKeys keys) {
        return new JwksAccessTokenVerifier(keys::publicJwksJson);
    }

    /** Signing up, logging in, refreshing and fetching the keys happen before one has a token. */
    @Bean
    AuthPolicy authPolicy() {
        return new AuthPolicy(Set.of(
                UserServiceGrpc.getSignUpMethod().getFullMethodName(),
                UserServiceGrpc.getLogInMethod().getFullMethodName(),
                UserServiceGrpc.getRefreshTokenMethod().getFullMethodName(),
                UserServiceGrpc.getGetJwksMethod().getFullMethodName()), Set.of());
    }
}

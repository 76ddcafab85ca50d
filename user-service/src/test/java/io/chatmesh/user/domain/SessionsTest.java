package io.chatmesh.user.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.error.ChatmeshException.Kind;
import java.time.Duration;
import java.time.Instant;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class SessionsTest {

    private final Fakes.MutableClock clock = new Fakes.MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final Fakes.CountingHasher hasher = new Fakes.CountingHasher();
    private final Fakes.Users users = new Fakes.Users();
    private final Fakes.RefreshTokens refreshTokens = new Fakes.RefreshTokens();
    private final Accounts accounts = new Accounts(users, hasher, clock);

    private Sessions sessions() {
        return sessions(refreshTokens);
    }

    private Sessions sessions(RefreshTokenStore store) {
        AccessTokenIssuer issuer = new AccessTokenIssuer(
                SigningKeys.load(null, new Fakes.SigningKeyTable(), clock), Duration.ofMinutes(15), clock);
        return new Sessions(users, store, hasher, issuer, Duration.ofDays(30), clock);
    }

    @Test
    void anUnknownUsernameCostsOneHashCheckLikeAWrongPassword() {
        accounts.signUp("quinn", "secret-password", "");
        Sessions sessions = sessions();

        hasher.checks.set(0);
        assertKind(() -> sessions.logIn("nobody", "secret-password"), Kind.UNAUTHENTICATED);
        assertThat(hasher.checks).hasValue(1);

        hasher.checks.set(0);
        assertKind(() -> sessions.logIn("quinn", "wrong-password"), Kind.UNAUTHENTICATED);
        assertThat(hasher.checks).hasValue(1);
    }

    @Test
    void logInIgnoresTheCaseOfTheUsername() {
        User quinn = accounts.signUp("Quinn", "secret-password", "");

        assertThat(sessions().logIn("QUINN", "secret-password").user()).isEqualTo(quinn);
    }

    @Test
    void refreshTokensExpireAfterTheirLifetime() {
        accounts.signUp("rosa", "secret-password", "");
        Sessions sessions = sessions();
        TokenPair tokens = sessions.logIn("rosa", "secret-password").tokens();
        assertThat(tokens.refreshTokenExpireTime()).isEqualTo(clock.instant().plus(Duration.ofDays(30)));

        clock.advance(Duration.ofDays(30));

        assertKind(() -> sessions.refresh(tokens.refreshToken()), Kind.UNAUTHENTICATED);
    }

    @Test
    void aTokenUsedTwiceAtOnceCountsAsReuse() {
        User sam = accounts.signUp("sam", "secret-password", "");
        // the second of two concurrent refreshes finds the token live, then loses the revoke
        Fakes.RefreshTokens racing = new Fakes.RefreshTokens() {
            @Override
            public boolean revoke(byte[] tokenHash, Instant now, RevokeReason reason) {
                super.revoke(tokenHash, now, reason);
                return false;
            }
        };
        Sessions sessions = sessions(racing);
        TokenPair tokens = sessions.logIn("sam", "secret-password").tokens();
        sessions.logIn("sam", "secret-password");

        assertKind(() -> sessions.refresh(tokens.refreshToken()), Kind.UNAUTHENTICATED);
        assertThat(racing.live(sam.id())).isZero();
    }

    @Test
    void onlyTheHashOfARefreshTokenIsStored() {
        accounts.signUp("tara", "secret-password", "");
        TokenPair tokens = sessions().logIn("tara", "secret-password").tokens();

        assertThat(refreshTokens.byHash.keySet()).singleElement()
                .satisfies(hash -> assertThat(hash.array()).isEqualTo(RefreshTokens.hash(tokens.refreshToken()))
                        .hasSize(32));
        assertThat(tokens.refreshToken()).hasSize(43).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void loggingOutSomeoneElsesTokenIsNotFoundAndRevokesNothing() {
        User uma = accounts.signUp("uma", "secret-password", "");
        User vic = accounts.signUp("vic", "secret-password", "");
        Sessions sessions = sessions();
        TokenPair umaTokens = sessions.logIn("uma", "secret-password").tokens();

        assertKind(() -> sessions.logOut(vic.id(), umaTokens.refreshToken()), Kind.NOT_FOUND);
        assertThat(refreshTokens.live(uma.id())).isEqualTo(1);

        sessions.logOut(uma.id(), umaTokens.refreshToken());
        assertThat(refreshTokens.live(uma.id())).isZero();
    }

    @Test
    void aTokenRevokedByLogOutIsRefusedWithoutSigningTheUserOutElsewhere() {
        User wes = accounts.signUp("wes", "secret-password", "");
        Sessions sessions = sessions();
        TokenPair phone = sessions.logIn("wes", "secret-password").tokens();
        TokenPair laptop = sessions.logIn("wes", "secret-password").tokens();

        sessions.logOut(wes.id(), phone.refreshToken());
        assertKind(() -> sessions.refresh(phone.refreshToken()), Kind.UNAUTHENTICATED);

        // A stale client refreshing after logout is not a stolen token: the laptop stays signed in.
        assertThat(refreshTokens.live(wes.id())).isEqualTo(1);
        assertThat(sessions.refresh(laptop.refreshToken()).refreshToken()).isNotEqualTo(laptop.refreshToken());
    }

    private static void assertKind(ThrowingCallable call, Kind kind) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ChatmeshException.class, e -> assertThat(e.kind()).isEqualTo(kind));
    }
}

package io.chatmesh.user.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import io.chatmesh.platform.auth.AccessTokens;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.error.ChatmeshException.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class SessionsTest {

    private final Fakes.MutableClock clock = new Fakes.MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final Fakes.CountingHasher hasher = new Fakes.CountingHasher();
    private final Fakes.Users users = new Fakes.Users();
    private final Fakes.RefreshTokens refreshTokens = new Fakes.RefreshTokens();
    private final Accounts accounts = new Accounts(users, hasher, clock);
    /** What the sessions announced as ended; fails every announcement while {@code busDown}. */
    private final List<String> announcedEnded = new ArrayList<>();
    private boolean busDown;
    private final SessionEvents events = (userId, sessionIds, endTime) -> {
        if (busDown) {
            return CompletableFuture.failedFuture(new IllegalStateException("bus down"));
        }
        announcedEnded.addAll(sessionIds);
        return CompletableFuture.completedFuture(null);
    };

    private Sessions sessions() {
        return sessions(refreshTokens);
    }

    private Sessions sessions(RefreshTokenStore store) {
        AccessTokenIssuer issuer = new AccessTokenIssuer(
                SigningKeys.load(null, new Fakes.SigningKeyTable(), clock), Duration.ofMinutes(15), clock);
        return new Sessions(users, store, hasher, issuer, events, Duration.ofSeconds(5), Duration.ofDays(30), clock);
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

    @Test
    void eachLogInStartsASessionThatRefreshesKeepAndLogOutEndsAndAnnounces() {
        User xia = accounts.signUp("xia", "secret-password", "");
        Sessions sessions = sessions();
        TokenPair phone = sessions.logIn("xia", "secret-password").tokens();
        TokenPair laptop = sessions.logIn("xia", "secret-password").tokens();
        String phoneSession = sessionOf(phone);
        assertThat(phoneSession).isNotBlank().isNotEqualTo(sessionOf(laptop));

        TokenPair refreshed = sessions.refresh(phone.refreshToken());
        assertThat(sessionOf(refreshed)).isEqualTo(phoneSession);

        sessions.logOut(xia.id(), refreshed.refreshToken());
        assertThat(announcedEnded).containsExactly(phoneSession);
    }

    @Test
    void aLogOutTheBusDidNotTakeFailsUnavailableAndCanBeRepeated() {
        User yan = accounts.signUp("yan", "secret-password", "");
        Sessions sessions = sessions();
        TokenPair tokens = sessions.logIn("yan", "secret-password").tokens();

        busDown = true;
        assertKind(() -> sessions.logOut(yan.id(), tokens.refreshToken()), Kind.UNAVAILABLE);
        assertThat(refreshTokens.live(yan.id())).isZero();

        busDown = false;
        sessions.logOut(yan.id(), tokens.refreshToken());
        assertThat(announcedEnded).containsExactly(sessionOf(tokens));
    }

    @Test
    void reuseEndsEverySessionOfTheUser() {
        accounts.signUp("zed", "secret-password", "");
        Sessions sessions = sessions();
        TokenPair phone = sessions.logIn("zed", "secret-password").tokens();
        TokenPair laptop = sessions.logIn("zed", "secret-password").tokens();
        sessions.refresh(phone.refreshToken());

        assertKind(() -> sessions.refresh(phone.refreshToken()), Kind.UNAUTHENTICATED);
        assertThat(announcedEnded).containsExactlyInAnyOrder(sessionOf(phone), sessionOf(laptop));
    }

    private static String sessionOf(TokenPair tokens) {
        try {
            return SignedJWT.parse(tokens.accessToken()).getJWTClaimsSet().getStringClaim(AccessTokens.SESSION_CLAIM);
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertKind(ThrowingCallable call, Kind kind) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ChatmeshException.class, e -> assertThat(e.kind()).isEqualTo(kind));
    }
}

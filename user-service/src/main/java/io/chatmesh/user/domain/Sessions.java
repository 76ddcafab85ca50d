package io.chatmesh.user.domain;

import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.id.Ids;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logging in and the refresh tokens that keep a session going.
 *
 * <p>Refresh tokens rotate: each is good for one RefreshToken call. A revoked token coming back
 * means it was copied (or the client is broken), so every refresh token of its user is revoked
 * and everybody holding one has to log in again (reuse detection).
 *
 * <p>A login session is what one LogIn starts: its refresh tokens, one after the other, and the
 * access tokens issued with them (claim "sid"). LogOut and reuse detection end sessions, and
 * {@link SessionEvents} tells the other services, which end the sessions' streams and refuse
 * their access tokens.
 */
public final class Sessions {

    private static final Logger log = LoggerFactory.getLogger(Sessions.class);

    /** What LogIn returns. */
    public record LoggedIn(User user, TokenPair tokens) {}

    private final UserStore users;
    private final RefreshTokenStore refreshTokens;
    private final PasswordHasher hasher;
    private final AccessTokenIssuer accessTokens;
    private final SessionEvents events;
    private final Duration publishTimeout;
    private final Duration refreshTokenTtl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Checked against when the username is unknown, so that costs one hash too. */
    private final String unknownUserHash;

    /** @param publishTimeout how long LogOut waits for the bus to take the session's end */
    public Sessions(UserStore users, RefreshTokenStore refreshTokens, PasswordHasher hasher,
            AccessTokenIssuer accessTokens, SessionEvents events, Duration publishTimeout, Duration refreshTokenTtl,
            Clock clock) {
        if (refreshTokenTtl.isNegative() || refreshTokenTtl.isZero()) {
            throw new IllegalArgumentException("refresh token lifetime must be positive");
        }
        this.users = users;
        this.refreshTokens = refreshTokens;
        this.hasher = hasher;
        this.accessTokens = accessTokens;
        this.events = events;
        this.publishTimeout = publishTimeout;
        this.refreshTokenTtl = refreshTokenTtl;
        this.clock = clock;
        this.unknownUserHash = hasher.hash(RefreshTokens.generate(random));
    }

    /** @throws ChatmeshException UNAUTHENTICATED for an unknown user or a wrong password alike */
    public LoggedIn logIn(String username, String password) {
        Optional<UserStore.Credentials> credentials = users.findCredentials(UserRules.normalizeUsername(username));
        boolean matches = hasher.matches(password, credentials.map(UserStore.Credentials::passwordHash).orElse(unknownUserHash));
        if (credentials.isEmpty() || !matches) {
            throw ChatmeshException.unauthenticated("wrong username or password");
        }
        User user = credentials.get().user();
        return new LoggedIn(user, issue(user, Ids.newId()));
    }

    /**
     * Exchanges a refresh token for a new pair; the old token stops working. Presenting a
     * token that was already exchanged means someone copied it: every refresh token of the
     * user is revoked (reuse detection). A token revoked by LogOut is only refused.
     */
    public TokenPair refresh(String refreshToken) {
        byte[] hash = RefreshTokens.hash(refreshToken);
        RefreshTokenStore.StoredRefreshToken stored = refreshTokens.find(hash)
                .orElseThrow(() -> ChatmeshException.unauthenticated("unknown refresh token"));
        Instant now = Times.now(clock);
        if (stored.revoked()) {
            if (stored.revokeReason() == RefreshTokenStore.RevokeReason.ROTATED) {
                throw reused(stored.userId(), now);
            }
            throw ChatmeshException.unauthenticated("refresh token revoked");
        }
        if (!now.isBefore(stored.expireTime())) {
            throw ChatmeshException.unauthenticated("refresh token expired");
        }
        if (!refreshTokens.revoke(hash, now, RefreshTokenStore.RevokeReason.ROTATED)) {
            throw reused(stored.userId(), now); // a concurrent call got it first: same token used twice
        }
        User user = users.findById(stored.userId())
                .orElseThrow(() -> ChatmeshException.unauthenticated("account no longer exists"));
        return issue(user, stored.sessionId() != null ? stored.sessionId() : Ids.newId());
    }

    /**
     * Revokes one of the caller's refresh tokens and ends its session everywhere (its streams
     * close, its access tokens are refused). Revoking an already revoked or expired one
     * succeeds (the client's goal is met, and the end is announced again); someone else's
     * token is NOT_FOUND, like an unknown one, so callers learn nothing about tokens that are
     * not theirs.
     *
     * @throws ChatmeshException UNAVAILABLE when the bus did not take the announcement (the
     *         token is revoked; calling again announces it again)
     */
    public void logOut(String userId, String refreshToken) {
        byte[] hash = RefreshTokens.hash(refreshToken);
        RefreshTokenStore.StoredRefreshToken stored = refreshTokens.find(hash)
                .filter(token -> token.userId().equals(userId))
                .orElseThrow(() -> ChatmeshException.notFound("refresh token"));
        refreshTokens.revoke(hash, Times.now(clock), RefreshTokenStore.RevokeReason.LOGGED_OUT);
        if (stored.sessionId() != null) {
            announceEnded(userId, List.of(stored.sessionId()));
        }
    }

    private ChatmeshException reused(String userId, Instant now) {
        List<String> sessions = refreshTokens.revokeAllOf(userId, now);
        try {
            announceEnded(userId, sessions);
        } catch (ChatmeshException e) {
            log.warn("sessions of {} ended by reuse detection could not be announced", userId);
        }
        return ChatmeshException.unauthenticated("refresh token already used");
    }

    private void announceEnded(String userId, List<String> sessionIds) {
        if (sessionIds.isEmpty()) {
            return;
        }
        try {
            events.ended(userId, sessionIds, Times.now(clock)).get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ChatmeshException.unavailable("interrupted while announcing the logout");
        } catch (ExecutionException | TimeoutException e) {
            throw ChatmeshException.unavailable("the logout could not be announced to the other services; retry");
        }
    }

    private TokenPair issue(User user, String sessionId) {
        AccessTokenIssuer.IssuedToken access = accessTokens.issue(user, sessionId);
        String refresh = RefreshTokens.generate(random);
        Instant now = Times.now(clock);
        Instant refreshExpireTime = now.plus(refreshTokenTtl);
        refreshTokens.insert(RefreshTokens.hash(refresh), user.id(), sessionId, now, refreshExpireTime);
        return new TokenPair(access.token(), access.expireTime(), refresh, refreshExpireTime);
    }
}

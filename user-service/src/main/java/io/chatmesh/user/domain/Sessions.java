package io.chatmesh.user.domain;

import io.chatmesh.platform.error.ChatmeshException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Logging in and the refresh tokens that keep a session going.
 *
 * <p>Refresh tokens rotate: each is good for one RefreshToken call. A revoked token coming back
 * means it was copied (or the client is broken), so every refresh token of its user is revoked
 * and everybody holding one has to log in again (reuse detection).
 */
public final class Sessions {

    /** What LogIn returns. */
    public record LoggedIn(User user, TokenPair tokens) {}

    private final UserStore users;
    private final RefreshTokenStore refreshTokens;
    private final PasswordHasher hasher;
    private final AccessTokenIssuer accessTokens;
    private final Duration refreshTokenTtl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Checked against when the username is unknown, so that costs one hash too. */
    private final String unknownUserHash;

    public Sessions(UserStore users, RefreshTokenStore refreshTokens, PasswordHasher hasher,
            AccessTokenIssuer accessTokens, Duration refreshTokenTtl, Clock clock) {
        if (refreshTokenTtl.isNegative() || refreshTokenTtl.isZero()) {
            throw new IllegalArgumentException("refresh token lifetime must be positive");
        }
        this.users = users;
        this.refreshTokens = refreshTokens;
        this.hasher = hasher;
        this.accessTokens = accessTokens;
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
        return new LoggedIn(user, issue(user));
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
        return issue(user);
    }

    /**
     * Revokes one of the caller's refresh tokens. Revoking an already revoked or expired one
     * succeeds (the client's goal is met); someone else's token is NOT_FOUND, like an unknown
     * one, so callers learn nothing about tokens that are not theirs.
     */
    public void logOut(String userId, String refreshToken) {
        byte[] hash = RefreshTokens.hash(refreshToken);
        refreshTokens.find(hash)
                .filter(stored -> stored.userId().equals(userId))
                .orElseThrow(() -> ChatmeshException.notFound("refresh token"));
        refreshTokens.revoke(hash, Times.now(clock), RefreshTokenStore.RevokeReason.LOGGED_OUT);
    }

    private ChatmeshException reused(String userId, Instant now) {
        refreshTokens.revokeAllOf(userId, now);
        return ChatmeshException.unauthenticated("refresh token already used");
    }

    private TokenPair issue(User user) {
        AccessTokenIssuer.IssuedToken access = accessTokens.issue(user);
        String refresh = RefreshTokens.generate(random);
        Instant now = Times.now(clock);
        Instant refreshExpireTime = now.plus(refreshTokenTtl);
        refreshTokens.insert(RefreshTokens.hash(refresh), user.id(), now, refreshExpireTime);
        return new TokenPair(access.token(), access.expireTime(), refresh, refreshExpireTime);
    }
}

package io.chatmesh.user.domain;

import java.time.Instant;
import java.util.Optional;

/** Refresh tokens, known only by the SHA-256 hash of the token. */
public interface RefreshTokenStore {

    record StoredRefreshToken(String userId, Instant expireTime, Instant revokeTime) {
        public boolean revoked() {
            return revokeTime != null;
        }
    }

    void insert(byte[] tokenHash, String userId, Instant createTime, Instant expireTime);

    Optional<StoredRefreshToken> find(byte[] tokenHash);

    /** Revokes the token unless it is already revoked; true if this call revoked it. */
    boolean revoke(byte[] tokenHash, Instant now);

    /** Revokes every token of the user not yet revoked; returns how many. */
    int revokeAllOf(String userId, Instant now);
}

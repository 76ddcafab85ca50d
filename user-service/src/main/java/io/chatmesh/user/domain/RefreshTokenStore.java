package io.chatmesh.user.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Refresh tokens, known only by the SHA-256 hash of the token. */
public interface RefreshTokenStore {

    /** Why a token stopped working. */
    enum RevokeReason {
        /** Exchanged by RefreshToken for a new one: presenting it again means it was copied. */
        ROTATED,
        /** Revoked by LogOut. */
        LOGGED_OUT,
        /** Revoked because another token of the user was reused. */
        REUSE_DETECTED
    }

    /** @param sessionId the login session; null for a token stored before sessions were recorded */
    record StoredRefreshToken(String userId, String sessionId, Instant expireTime, Instant revokeTime,
            RevokeReason revokeReason) {
        public boolean revoked() {
            return revokeTime != null;
        }
    }

    void insert(byte[] tokenHash, String userId, String sessionId, Instant createTime, Instant expireTime);

    Optional<StoredRefreshToken> find(byte[] tokenHash);

    /** Revokes the token unless it is already revoked; true if this call revoked it. */
    boolean revoke(byte[] tokenHash, Instant now, RevokeReason reason);

    /**
     * Revokes every token of the user not yet revoked (reason REUSE_DETECTED).
     *
     * @return the sessions of the tokens it revoked
     */
    List<String> revokeAllOf(String userId, Instant now);
}

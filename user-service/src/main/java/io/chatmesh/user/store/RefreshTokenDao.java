package io.chatmesh.user.store;

import io.chatmesh.user.domain.RefreshTokenStore.StoredRefreshToken;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL over the refresh_tokens table. */
@RegisterConstructorMapper(StoredRefreshToken.class)
public interface RefreshTokenDao {

    @SqlUpdate("""
            INSERT INTO refresh_tokens (token_hash, user_id, created_at, expires_at)
            VALUES (:tokenHash, :userId, :createdAt, :expiresAt)""")
    void insert(byte[] tokenHash, String userId, Instant createdAt, Instant expiresAt);

    @SqlQuery("""
            SELECT user_id, expires_at AS expire_time, revoked_at AS revoke_time, revoke_reason
              FROM refresh_tokens WHERE token_hash = :tokenHash""")
    Optional<StoredRefreshToken> find(byte[] tokenHash);

    @SqlUpdate("""
            UPDATE refresh_tokens SET revoked_at = :now, revoke_reason = :reason
             WHERE token_hash = :tokenHash AND revoked_at IS NULL""")
    int revoke(byte[] tokenHash, Instant now, String reason);

    @SqlUpdate("""
            UPDATE refresh_tokens SET revoked_at = :now, revoke_reason = :reason
             WHERE user_id = :userId AND revoked_at IS NULL""")
    int revokeAllOf(String userId, Instant now, String reason);
}

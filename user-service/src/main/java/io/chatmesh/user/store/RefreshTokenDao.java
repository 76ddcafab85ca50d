package io.chatmesh.user.store;

import io.chatmesh.user.domain.RefreshTokenStore.StoredRefreshToken;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL over the refresh_tokens table. */
@RegisterConstructorMapper(StoredRefreshToken.class)
public interface RefreshTokenDao {

    @SqlUpdate("""
            INSERT INTO refresh_tokens (token_hash, user_id, session_id, created_at, expires_at)
            VALUES (:tokenHash, :userId, :sessionId, :createdAt, :expiresAt)""")
    void insert(byte[] tokenHash, String userId, String sessionId, Instant createdAt, Instant expiresAt);

    @SqlQuery("""
            SELECT user_id, session_id, expires_at AS expire_time, revoked_at AS revoke_time, revoke_reason
              FROM refresh_tokens WHERE token_hash = :tokenHash""")
    Optional<StoredRefreshToken> find(byte[] tokenHash);

    @SqlUpdate("""
            UPDATE refresh_tokens SET revoked_at = :now, revoke_reason = :reason
             WHERE token_hash = :tokenHash AND revoked_at IS NULL""")
    int revoke(byte[] tokenHash, Instant now, String reason);

    @SqlQuery("""
            UPDATE refresh_tokens SET revoked_at = :now, revoke_reason = :reason
             WHERE user_id = :userId AND revoked_at IS NULL
            RETURNING session_id""")
    List<String> revokeAllOf(String userId, Instant now, String reason);
}

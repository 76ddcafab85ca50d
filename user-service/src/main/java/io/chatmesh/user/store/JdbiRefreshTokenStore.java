package io.chatmesh.user.store;

import io.chatmesh.platform.db.SqlObjects;
import io.chatmesh.user.domain.RefreshTokenStore;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** {@link RefreshTokenStore} in PostgreSQL. */
public final class JdbiRefreshTokenStore implements RefreshTokenStore {

    private final RefreshTokenDao dao;

    public JdbiRefreshTokenStore(Jdbi jdbi) {
        this.dao = SqlObjects.attachOnce(jdbi, RefreshTokenDao.class);
    }

    @Override
    public void insert(byte[] tokenHash, String userId, String sessionId, Instant createTime, Instant expireTime) {
        dao.insert(tokenHash, userId, sessionId, createTime, expireTime);
    }

    @Override
    public Optional<StoredRefreshToken> find(byte[] tokenHash) {
        return dao.find(tokenHash);
    }

    @Override
    public boolean revoke(byte[] tokenHash, Instant now, RevokeReason reason) {
        return dao.revoke(tokenHash, now, reason.name()) == 1;
    }

    @Override
    public List<String> revokeAllOf(String userId, Instant now) {
        return dao.revokeAllOf(userId, now, RevokeReason.REUSE_DETECTED.name()).stream()
                .filter(Objects::nonNull).distinct().toList();
    }
}

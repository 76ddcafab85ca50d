package io.chatmesh.user.store;

import io.chatmesh.platform.db.SqlObjects;
import io.chatmesh.user.domain.RelationshipRepository;
import io.chatmesh.user.domain.RelationshipStore;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;

/** {@link RelationshipStore} in PostgreSQL, through a {@link RelationshipDao} attached once. */
public final class JdbiRelationshipStore implements RelationshipStore {

    private final Jdbi jdbi;
    private final RelationshipDao dao;

    public JdbiRelationshipStore(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.dao = SqlObjects.attachOnce(jdbi, RelationshipDao.class);
    }

    /** The pair lock is a transaction-scoped advisory lock, released by commit or rollback. */
    @Override
    public <T> T forPair(String userA, String userB, Function<RelationshipRepository, T> work) {
        return jdbi.inTransaction(handle -> {
            dao.lockPair(userA, userB);
            return work.apply(dao);
        });
    }

    @Override
    public <T> T transaction(Function<RelationshipRepository, T> work) {
        return jdbi.inTransaction(handle -> work.apply(dao));
    }
}

package io.chatmesh.user.store;

import io.chatmesh.platform.db.SqlObjects;
import io.chatmesh.user.domain.SigningKeyStore;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** {@link SigningKeyStore} in PostgreSQL. */
public final class JdbiSigningKeyStore implements SigningKeyStore {

    private final Jdbi jdbi;
    private final SigningKeyDao dao;

    public JdbiSigningKeyStore(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.dao = SqlObjects.attachOnce(jdbi, SigningKeyDao.class);
    }

    @Override
    public List<String> all() {
        return dao.all();
    }

    @Override
    public String newestOrStore(String kid, String candidateJwk, Instant now) {
        // the table lock makes instances starting together on an empty table agree on one key;
        // dao's calls run on this transaction's handle, so lock, read and insert are one transaction
        return jdbi.inTransaction(handle -> {
            dao.lockAgainstWriters();
            return dao.newest().orElseGet(() -> {
                dao.insert(kid, candidateJwk, now);
                return candidateJwk;
            });
        });
    }
}

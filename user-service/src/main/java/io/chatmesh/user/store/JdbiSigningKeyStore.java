package io.chatmesh.user.store;

import io.chatmesh.user.domain.SigningKeyStore;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** {@link SigningKeyStore} in PostgreSQL. */
public final class JdbiSigningKeyStore implements SigningKeyStore {

    private final Jdbi jdbi;

    public JdbiSigningKeyStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public List<String> all() {
        return jdbi.onDemand(SigningKeyDao.class).all();
    }

    @Override
    public String newestOrStore(String kid, String candidateJwk, Instant now) {
        // the table lock makes instances starting together on an empty table agree on one key
        return jdbi.inTransaction(handle -> {
            SigningKeyDao dao = handle.attach(SigningKeyDao.class);
            dao.lockAgainstWriters();
            return dao.newest().orElseGet(() -> {
                dao.insert(kid, candidateJwk, now);
                return candidateJwk;
            });
        });
    }
}

package io.chatmesh.user.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL over the signing_keys table. */
public interface SigningKeyDao {

    @SqlQuery("SELECT private_jwk FROM signing_keys ORDER BY created_at, kid")
    List<String> all();

    @SqlQuery("SELECT private_jwk FROM signing_keys ORDER BY created_at DESC, kid DESC LIMIT 1")
    Optional<String> newest();

    /** Held until the transaction ends; readers are not blocked. */
    @SqlUpdate("LOCK TABLE signing_keys IN EXCLUSIVE MODE")
    void lockAgainstWriters();

    @SqlUpdate("INSERT INTO signing_keys (kid, private_jwk, created_at) VALUES (:kid, :privateJwk, :createdAt)")
    void insert(String kid, String privateJwk, Instant createdAt);
}

package io.chatmesh.user.domain;

import java.time.Instant;
import java.util.List;

/** Token signing keys kept in the database, as private JWKs (JSON). */
public interface SigningKeyStore {

    /** Every stored key, oldest first. */
    List<String> all();

    /**
     * The newest stored key; when none is stored yet, stores {@code candidateJwk} and returns it.
     * Atomic across instances sharing the database, so they all end up with one key.
     */
    String newestOrStore(String kid, String candidateJwk, Instant now);
}

package io.chatmesh.user.domain;

import java.time.Instant;
import java.util.Optional;

/** Port: the status each user chose, kept durably (PostgreSQL). */
public interface PresenceChoiceStore {

    void save(String userId, PresenceTracker.Choice choice, Instant now);

    /** Empty when the user never chose one (they show ONLINE while connected). */
    Optional<PresenceTracker.Choice> find(String userId);
}

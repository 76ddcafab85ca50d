package io.chatmesh.user.store;

import io.chatmesh.platform.db.SqlObjects;
import io.chatmesh.user.domain.PresenceChoiceStore;
import io.chatmesh.user.domain.PresenceTracker;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** {@link PresenceChoiceStore} in PostgreSQL. */
public final class JdbiPresenceChoiceStore implements PresenceChoiceStore {

    private final PresenceChoiceDao dao;

    public JdbiPresenceChoiceStore(Jdbi jdbi) {
        this.dao = SqlObjects.attachOnce(jdbi, PresenceChoiceDao.class);
    }

    @Override
    public void save(String userId, PresenceTracker.Choice choice, Instant now) {
        dao.upsert(userId, choice.status().name(), choice.statusText(), now);
    }

    @Override
    public Optional<PresenceTracker.Choice> find(String userId) {
        return dao.find(userId).map(row ->
                new PresenceTracker.Choice(PresenceTracker.Status.valueOf(row.status()), row.statusText()));
    }
}

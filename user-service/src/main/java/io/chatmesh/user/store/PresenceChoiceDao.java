package io.chatmesh.user.store;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL over the presence_choices table. */
@RegisterConstructorMapper(PresenceChoiceDao.Row.class)
public interface PresenceChoiceDao {

    record Row(String status, String statusText) {}

    @SqlUpdate("""
            INSERT INTO presence_choices (user_id, status, status_text, updated_at)
            VALUES (:userId, :status, :statusText, :now)
            ON CONFLICT (user_id) DO UPDATE SET status = :status, status_text = :statusText, updated_at = :now""")
    void upsert(String userId, String status, String statusText, Instant now);

    @SqlQuery("SELECT status, status_text FROM presence_choices WHERE user_id = :userId")
    Optional<Row> find(String userId);
}

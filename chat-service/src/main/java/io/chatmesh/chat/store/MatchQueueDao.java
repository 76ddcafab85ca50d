package io.chatmesh.chat.store;

import io.chatmesh.chat.domain.MatchQueue;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** {@link MatchQueue} as SQL over random_match_queue; attached once, joins the caller's transaction. */
@RegisterConstructorMapper(MatchQueue.Waiting.class)
public interface MatchQueueDao extends MatchQueue {

    String COLUMNS = "ticket_id, user_id, matched_room_id, matched_user_id";

    @Override
    default boolean enter(String ticketId, String userId, List<String> interests, Instant now, Instant aliveUntil) {
        deleteExpired(userId, now);
        return insert(ticketId, userId, interests.toArray(String[]::new), aliveUntil);
    }

    @SqlUpdate("DELETE FROM random_match_queue WHERE user_id = :userId AND alive_until < :now")
    void deleteExpired(String userId, Instant now);

    @SqlUpdate("""
            INSERT INTO random_match_queue (ticket_id, user_id, interests, alive_until)
            VALUES (:ticketId, :userId, :interests, :aliveUntil)
            ON CONFLICT (user_id) DO NOTHING""")
    boolean insert(String ticketId, String userId, String[] interests, Instant aliveUntil);

    @Override
    default List<Waiting> olderCandidates(String ticketId, String userId, List<String> interests, Instant now, int limit) {
        return candidates(ticketId, userId, interests.toArray(String[]::new), now, limit);
    }

    @SqlQuery("SELECT " + COLUMNS + """
             FROM random_match_queue
            WHERE ticket_id < :ticketId AND user_id <> :userId AND matched_room_id IS NULL AND alive_until >= :now
              AND (cardinality(CAST(:interests AS text[])) = 0 OR cardinality(interests) = 0
                   OR interests && CAST(:interests AS text[]))
            ORDER BY ticket_id
            LIMIT :limit""")
    List<Waiting> candidates(String ticketId, String userId, String[] interests, Instant now, int limit);

    @Override
    @SqlQuery("SELECT " + COLUMNS + " FROM random_match_queue WHERE ticket_id = :ticketId FOR UPDATE")
    Optional<Waiting> lock(String ticketId);

    @Override
    default Optional<Waiting> lockOldestFree(Collection<String> ticketIds, Instant now) {
        return ticketIds.isEmpty() ? Optional.empty() : oldestFree(ticketIds, now);
    }

    @SqlQuery("SELECT " + COLUMNS + """
             FROM random_match_queue
            WHERE ticket_id IN (<ticketIds>) AND matched_room_id IS NULL AND alive_until >= :now
            ORDER BY ticket_id
            LIMIT 1
              FOR UPDATE""")
    Optional<Waiting> oldestFree(@BindList("ticketIds") Collection<String> ticketIds, Instant now);

    @Override
    @SqlUpdate("UPDATE random_match_queue SET alive_until = :aliveUntil WHERE ticket_id = :ticketId")
    void keepAlive(String ticketId, Instant aliveUntil);

    @Override
    @SqlUpdate("""
            UPDATE random_match_queue SET matched_room_id = :roomId, matched_user_id = :matchedUserId
             WHERE ticket_id = :ticketId""")
    void markMatched(String ticketId, String roomId, String matchedUserId);

    @Override
    @SqlUpdate("DELETE FROM random_match_queue WHERE ticket_id = :ticketId")
    void delete(String ticketId);
}

package io.chatmesh.chat.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * The message log's SQL that runs outside the send path's batches (the batches' statements are in
 * {@link MessageLogStatements}).
 */
@RegisterConstructorMapper(MessageLogDao.Logged.class)
public interface MessageLogDao {

    /** A logged message: its seq and its bytes (a chatmesh.message.v1.Message without seq). */
    record Logged(long seq, byte[] message) {}

    @SqlQuery("SELECT seq, message FROM message_log WHERE sender_id = :senderId AND client_id = :clientId")
    Optional<Logged> find(@Bind("senderId") String senderId, @Bind("clientId") String clientId);

    @SqlQuery("""
            SELECT seq, message FROM message_log
            WHERE room_id = :roomId AND seq > :afterSeq AND seq <= :upToSeq
            ORDER BY seq
            LIMIT :limit
            """)
    List<Logged> logged(@Bind("roomId") String roomId, @Bind("afterSeq") long afterSeq,
            @Bind("upToSeq") long upToSeq, @Bind("limit") int limit);

    @SqlQuery("""
            SELECT o.room_id FROM room_outbox o
            WHERE EXISTS (SELECT 1 FROM message_log l WHERE l.room_id = o.room_id AND l.seq > o.published_seq)
               OR EXISTS (SELECT 1 FROM message_changes c WHERE c.room_id = o.room_id AND c.seq > o.published_seq)
            """)
    List<String> roomsWithUnpublishedMessages();
}

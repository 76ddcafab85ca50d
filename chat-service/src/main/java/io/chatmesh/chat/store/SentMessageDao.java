package io.chatmesh.chat.store;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL of sent_messages (send idempotency). */
@RegisterConstructorMapper(SentMessageDao.Row.class)
public interface SentMessageDao {

    /**
     * One stored result.
     *
     * @param message chatmesh.message.v1.Message as returned to the sender
     * @param pendingEvent chatmesh.chat.v1.RoomEvent to publish again; null once acknowledged
     */
    record Row(byte[] message, byte[] pendingEvent) {}

    @SqlQuery("SELECT message, pending_event FROM sent_messages WHERE sender_id = :senderId AND client_id = :clientId")
    Optional<Row> find(@Bind("senderId") String senderId, @Bind("clientId") String clientId);

    @SqlUpdate("INSERT INTO sent_messages (sender_id, client_id, room_id, message_id, message, created_at)"
            + " VALUES (:senderId, :clientId, :roomId, :messageId, :message, :createdAt)"
            + " ON CONFLICT (sender_id, client_id) DO NOTHING")
    boolean insert(@Bind("senderId") String senderId, @Bind("clientId") String clientId, @Bind("roomId") String roomId,
            @Bind("messageId") String messageId, @Bind("message") byte[] message, @Bind("createdAt") Instant createdAt);

    @SqlUpdate("UPDATE sent_messages SET state = 'PENDING', pending_event = :event"
            + " WHERE sender_id = :senderId AND client_id = :clientId")
    void markPending(@Bind("senderId") String senderId, @Bind("clientId") String clientId,
            @Bind("event") byte[] event);

    @SqlUpdate("UPDATE sent_messages SET state = 'DONE', pending_event = NULL"
            + " WHERE sender_id = :senderId AND client_id = :clientId")
    void markDone(@Bind("senderId") String senderId, @Bind("clientId") String clientId);
}

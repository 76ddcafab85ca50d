package io.chatmesh.chat.store;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL of sent_messages (send idempotency). */
public interface SentMessageDao {

    @SqlQuery("SELECT message FROM sent_messages WHERE sender_id = :senderId AND client_id = :clientId")
    Optional<byte[]> find(@Bind("senderId") String senderId, @Bind("clientId") String clientId);

    @SqlUpdate("INSERT INTO sent_messages (sender_id, client_id, room_id, message_id, message, created_at)"
            + " VALUES (:senderId, :clientId, :roomId, :messageId, :message, :createdAt)"
            + " ON CONFLICT (sender_id, client_id) DO NOTHING")
    boolean insert(@Bind("senderId") String senderId, @Bind("clientId") String clientId, @Bind("roomId") String roomId,
            @Bind("messageId") String messageId, @Bind("message") byte[] message, @Bind("createdAt") Instant createdAt);

    @SqlUpdate("DELETE FROM sent_messages WHERE sender_id = :senderId AND client_id = :clientId")
    void delete(@Bind("senderId") String senderId, @Bind("clientId") String clientId);
}

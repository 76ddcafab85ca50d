package io.chatmesh.message.store;

import io.chatmesh.message.domain.Message;
import io.chatmesh.platform.db.HotStatements;
import io.chatmesh.platform.db.JdbiStatementMetrics;
import io.chatmesh.platform.db.KeyedInsert;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The persister's INSERT of a run of messages, prepared once on its dedicated connection and
 * executed through JDBC: it runs once per batch of the send path, where Jdbi's per-statement
 * work (a configuration copy, argument factory and mapper lookups) cost more CPU than the
 * statement itself (docs/send-path.md, "Database access"). Timed under
 * {@code chatmesh_store_seconds} as {@code MessageInserts.insertMessages}.
 */
final class MessageInserts {

    /**
     * Inserts the rows of {@link MessageColumns}; an id or (room, seq) already taken fails the
     * plain statement and is skipped by the other ({@link KeyedInsert}). In the same statement,
     * the mention rows of the messages it inserted. Unread counters and the search index take
     * the messages in later, off this path ({@link RoomFolds}).
     */
    private static final String INSERT_MESSAGES = """
            WITH inserted AS (
                INSERT INTO messages (id, room_id, seq, sender_id, client_id, text, reply_to_id, thread_root_id,
                                      created_at, edited_at, deleted_at)
                SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS text[]),
                                     CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                     CAST(? AS timestamptz[]), CAST(? AS timestamptz[]), CAST(? AS timestamptz[]))
                /* on conflict */
                RETURNING id, room_id, seq, sender_id
            ),
            mentions AS (
                INSERT INTO message_mentions (room_id, mentioned, seq, message_id, sender_id, position)
                SELECT i.room_id, mn.mentioned, i.seq, i.id, i.sender_id, mn.position
                FROM unnest(CAST(? AS text[]), CAST(? AS text[])) WITH ORDINALITY AS mn (message_id, mentioned, position)
                JOIN inserted i ON i.id = mn.message_id
                ON CONFLICT DO NOTHING
            )
            SELECT id FROM inserted
            """;

    private final Connection connection;
    private final KeyedInsert insertMessages;
    private final Timer timer;

    /** Prepares the statement on the handle's connection; it closes with it. */
    MessageInserts(Handle handle, Timer timer) {
        this.connection = handle.getConnection();
        this.timer = timer;
        this.insertMessages = new KeyedInsert(connection, INSERT_MESSAGES, "ON CONFLICT DO NOTHING");
    }

    static Timer timer(Jdbi jdbi) {
        return JdbiStatementMetrics.timer(jdbi, "MessageInserts.insertMessages");
    }

    /**
     * Inserts the messages; returns the ids it inserted. Unless told to skip taken keys, fails
     * on one ({@link io.chatmesh.platform.db.TakenKeys}).
     */
    Set<String> insert(List<Message> messages, boolean skipTakenKeys) {
        MessageColumns columns = new MessageColumns(messages);
        PreparedStatement insertMessages = this.insertMessages.statement(skipTakenKeys);
        return HotStatements.run(timer, () -> {
            insertMessages.setArray(1, connection.createArrayOf("text", columns.ids));
            insertMessages.setArray(2, connection.createArrayOf("text", columns.roomIds));
            insertMessages.setArray(3, connection.createArrayOf("bigint", columns.seqs));
            insertMessages.setArray(4, connection.createArrayOf("text", columns.senderIds));
            insertMessages.setArray(5, connection.createArrayOf("text", columns.clientIds));
            insertMessages.setArray(6, connection.createArrayOf("text", columns.texts));
            insertMessages.setArray(7, connection.createArrayOf("text", columns.replyToIds));
            insertMessages.setArray(8, connection.createArrayOf("text", columns.threadRootIds));
            insertMessages.setArray(9, connection.createArrayOf("text", columns.createTimes));
            insertMessages.setArray(10, connection.createArrayOf("text", columns.editTimes));
            insertMessages.setArray(11, connection.createArrayOf("text", columns.deleteTimes));
            insertMessages.setArray(12, connection.createArrayOf("text", columns.mentionMessageIds.toArray()));
            insertMessages.setArray(13, connection.createArrayOf("text", columns.mentioned.toArray()));
            Set<String> inserted = new HashSet<>();
            try (ResultSet result = insertMessages.executeQuery()) {
                while (result.next()) {
                    inserted.add(result.getString(1));
                }
            }
            return inserted;
        });
    }

    /**
     * Messages as one array per column, for a single INSERT ... SELECT FROM unnest(...). Times
     * are kept to the millisecond (what every store can return) and travel as ISO-8601 text.
     */
    private static final class MessageColumns {

        final String[] ids;
        final String[] roomIds;
        final Long[] seqs;
        final String[] senderIds;
        final String[] clientIds;
        final String[] texts;
        final String[] replyToIds;
        final String[] threadRootIds;
        final String[] createTimes;
        final String[] editTimes;
        final String[] deleteTimes;
        /** One element per mention of any message: the message's id, and whom (a user id or {@link MessageRows#ROOM_MENTION}). */
        final List<String> mentionMessageIds = new ArrayList<>();
        final List<String> mentioned = new ArrayList<>();

        MessageColumns(List<Message> messages) {
            int n = messages.size();
            ids = new String[n];
            roomIds = new String[n];
            seqs = new Long[n];
            senderIds = new String[n];
            clientIds = new String[n];
            texts = new String[n];
            replyToIds = new String[n];
            threadRootIds = new String[n];
            createTimes = new String[n];
            editTimes = new String[n];
            deleteTimes = new String[n];
            for (int i = 0; i < n; i++) {
                Message m = messages.get(i);
                ids[i] = m.id();
                roomIds[i] = m.roomId();
                seqs[i] = m.seq();
                senderIds[i] = m.senderId();
                clientIds[i] = m.clientId();
                texts[i] = m.text();
                replyToIds[i] = m.replyToId();
                threadRootIds[i] = m.threadRootId();
                createTimes[i] = millis(m.createTime());
                editTimes[i] = millis(m.editTime());
                deleteTimes[i] = millis(m.deleteTime());
                for (String userId : m.mentions().userIds()) {
                    mentionMessageIds.add(m.id());
                    mentioned.add(userId);
                }
                if (m.mentions().room()) {
                    mentionMessageIds.add(m.id());
                    mentioned.add(MessageRows.ROOM_MENTION);
                }
            }
        }

        private static String millis(Instant time) {
            return time == null ? null : time.truncatedTo(ChronoUnit.MILLIS).toString();
        }
    }
}

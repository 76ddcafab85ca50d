package io.chatmesh.chat.store;

import io.chatmesh.platform.db.HotStatements;
import io.chatmesh.platform.db.JdbiStatementMetrics;
import io.chatmesh.platform.db.KeyedInsert;
import io.chatmesh.platform.db.TakenKeys;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The send path's three statements, run once per batch, prepared once on their pipeline
 * connection and executed through JDBC. Why not Jdbi here: a Jdbi statement copies Jdbi's whole
 * configuration, resolves an argument factory per parameter and builds a mapper per result
 * before it reaches the driver; profiled at 500 messages/s (batches of ~5) that was a quarter of
 * the JVM's CPU on the send path, more than the statements' own work. Kept prepared, they also
 * run as server-side prepared statements from the first batch on. The rest of the log's SQL,
 * run rarely, stays in {@link MessageLogDao}.
 */
final class MessageLogStatements {

    /**
     * One post's outcome.
     *
     * @param outcome LOGGED (seq is new), EARLIER (the sender's client_id was logged before:
     *        its seq and message), NOT_MEMBER (of a PUBLIC room), NOT_MEMBER_HIDDEN_ROOM (of a room
     *        that is unknown or not PUBLIC), BAD_REPLY_TO or BAD_THREAD_ROOT (the reference
     *        names no logged message of the room), BAD_MENTION (a mentioned user is not a member),
     *        ROOM_MENTION_NOT_ALLOWED (@room by a sender who is neither owner nor admin), or RACED
     *        (logged at the same moment by another transaction; read it again)
     * @param seq the logged seq (LOGGED, EARLIER), else 0
     * @param message the earlier message's bytes (EARLIER), else null
     */
    record Appended(String outcome, long seq, byte[] message) {}

    /**
     * Logs posts in one statement (one commit): posts whose (sender, client_id) is logged answer with
     * that; posts of non-members, posts referring to a message that is not in their room's log, and
     * posts mentioning non-members (or @room without the role) are skipped; the others get
     * consecutive seqs per room in position order. The rooms are locked in id order first, so
     * concurrent appends (and change logs) of other instances cannot deadlock, and every room's seqs
     * are taken in commit order. Each post looks its room's seq up in a map built once (seqs_before;
     * OFFSET 0 keeps the lookup below the window's sort), not by joining the posts with their rooms:
     * planned for arrays of any length, the statement joins its CTEs in nested loops, which took time
     * quadratic in the batch's rooms (84 ms instead of 26 for 500 posts in 500 rooms). A room deleted
     * meanwhile is not in the map, and its posts answer RACED. Relays lock other rows (room_outbox),
     * so an append never waits for a publish. Parameters: room ids, sender ids, client ids, message
     * ids, messages (bytea), create times, reply-to ids, thread root ids, @room flags, one array
     * element per post; then the mentions of all posts as two arrays (the post's position, 1-based,
     * and the user id). Run as a {@link KeyedInsert}: a key logged by a transaction that committed
     * after this statement began (the same client_id sent to two instances at once) fails the plain
     * statement, and the one that skips taken keys, run next, answers EARLIER for it. Run first (for
     * a while after such a failure: {@link TakenKeys}), that one answers RACED for it, and the seq it
     * took stays unused.
     */
    private static final String APPEND = """
            WITH post AS (
                SELECT *
                FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                            CAST(? AS text[]), CAST(? AS bytea[]),
                            CAST(? AS timestamptz[]), CAST(? AS text[]),
                            CAST(? AS text[]), CAST(? AS boolean[]))
                     WITH ORDINALITY AS p (room_id, sender_id, client_id, message_id, message, created_at,
                                           reply_to_id, thread_root_id, mention_room, position)
            ),
            mention AS (
                SELECT * FROM unnest(CAST(? AS bigint[]), CAST(? AS text[])) AS mn (position, user_id)
            ),
            earlier AS (
                SELECT p.position, l.seq, l.message
                FROM post p
                JOIN message_log l ON l.sender_id = p.sender_id AND l.client_id = p.client_id
            ),
            checked AS (
                SELECT p.*,
                       EXISTS (SELECT 1 FROM members m WHERE m.room_id = p.room_id AND m.user_id = p.sender_id)
                           AS member,
                       p.reply_to_id = '' OR EXISTS (SELECT 1 FROM message_log r
                                                     WHERE r.message_id = p.reply_to_id AND r.room_id = p.room_id)
                           AS reply_to_ok,
                       p.thread_root_id = '' OR EXISTS (SELECT 1 FROM message_log r
                                                        WHERE r.message_id = p.thread_root_id AND r.room_id = p.room_id)
                           AS thread_root_ok,
                       NOT EXISTS (SELECT 1 FROM mention mn
                                   WHERE mn.position = p.position
                                     AND NOT EXISTS (SELECT 1 FROM members m
                                                     WHERE m.room_id = p.room_id AND m.user_id = mn.user_id))
                           AS mentions_ok,
                       NOT p.mention_room OR EXISTS (SELECT 1 FROM members m
                                                     WHERE m.room_id = p.room_id AND m.user_id = p.sender_id
                                                       AND m.role IN ('OWNER', 'ADMIN'))
                           AS mention_room_ok
                FROM post p
                WHERE NOT EXISTS (SELECT 1 FROM earlier e WHERE e.position = p.position)
            ),
            fresh AS (
                SELECT * FROM checked WHERE member AND reply_to_ok AND thread_root_ok AND mentions_ok AND mention_room_ok
            ),
            counted AS (
                SELECT room_id, count(*) AS posts, max(created_at) AS last_at FROM fresh GROUP BY room_id
            ),
            locked AS (
                SELECT r.id, c.posts, c.last_at
                FROM rooms r
                JOIN counted c ON c.room_id = r.id
                ORDER BY r.id
                FOR NO KEY UPDATE OF r
            ),
            taken AS (
                UPDATE rooms r
                SET last_seq = r.last_seq + l.posts, last_activity_at = GREATEST(r.last_activity_at, l.last_at)
                FROM locked l
                WHERE r.id = l.id
                RETURNING r.id, r.last_seq - l.posts AS seq_before
            ),
            seqs_before AS MATERIALIZED (
                SELECT jsonb_object_agg(id, seq_before) AS by_room FROM taken
            ),
            numbered AS (
                SELECT f.*, b.seq_before + row_number() OVER (PARTITION BY f.room_id ORDER BY f.position) AS seq
                FROM fresh f
                CROSS JOIN LATERAL (SELECT (s.by_room ->> f.room_id)::bigint AS seq_before
                                    FROM seqs_before s OFFSET 0) b
                WHERE b.seq_before IS NOT NULL
            ),
            inserted AS (
                INSERT INTO message_log (sender_id, client_id, room_id, message_id, seq, message, created_at)
                SELECT sender_id, client_id, room_id, message_id, seq, message, created_at FROM numbered
                /* on conflict */
                RETURNING sender_id, client_id, seq
            )
            SELECT CASE WHEN e.position IS NOT NULL THEN 'EARLIER'
                        WHEN NOT c.member AND EXISTS (SELECT 1 FROM rooms r WHERE r.id = c.room_id AND r.kind = 'PUBLIC')
                            THEN 'NOT_MEMBER'
                        WHEN NOT c.member THEN 'NOT_MEMBER_HIDDEN_ROOM'
                        WHEN NOT c.reply_to_ok THEN 'BAD_REPLY_TO'
                        WHEN NOT c.thread_root_ok THEN 'BAD_THREAD_ROOT'
                        WHEN NOT c.mentions_ok THEN 'BAD_MENTION'
                        WHEN NOT c.mention_room_ok THEN 'ROOM_MENTION_NOT_ALLOWED'
                        WHEN i.seq IS NULL THEN 'RACED'
                        ELSE 'LOGGED' END AS outcome,
                   COALESCE(e.seq, i.seq, 0) AS seq, e.message
            FROM post p
            LEFT JOIN earlier e ON e.position = p.position
            LEFT JOIN checked c ON c.position = p.position
            LEFT JOIN inserted i ON i.sender_id = p.sender_id AND i.client_id = p.client_id
            ORDER BY p.position
            """;

    /**
     * Locks the rooms' outbox rows (in id order, so relays of several instances cannot deadlock)
     * and reads how far each room is published: the newest value, committed by the relay it
     * waited for, if any.
     */
    private static final String LOCK_PUBLISHED_SEQS =
            "SELECT room_id, published_seq FROM room_outbox WHERE room_id = ANY(?) ORDER BY room_id FOR NO KEY UPDATE";

    private static final String MARK_PUBLISHED = """
            UPDATE room_outbox o SET published_seq = p.seq
            FROM unnest(CAST(? AS text[]), CAST(? AS bigint[])) AS p (room_id, seq)
            WHERE o.room_id = p.room_id AND o.published_seq < p.seq
            """;

    /** Each statement's {@code chatmesh_store_seconds} timer (Jdbi times only its own statements). */
    record Timers(Timer append, Timer lockPublishedSeqs, Timer markPublished) {

        static Timers of(Jdbi jdbi) {
            return new Timers(JdbiStatementMetrics.timer(jdbi, "MessageLogStatements.append"),
                    JdbiStatementMetrics.timer(jdbi, "MessageLogStatements.lockPublishedSeqs"),
                    JdbiStatementMetrics.timer(jdbi, "MessageLogStatements.markPublished"));
        }
    }

    private final Connection connection;
    private final Timers timers;
    private final KeyedInsert append;
    private final TakenKeys takenKeys;
    private final PreparedStatement lockPublishedSeqs;
    private final PreparedStatement markPublished;

    /**
     * Prepares the statements on the handle's connection; they close with it.
     *
     * @param takenKeys the log's, which outlives connections
     */
    MessageLogStatements(Handle handle, Timers timers, TakenKeys takenKeys) {
        this.connection = handle.getConnection();
        this.timers = timers;
        this.takenKeys = takenKeys;
        this.append = new KeyedInsert(connection, APPEND, "ON CONFLICT (sender_id, client_id) DO NOTHING");
        this.lockPublishedSeqs = HotStatements.prepare(connection, LOCK_PUBLISHED_SEQS);
        this.markPublished = HotStatements.prepare(connection, MARK_PUBLISHED);
    }

    /** Runs {@link #APPEND}; one outcome per post, in position order. */
    List<Appended> append(String[] roomIds, String[] senderIds, String[] clientIds, String[] messageIds,
            byte[][] messages, String[] createTimes, String[] replyToIds, String[] threadRootIds,
            Boolean[] mentionRooms, Long[] mentionPositions, String[] mentionUserIds) {
        // in autocommit, so a failed attempt leaves nothing behind, the rooms' seqs included
        return takenKeys.insert(skipTakenKeys -> HotStatements.run(timers.append, () -> {
            PreparedStatement statement = append.statement(skipTakenKeys);
            statement.setArray(1, connection.createArrayOf("text", roomIds));
            statement.setArray(2, connection.createArrayOf("text", senderIds));
            statement.setArray(3, connection.createArrayOf("text", clientIds));
            statement.setArray(4, connection.createArrayOf("text", messageIds));
            statement.setArray(5, connection.createArrayOf("bytea", messages));
            statement.setArray(6, connection.createArrayOf("text", createTimes));
            statement.setArray(7, connection.createArrayOf("text", replyToIds));
            statement.setArray(8, connection.createArrayOf("text", threadRootIds));
            statement.setArray(9, connection.createArrayOf("boolean", mentionRooms));
            statement.setArray(10, connection.createArrayOf("bigint", mentionPositions));
            statement.setArray(11, connection.createArrayOf("text", mentionUserIds));
            List<Appended> rows = new ArrayList<>(roomIds.length);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(new Appended(result.getString(1), result.getLong(2), result.getBytes(3)));
                }
            }
            return rows;
        }));
    }

    /** Each existing room's last published seq, its row locked until the transaction ends. */
    Map<String, Long> lockPublishedSeqs(String[] roomIds) {
        return HotStatements.run(timers.lockPublishedSeqs, () -> {
            lockPublishedSeqs.setArray(1, connection.createArrayOf("text", roomIds));
            Map<String, Long> published = new HashMap<>();
            try (ResultSet result = lockPublishedSeqs.executeQuery()) {
                while (result.next()) {
                    published.put(result.getString(1), result.getLong(2));
                }
            }
            return published;
        });
    }

    /** Raises each room's published seq to the one given (never lowers it). */
    void markPublished(String[] roomIds, Long[] seqs) {
        HotStatements.run(timers.markPublished, () -> {
            markPublished.setArray(1, connection.createArrayOf("text", roomIds));
            markPublished.setArray(2, connection.createArrayOf("bigint", seqs));
            return markPublished.executeUpdate();
        });
    }
}

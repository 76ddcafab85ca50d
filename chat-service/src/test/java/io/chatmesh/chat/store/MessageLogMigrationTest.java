package io.chatmesh.chat.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.chat.store.migration.V5__SeqsOfEarlierSends;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.MessageCreated;
import io.chatmesh.proto.chat.internal.v1.RoomEvent;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.testkit.TestPostgres;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * A database written by the send path before the message log (V1–V3: seqs only inside the
 * stored message bytes, failed publishes marked PENDING) upgraded to the log: every row gets
 * its seq, and a room with a PENDING row counts as published only up to just below it, so
 * the room's next relay publishes it.
 */
class MessageLogMigrationTest {

    private final String url = TestPostgres.newDatabase();
    private final Jdbi jdbi = Jdbi.create(url, TestPostgres.USER, TestPostgres.PASSWORD);

    @Test
    void earlierSendsGetTheirSeqsAndPendingOnesBecomeUnpublished() {
        migrate("3");
        String quiet = room(2);
        String failed = room(5);
        String alice = Ids.newId();
        sent(alice, "q1", quiet, 1, null);
        sent(alice, "q2", quiet, 2, null);
        sent(alice, "f1", failed, 1, null);
        sent(alice, "f2", failed, 2, null);
        sent(alice, "f3", failed, 3, "PENDING");
        sent(alice, "f4", failed, 4, null);
        sent(alice, "f5", failed, 5, "PENDING");

        migrate(null);

        Map<String, Long> seqs = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT client_id, seq FROM message_log")
                .map((rs, ctx) -> seqs.put(rs.getString("client_id"), rs.getLong("seq"))).list());
        assertThat(seqs).isEqualTo(Map.of("q1", 1L, "q2", 2L, "f1", 1L, "f2", 2L, "f3", 3L, "f4", 4L, "f5", 5L));
        assertThat(publishedSeq(quiet)).isEqualTo(2);
        assertThat(publishedSeq(failed)).isEqualTo(2);
    }

    private void migrate(String target) {
        var configuration = Flyway.configure()
                .dataSource(url, TestPostgres.USER, TestPostgres.PASSWORD)
                .locations("classpath:db/migration/chat-service")
                .javaMigrations(new V5__SeqsOfEarlierSends());
        if (target != null) {
            configuration.target(target);
        }
        configuration.load().migrate();
    }

    /** A room whose send path acknowledged everything up to {@code lastSeq}, the old way. */
    private String room(long lastSeq) {
        String id = Ids.newId();
        jdbi.useHandle(h -> h.execute("""
                INSERT INTO rooms (id, kind, name, name_key, topic, created_at, updated_at, last_activity_at,
                                   last_seq, last_message_seq)
                VALUES (?, 'GROUP', 'r', 'r', '', now(), now(), now(), ?, ?)""", id, lastSeq, lastSeq));
        return id;
    }

    /** A send result as V3 stored it: the message bytes carry the seq; a PENDING one also its event. */
    private void sent(String sender, String clientId, String room, long seq, String state) {
        Message message = Message.newBuilder().setId(Ids.newId()).setRoomId(room).setSeq(seq).setSenderId(sender)
                .setClientId(clientId).setText("text " + seq).build();
        byte[] event = state == null ? null : RoomEvent.newBuilder().setEventId(Ids.newId()).setRoomId(room)
                .setMessageCreated(MessageCreated.newBuilder().setMessage(message)).build().toByteArray();
        jdbi.useHandle(h -> h.execute("""
                INSERT INTO sent_messages (sender_id, client_id, room_id, message_id, message, created_at, state,
                                           pending_event)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", sender, clientId, room, message.getId(), message.toByteArray(),
                java.sql.Timestamp.from(Instant.now()), state == null ? "DONE" : state, event));
    }

    private long publishedSeq(String room) {
        return jdbi.withHandle(h -> h.createQuery("SELECT published_seq FROM room_outbox WHERE room_id = :id")
                .bind("id", room).mapTo(Long.class).one());
    }
}

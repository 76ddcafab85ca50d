package io.chatmesh.message.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.message.domain.Mentions;
import io.chatmesh.message.domain.Message;
import io.chatmesh.message.domain.RoomUnread;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.testkit.TestPostgres;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fills one room with {@code chatmesh.bench.unread.rows} messages (default 1,000,000) through the
 * persister's own INSERT on embedded PostgreSQL, then times GetUnreadCounts' store call with the
 * reader's marker at the start, the middle and near the end of the room, and, for comparison,
 * the count the store made before the counters (others' messages past the marker). Prints
 * figures; asserts only that the counts are exact, never a time. Off by default (minutes):
 *
 * <pre>
 * ./mvnw -q -pl message-service -am verify -Dtest=UnreadCountsBench -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dchatmesh.bench.unread=true [-Dchatmesh.bench.unread.rows=1000000]
 * </pre>
 *
 * Results: docs/performance.md, "Unread counts".
 */
@EnabledIfSystemProperty(named = "chatmesh.bench.unread", matches = "true")
class UnreadCountsBench {

    private static final int BATCH = 2_000;
    private static final int RUNS = 21;
    private static final int SENDERS = 10;

    private Jdbi jdbi;

    @Test
    void unreadCountsCostTheSameWhateverTheRoomSizeAndTheMarker() {
        int rows = Integer.getInteger("chatmesh.bench.unread.rows", 1_000_000);
        String url = TestPostgres.newDatabase();
        Flyway.configure().dataSource(url, TestPostgres.USER, TestPostgres.PASSWORD)
                .locations("classpath:db/migration/message-service").load().migrate();
        jdbi = Jdbi.create(url, TestPostgres.USER, TestPostgres.PASSWORD)
                .installPlugin(new SqlObjectPlugin()).installPlugin(new PostgresPlugin());
        try (JdbiMessageStore store = new JdbiMessageStore(jdbi)) {
            String room = Ids.newId();
            List<String> senders = new ArrayList<>();
            for (int i = 0; i < SENDERS; i++) {
                senders.add(Ids.newId());
            }
            String reader = senders.get(1); // sends the seqs that end in 1
            Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            long fillStart = System.nanoTime();
            for (int from = 1; from <= rows; from += BATCH) {
                List<Message> batch = new ArrayList<>(BATCH);
                for (int seq = from; seq < from + BATCH && seq <= rows; seq++) {
                    Message message = Message.created(Ids.newId(), room, seq, senders.get(seq % SENDERS), null,
                            "message number " + seq, null, null, List.of(), start.plusMillis(seq));
                    // every 100th message mentions the reader
                    batch.add(seq % 100 == 0 ? message.withMentions(new Mentions(List.of(reader), false)) : message);
                }
                store.insertAll(batch);
            }
            System.out.printf("filled %,d messages in one room in %.1f s%n", rows, (System.nanoTime() - fillStart) / 1e9);
            long foldStart = System.nanoTime();
            store.foldNewMessages(); // what message-service does every second, here once for all
            System.out.printf("folded them into the unread counters in %.1f s%n", (System.nanoTime() - foldStart) / 1e9);
            jdbi.useHandle(handle -> handle.execute("VACUUM ANALYZE messages"));

            for (long marker : new long[] {0, rows / 2, rows - 100}) {
                double markMillis = jdbi.withHandle(handle -> {
                    long markerSet = System.nanoTime();
                    store.markRead(room, reader, marker);
                    return (System.nanoTime() - markerSet) / 1e6;
                });
                RoomUnread unread = store.unread(reader, List.of(room)).getFirst();
                assertThat(unread.unreadCount()).isEqualTo(countOthers(marker, rows));
                assertThat(unread.mentionCount()).isEqualTo(countMentions(marker, rows));
                double counters = medianMillis(() -> store.unread(reader, List.of(room)));
                double counting = medianMillis(() -> jdbi.withHandle(handle -> handle.createQuery(
                                "SELECT count(*) FROM messages WHERE room_id = ? AND seq > ? AND sender_id <> ?")
                        .bind(0, room).bind(1, marker).bind(2, reader).mapTo(Long.class).one()));
                System.out.printf("marker %,9d  unread %,9d  mentions %,6d  GetUnreadCounts store call: median %.2f ms"
                                + "  (counting past the marker instead: %.1f ms; moving the marker there: %.1f ms)%n",
                        marker, unread.unreadCount(), unread.mentionCount(), counters, counting, markMillis);
            }
            double moveBy100 = medianMillis(new Supplier<>() {
                long marker = rows - 100;

                @Override
                public Long get() {
                    marker = Math.min(rows, marker + 5);
                    return store.markRead(room, reader, marker);
                }
            });
            System.out.printf("MarkRead moving the marker by 5 messages: median %.2f ms%n", moveBy100);
        }
    }

    /** Messages past the marker not sent by the reader, who sends the seqs that end in 1. */
    private static long countOthers(long marker, long rows) {
        return (rows - marker) - (ownUpTo(rows) - ownUpTo(marker));
    }

    private static long ownUpTo(long seq) {
        return (seq + SENDERS - 1) / SENDERS;
    }

    /** Every 100th message mentions the reader (sent by the first sender, never the reader's own). */
    private static long countMentions(long marker, long rows) {
        return rows / 100 - marker / 100;
    }

    /** The median time of a call, all runs on one connection (the store uses the handle in scope), as a pool would give. */
    private double medianMillis(Supplier<?> call) {
        return jdbi.withHandle(handle -> {
            double[] millis = new double[RUNS];
            for (int i = 0; i < RUNS; i++) {
                long start = System.nanoTime();
                call.get();
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
            Arrays.sort(millis);
            return millis[RUNS / 2];
        });
    }
}

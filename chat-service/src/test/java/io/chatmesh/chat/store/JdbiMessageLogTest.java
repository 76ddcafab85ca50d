package io.chatmesh.chat.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.chat.domain.MessageLog.Appended;
import io.chatmesh.chat.domain.MessageLog.Post;
import io.chatmesh.chat.domain.Mentions;
import io.chatmesh.chat.domain.NewMessage;
import io.chatmesh.chat.store.migration.V5__SeqsOfEarlierSends;
import io.chatmesh.platform.db.JdbiStatementMetrics;
import io.chatmesh.platform.db.StoreMetrics;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.testkit.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The message log on real PostgreSQL through its prepared statements: outcomes of an append,
 * a relay's lock and mark (and who waits for it), and the statements timed under
 * chatmesh_store_seconds like Jdbi's.
 */
class JdbiMessageLogTest {

    private final String url = TestPostgres.newDatabase();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Jdbi jdbi = JdbiStatementMetrics.installOn(
            Jdbi.create(url, TestPostgres.USER, TestPostgres.PASSWORD)
                    .installPlugin(new SqlObjectPlugin()).installPlugin(new PostgresPlugin()),
            new StoreMetrics(registry, "postgresql"));
    private final JdbiMessageLog log;
    /** For work that blocks: the common pool may have a single thread. */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    JdbiMessageLogTest() {
        Flyway.configure().dataSource(url, TestPostgres.USER, TestPostgres.PASSWORD)
                .locations("classpath:db/migration/chat-service")
                .javaMigrations(new V5__SeqsOfEarlierSends()).load().migrate();
        log = new JdbiMessageLog(jdbi);
    }

    @AfterEach
    void close() {
        threads.shutdownNow();
        log.close();
    }

    @Test
    void appendsRelaysAndTimesItsStatements() {
        String alice = Ids.newId();
        String room = room("GROUP", alice);
        String publicRoom = room("PUBLIC");
        String hiddenRoom = room("GROUP");

        List<Appended> first = log.append(List.of(post(alice, room, "a1"), post(alice, room, "a2"),
                post(alice, publicRoom, "p1"), post(alice, hiddenRoom, "h1")));
        assertThat(first).containsExactly(new Appended.Logged(1), new Appended.Logged(2),
                new Appended.NotMember(true), new Appended.NotMember(false));

        List<Appended> again = log.append(List.of(post(alice, room, "a2"), post(alice, room, "a3")));
        assertThat(again.getFirst()).isInstanceOfSatisfying(Appended.Earlier.class, earlier -> {
            assertThat(earlier.message().seq()).isEqualTo(2);
            assertThat(earlier.message().clientId()).isEqualTo("a2");
        });
        assertThat(again.get(1)).isEqualTo(new Appended.Logged(3));
        assertThat(log.roomsWithUnpublishedMessages()).containsExactly(room);

        Map<String, Long> published = log.relay(List.of(room, "no-such-room"), relay -> {
            Map<String, Long> before = relay.publishedSeqs();
            assertThat(relay.logged(room, 0, 3, 10)).extracting(m -> m.seq()).containsExactly(1L, 2L, 3L);
            relay.markPublished(Map.of(room, 3L));
            return before;
        });
        assertThat(published).isEqualTo(Map.of(room, 0L));
        assertThat(log.roomsWithUnpublishedMessages()).isEmpty();

        assertThat(count("MessageLogStatements.append")).isEqualTo(2);
        assertThat(count("MessageLogStatements.lockPublishedSeqs")).isEqualTo(1);
        assertThat(count("MessageLogStatements.markPublished")).isEqualTo(1);
    }

    /**
     * A relay holds the rooms' outbox rows while the bus works, an append the rooms' counters:
     * the next batch is appended meanwhile, while another instance's relay of the room waits and
     * then reads the first one's mark.
     */
    @Test
    void anAppendGoesOnWhileARelayHoldsTheRoomAndAnotherRelayWaitsForIt() throws InterruptedException {
        String alice = Ids.newId();
        String room = room("GROUP", alice);
        log.append(List.of(post(alice, room, "a1")));
        CountDownLatch busAccepted = new CountDownLatch(1);
        CompletableFuture<Void> relay = relayHeldUntil(busAccepted, room, 1);

        assertThat(CompletableFuture.supplyAsync(() -> log.append(List.of(post(alice, room, "a2"))), threads))
                .succeedsWithin(Duration.ofSeconds(5)).isEqualTo(List.of(new Appended.Logged(2)));
        try (JdbiMessageLog otherInstance = new JdbiMessageLog(jdbi)) {
            CompletableFuture<Long> otherRelay = CompletableFuture.supplyAsync(
                    () -> otherInstance.relay(List.of(room), transaction -> transaction.publishedSeqs().get(room)), threads);
            TimeUnit.MILLISECONDS.sleep(300);
            assertThat(otherRelay).isNotDone();

            busAccepted.countDown();
            assertThat(relay).succeedsWithin(Duration.ofSeconds(5));
            assertThat(otherRelay).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(1L);
        }
    }

    /**
     * A resume reads how far its rooms are published only once the relays in flight are done
     * (chat.md, "Resume without gaps or duplicates"): it waits for the relay holding the room and
     * then reads that relay's mark, so nothing the relay publishes falls between the replay and
     * the live stream.
     */
    @Test
    void aResumeReadsThePublishedSeqsOnlyAfterTheRelayInFlight() throws InterruptedException {
        String alice = Ids.newId();
        String room = room("GROUP", alice);
        log.append(List.of(post(alice, room, "a1"), post(alice, room, "a2")));
        CountDownLatch busAccepted = new CountDownLatch(1);
        CompletableFuture<Void> relay = relayHeldUntil(busAccepted, room, 2);

        CompletableFuture<Map<String, Long>> resume = CompletableFuture.supplyAsync(() -> jdbi.withHandle(
                h -> h.attach(RoomDao.class).lastMessageSeqsAfterSendsInFlight(List.of(room))), threads);
        TimeUnit.MILLISECONDS.sleep(300);
        assertThat(resume).isNotDone();

        busAccepted.countDown();
        assertThat(relay).succeedsWithin(Duration.ofSeconds(5));
        assertThat(resume).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(Map.of(room, 2L));
    }

    /**
     * The same client_id sent to two instances at once: both appends begin before either has
     * committed, so neither sees the other's row. The second's plain insert meets the first's
     * key; its second attempt answers with the first's message, and the failed one took no seq.
     */
    @Test
    void aClientIdLoggedMeanwhileByAnotherInstanceAnswersWithThatMessageAndTakesNoSeq() {
        String alice = Ids.newId();
        String room = room("GROUP", alice);
        try (JdbiMessageLog otherInstance = new JdbiMessageLog(jdbi); Handle holder = jdbi.open()) {
            holder.begin();
            holder.createQuery("SELECT id FROM rooms WHERE id = ? FOR UPDATE").bind(0, room).mapTo(String.class).one();
            CompletableFuture<List<Appended>> here =
                    CompletableFuture.supplyAsync(() -> log.append(List.of(post(alice, room, "k"))), threads);
            awaitWaitingForLocks(1);
            CompletableFuture<List<Appended>> there =
                    CompletableFuture.supplyAsync(() -> otherInstance.append(List.of(post(alice, room, "k"))), threads);
            awaitWaitingForLocks(2);
            holder.commit();

            assertThat(here).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(List.of(new Appended.Logged(1)));
            assertThat(there).succeedsWithin(Duration.ofSeconds(5)).satisfies(appended -> assertThat(appended)
                    .singleElement().isInstanceOfSatisfying(Appended.Earlier.class, earlier -> {
                        assertThat(earlier.message().seq()).isEqualTo(1);
                        assertThat(earlier.message().clientId()).isEqualTo("k");
                    }));
        }
        assertThat(log.append(List.of(post(alice, room, "k2")))).containsExactly(new Appended.Logged(2));
    }

    private void awaitWaitingForLocks(int sessions) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND wait_event_type = 'Lock'").mapTo(Integer.class).one()) < sessions) {
            assertThat(System.nanoTime()).as("%d sessions waiting for a lock", sessions).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    /** A relay of the room that holds its outbox row, once it does, until {@code busAccepted}; then it marks {@code seq}. */
    private CompletableFuture<Void> relayHeldUntil(CountDownLatch busAccepted, String room, long seq)
            throws InterruptedException {
        CountDownLatch relayHolds = new CountDownLatch(1);
        CompletableFuture<Void> relay = CompletableFuture.runAsync(() -> log.relay(List.of(room), transaction -> {
            relayHolds.countDown();
            awaitQuietly(busAccepted);
            transaction.markPublished(Map.of(room, seq));
            return null;
        }), threads);
        assertThat(relayHolds.await(5, TimeUnit.SECONDS)).isTrue();
        return relay;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One batch spread over many rooms, their posts interleaved, some rooms with messages
     * already: each room's posts take the seqs after its last, in the batch's order.
     */
    @Test
    void aBatchOverManyRoomsNumbersEachRoomsPostsInOrderAfterItsLastSeq() {
        String alice = Ids.newId();
        List<String> rooms = IntStream.range(0, 40).mapToObj(i -> room("GROUP", alice)).toList();
        log.append(rooms.stream().limit(10).map(room -> post(alice, room, "earlier-" + room)).toList());
        String notHers = room("GROUP");

        List<Post> batch = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (String room : rooms) {
                batch.add(post(alice, room, room + "-" + round));
            }
            batch.add(post(alice, notHers, "stranger-" + round));
        }
        List<Appended> appended = log.append(batch);

        for (int i = 0; i < batch.size(); i++) {
            String room = batch.get(i).message().roomId();
            if (room.equals(notHers)) {
                assertThat(appended.get(i)).isEqualTo(new Appended.NotMember(false));
                continue;
            }
            int round = i / (rooms.size() + 1);
            long before = rooms.indexOf(room) < 10 ? 1 : 0;
            assertThat(appended.get(i)).as("post %d", i).isEqualTo(new Appended.Logged(before + round + 1));
        }
        assertThat(log.append(List.of(post(alice, rooms.getFirst(), "next")))).containsExactly(new Appended.Logged(5));
    }

    @Test
    void logsMentionsOfMembersOnlyAndRoomMentionsOfModeratorsOnly() {
        String alice = Ids.newId();
        String bob = Ids.newId();
        String stranger = Ids.newId();
        String room = room("GROUP", alice, bob);
        jdbi.useHandle(h -> h.execute("UPDATE members SET role = 'ADMIN' WHERE room_id = ? AND user_id = ?", room, alice));

        List<Appended> appended = log.append(List.of(
                post(bob, room, "b1", new Mentions(List.of(alice), false)),
                post(bob, room, "b2", new Mentions(List.of(alice, stranger), false)),
                post(bob, room, "b3", new Mentions(List.of(), true)),
                post(alice, room, "a1", new Mentions(List.of(bob), true))));

        assertThat(appended).containsExactly(new Appended.Logged(1), new Appended.MentionOutsideRoom(),
                new Appended.RoomMentionNotAllowed(), new Appended.Logged(2));
        assertThat(log.find(alice, "a1")).hasValueSatisfying(
                message -> assertThat(message.mentions()).isEqualTo(new Mentions(List.of(bob), true)));
    }

    /** ANALYZE, run by autovacuum as the log grows, samples 3,000 rows and keeps nothing of the payload (V11). */
    @Test
    void analyzeSamplesFewRowsOfTheLogAndNothingOfItsPayload() {
        String alice = Ids.newId();
        String room = room("GROUP", alice);
        for (int first = 0; first < 5000; first += 1000) {
            log.append(IntStream.range(first, first + 1000).mapToObj(i -> post(alice, room, "c" + i)).toList());
        }

        assertThat(TestPostgres.analyzeVerbose(url, "message_log"))
                .anySatisfy(line -> assertThat(line).contains("3000 rows in sample"));
        List<String> columnsWithStatistics = jdbi.withHandle(handle -> handle.createQuery(
                "SELECT attname FROM pg_stats WHERE tablename = 'message_log'").mapTo(String.class).list());
        assertThat(columnsWithStatistics).contains("room_id", "sender_id").doesNotContain("message", "message_id");
    }

    private long count(String operation) {
        return registry.get("chatmesh.store").tag("operation", operation).timer().count();
    }

    private static Post post(String sender, String room, String clientId) {
        return post(sender, room, clientId, Mentions.NONE);
    }

    private static Post post(String sender, String room, String clientId, Mentions mentions) {
        return new Post(sender, new NewMessage(room, clientId, "text " + clientId, "", "", mentions), Ids.newId(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    private String room(String kind, String... members) {
        String id = Ids.newId();
        jdbi.useHandle(h -> {
            h.attach(RoomDao.class).insertRoom(id, kind, "r", id, "", null, null, Instant.now()); // with its outbox row
            for (String member : members) {
                h.execute("INSERT INTO members (room_id, user_id, role, joined_at) VALUES (?, ?, 'MEMBER', now())",
                        id, member);
            }
        });
        return id;
    }
}

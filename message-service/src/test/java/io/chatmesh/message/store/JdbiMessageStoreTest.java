package io.chatmesh.message.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.message.domain.Message;
import io.chatmesh.message.domain.MessageChange;
import io.chatmesh.message.domain.MessageSearch;
import io.chatmesh.message.domain.MessageStore;
import io.chatmesh.message.domain.MessageStoreContract;
import io.chatmesh.message.domain.PageDirection;
import io.chatmesh.message.domain.ReactionSummary;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.testkit.TestPostgres;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.IntStream;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SQL adapter on real PostgreSQL, migrated by the service's own Flyway scripts. */
class JdbiMessageStoreTest extends MessageStoreContract {

    private static String url;
    private static Jdbi jdbi;
    private static JdbiMessageStore store;

    @BeforeAll
    static void migrate() {
        url = TestPostgres.newDatabase();
        Flyway.configure()
                .dataSource(url, TestPostgres.USER, TestPostgres.PASSWORD)
                .locations("classpath:db/migration/message-service")
                .load()
                .migrate();
        jdbi = Jdbi.create(url, TestPostgres.USER, TestPostgres.PASSWORD)
                .installPlugin(new SqlObjectPlugin())
                .installPlugin(new PostgresPlugin());
        store = new JdbiMessageStore(jdbi);
    }

    @Override
    protected MessageStore store() {
        return store;
    }

    @Override
    protected void foldNewMessages() {
        store.foldNewMessages();
    }

    @Test
    void aFoldMovesTheRoomsCountersToItsNewestMessage() {
        String room = Ids.newId();
        String alice = Ids.newId();
        String bob = Ids.newId();
        store.insertAll(List.of(message(room, 1, alice, "a1"), message(room, 2, bob, "b2"), message(room, 3, bob, "b3")));
        store.foldNewMessages();

        String roomCounter = jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT message_count || '/' || counted_seq FROM room_message_counts WHERE room_id = ?")
                .bind(0, room).mapTo(String.class).one());
        List<String> senderCounters = jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT sender_id || '=' || message_count FROM room_sender_counts WHERE room_id = ?")
                .bind(0, room).mapTo(String.class).list());
        assertThat(roomCounter).isEqualTo("3/3");
        assertThat(senderCounters).containsExactlyInAnyOrder(alice + "=1", bob + "=2");
    }

    @Test
    void reactionsAreSummarizedPerEmojiInFirstUseOrderWithTheOldestUsersFirst() {
        String room = Ids.newId();
        Message message = message(room, 1, Ids.newId(), "react to me");
        store.insert(message);
        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<String> thumbsUsers = IntStream.range(0, 12).mapToObj(i -> Ids.newId()).toList();
        String heartUser = Ids.newId();
        // reactions are written directly until the reaction feature adds them to the port
        jdbi.useHandle(handle -> {
            String insert = "INSERT INTO message_reactions (message_id, emoji, user_id, created_at) VALUES (?, ?, ?, ?)";
            handle.execute(insert, message.id(), "❤️", heartUser, start);
            for (int i = thumbsUsers.size() - 1; i >= 0; i--) {
                handle.execute(insert, message.id(), "👍", thumbsUsers.get(i), start.plusSeconds(1 + i));
            }
        });

        assertThat(store.get(message.id()).orElseThrow().reactions()).containsExactly(
                new ReactionSummary("❤️", 1, List.of(heartUser)),
                new ReactionSummary("👍", 12, thumbsUsers.subList(0, ReactionSummary.MAX_SAMPLE_USERS)));
        assertThat(store.page(room, PageDirection.FORWARD, 0, 5, true).getFirst().reactions())
                .hasSize(2);
    }

    @Test
    void timesAreKeptToTheMillisecond() {
        Instant precise = Instant.parse("2026-03-04T05:06:07.123456789Z");
        Message message = Message.created(Ids.newId(), Ids.newId(), 1, Ids.newId(), null, "t", null, null, List.of(),
                precise);
        store.insert(message);

        assertThat(store.get(message.id()).orElseThrow().createTime())
                .isEqualTo(Instant.parse("2026-03-04T05:06:07.123Z"));
    }

    @Test
    void searchFindsKoreanAndOtherSubstringsThroughTrigrams() {
        String room = Ids.newId();
        List<String> ids = indexed(room, "서울에서 만나요", "부산에서 봐요", "unbelievable");

        assertThat(search(room, "서울")).containsExactly(ids.get(0));
        assertThat(search(room, "에서")).containsExactly(ids.get(1), ids.get(0));
        assertThat(search(room, "BELIEV")).containsExactly(ids.get(2));
    }

    @Test
    void searchFindsWordsInAnyOrderOrTheWholeQueryAsASubstring() {
        String room = Ids.newId();
        List<String> ids = indexed(room, "world, hello!", "say hello world-wide", "hello there");

        assertThat(search(room, "hello world")).containsExactly(ids.get(1), ids.get(0));
        assertThat(search(room, "lo wor")).containsExactly(ids.get(1));
    }

    /** Words are looked up in the trigram index (the longest four with a trigram) and all of them rechecked. */
    @Test
    void searchFindsAllTheWordsOfAQueryWhateverTheirLengthAndNumber() {
        String room = Ids.newId();
        List<String> ids = indexed(room, "A cat sat on the MAT", "the cat", "cat a", "mail bob@example.com today",
                "서울에서 만나요 내일");

        assertThat(search(room, "mat a cat")).containsExactly(ids.get(0));
        assertThat(search(room, "on a")).containsExactly(ids.get(0));
        assertThat(search(room, "the sat cat mat on a")).containsExactly(ids.get(0));
        assertThat(search(room, "the dog")).isEmpty();
        assertThat(search(room, "today bob@example.com")).containsExactly(ids.get(3));
        assertThat(search(room, "내일 만나요")).containsExactly(ids.get(4));
        assertThat(JdbiMessageStore.indexedWords(List.of("a", "the", "sat", "cat", "mat", "on", "서울에서")))
                .containsExactly("서울에서", "the", "sat", "cat");
    }

    @Test
    void searchTakesLikeWildcardsLiterally() {
        String room = Ids.newId();
        List<String> ids = indexed(room, "100% sure", "1000 times");

        assertThat(search(room, "0%")).containsExactly(ids.get(0));
        assertThat(search(room, "_")).isEmpty();
        assertThat(search(room, "\\")).isEmpty();
    }

    @Test
    void theFoldIndexesNewTextAndRefreshesEditedAndDeletedMessagesOffThePersistersPath() {
        String room = Ids.newId();
        Message kept = message(room, 1, Ids.newId(), "alpha one");
        Message edited = message(room, 2, Ids.newId(), "alpha two");
        Message deleted = message(room, 3, Ids.newId(), "alpha three");
        Message attachmentOnly = message(room, 4, Ids.newId(), "");
        store.insertAll(List.of(kept, edited, deleted, attachmentOnly));
        assertThat(searchRows(room)).isEmpty(); // the persister wrote no search rows

        store.foldNewMessages();
        assertThat(searchRows(room)).containsExactlyInAnyOrder(
                kept.id() + "=alpha one", edited.id() + "=alpha two", deleted.id() + "=alpha three");

        store.applyChanges(List.of(new MessageChange.Edited(room, edited.id(), "beta two", edited.createTime()),
                new MessageChange.Deleted(room, deleted.id(), deleted.createTime())));
        assertThat(search(room, "alpha")).containsExactly(kept.id()); // the rows are stale, the answers are not
        assertThat(search(room, "beta")).containsExactly(edited.id());

        store.foldNewMessages();
        assertThat(searchRows(room)).containsExactlyInAnyOrder(kept.id() + "=alpha one", edited.id() + "=beta two");
        long queued = jdbi.withHandle(handle -> handle.createQuery(
                "SELECT count(*) FROM search_refresh WHERE room_id = ?").bind(0, room).mapTo(Long.class).one());
        long indexedSeq = jdbi.withHandle(handle -> handle.createQuery(
                "SELECT indexed_seq FROM room_message_counts WHERE room_id = ?").bind(0, room).mapTo(Long.class).one());
        assertThat(queued).isZero();
        assertThat(indexedSeq).isEqualTo(4);
    }

    /**
     * The fold's INSERTs leave the search entries in the trigram index's pending list; once
     * enough rows were added, the fold merges the list itself instead of waiting for autovacuum.
     */
    @Test
    void theFoldMergesTheSearchIndexsPendingListOnceEnoughRowsWereAdded() {
        String room = Ids.newId();
        String sender = Ids.newId();
        int rows = RoomFolds.MERGE_AFTER_ROWS;
        store.insertAll(IntStream.rangeClosed(1, rows)
                .mapToObj(seq -> message(room, seq, sender, "bulk note " + seq)).toList());
        store.foldNewMessages();
        assertThat(pendingPagesMerged()).isZero(); // the fold merged them

        store.insertAll(List.of(message(room, rows + 1, sender, "one more note")));
        store.foldNewMessages();
        assertThat(pendingPagesMerged()).isPositive(); // too few to merge: pending until more follow
        assertThat(search(room, "one more")).hasSize(1);
    }

    /** A restarted message-service does not know what its predecessor left pending: its first fold merges it. */
    @Test
    void theFirstFoldAfterAStartMergesWhatWasLeftPending() {
        String sender = Ids.newId();
        String room = Ids.newId();
        store.insertAll(List.of(message(room, 1, sender, "before the restart")));
        store.foldNewMessages();
        store.insertAll(List.of(message(room, 2, sender, "left pending")));
        store.foldNewMessages(); // a few rows: they stay in the pending list

        try (JdbiMessageStore restarted = new JdbiMessageStore(jdbi)) {
            String otherRoom = Ids.newId();
            restarted.insertAll(List.of(message(otherRoom, 1, sender, "after the restart")));
            restarted.foldNewMessages();
        }
        assertThat(pendingPagesMerged()).isZero();
        assertThat(search(room, "left pending")).hasSize(1);
    }

    /** Merges the search index's pending list here and now: the pending pages it found. */
    private static long pendingPagesMerged() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT gin_clean_pending_list('message_search_trgm_idx')")
                .mapTo(Long.class).one());
    }

    private static List<String> searchRows(String room) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT message_id || '=' || text FROM message_search WHERE room_id = ?")
                .bind(0, room).mapTo(String.class).list());
    }

    @Test
    void searchUsesTheTextIndexes() {
        // the substring, or the words each as a substring, as JdbiMessageStore.search asks
        assertThat(planWithoutSeqScans("""
                SELECT message_id FROM message_search s
                WHERE s.text ILIKE '%서울에서 만나요%'
                   OR (s.text ILIKE (CAST(ARRAY['%서울에서%', '%만나요%'] AS text[]))[1]
                       AND s.text ILIKE (CAST(ARRAY['%서울에서%', '%만나요%'] AS text[]))[2]
                       AND to_tsvector('simple', s.text) @@ plainto_tsquery('simple', '서울에서 만나요'))
                """)).contains("message_search_trgm_idx");
        // a query too short for a trigram reads the given rooms' rows only, by the key's prefix
        assertThat(planWithoutSeqScans("""
                SELECT message_id FROM message_search WHERE room_id = ANY(ARRAY['r1', 'r2']) AND text ILIKE '%ok%'
                """)).contains("message_search_pkey");
        // Hangul counts as word characters for pg_trgm: a 4-character word gives 5 padded trigrams
        // (shown as hashes, as pg_trgm keeps multibyte trigrams)
        List<String> trigrams = jdbi.withHandle(handle -> handle.createQuery("SELECT unnest(show_trgm('서울에서'))")
                .mapTo(String.class).list());
        assertThat(trigrams).hasSize(5);
    }

    /**
     * ANALYZE, which autovacuum runs each time a table has grown by a tenth, samples 3,000 rows
     * (statistics target 10), and keeps nothing about texts and unique ids (V43).
     */
    @Test
    void analyzeSamplesFewRowsAndKeepsNothingAboutTexts() {
        List<String> rooms = IntStream.range(0, 20).mapToObj(i -> Ids.newId()).toList();
        for (String room : rooms) {
            store.insertAll(IntStream.rangeClosed(1, 250)
                    .mapToObj(seq -> message(room, seq, Ids.newId(), "note " + seq + " on topic " + seq % 7)).toList());
        }
        store.foldNewMessages();

        for (String table : List.of("messages", "message_search")) {
            assertThat(TestPostgres.analyzeVerbose(url, table)).anySatisfy(line -> assertThat(line).contains("3000 rows in sample"));
        }
        List<String> textStatistics = jdbi.withHandle(handle -> handle.createQuery("""
                        SELECT tablename || '.' || attname FROM pg_stats
                        WHERE tablename IN ('messages', 'message_search')
                          AND attname IN ('text', 'id', 'message_id')""")
                .mapTo(String.class).list());
        assertThat(textStatistics).isEmpty();
    }

    /**
     * Stores messages with these texts (seqs 1, 2, …) and folds them, so that searches are
     * answered from message_search's indexes (the shared contract searches before the fold).
     *
     * @return their ids, in the order given
     */
    private static List<String> indexed(String room, String... texts) {
        List<Message> messages = IntStream.range(0, texts.length)
                .mapToObj(i -> message(room, i + 1, Ids.newId(), texts[i])).toList();
        store.insertAll(messages);
        store.foldNewMessages();
        return messages.stream().map(Message::id).toList();
    }

    private static String planWithoutSeqScans(String query) {
        return jdbi.withHandle(handle -> {
            handle.execute("SET enable_seqscan = off");
            try {
                return String.join("\n", handle.createQuery("EXPLAIN " + query).mapTo(String.class).list());
            } finally {
                handle.execute("RESET enable_seqscan");
            }
        });
    }

    private static List<String> search(String room, String query) {
        return store.search(new MessageSearch(query, List.of(room), null), 10).stream().map(Message::id).toList();
    }
}

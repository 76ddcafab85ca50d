package io.chatmesh.message.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.message.domain.Message;
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

    private static Jdbi jdbi;
    private static JdbiMessageStore store;

    @BeforeAll
    static void migrate() {
        String url = TestPostgres.newDatabase();
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
        assertThat(store.page(room, PageDirection.FORWARD, 0, 5).getFirst().reactions())
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
}

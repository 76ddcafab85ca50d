package io.chatmesh.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyedInsert} and {@link TakenKeys} on a real PostgreSQL: the plain statement first, the
 * one that skips taken keys only after it failed on one, and for a while after that.
 */
class KeyedInsertTest {

    private static final String INSERT = """
            INSERT INTO items (id, name) SELECT * FROM unnest(CAST(? AS int[]), CAST(? AS text[]))
            /* on conflict */
            RETURNING id""";

    private static EmbeddedPostgres postgres;
    private static Jdbi jdbi;

    private final Timer timer = Timer.builder("t").register(new SimpleMeterRegistry());
    /** Each attempt's skipTakenKeys, in order. */
    private final List<Boolean> attempts = new ArrayList<>();
    private final AtomicLong nanoTime = new AtomicLong();
    private final TakenKeys takenKeys = new TakenKeys(nanoTime::get);

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        jdbi = Jdbi.create(postgres.getPostgresDatabase());
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void emptyTables() {
        jdbi.useHandle(handle -> handle.execute("""
                DROP TABLE IF EXISTS items, notes;
                CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);
                CREATE TABLE notes (note text)"""));
    }

    @Test
    void newKeysTakeOneAttemptAndATakenKeyASecondThatSkipsIt() {
        try (Handle handle = jdbi.open()) {
            KeyedInsert insert = new KeyedInsert(handle.getConnection(), INSERT, "ON CONFLICT DO NOTHING");

            assertThat(insertItems(insert, 1, 2)).containsExactly(1, 2);
            assertThat(attempts).containsExactly(false);

            attempts.clear();
            assertThat(insertItems(insert, 2, 3)).containsExactly(3);
            assertThat(attempts).containsExactly(false, true);

            assertThat(handle.createQuery("SELECT id || name FROM items ORDER BY id").mapTo(String.class).list())
                    .containsExactly("1item", "2item", "3item");
        }
    }

    @Test
    void afterATakenKeyBatchesSkipTakenKeysForAWhileThenTryThePlainStatementAgain() {
        try (Handle handle = jdbi.open()) {
            KeyedInsert insert = new KeyedInsert(handle.getConnection(), INSERT, "ON CONFLICT DO NOTHING");
            insertItems(insert, 1);
            insertItems(insert, 1);
            attempts.clear();

            nanoTime.addAndGet(TakenKeys.SKIPPING_AFTER_A_TAKEN_KEY.toNanos() - 1);
            assertThat(insertItems(insert, 1, 2)).containsExactly(2);
            assertThat(attempts).containsExactly(true);

            nanoTime.incrementAndGet();
            assertThat(insertItems(insert, 3)).containsExactly(3);
            assertThat(insertItems(insert, 4)).containsExactly(4);
            assertThat(attempts).containsExactly(true, false, false);
        }
    }

    @Test
    void aTransactionIsAttemptedAgainWhole() {
        try (DedicatedHandle<KeyedInsert> dedicated = new DedicatedHandle<>(jdbi,
                handle -> new KeyedInsert(handle.getConnection(), INSERT, "ON CONFLICT DO NOTHING"), handle -> {})) {
            dedicated.withAttached(insert -> insertItems(insert, 1));
            attempts.clear();

            List<Integer> inserted = takenKeys.insert(skip -> dedicated.inTransaction(insert -> {
                attempts.add(skip);
                // written before the insert in the same transaction: the failed attempt rolls it back
                try (Statement note = insert.statement(skip).getConnection().createStatement()) {
                    note.execute("INSERT INTO notes VALUES ('before')");
                } catch (SQLException e) {
                    throw new UnableToExecuteStatementException(e, null);
                }
                return run(insert.statement(skip), 1, 2);
            }));

            assertThat(inserted).containsExactly(2);
            assertThat(attempts).containsExactly(false, true);
            long notes = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM notes").mapTo(Long.class).one());
            assertThat(notes).isEqualTo(1);
        }
    }

    @Test
    void anyOtherFailureIsThrownWithoutASecondAttempt() {
        try (Handle handle = jdbi.open()) {
            KeyedInsert insert = new KeyedInsert(handle.getConnection(),
                    INSERT.replace("CAST(? AS text[])", "CAST(? AS text[]) || CAST(NULL AS text)"), "ON CONFLICT DO NOTHING");

            assertThatThrownBy(() -> insertItems(insert, 1)).isInstanceOf(JdbiException.class);
            assertThat(attempts).containsExactly(false);
        }
    }

    @Test
    void theSqlMustSayWhereTheClauseGoes() {
        try (Handle handle = jdbi.open()) {
            assertThatThrownBy(() -> new KeyedInsert(handle.getConnection(), "INSERT INTO items VALUES (1, 'a')",
                    "ON CONFLICT DO NOTHING")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private List<Integer> insertItems(KeyedInsert insert, Integer... ids) {
        return takenKeys.insert(skip -> {
            attempts.add(skip);
            return HotStatements.run(timer, () -> run(insert.statement(skip), ids));
        });
    }

    private static List<Integer> run(PreparedStatement statement, Integer... ids) {
        try {
            String[] names = new String[ids.length];
            Arrays.fill(names, "item");
            statement.setArray(1, statement.getConnection().createArrayOf("int", ids));
            statement.setArray(2, statement.getConnection().createArrayOf("text", names));
            List<Integer> inserted = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    inserted.add(result.getInt(1));
                }
            }
            return inserted;
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
    }
}

package io.chatmesh.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link JdbiStatementMetrics} on a real PostgreSQL: statements timed by the method or keyword that ran them. */
class JdbiStatementMetricsTest {

    public interface NoteDao {
        @SqlUpdate("INSERT INTO notes (id) VALUES (:id)")
        void insert(@Bind("id") int id);

        @SqlQuery("SELECT count(*) FROM notes")
        long count();
    }

    private static EmbeddedPostgres postgres;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void statementsAreTimedBySqlObjectMethodOrByKeyword() {
        Jdbi jdbi = JdbiStatementMetrics.installOn(
                Jdbi.create(postgres.getPostgresDatabase()).installPlugin(new SqlObjectPlugin()),
                new StoreMetrics(registry, "postgresql"));
        jdbi.useHandle(handle -> handle.execute("CREATE TABLE IF NOT EXISTS notes (id int PRIMARY KEY)"));
        NoteDao notes = SqlObjects.attachOnce(jdbi, NoteDao.class);
        notes.insert(1);
        notes.insert(2);
        assertThat(notes.count()).isEqualTo(2);
        assertThatThrownBy(() -> notes.insert(1)).isInstanceOf(JdbiException.class); // duplicate key: timed too
        jdbi.useHandle(handle -> handle.createQuery("select 1").mapTo(int.class).one());

        assertThat(timer("NoteDao.insert").count()).isEqualTo(3);
        assertThat(timer("NoteDao.count").count()).isEqualTo(1);
        assertThat(timer("create").count()).isEqualTo(1);
        assertThat(timer("select").count()).isEqualTo(1);
    }

    @Test
    void anUnknownKeywordIsOther() {
        assertThat(JdbiStatementMetrics.keyword("  SELECT 1")).isEqualTo("select");
        assertThat(JdbiStatementMetrics.keyword("VACUUM notes")).isEqualTo("other");
        assertThat(JdbiStatementMetrics.keyword("/* comment */ select 1")).isEqualTo("other");
    }

    private Timer timer(String operation) {
        return registry.get("chatmesh.store").tags("store", "postgresql", "operation", operation).timer();
    }
}

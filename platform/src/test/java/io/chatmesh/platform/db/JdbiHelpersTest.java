package io.chatmesh.platform.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link SqlObjects} and {@link DedicatedHandle} on a real PostgreSQL. */
class JdbiHelpersTest {

    public interface ItemDao {
        @SqlUpdate("INSERT INTO items (id, name) VALUES (:id, :name)")
        int insert(@Bind("id") int id, @Bind("name") String name);

        @SqlQuery("SELECT name FROM items WHERE id = :id")
        Optional<String> name(@Bind("id") int id);

        @SqlQuery("SELECT count(*) FROM items")
        long count();

        @SqlQuery("SELECT pg_backend_pid()")
        int backendPid();

        @SqlQuery("SHOW synchronous_commit")
        String synchronousCommit();
    }

    private static EmbeddedPostgres postgres;
    private static Jdbi jdbi;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        jdbi = Jdbi.create(postgres.getPostgresDatabase()).installPlugin(new SqlObjectPlugin())
                .installPlugin(new PostgresPlugin());
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void emptyTable() {
        jdbi.useHandle(handle -> handle.execute("DROP TABLE IF EXISTS items; CREATE TABLE items (id int PRIMARY KEY, name text)"));
    }

    @Test
    void anObjectAttachedOnceRunsEachCallOnItsOwnOutsideAnyHandle() {
        ItemDao items = SqlObjects.attachOnce(jdbi, ItemDao.class);

        assertThat(items.insert(1, "one")).isEqualTo(1);
        assertThat(items.name(1)).contains("one");
        assertThat(items.count()).isEqualTo(1);
    }

    @Test
    void insideATransactionItsCallsJoinIt() {
        ItemDao items = SqlObjects.attachOnce(jdbi, ItemDao.class);
        class RolledBack extends RuntimeException {}

        assertThatThrownBy(() -> jdbi.useTransaction(handle -> {
            items.insert(2, "two");
            assertThat(handle.createQuery("SELECT count(*) FROM items").mapTo(Long.class).one()).isEqualTo(1);
            throw new RolledBack();
        })).isInstanceOf(RolledBack.class);

        assertThat(items.count()).isZero();
    }

    @Test
    void oneAttachedObjectServesManyThreadsAtOnce() throws Exception {
        ItemDao items = SqlObjects.attachOnce(jdbi, ItemDao.class);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Optional<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int id = i;
                calls.add(threads.submit(() -> {
                    items.insert(id, "item " + id);
                    return items.name(id);
                }));
            }
            for (int i = 0; i < calls.size(); i++) {
                assertThat(calls.get(i).get()).contains("item " + i);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(items.count()).isEqualTo(200);
    }

    @Test
    void aDedicatedHandleKeepsItsConnectionAndSettingsAndReplacesABrokenOne() {
        AtomicInteger attached = new AtomicInteger();
        try (DedicatedHandle<ItemDao> dedicated = new DedicatedHandle<>(jdbi, handle -> {
            attached.incrementAndGet();
            return handle.attach(ItemDao.class);
        }, handle -> handle.execute("SET synchronous_commit = off"))) {
            int pid = dedicated.withAttached(ItemDao::backendPid);
            dedicated.inTransaction(items -> items.insert(3, "three"));
            assertThat(dedicated.withAttached(ItemDao::backendPid)).isEqualTo(pid);
            assertThat(dedicated.withAttached(ItemDao::synchronousCommit)).isEqualTo("off");
            assertThat(attached).hasValue(1);

            // a failure of the work itself (not of the connection) keeps the handle
            assertThatThrownBy(() -> dedicated.inTransaction(items -> items.insert(3, "again")))
                    .isInstanceOf(JdbiException.class);
            assertThat(dedicated.withAttached(ItemDao::backendPid)).isEqualTo(pid);

            jdbi.useHandle(handle -> handle.execute("SELECT pg_terminate_backend(" + pid + ")"));
            assertThatThrownBy(() -> dedicated.withAttached(ItemDao::count)).isInstanceOf(JdbiException.class);
            assertThat(dedicated.withAttached(ItemDao::backendPid)).isNotEqualTo(pid);
            assertThat(dedicated.withAttached(ItemDao::synchronousCommit)).isEqualTo("off");
            assertThat(attached).hasValue(2);
        }
    }

    @Test
    void aHotSessionReusesOneGenericPlanThatLooksRowsUpByKey() {
        jdbi.useHandle(handle -> handle.execute(
                "INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 1000) i; ANALYZE items"));
        String lookup = "SELECT name FROM items WHERE id = ANY(?) ORDER BY id";
        try (DedicatedHandle<PreparedStatement> dedicated = new DedicatedHandle<>(jdbi,
                handle -> HotStatements.prepare(handle.getConnection(), lookup), HotStatements::setUpSession)) {
            for (int run = 0; run < 20; run++) {
                List<String> names = dedicated.withAttached(statement -> rows(statement, () -> {
                    statement.setArray(1, statement.getConnection().createArrayOf("bigint", new Long[] {1L, 500L, 999L}));
                    return statement.executeQuery();
                }));
                assertThat(names).containsExactly("item 1", "item 500", "item 999");
            }

            // planned once, generically: by default PostgreSQL would plan this statement again on
            // every run, its generic plan looking dearer than its custom ones
            List<String> prepared = dedicated.withAttached(statement -> rows(statement, () -> statement.getConnection()
                    .createStatement().executeQuery("SELECT name || ' ' || generic_plans || '/' || custom_plans"
                            + " FROM pg_prepared_statements WHERE statement = '" + lookup.replace("?", "$1") + "'")));
            assertThat(prepared).singleElement().satisfies(counts -> assertThat(counts).doesNotContain(" 0/").endsWith("/0"));
            String name = prepared.getFirst().split(" ")[0];
            List<String> plan = dedicated.withAttached(statement -> rows(statement, () -> statement.getConnection()
                    .createStatement().executeQuery("EXPLAIN EXECUTE \"" + name + "\"('{1,500,999}')")));
            assertThat(plan).anySatisfy(line -> assertThat(line).contains("Index Scan using items_pkey"))
                    .noneSatisfy(line -> assertThat(line).contains("Seq Scan"));
        }
    }

    /** The first column of every row {@code query} returns. */
    private static List<String> rows(PreparedStatement statement, HotStatements.JdbcWork<ResultSet> query) {
        return HotStatements.run(JdbiStatementMetrics.timer(jdbi, "test"), () -> {
            List<String> values = new ArrayList<>();
            try (ResultSet rows = query.run()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        });
    }
}

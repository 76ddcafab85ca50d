package io.chatmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.chatmesh.testkit.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** bin/bench store-floor against a real PostgreSQL: what it inserts, measures and leaves behind (no timing). */
class StoreFloorTest {

    @Test
    void measuresEachTableAtEachBatchSizeAndDropsItsSchema() throws Exception {
        String url = TestPostgres.newDatabase();
        Path pgData = dataDirectory(url);
        StoreFloor floor = new StoreFloor(url, TestPostgres.USER, TestPostgres.PASSWORD, pgData);

        List<StoreFloor.Result> results = floor.measure(2_000, List.of(10, 100));

        assertThat(results).extracting(StoreFloor.Result::table, StoreFloor.Result::batch).containsExactly(
                tuple(StoreFloor.Table.KEYED, 10),
                tuple(StoreFloor.Table.KEYED, 100),
                tuple(StoreFloor.Table.BARE, 10),
                tuple(StoreFloor.Table.BARE, 100));
        assertThat(results).allSatisfy(result -> {
            assertThat(result.rows()).isEqualTo(2_000);
            assertThat(result.postgresMicrosPerRow()).isNotNegative();
        });
        // CPU is counted in clock ticks (10 ms): one line's 2,000 rows may take less than a tick (a
        // batch of 100 once took 22 ms in all), the four lines' 8,000 rows take several, so PostgreSQL's
        // processes are the ones counted
        assertThat(results.stream().mapToDouble(StoreFloor.Result::postgresMicrosPerRow).sum()).isPositive();
        assertThat(schemaExists(url)).isFalse();
    }

    @Test
    void theCommandFindsTheServerByItsDataDirectory() throws Exception {
        Path pgData = dataDirectory(TestPostgres.newDatabase());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        int exit = StoreFloor.main(List.of("--pg-data", pgData.toString(), "--rows", "200", "--batches", "25"),
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(exit).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8).lines().filter(line -> line.matches("^(keyed|bare) +25 +200 .*")))
                .hasSize(2);
    }

    @Test
    void theKeyedTableRefusesAClientIdTwiceAsTheMessageLogDoes() throws Exception {
        String url = TestPostgres.newDatabase();
        try (Connection connection = DriverManager.getConnection(url, TestPostgres.USER, TestPostgres.PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + StoreFloor.SCHEMA);
            statement.execute(StoreFloor.Table.KEYED.ddl());
            String insert = "INSERT INTO " + StoreFloor.SCHEMA + ".keyed (room_id, seq, sender_id, client_id, message_id, message)"
                    + " VALUES ('r', %d, 'u', 'c', 'm%d', '\\x00')";
            statement.execute(insert.formatted(1, 1));

            assertThatThrownBy(() -> statement.execute(insert.formatted(2, 2)))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
        }
    }

    @Test
    void badFlagsExitWithUsage() {
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(StoreFloor.main(List.of("--rows", "10"), out)).isEqualTo(2);
        assertThat(StoreFloor.main(List.of("--pg-data", "/nonexistent", "--batches", "0"), out)).isEqualTo(2);
        assertThat(StoreFloor.main(List.of("--pg-data", "/nonexistent"), out)).isEqualTo(2);
    }

    private static Path dataDirectory(String url) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, TestPostgres.USER, TestPostgres.PASSWORD);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SHOW data_directory")) {
            result.next();
            return Path.of(result.getString(1));
        }
    }

    private static boolean schemaExists(String url) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, TestPostgres.USER, TestPostgres.PASSWORD);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT count(*) FROM information_schema.schemata WHERE schema_name = '" + StoreFloor.SCHEMA + "'")) {
            result.next();
            return result.getInt(1) > 0;
        }
    }
}

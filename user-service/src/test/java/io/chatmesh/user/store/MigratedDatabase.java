package io.chatmesh.user.store;

import io.chatmesh.testkit.TestPostgres;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/** A fresh database with user-service's schema, and Jdbi over it as platform configures it. */
final class MigratedDatabase {

    private MigratedDatabase() {}

    static Jdbi create() {
        String url = TestPostgres.newDatabase();
        Flyway.configure()
                .dataSource(url, TestPostgres.USER, TestPostgres.PASSWORD)
                .locations("classpath:db/migration/user-service")
                .load()
                .migrate();
        return Jdbi.create(url, TestPostgres.USER, TestPostgres.PASSWORD)
                .installPlugin(new SqlObjectPlugin())
                .installPlugin(new PostgresPlugin());
    }
}

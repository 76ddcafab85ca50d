package io.chatmesh.user.api;

import io.chatmesh.testkit.TestPostgres;
import java.util.stream.Stream;

/** Settings every user-service test context shares. */
final class TestDatabase {

    /** Cheap argon2id, so tests spend their time on behaviour rather than hashing. */
    static final String CHEAP_HASH_MEMORY = "chatmesh.auth.argon2.memory-kib=64";
    static final String CHEAP_HASH_ITERATIONS = "chatmesh.auth.argon2.iterations=1";

    /** Nothing listens on port 9: calls to chat-service fail at once (never reach a stray local one). */
    static final String NO_CHAT_SERVICE = "spring.grpc.client.channels.rooms.address=static://127.0.0.1:9";

    private TestDatabase() {}

    /** Command-line arguments (they beat user-service.properties) to run the service on a database. */
    static String[] args(String jdbcUrl, String... extra) {
        return Stream.concat(Stream.of(
                        "spring.grpc.server.port=0",
                        NO_CHAT_SERVICE,
                        "spring.datasource.url=" + jdbcUrl,
                        "spring.datasource.username=" + TestPostgres.USER,
                        "spring.datasource.password=" + TestPostgres.PASSWORD,
                        CHEAP_HASH_MEMORY,
                        CHEAP_HASH_ITERATIONS), Stream.of(extra))
                .map(property -> "--" + property)
                .toArray(String[]::new);
    }
}

package io.chatmesh.user.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** Instances starting together on an empty table must end up with one signing key. */
class JdbiSigningKeyStoreTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private final Jdbi jdbi = MigratedDatabase.create();

    @Test
    void instancesStartingTogetherAllGetTheOneKeyThatWasStored() throws Exception {
        int instances = 6;
        ExecutorService threads = Executors.newFixedThreadPool(instances);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<String>> chosen = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                JdbiSigningKeyStore store = new JdbiSigningKeyStore(jdbi);
                String kid = "kid-" + i;
                chosen.add(threads.submit(() -> {
                    start.await();
                    return store.newestOrStore(kid, "{\"kid\":\"" + kid + "\"}", NOW);
                }));
            }
            start.countDown();
            Set<String> keys = new HashSet<>();
            for (Future<String> key : chosen) {
                keys.add(key.get());
            }

            assertThat(keys).hasSize(1);
            assertThat(new JdbiSigningKeyStore(jdbi).all()).containsExactlyElementsOf(keys);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void theNewestStoredKeyWins() {
        var store = new JdbiSigningKeyStore(jdbi);
        assertThat(store.newestOrStore("a", "{\"kid\":\"a\"}", NOW)).isEqualTo("{\"kid\":\"a\"}");
        assertThat(store.newestOrStore("b", "{\"kid\":\"b\"}", NOW.plusSeconds(1))).isEqualTo("{\"kid\":\"a\"}");
        assertThat(store.all()).containsExactly("{\"kid\":\"a\"}");
    }
}

package io.chatmesh.user.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/** argon2id hashes in Spring Security's encoding, from pooled memory blocks. */
class Argon2PasswordHasherTest {

    private static final int MEMORY_KIB = 1024;

    private final Argon2PasswordHasher hasher = new Argon2PasswordHasher(parameters(MEMORY_KIB), 2);

    @Test
    void aPasswordMatchesItsHashAndNoOtherPasswordDoes() {
        String hash = hasher.hash("correct horse");

        assertThat(hash).startsWith("$argon2id$v=19$m=" + MEMORY_KIB + ",t=2,p=1$");
        assertThat(hasher.matches("correct horse", hash)).isTrue();
        assertThat(hasher.matches("correct horsf", hash)).isFalse();
        assertThat(hasher.hash("correct horse")).as("a new salt each time").isNotEqualTo(hash);
    }

    @Test
    void hashesOfSpringSecuritysEncoderMatchAndItMatchesOurs() {
        Argon2PasswordEncoder spring = new Argon2PasswordEncoder(16, 32, 1, MEMORY_KIB, 2);

        assertThat(hasher.matches("pässwörd ✓", spring.encode("pässwörd ✓"))).isTrue();
        assertThat(hasher.matches("password", spring.encode("pässwörd ✓"))).isFalse();
        assertThat(spring.matches("pässwörd ✓", hasher.hash("pässwörd ✓"))).isTrue();
    }

    @Test
    void aHashWithOtherCostsThanTheSettingsStillMatches() {
        String older = new Argon2PasswordEncoder(16, 32, 1, 2048, 3).encode("password");

        assertThat(hasher.matches("password", older)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "$argon2i$v=19$m=1024,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA",
            "$argon2id$v=19$m=1024,t=2$c2FsdHNhbHRzYWx0$aGFzaA", "$argon2id$v=19$m=x,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA",
            "$argon2id$v=19$m=1024,t=2,p=1$c2FsdHNhbHRzYWx0$", "$argon2id$v=19$m=1024,t=2,p=1$!!$aGFzaA"})
    void whatIsNotAnArgon2idHashMatchesNothing(String encoded) {
        assertThat(hasher.matches("password", encoded)).isFalse();
    }

    @Test
    void concurrentHashesShareThePoolWithoutMixingTheirBlocks() throws Exception {
        Argon2PasswordEncoder spring = new Argon2PasswordEncoder(16, 32, 1, MEMORY_KIB, 2);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 24; i++) {
                String password = "password-" + i;
                results.add(threads.submit(() -> spring.matches(password, hasher.hash(password))
                        && hasher.matches(password, spring.encode(password))
                        && !hasher.matches(password + "x", hasher.hash(password))));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        }
    }

    @Test
    void hashesThatFollowEachOtherReuseTheBlocksAndTheLastOneLetsThemGo() {
        int memoryKib = 8192;
        long memoryCost = memoryKib * 1024L;
        Argon2PasswordHasher pooled = new Argon2PasswordHasher(parameters(memoryKib), 1);

        // another hash running all along, as in a storm of logins
        long[] allocated = pooled.withPool(running -> {
            long first = allocatedBy(() -> pooled.hash("password"));
            long next = allocatedBy(() -> pooled.matches("password", pooled.hash("password")));
            return new long[] {first, next};
        });
        long alone = allocatedBy(() -> pooled.hash("password"));

        assertThat(allocated[0]).as("the first hash fills the pool").isGreaterThan(memoryCost);
        assertThat(allocated[1]).as("a hash and a check after it").isLessThan(memoryCost / 8);
        assertThat(alone).as("a hash once none ran: the pool was let go").isGreaterThan(memoryCost);
    }

    private static long allocatedBy(Runnable work) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        work.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    private static AuthProperties.Argon2 parameters(int memoryKib) {
        return new AuthProperties.Argon2(16, 32, 1, memoryKib, 2, null, 64, Duration.ofSeconds(5));
    }
}

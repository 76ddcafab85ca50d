package io.chatmesh.user.config;

import io.chatmesh.user.domain.PasswordHasher;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * {@link PasswordHasher} with argon2id (Bouncy Castle), in the encoding of Spring Security's
 * {@code Argon2PasswordEncoder} ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}, Base64 without
 * padding), which stored hashes were written in.
 *
 * <p>Why not that encoder: each hash fills its memory cost (19 MiB) with fresh 1 KiB blocks, which
 * live as long as the hash (tens of milliseconds) and so outlast young collections while logins
 * come in; they were promoted and filled the old generation, and a login storm became a series
 * of full collections (docs/performance.md, "Logins without full collections"). Here, while
 * hashes follow each other without a pause, their blocks come from one pool, as big as
 * {@code maxConcurrent} hashes need, so a hash allocates nearly nothing; the pool is let go when
 * the last running hash ends, so that the heap does not keep 19 MiB per processor for logins that
 * may not come.
 */
final class Argon2PasswordHasher implements PasswordHasher {

    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder BASE64_DECODER = Base64.getDecoder();

    private final AuthProperties.Argon2 parameters;
    private final int poolBlocks;
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger running = new AtomicInteger();
    /** The blocks of the hashes running now and of those that follow them; null when none runs. */
    private volatile Argon2BytesGenerator.BlockPool pool;

    /** @param maxConcurrent how many hashes run at once at most (the pool holds their blocks) */
    Argon2PasswordHasher(AuthProperties.Argon2 parameters, int maxConcurrent) {
        this.parameters = parameters;
        // one 1 KiB block per KiB of memory cost
        this.poolBlocks = Math.multiplyExact(parameters.memoryKib(), maxConcurrent);
    }

    @Override
    public String hash(String password) {
        byte[] salt = new byte[parameters.saltLength()];
        random.nextBytes(salt);
        Argon2Parameters.Builder hashParameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withParallelism(parameters.parallelism())
                .withMemoryAsKB(parameters.memoryKib())
                .withIterations(parameters.iterations());
        byte[] hash = generate(password, hashParameters, parameters.hashLength());
        return "$argon2id$v=" + Argon2Parameters.ARGON2_VERSION_13 + "$m=" + parameters.memoryKib()
                + ",t=" + parameters.iterations() + ",p=" + parameters.parallelism()
                + "$" + BASE64.encodeToString(salt) + "$" + BASE64.encodeToString(hash);
    }

    @Override
    public boolean matches(String password, String encoded) {
        Decoded decoded = decode(encoded);
        if (decoded == null) {
            return false;
        }
        byte[] hash = generate(password, decoded.parameters(), decoded.hash().length);
        return MessageDigest.isEqual(hash, decoded.hash());
    }

    private byte[] generate(String password, Argon2Parameters.Builder hashParameters, int length) {
        return withPool(pool -> {
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(hashParameters.withBlockPool(pool).build());
            byte[] hash = new byte[length];
            generator.generateBytes(password.toCharArray(), hash); // as Spring's encoder: UTF-8, by Bouncy Castle
            return hash;
        });
    }

    /** Runs {@code hashing} with the pool, which it keeps for the hashes that start before it ends. */
    <T> T withPool(Function<Argon2BytesGenerator.BlockPool, T> hashing) {
        running.incrementAndGet();
        try {
            Argon2BytesGenerator.BlockPool current = pool;
            if (current == null) {
                // two hashes may both start one; the blocks of the one not kept are collected
                current = new Argon2BytesGenerator.FixedBlockPool(poolBlocks);
                pool = current;
            }
            return hashing.apply(current);
        } finally {
            if (running.decrementAndGet() == 0) {
                pool = null;
            }
        }
    }

    private record Decoded(Argon2Parameters.Builder parameters, byte[] hash) {}

    /** Reads {@code $argon2id$v=V$m=M,t=T,p=P$salt$hash}; null if it is not that (or not argon2id). */
    private static Decoded decode(String encoded) {
        String[] parts = encoded.split("\\$");
        if (parts.length != 6 || !parts[0].isEmpty() || !parts[1].equals("argon2id") || !parts[2].startsWith("v=")) {
            return null;
        }
        String[] costs = parts[3].split(",");
        if (costs.length != 3 || !costs[0].startsWith("m=") || !costs[1].startsWith("t=") || !costs[2].startsWith("p=")) {
            return null;
        }
        try {
            byte[] hash = BASE64_DECODER.decode(parts[5]);
            if (hash.length == 0) {
                return null;
            }
            return new Decoded(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Integer.parseInt(parts[2].substring(2)))
                    .withMemoryAsKB(Integer.parseInt(costs[0].substring(2)))
                    .withIterations(Integer.parseInt(costs[1].substring(2)))
                    .withParallelism(Integer.parseInt(costs[2].substring(2)))
                    .withSalt(BASE64_DECODER.decode(parts[4])), hash);
        } catch (IllegalArgumentException e) { // a number or Base64 that does not parse
            return null;
        }
    }
}

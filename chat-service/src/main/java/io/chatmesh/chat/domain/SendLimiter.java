package io.chatmesh.chat.domain;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.chatmesh.platform.error.ChatmeshException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket per user: {@code ratePerSecond} sends per second on average, bursts of up to
 * {@code burst}. A send over the limit is refused with RESOURCE_EXHAUSTED naming how long to
 * wait, before it costs anything else. Buckets of users who stopped sending are forgotten
 * (a forgotten bucket is full again, which a rested user's bucket would be anyway). Each
 * instance counts on its own.
 */
public final class SendLimiter {

    private final double tokensPerNano;
    private final double burst;
    private final LongSupplier nanoTime;
    private final Cache<String, Bucket> buckets;

    /** @param ratePerSecond 0 turns the limit off */
    public SendLimiter(double ratePerSecond, int burst, LongSupplier nanoTime) {
        if (ratePerSecond < 0 || burst < 1) {
            throw new IllegalArgumentException("rate must be >= 0 and burst >= 1");
        }
        this.tokensPerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.nanoTime = nanoTime;
        // A bucket refills completely within burst/rate; after that it is as good as new.
        Duration refill = ratePerSecond == 0 ? Duration.ofMinutes(1)
                : Duration.ofNanos((long) (burst / tokensPerNano)).plusSeconds(1);
        // maintained on the sending threads, like Messaging's answered sends, not on the fork-join pool
        this.buckets = Caffeine.newBuilder().executor(Runnable::run).expireAfterAccess(refill).build();
    }

    /** Takes one send of the user's allowance; RESOURCE_EXHAUSTED (with a retry delay) when none is left. */
    public void acquire(String userId) {
        if (tokensPerNano == 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        long waitNanos = buckets.get(userId, id -> new Bucket(burst, now)).take(now, tokensPerNano, burst);
        if (waitNanos > 0) {
            throw ChatmeshException.rateLimited("sending faster than " + (tokensPerNano * 1e9) + " messages per second",
                    Duration.ofNanos(waitNanos));
        }
    }

    private static final class Bucket {

        private double tokens;
        private long updatedAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedAt = now;
        }

        /** Takes a token if there is one (0), else returns the nanoseconds until there will be. */
        synchronized long take(long now, double tokensPerNano, double burst) {
            tokens = Math.min(burst, tokens + (now - updatedAt) * tokensPerNano);
            updatedAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / tokensPerNano);
        }
    }
}

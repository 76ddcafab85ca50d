package io.chatmesh.user.domain;

import io.chatmesh.platform.error.ChatmeshException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A {@link PasswordHasher} that runs at most {@code maxConcurrent} hashes at a time.
 *
 * <p>Each argon2id hash allocates its whole memory cost (19 MiB by default) while it runs, and
 * every concurrent call runs on a thread of its own: without a bound, a thousand concurrent
 * SignUp or LogIn calls hold a thousand such buffers at once. Callers beyond the bound wait their turn, in
 * arrival order, but only so many of them ({@code maxWaiting}) and only so long: the shorter of
 * {@code maxWait} and the time the caller has left (its deadline). Past either, the call is
 * refused with RESOURCE_EXHAUSTED, so the client can back off instead of piling on.
 */
public final class BoundedPasswordHasher implements PasswordHasher {

    /**
     * @param maxConcurrent hashes running at once, at least 1
     * @param maxWaiting callers allowed to wait for a turn; 0 refuses whenever all are busy
     * @param maxWait longest any caller waits for a turn
     */
    public record Limits(int maxConcurrent, int maxWaiting, Duration maxWait) {
        public Limits {
            if (maxConcurrent < 1) {
                throw new IllegalArgumentException("maxConcurrent must be at least 1");
            }
            if (maxWaiting < 0) {
                throw new IllegalArgumentException("maxWaiting must not be negative");
            }
            if (maxWait == null || maxWait.isNegative()) {
                throw new IllegalArgumentException("maxWait must not be negative");
            }
        }
    }

    /** Longest wait that fits in a long of nanoseconds; longer ones are forever anyway. */
    private static final Duration LONGEST_WAIT = Duration.ofNanos(Long.MAX_VALUE);

    private final PasswordHasher hasher;
    private final Limits limits;
    private final Supplier<Optional<Duration>> callerTimeLeft;
    /** Fair, so waiting callers get their turn in arrival order. */
    private final Semaphore turns;
    private final AtomicInteger waiting = new AtomicInteger();

    /**
     * @param callerTimeLeft how long the current caller will still wait for an answer, if it said
     *        (its call's remaining deadline); empty when it set none
     */
    public BoundedPasswordHasher(PasswordHasher hasher, Limits limits, Supplier<Optional<Duration>> callerTimeLeft) {
        this.hasher = hasher;
        this.limits = limits;
        this.callerTimeLeft = callerTimeLeft;
        this.turns = new Semaphore(limits.maxConcurrent(), true);
    }

    @Override
    public String hash(String password) {
        awaitTurn();
        try {
            return hasher.hash(password);
        } finally {
            turns.release();
        }
    }

    @Override
    public boolean matches(String password, String hash) {
        awaitTurn();
        try {
            return hasher.matches(password, hash);
        } finally {
            turns.release();
        }
    }

    /** Hashes running now. */
    public int running() {
        return limits.maxConcurrent() - turns.availablePermits();
    }

    /** Callers waiting for a turn now. */
    public int waiting() {
        return waiting.get();
    }

    private void awaitTurn() {
        try {
            // a timed tryAcquire honours fairness: a free turn does not jump the queue
            if (turns.tryAcquire(0, TimeUnit.NANOSECONDS)) {
                return;
            }
            if (waiting.incrementAndGet() > limits.maxWaiting()) {
                waiting.decrementAndGet();
                throw busy();
            }
            try {
                if (!turns.tryAcquire(waitBoundNanos(), TimeUnit.NANOSECONDS)) {
                    throw busy();
                }
            } finally {
                waiting.decrementAndGet();
            }
        } catch (InterruptedException e) {
            // only happens when the server shuts down
            Thread.currentThread().interrupt();
            throw ChatmeshException.unavailable("interrupted while waiting to check a password");
        }
    }

    /** The shorter of maxWait and the caller's time left; a caller already out of time gets 0. */
    private long waitBoundNanos() {
        Duration bound = callerTimeLeft.get()
                .filter(left -> left.compareTo(limits.maxWait()) < 0)
                .map(left -> left.isNegative() ? Duration.ZERO : left)
                .orElse(limits.maxWait());
        return bound.compareTo(LONGEST_WAIT) < 0 ? bound.toNanos() : Long.MAX_VALUE;
    }

    /** A hash takes about 0.1 s: after a second the queue has moved on. */
    private static ChatmeshException busy() {
        return ChatmeshException.overloaded("too many password checks at once, retry later", Duration.ofSeconds(1));
    }
}

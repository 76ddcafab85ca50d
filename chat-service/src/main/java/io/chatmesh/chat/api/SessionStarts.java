package io.chatmesh.chat.api;

import io.chatmesh.platform.error.ChatmeshException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bounds the stream starts in progress on this instance: a Hello from its arrival until the
 * session is live (the token's check, the user's rooms and their seqs, Ready, a resume's
 * replay). Past the bound a Hello is refused at once, RESOURCE_EXHAUSTED (OVERLOADED) with a
 * retry delay, and its stream closed. Why: in a reconnect storm the starts run all at once,
 * each slower, until their history reads time out; their work is wasted and every client
 * comes back (performance.md, "Resumes under load"). Refused at once, the excess costs
 * almost nothing and comes back later, while the admitted starts finish. The delay is spread
 * between half and one and a half times {@link #RETRY_DELAY}, so the refused do not all
 * return together.
 */
final class SessionStarts {

    static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private final Semaphore places;

    SessionStarts(int max) {
        this.places = new Semaphore(max);
    }

    /** Takes a place for one start; false when all are taken. Each true is followed by one {@link #finished}. */
    boolean tryStart() {
        return places.tryAcquire();
    }

    void finished() {
        places.release();
    }

    /** The refusal of a Hello that found no place. */
    static ChatmeshException refusal() {
        long base = RETRY_DELAY.toMillis();
        long delay = base / 2 + ThreadLocalRandom.current().nextLong(base + 1);
        return ChatmeshException.overloaded("too many streams are starting; reconnect after the retry delay",
                Duration.ofMillis(delay));
    }
}

package io.chatmesh.platform.stream;

import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.platform.auth.EndedSessions;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How long a Connect stream may run on its credentials, the same on both streams: it must
 * authenticate (Hello, Join) within a set time of opening, and it ends when its access token
 * expires unless a fresh token of the same user replaces the old one in-band first
 * (Reauthenticate). It also ends when its token's login session ends (LogOut, see
 * {@link EndedSessions}). A stream ends by {@code end} being called once, with the
 * UNAUTHENTICATED error that says why; a stream that ends otherwise stops all this by
 * {@link #close}.
 */
public final class StreamAuthentication implements AutoCloseable {

    /** One daemon thread for every stream's timer: each task only ends a stream. */
    private static final ScheduledThreadPoolExecutor TIMERS = timers();
    private static final Duration LONGEST_WAIT = Duration.ofDays(365);

    private final AccessTokenVerifier verifier;
    private final EndedSessions endedSessions;
    private final Clock clock;
    private final Consumer<ChatmeshException> end;
    private volatile Principal principal;
    /** The pending deadline (authenticate, or the token's expiry); guarded by this. */
    private ScheduledFuture<?> deadline;
    /** Stops watching the current token's session; guarded by this. */
    private Runnable stopWatching = () -> {};
    private boolean closed;

    /**
     * Starts the clock: the stream is ended unless {@link #authenticate} is called within
     * {@code authenticateWithin}.
     */
    public StreamAuthentication(AccessTokenVerifier verifier, EndedSessions endedSessions, Clock clock,
            Duration authenticateWithin, Consumer<ChatmeshException> end) {
        this.verifier = verifier;
        this.endedSessions = endedSessions;
        this.clock = clock;
        this.end = end;
        schedule(authenticateWithin, () -> ChatmeshException.unauthenticated(
                "the stream was not authenticated within " + authenticateWithin.toSeconds() + " s of opening"));
    }

    /** The stream's user as of now; null before {@link #authenticate}. */
    public Principal principal() {
        return principal;
    }

    /**
     * The stream is now {@code authenticated}'s until its token expires.
     *
     * @throws ChatmeshException UNAUTHENTICATED if the token's session ended
     */
    public Principal authenticate(Principal authenticated) {
        replace(authenticated);
        return authenticated;
    }

    /**
     * Replaces the stream's token with {@code accessToken}, which must be valid and the same
     * user's; a refused one leaves the stream on its old token.
     *
     * @throws ChatmeshException UNAUTHENTICATED (invalid token), PERMISSION_DENIED (another
     *         user's), FAILED_PRECONDITION (the stream is not authenticated yet)
     */
    public Principal reauthenticate(String accessToken) {
        Principal current = principal;
        if (current == null) {
            throw ChatmeshException.failedPrecondition("authenticate the stream first");
        }
        Principal fresh = verifier.verify(accessToken);
        if (!fresh.userId().equals(current.userId())) {
            throw ChatmeshException.notAllowed("the token is another user's");
        }
        replace(fresh);
        return fresh;
    }

    /** Stops the timer and the session watch; the stream ended. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        stopWatching.run();
    }

    private void replace(Principal authenticated) {
        if (endedSessions.isEnded(authenticated.sessionId())) {
            throw ChatmeshException.unauthenticated("the session was logged out");
        }
        principal = authenticated;
        Duration left = Duration.between(clock.instant(), authenticated.expireTime());
        schedule(left, () -> ChatmeshException.unauthenticated("the access token expired; reconnect, or send "
                + "reauthenticate with a fresh token before it expires"));
        synchronized (this) {
            stopWatching.run();
            if (!closed) {
                stopWatching = endedSessions.watch(authenticated.sessionId(),
                        () -> endNow(ChatmeshException.unauthenticated("the session was logged out")));
            }
        }
    }

    /** Ends the stream unless it already ended (or is ending). */
    private void endNow(ChatmeshException why) {
        synchronized (this) {
            if (closed) {
                return;
            }
            close();
        }
        end.accept(why);
    }

    private synchronized void schedule(Duration after, Supplier<ChatmeshException> why) {
        if (closed) {
            return;
        }
        if (deadline != null) {
            deadline.cancel(false);
        }
        ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
        Runnable fire = () -> {
            synchronized (this) {
                if (deadline != self[0]) {
                    return; // replaced meanwhile
                }
            }
            endNow(why.get());
        };
        // verifiers refuse tokens living beyond a day, so the clamp only guards the arithmetic
        long millis = after.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT.toMillis() : Math.max(0, after.toMillis());
        self[0] = TIMERS.schedule(fire, millis, TimeUnit.MILLISECONDS);
        deadline = self[0];
    }

    private static ScheduledThreadPoolExecutor timers() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("stream-auth-timer").daemon().factory());
        executor.setRemoveOnCancelPolicy(true); // cancelled expiries of long streams do not pile up
        return executor;
    }
}

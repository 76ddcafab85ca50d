package io.chatmesh.chat.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;

/**
 * When a chat stream asks gRPC for more client events ({@code ServerCallStreamObserver::request}).
 *
 * <p>A request from a handler thread is a hop to the connection's event loop that wakes it up,
 * so the stream keeps up to {@link #READ_AHEAD} events asked for and tops them up once half have
 * arrived, instead of asking for each event after the one before. After an event refused with a
 * retry delay (rate limit, overload) it asks for none until that delay has passed, then for one,
 * and doubles its read-ahead with every event that is not refused. So a flooding client gets the
 * events already asked for answered (fewer than {@code READ_AHEAD}), then about one refusal per
 * delay; what it sends beyond those waits in HTTP/2 flow control, on the client.
 *
 * <p>gRPC delivers a stream's events one at a time; the end of a pause comes from another
 * thread, hence the lock.
 */
final class ClientEventDemand {

    static final int READ_AHEAD = 16;

    private final IntConsumer request;
    private final BiConsumer<Duration, Runnable> afterDelay;
    /** How many events to keep asked for: READ_AHEAD, or less since a refusal. */
    private int window = READ_AHEAD;
    /** Events asked for and not yet received. */
    private int outstanding;
    private boolean paused;

    /** Asks for the first events at once; runs the end of a pause on a timer thread. */
    ClientEventDemand(IntConsumer request) {
        this(request, (delay, task) ->
                CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS).execute(task));
    }

    ClientEventDemand(IntConsumer request, BiConsumer<Duration, Runnable> afterDelay) {
        this.request = request;
        this.afterDelay = afterDelay;
        topUp();
    }

    /** An event was received and answered; {@code pause} is its refusal's retry delay, or zero. */
    void received(Duration pause) {
        boolean startPause = false;
        synchronized (this) {
            outstanding--;
            if (pause.isPositive()) {
                window = 1;
                startPause = !paused;
                paused = true;
            } else if (!paused) {
                window = Math.min(READ_AHEAD, window * 2);
            }
        }
        if (startPause) {
            afterDelay.accept(pause, this::resume);
        } else {
            topUp();
        }
    }

    private void resume() {
        synchronized (this) {
            paused = false;
        }
        topUp();
    }

    /** Asks for more once at most half the window is still asked for (for a window of 1: none). */
    private void topUp() {
        int more;
        synchronized (this) {
            more = paused || outstanding > window / 2 ? 0 : window - outstanding;
            outstanding += more;
        }
        if (more > 0) {
            request.accept(more);
        }
    }
}

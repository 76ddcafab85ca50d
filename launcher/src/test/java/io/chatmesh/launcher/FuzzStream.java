package io.chatmesh.launcher;

import io.chatmesh.proto.common.v1.StreamError;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * One connection of a fuzzer: sends {@link FuzzEvent}s, attributes every StreamError to the
 * event its client_id names, checks that each event due an answer gets one, and that the
 * server ends the stream only with a clear status.
 *
 * <p>Every {@link Rules#barrierEvery} events it sends a ping of its own (a barrier): the server
 * reads a stream's events in order, so its Pong (or, with no session yet, its StreamError)
 * confirms that every earlier event was read. Sending waits while more than two barriers are
 * unanswered, so few events are in flight when the server ends the stream. After an event
 * that may end the stream it waits for a barrier (settles), so such an end is pinned on it.
 */
final class FuzzStream<E> {

    /** How one stream's messages look. */
    interface Protocol<E> {
        byte[] ping(String clientId, long nonce);

        OptionalLong pongNonce(E event);

        /** The StreamError the event is, or null. */
        StreamError error(E event);
    }

    /**
     * @param allowedEnds statuses besides {@link #CLEAR_CODES} the server may end the stream with
     * @param unimplementedKinds kinds the server may answer UNIMPLEMENTED (documented as not implemented yet)
     * @param settleAfter events after which to wait for a barrier: those that may end the stream
     */
    record Rules(int barrierEvery, Set<Status.Code> allowedEnds, Set<String> unimplementedKinds,
            Predicate<FuzzEvent> settleAfter) {}

    /** What the server may answer bad input with, and end a fuzzer's stream with. */
    static final Set<Status.Code> CLEAR_CODES = EnumSet.of(Status.Code.UNAUTHENTICATED, Status.Code.INVALID_ARGUMENT,
            Status.Code.RESOURCE_EXHAUSTED, Status.Code.FAILED_PRECONDITION, Status.Code.PERMISSION_DENIED,
            Status.Code.NOT_FOUND);

    /** Barrier pings carry nonces from here up; fuzzed pings never do. */
    static final long BARRIER_NONCE_BASE = 0x4000_0000_0000_0000L;
    /** The largest field number protobuf allows (platform once marked unparseable requests with it). */
    static final int LARGEST_FIELD_NUMBER = (1 << 29) - 1;
    private static final String BARRIER_PREFIX = "~barrier-";
    /** How many inputs a failure message lists. */
    private static final int LISTED = 12;

    private final Protocol<E> protocol;
    private final Rules rules;
    private final FuzzTally tally;
    private final ConcurrentMap<String, FuzzEvent> byClientId;
    private final RawConnect<E> raw;
    /** Events sent and not yet confirmed read by a barrier, oldest first. */
    private final ArrayDeque<FuzzEvent> unconfirmed = new ArrayDeque<>();
    private final AnswersDue due = new AnswersDue();
    private final Map<Long, Long> eventsBeforeBarrier = new HashMap<>();
    private long sentEvents;
    private long barriersSent;
    private long answeredBarrier = -1;
    private long confirmedEvents;
    /** Completes once the end of the stream was checked and counted. */
    private final CompletableFuture<Void> endHandled = new CompletableFuture<>();
    /** The event this stream is settling after: an end meanwhile is its doing. */
    private FuzzEvent settling;

    /**
     * @param byClientId every event sent so far by client_id, shared by the run's connections
     * @param others every event but a barrier's answer (StreamErrors after this stream's own checks)
     */
    FuzzStream(Channel channel, MethodDescriptor<?, E> method, String headerToken, Protocol<E> protocol, Rules rules,
            FuzzTally tally, ConcurrentMap<String, FuzzEvent> byClientId, BiConsumer<FuzzStream<E>, E> others) {
        this.protocol = protocol;
        this.rules = rules;
        this.tally = tally;
        this.byClientId = byClientId;
        this.raw = new RawConnect<>(channel, method, headerToken, event -> onEvent(event, others));
        raw.end().thenAccept(status -> {
            try {
                onEnd(status);
            } finally {
                endHandled.complete(null);
                synchronized (this) {
                    notifyAll();
                }
            }
        });
    }

    void send(FuzzEvent event) {
        tally.sent(event.kind());
        write(event);
    }

    /** Sends an event again (an earlier stream ended before answering it): not counted as a new one. */
    void resend(FuzzEvent event) {
        tally.count("resent after their stream ended");
        write(event);
    }

    private void write(FuzzEvent event) {
        synchronized (this) {
            if (!event.clientId().isEmpty()) {
                byClientId.putIfAbsent(event.clientId(), event);
            }
            if (event.answered()) {
                due.add(event);
            }
        }
        if (event.oversized()) {
            // larger than any flow-control window, and over the limit: the server must end the stream
            synchronized (this) {
                settling = event;
            }
            raw.sendAtOnce(event.frame());
            awaitUntil(this::ended, "an oversized frame (the server must end the stream)");
            return;
        }
        synchronized (this) {
            unconfirmed.addLast(event);
        }
        raw.send(event.frame());
        sentEvents++;
        if (rules.settleAfter().test(event)) {
            synchronized (this) {
                settling = event;
            }
            settle();
            synchronized (this) {
                settling = null;
            }
        } else if (sentEvents % rules.barrierEvery() == 0) {
            barrier(2);
        }
    }

    /** Waits until the server read everything sent so far; false when the stream ended instead. */
    boolean settle() {
        barrier(0);
        return !ended();
    }

    /** Waits until every event sent was read and every answer due arrived (or the stream ended). */
    void finish() {
        settle();
        awaitUntil(() -> ended() || due.isEmpty(), "every answer due");
    }

    /** Sends a barrier and waits until at most {@code unanswered} barriers are unanswered. */
    private void barrier(int unanswered) {
        long n = barriersSent++;
        synchronized (this) {
            eventsBeforeBarrier.put(n, sentEvents);
        }
        tally.count("barrier pings");
        raw.send(protocol.ping(BARRIER_PREFIX + n, BARRIER_NONCE_BASE + n));
        awaitUntil(() -> ended() || answeredBarrier >= n - unanswered, "barrier " + (n - unanswered));
    }

    private synchronized void awaitUntil(BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + StreamRecorder.PATIENCE.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no answer to " + what + " within " + StreamRecorder.PATIENCE
                        + "; unread events: " + inputs(List.copyOf(unconfirmed)));
            }
            try {
                wait(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private void onEvent(E event, BiConsumer<FuzzStream<E>, E> others) {
        StreamError error = protocol.error(event);
        OptionalLong nonce = protocol.pongNonce(event);
        if (error != null && error.getClientId().startsWith(BARRIER_PREFIX)) {
            tally.count("barrier pings refused (no session yet)");
            barrierAnswered(Long.parseLong(error.getClientId().substring(BARRIER_PREFIX.length())));
        } else if (error != null) {
            onError(error);
            others.accept(this, event);
        } else if (nonce.isPresent() && nonce.getAsLong() >= BARRIER_NONCE_BASE) {
            barrierAnswered(nonce.getAsLong() - BARRIER_NONCE_BASE);
        } else {
            others.accept(this, event);
        }
    }

    private void onError(StreamError error) {
        FuzzEvent event = error.getClientId().isEmpty() ? null : byClientId.get(error.getClientId());
        String kind = event == null ? "unattributed" : event.kind();
        tally.answered(kind, FuzzTally.errorOutcome(error.getCode()));
        Status.Code code = Status.fromCodeValue(error.getCode()).getCode();
        if (CLEAR_CODES.contains(code)) {
            // a clear refusal
        } else if (event != null) {
            if (code != Status.Code.UNIMPLEMENTED || !rules.unimplementedKinds().contains(kind)) {
                tally.problem("StreamError " + code + " answering " + event.input());
            }
        } else {
            List<FuzzEvent> candidates = unattributedCandidates();
            if (code != Status.Code.UNIMPLEMENTED
                    || candidates.stream().noneMatch(c -> rules.unimplementedKinds().contains(c.kind()))) {
                tally.problem("StreamError " + code + " with client_id '' answering one of " + inputs(candidates));
            }
        }
        if (event != null && event.answered()) {
            resolve(event);
        }
    }

    /** Marks one answer to {@code event} as received; a second answer (or one never due) is a problem. */
    synchronized void resolve(FuzzEvent event) {
        if (!due.pay(event)) {
            tally.problem("an answer beyond the one due to " + event.input());
        }
        notifyAll();
    }

    private synchronized void barrierAnswered(long n) {
        if (n > answeredBarrier) {
            answeredBarrier = n;
            long through = eventsBeforeBarrier.getOrDefault(n, confirmedEvents);
            tally.confirmed(through - confirmedEvents);
            for (long i = confirmedEvents; i < through && !unconfirmed.isEmpty(); i++) {
                unconfirmed.removeFirst();
            }
            confirmedEvents = through;
        }
        notifyAll();
    }

    /**
     * The events a StreamError without client_id may answer: those of the first unconfirmed
     * stretch (the server answers in order, so it is reading there) sent without a client_id
     * or with one too long to be echoed.
     */
    private synchronized List<FuzzEvent> unattributedCandidates() {
        return unconfirmed.stream().limit(rules.barrierEvery())
                .filter(e -> e.clientId().isEmpty() || e.clientId().codePointCount(0, e.clientId().length()) > 64)
                .toList();
    }

    private void onEnd(Status status) {
        FuzzEvent cause;
        List<FuzzEvent> unread;
        synchronized (this) {
            cause = settling;
            unread = List.copyOf(unconfirmed);
        }
        unread.forEach(event -> tally.answered(event.kind(), "unconfirmed (stream ended)"));
        if (raw.cancelledByClient()) {
            return;
        }
        Status.Code code = status.getCode();
        tally.ended(code);
        if (cause != null) {
            tally.answered(cause.kind(), "stream ended " + code);
        }
        if (cause != null && cause.oversized()) {
            // documented: RESOURCE_EXHAUSTED, or CANCELLED once the response began (grpc-java resets the stream)
            if (code != Status.Code.RESOURCE_EXHAUSTED && code != Status.Code.CANCELLED) {
                tally.problem("stream ended with " + code + " after " + cause.input());
            }
        } else if (!CLEAR_CODES.contains(code) && !rules.allowedEnds().contains(code)) {
            tally.problem("stream ended with " + code + " while the server read one of " + inputs(unread));
        }
    }

    private static String inputs(List<FuzzEvent> events) {
        return events.stream().limit(LISTED).map(FuzzEvent::input).toList()
                + (events.size() > LISTED ? " and " + (events.size() - LISTED) + " more" : "");
    }

    /** The events still waiting for their answer, one per client_id (after an end: never answered here). */
    synchronized List<FuzzEvent> unanswered() {
        return due.events();
    }

    /** Whether the stream ended (and its end was checked). */
    boolean ended() {
        return endHandled.isDone();
    }

    /** Sends a frame outside the fuzz (not counted, no barrier): a test's own probe. */
    void sendProbe(byte[] frame) {
        raw.send(frame);
    }

    /** Cancels the stream (unless it ended) and waits for its last callback: no answer comes after this. */
    void close() {
        raw.cancel();
        try {
            endHandled.get(StreamRecorder.PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the stream did not end after a cancel", e);
        }
    }
}

package io.chatmesh.launcher;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * What the chat and the signaling fuzzer do alike: one user sending a fuzzer's random frames over
 * a service's Connect stream, through the edge or straight to the service, reconnecting whenever
 * the server ends its stream (or it chooses to), each frame over the edge's limit on a connection
 * of its own. A subclass names the stream, the event that opens it and the fuzzer's events, and
 * may keep what a stream it ended left unanswered.
 *
 * @param <E> the service's ServerEvent
 */
abstract class StreamFuzzRun<E> {

    final FuzzTally tally;
    /** Connection choices, apart from the events so that the event sequence depends on the seed only. */
    final FuzzValues connections;
    final Channel edge;
    final ConcurrentMap<String, FuzzEvent> byClientId = new ConcurrentHashMap<>();
    private final Channel service;
    private final String serviceName;
    private final int goodHeaderPercent;
    private final Supplier<ManagedChannel> freshEdgeConnection;
    private FuzzStream<E> current;

    /**
     * @param serviceName the service's name as the tally counts connections straight to it
     * @param goodHeaderPercent of the connections that open with an event, those whose header
     *        carries a good token (most of the rest carry none, a few a bad one)
     * @param freshEdgeConnection opens a new connection to the edge, of the fuzzer's alone
     */
    StreamFuzzRun(FuzzTally tally, FuzzValues connections, Channel edge, Channel service, String serviceName,
            int goodHeaderPercent, Supplier<ManagedChannel> freshEdgeConnection) {
        this.tally = tally;
        this.connections = connections;
        this.edge = edge;
        this.service = service;
        this.serviceName = serviceName;
        this.goodHeaderPercent = goodHeaderPercent;
        this.freshEdgeConnection = freshEdgeConnection;
    }

    /** The fuzzer's next event. */
    abstract FuzzEvent next();

    /** The event that opens a stream (Hello, Join); {@code headerToken}: whether the call's header has one. */
    abstract FuzzEvent opening(boolean headerToken);

    /** A good access token of the fuzzer's user. */
    abstract String token();

    /** A new Connect stream on {@code channel}, with {@code header} as its bearer token (null: none). */
    abstract FuzzStream<E> open(Channel channel, String header);

    /** Called with each stream this side ended, after its end: what it left unanswered is final. */
    void retired(FuzzStream<E> stream) {}

    /** Sends random events until the server has read at least {@code events} of them. */
    void run(int events) {
        while (tally.confirmed() < events) {
            if (current == null || current.ended()) {
                connect();
            }
            FuzzEvent event = next();
            if (event.kind().equals("reconnect")) {
                tally.sent("reconnect");
                connect();
                continue;
            }
            if (event.kind().equals("oversized-edge")) {
                sendOnAThrowawayConnection(event);
                continue;
            }
            if (event.oversized()) {
                settleOrConnectFresh(); // so that the end it causes is its own
            }
            current.send(event);
        }
        if (current != null) {
            current.finish();
        }
        retire();
    }

    /**
     * A frame over the edge's own limit goes on a connection of its own, opened for it and closed
     * after, so that however the edge treats that connection the fuzzer's next stream does not
     * depend on it. Half the time after the opening, so after the response headers.
     */
    private void sendOnAThrowawayConnection(FuzzEvent event) {
        ManagedChannel connection = freshEdgeConnection.get();
        try {
            retire();
            current = open(connection, token());
            tally.count("throwaway connections through the edge");
            if (connections.chance(0.5)) {
                current.send(opening(true));
                current.settle();
            }
            current.send(event);
            retire();
        } finally {
            connection.shutdownNow();
        }
    }

    /**
     * Before an oversized frame: half the time a fresh stream that has sent nothing (the server
     * has not answered yet), else the current one once the server read all it was sent.
     */
    private void settleOrConnectFresh() {
        if (connections.chance(0.5)) {
            connect(false);
            return;
        }
        while (!current.settle()) {
            connect();
        }
    }

    private void connect() {
        connect(true);
    }

    /**
     * A new connection, through the edge or straight to the service; with {@code opening} with a
     * good, no or a bad header token and the opening event (sometimes after another event), else
     * with a good header token and nothing sent.
     */
    private void connect(boolean opening) {
        retire();
        Channel channel = connections.chance(0.5) ? edge : service;
        int roll = opening ? connections.random().nextInt(100) : 0;
        String header = roll < goodHeaderPercent ? token() : roll < 95 ? null
                : connections.pick(List.of("not-a-token", token().substring(0, token().length() - 4) + "AAAA", "a.b.c"));
        tally.count("connections " + (channel == edge ? "through the edge" : "to " + serviceName));
        current = open(channel, header);
        if (!opening) {
            return;
        }
        if (connections.chance(0.05)) {
            FuzzEvent early = next();
            if (!early.kind().equals("reconnect") && !early.oversized()) {
                current.send(early); // an event before the opening one
            }
        }
        current.send(opening(header != null));
    }

    /** Ends the current stream from this side. */
    private void retire() {
        if (current == null) {
            return;
        }
        current.close();
        retired(current);
        current = null;
    }
}

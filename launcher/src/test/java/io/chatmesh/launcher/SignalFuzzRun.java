package io.chatmesh.launcher;

import io.chatmesh.launcher.SignalEventFuzzer.Targets;
import io.chatmesh.proto.common.v1.StreamError;
import io.chatmesh.proto.signaling.v1.ClientEvent;
import io.chatmesh.proto.signaling.v1.Join;
import io.chatmesh.proto.signaling.v1.Ping;
import io.chatmesh.proto.signaling.v1.ServerEvent;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * The signaling fuzzer: one user sending random {@link SignalEventFuzzer} frames over
 * SignalingService.Connect, through the edge or straight to signaling-service, usually joined
 * to the call of a room it shares with a bystander and a peer, reconnecting whenever the
 * server ends its stream (a Leave, a bad token, a refused frame) or it chooses to.
 */
final class SignalFuzzRun {

    static final FuzzStream.Protocol<ServerEvent> PROTOCOL = new FuzzStream.Protocol<>() {
        @Override
        public byte[] ping(String clientId, long nonce) {
            return ClientEvent.newBuilder().setClientId(clientId).setPing(Ping.newBuilder().setNonce(nonce)).build()
                    .toByteArray();
        }

        @Override
        public OptionalLong pongNonce(ServerEvent event) {
            return event.hasPong() ? OptionalLong.of(event.getPong().getNonce()) : OptionalLong.empty();
        }

        @Override
        public StreamError error(ServerEvent event) {
            return event.hasError() ? event.getError() : null;
        }
    };

    /**
     * Barriers every 8 events (a stream lasts some dozens); settle after what may end the stream:
     * Join (a bad token) and Leave.
     */
    private static final FuzzStream.Rules RULES = new FuzzStream.Rules(8, Set.of(Status.Code.OK), Set.of(),
            e -> Set.of("join", "leave").contains(e.kind()));

    private final FuzzTally tally;
    private final Targets targets;
    private final SignalEventFuzzer fuzzer;
    /** Connection choices, apart from the events so that the event sequence depends on the seed only. */
    private final FuzzValues connections;
    private final Channel edge;
    private final Channel signalingService;
    private final ConcurrentMap<String, FuzzEvent> byClientId = new ConcurrentHashMap<>();
    private final Supplier<ManagedChannel> freshEdgeConnection;
    private FuzzStream<ServerEvent> current;

    /** @param freshEdgeConnection opens a new connection to the edge, of the fuzzer's alone */
    SignalFuzzRun(FuzzSeed seed, FuzzTally tally, Targets targets, Channel edge, Channel signalingService,
            Supplier<ManagedChannel> freshEdgeConnection) {
        this.tally = tally;
        this.targets = targets;
        this.fuzzer = new SignalEventFuzzer(new FuzzValues(new Random(seed.value() + 1)), targets);
        this.connections = new FuzzValues(new Random(~(seed.value() + 1)));
        this.edge = edge;
        this.signalingService = signalingService;
        this.freshEdgeConnection = freshEdgeConnection;
    }

    /** Sends random events until the server has read at least {@code events} of them. */
    void run(int events) {
        while (tally.confirmed() < events) {
            if (current == null || current.ended()) {
                connect();
            }
            FuzzEvent event = fuzzer.next();
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
        retireCurrent();
    }

    /**
     * A frame over the edge's own limit goes on a connection of its own, opened for it and closed
     * after, so that however the edge treats that connection the fuzzer's next stream does not
     * depend on it. Half the time after the opening, so after the response headers.
     */
    private void sendOnAThrowawayConnection(FuzzEvent event) {
        ManagedChannel connection = freshEdgeConnection.get();
        try {
            retireCurrent();
            current = open(connection, targets.token());
            tally.count("throwaway connections through the edge");
            if (connections.chance(0.5)) {
                current.send(opening(true));
                current.settle();
            }
            current.send(event);
            retireCurrent();
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
     * A new connection, through the edge or straight to signaling-service; with {@code opening}
     * with a good, no or a bad header token and a Join (sometimes after another event), else
     * with a good header token and nothing sent.
     */
    private void connect(boolean opening) {
        retireCurrent();
        Channel channel = connections.chance(0.5) ? edge : signalingService;
        int roll = opening ? connections.random().nextInt(100) : 0;
        String header = roll < 80 ? targets.token() : roll < 95 ? null
                : connections.pick(List.of("not-a-token", targets.token().substring(0, targets.token().length() - 4)
                        + "AAAA", "a.b.c"));
        tally.count("connections " + (channel == edge ? "through the edge" : "to signaling-service"));
        current = open(channel, header);
        if (!opening) {
            return;
        }
        if (connections.chance(0.05)) {
            FuzzEvent early = fuzzer.next();
            if (!early.kind().equals("reconnect") && !early.oversized()) {
                current.send(early); // an event before Join
            }
        }
        current.send(opening(header != null));
    }

    private FuzzEvent opening(boolean headerToken) {
        return connections.chance(0.9) ? validJoin(headerToken) : fuzzer.join(connections);
    }

    private FuzzStream<ServerEvent> open(Channel channel, String header) {
        return new FuzzStream<>(channel, SignalingServiceGrpc.getConnectMethod(), header, PROTOCOL, RULES, tally,
                byClientId, this::onAnswer);
    }

    private void retireCurrent() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    /** Joins the call; the token goes in Join when the call has no header. */
    private FuzzEvent validJoin(boolean headerToken) {
        Join.Builder join = Join.newBuilder().setRoomId(targets.callRoom());
        if (!headerToken) {
            join.setAccessToken(targets.token());
        }
        byte[] frame = ClientEvent.newBuilder().setJoin(join).build().toByteArray();
        return new FuzzEvent("join", frame, "", false, false, "join the call" + (headerToken ? "" : " with the token in Join"));
    }

    private void onAnswer(FuzzStream<ServerEvent> stream, ServerEvent event) {
        switch (event.getEventCase()) {
            case ERROR -> { } // tallied by the stream
            case JOINED -> tally.answered("join", "Joined");
            case PONG -> tally.answered("ping", "Pong");
            default -> tally.count("delivered " + event.getEventCase());
        }
    }
}

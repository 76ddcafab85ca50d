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
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The signaling fuzzer: one user sending random {@link SignalEventFuzzer} frames over
 * SignalingService.Connect, through the edge or straight to signaling-service, usually joined
 * to the call of a room it shares with a bystander and a peer, reconnecting whenever the
 * server ends its stream (a Leave, a bad token, a refused frame) or it chooses to.
 */
final class SignalFuzzRun extends StreamFuzzRun<ServerEvent> {

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

    private final Targets targets;
    private final SignalEventFuzzer fuzzer;

    /** @param freshEdgeConnection opens a new connection to the edge, of the fuzzer's alone */
    SignalFuzzRun(FuzzSeed seed, FuzzTally tally, Targets targets, Channel edge, Channel signalingService,
            Supplier<ManagedChannel> freshEdgeConnection) {
        super(tally, new FuzzValues(new Random(~(seed.value() + 1))), edge, signalingService, "signaling-service", 80,
                freshEdgeConnection);
        this.targets = targets;
        this.fuzzer = new SignalEventFuzzer(new FuzzValues(new Random(seed.value() + 1)), targets);
    }

    @Override
    FuzzEvent next() {
        return fuzzer.next();
    }

    @Override
    FuzzEvent opening(boolean headerToken) {
        return connections.chance(0.9) ? validJoin(headerToken) : fuzzer.join(connections);
    }

    @Override
    String token() {
        return targets.token();
    }

    @Override
    FuzzStream<ServerEvent> open(Channel channel, String header) {
        return new FuzzStream<>(channel, SignalingServiceGrpc.getConnectMethod(), header, PROTOCOL, RULES, tally,
                byClientId, this::onAnswer);
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

package io.chatmesh.launcher;

import com.google.protobuf.UnknownFieldSet;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.common.v1.StreamError;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Deterministic probes of one stream: open it (Hello or Join), send one frame, then a ping,
 * and report what came back. For the behaviours the fuzz runs found or rely on.
 */
final class StreamProbes {

    /** What a probe saw: the StreamErrors before the ping's Pong, whether the Pong came, and how the stream ended (null: open). */
    record Outcome(List<StreamError> errors, boolean ponged, Status end) {}

    /** A ChatService.Connect or SignalingService.Connect stream, as the probes drive it. */
    record Stream<E>(MethodDescriptor<?, E> method, Predicate<E> opened, FuzzStream.Protocol<E> protocol) {}

    static final Stream<io.chatmesh.proto.chat.v1.ServerEvent> CHAT = new Stream<>(ChatServiceGrpc.getConnectMethod(),
            io.chatmesh.proto.chat.v1.ServerEvent::hasReady, ChatFuzzRun.PROTOCOL);
    static final Stream<io.chatmesh.proto.signaling.v1.ServerEvent> SIGNALING = new Stream<>(
            SignalingServiceGrpc.getConnectMethod(), io.chatmesh.proto.signaling.v1.ServerEvent::hasJoined,
            SignalFuzzRun.PROTOCOL);

    private static final long PROBE_NONCE = 4242;

    private StreamProbes() {}

    /**
     * Opens the stream with {@code opening} (unless null: then {@code frame} is its first),
     * sends {@code frame}, then a ping, and waits for the Pong or the end of the stream.
     */
    static <E> Outcome probe(FuzzSeed seed, Channel channel, String token, Stream<E> stream, byte[] opening,
            byte[] frame) {
        try (ProbeStream<E> probe = new ProbeStream<>(channel, stream.method(), token)) {
            if (opening != null) {
                probe.send(opening);
                if (probe.awaitFirst(seed, stream.opened()) == null) {
                    throw new AssertionError(seed + ": the probe stream did not open: " + probe.end());
                }
            }
            probe.send(frame);
            probe.send(stream.protocol().ping("probe", PROBE_NONCE));
            Predicate<E> pong = e -> stream.protocol().pongNonce(e).orElse(-1) == PROBE_NONCE;
            boolean ponged = probe.awaitFirst(seed, pong) != null;
            Function<E, StreamError> errorOf = stream.protocol()::error;
            List<StreamError> errors = probe.events().stream().takeWhile(pong.negate()).map(errorOf)
                    .filter(Objects::nonNull).toList();
            return new Outcome(errors, ponged, probe.end());
        }
    }

    /** Opens the stream, sends one frame and waits until the server ends the stream; returns how. */
    static <E> Status endAfter(FuzzSeed seed, Channel channel, String token, Stream<E> stream, byte[] opening,
            byte[] frame) {
        try (ProbeStream<E> probe = new ProbeStream<>(channel, stream.method(), token)) {
            if (opening != null) {
                probe.send(opening);
                probe.awaitFirst(seed, stream.opened());
            }
            probe.send(frame);
            probe.awaitFirst(seed, e -> false);
            return probe.end();
        }
    }

    /** A Join of the room's call. */
    static byte[] signalingJoin(String roomId) {
        return io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder()
                .setJoin(io.chatmesh.proto.signaling.v1.Join.newBuilder().setRoomId(roomId)).build().toByteArray();
    }

    /** A ping carrying the unknown field number platform's MalformedRequests marks parse failures with. */
    static byte[] chatPingWithUnknownField(int number, long varint) {
        return io.chatmesh.proto.chat.v1.ClientEvent.newBuilder()
                .setPing(io.chatmesh.proto.chat.v1.Ping.newBuilder().setNonce(7))
                .setUnknownFields(UnknownFieldSet.newBuilder().addField(number,
                        UnknownFieldSet.Field.newBuilder().addVarint(varint).build()).build())
                .build().toByteArray();
    }
}

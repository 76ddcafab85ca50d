package io.chatmesh.chat.api;

import com.google.protobuf.Duration;
import io.chatmesh.chat.bus.ServerFrame;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.Validation;
import io.chatmesh.platform.grpc.GrpcErrors;
import io.chatmesh.platform.logging.LogThrottle;
import io.chatmesh.platform.stream.OutboundQueue;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.Ready;
import io.chatmesh.proto.chat.v1.RoomCursor;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second half of a Hello, once the stream is authenticated and its session registered with
 * the fan-out: Ready with each room's published seq, the replay of what the resumed rooms missed
 * ({@link HistoryReplay}), then the session goes live (see {@link ChatStream} for why that
 * leaves no gap and no duplicate). When the session had to skip live events meanwhile (its
 * buffer overflowed in a busy room, {@link StreamSession}), it reads on from history in catch-up
 * rounds, each up to the rooms' published seqs as of its start, exactly like the first, until
 * one ends with nothing skipped; a client that does not gain on its rooms is dropped as a slow
 * consumer.
 */
final class SessionStart {

    private static final Logger log = LoggerFactory.getLogger(SessionStart.class);
    private static final LogThrottle FAILED_STARTS_LOG = new LogThrottle(java.time.Duration.ofSeconds(10));
    private static final int RESUME_CURSORS_MAX = 500;
    private static final int DEVICE_ID_MAX = 64;
    /**
     * Catch-up rounds one start may take. A client that reads twice as fast as its rooms grow needs
     * about log2(backlog / buffer) of them.
     */
    static final int MAX_CATCH_UP_ROUNDS = 8;
    /**
     * A catch-up round that starts more than this many times as far behind as the first one did
     * means the client is losing ground on its rooms. Not "further behind than the round before":
     * how far a round starts behind varies with how fast the replay before it went (by tens of
     * percent from round to round on a busy machine).
     */
    private static final long LOSING_GROUND = 2;
    /** Catch-up rounds run (Micrometer's global registry, which the service's joins). */
    private static final Counter CATCH_UP_ROUNDS = Metrics.counter("chatmesh.chat.resume.catch.up.rounds");

    private SessionStart() {}

    /** Validates Hello's fields and returns its cursors (room → seq; a repeated room keeps its highest seq). */
    static Map<String, Long> cursors(Hello hello) {
        Validation validation = new Validation()
                .length("hello.device_id", hello.getDeviceId(), 0, DEVICE_ID_MAX)
                .count("hello.resume_from", hello.getResumeFromList(), 0, RESUME_CURSORS_MAX);
        Map<String, Long> cursors = new LinkedHashMap<>();
        if (validation.ok()) {
            for (int i = 0; i < hello.getResumeFromCount(); i++) {
                RoomCursor cursor = hello.getResumeFrom(i);
                validation.id("hello.resume_from[" + i + "].room_id", cursor.getRoomId())
                        .range("hello.resume_from[" + i + "].seq", cursor.getSeq(), 0, Long.MAX_VALUE);
                cursors.merge(cursor.getRoomId(), cursor.getSeq(), Math::max);
            }
        }
        validation.check();
        return cursors;
    }

    /**
     * Sends Ready, replays the resumed rooms and lets the session go live; a failure (history
     * unreadable or behind) closes the stream for the client to resume again.
     *
     * @param rooms the rooms the session was registered for
     */
    static void start(ChatStream.Dependencies deps, OutboundQueue<ServerFrame> queue, StreamSession started,
            Principal principal, Set<String> rooms, Map<String, Long> cursors) {
        try {
            Map<String, Long> published = deps.rooms().lastMessageSeqsAfterSendsInFlight(rooms);
            queue.offer(ready(deps.settings(), started, principal, published));
            Map<String, Long> clientSeqs = new HashMap<>(published);
            HistoryReplay replay = new HistoryReplay(deps.history(), deps.changeLog(), deps.settings(), queue, principal);
            for (Map.Entry<String, Long> cursor : cursors.entrySet()) {
                String roomId = cursor.getKey();
                long upTo = published.getOrDefault(roomId, 0L);
                if (rooms.contains(roomId) && cursor.getValue() < upTo) {
                    clientSeqs.put(roomId, replay.replay(roomId, cursor.getValue(), upTo));
                }
            }
            if (!goLive(replay, started, clientSeqs)) {
                catchUp(deps, queue, started, rooms, replay, clientSeqs);
            }
        } catch (RuntimeException e) {
            if (Context.current().isCancelled()) {
                return; // the client went away during the replay; the cancel handler frees the session
            }
            StatusException ending = GrpcErrors.toStatusException(e);
            Status status = ending.getStatus();
            // clients retry a failed start at will (a reconnect storm into a slow message-service): one line
            // per interval, with a stack only for what looks like a bug
            boolean bug = status.getCode() == Status.Code.INTERNAL || status.getCode() == Status.Code.UNKNOWN;
            Object[] line = {started.sessionId(), principal.userId(), status.getCode(), e};
            FAILED_STARTS_LOG.warn(log, "chat session {} of {} could not start: {}",
                    bug ? line : Arrays.copyOf(line, line.length - 1));
            queue.close(ending);
        }
    }

    /**
     * Catch-up rounds: live events were skipped meanwhile (a busy room), so the session reads on
     * from history, from where the client is, up to the rooms' published seqs as of each round's
     * start, until it can go live.
     */
    private static void catchUp(ChatStream.Dependencies deps, OutboundQueue<ServerFrame> queue, StreamSession started,
            Set<String> rooms, HistoryReplay replay, Map<String, Long> clientSeqs) {
        long firstBacklog = Long.MAX_VALUE;
        for (int round = 1; !queue.isClosed(); round++) {
            Map<String, Long> published = deps.rooms().lastMessageSeqsAfterSendsInFlight(rooms);
            long backlog = backlog(clientSeqs, published);
            if (round > MAX_CATCH_UP_ROUNDS || backlog / LOSING_GROUND > firstBacklog) {
                queue.closeAsSlowConsumer(); // the client reads more slowly than its rooms grow
                return;
            }
            CATCH_UP_ROUNDS.increment();
            if (round == 1) {
                firstBacklog = backlog;
            }
            for (Map.Entry<String, Long> room : published.entrySet()) {
                long has = clientSeqs.getOrDefault(room.getKey(), room.getValue());
                if (has < room.getValue()) {
                    clientSeqs.put(room.getKey(), replay.replay(room.getKey(), has, room.getValue()));
                }
            }
            if (goLive(replay, started, clientSeqs)) {
                return;
            }
        }
    }

    /**
     * Lets the session go live once its buffered events fit into the queue beside what the replay
     * left there (in a busy room the buffer is full by the end of a replay): see {@link StreamSession#goLive}.
     */
    private static boolean goLive(HistoryReplay replay, StreamSession started, Map<String, Long> clientSeqs) {
        replay.awaitRoomFor(started::buffered);
        return started.goLive(clientSeqs);
    }

    /** Entries the client lacks over all its rooms. */
    private static long backlog(Map<String, Long> clientSeqs, Map<String, Long> published) {
        long backlog = 0;
        for (Map.Entry<String, Long> room : published.entrySet()) {
            backlog += Math.max(0, room.getValue() - clientSeqs.getOrDefault(room.getKey(), room.getValue()));
        }
        return backlog;
    }

    private static ServerFrame ready(StreamSettings settings, StreamSession started, Principal principal,
            Map<String, Long> seqs) {
        Ready.Builder ready = Ready.newBuilder()
                .setSessionId(started.sessionId())
                .setUserId(started.userId())
                .setTokenExpireTime(ApiTimes.timestamp(principal.expireTime()))
                .setHeartbeatInterval(Duration.newBuilder()
                        .setSeconds(settings.heartbeatInterval().getSeconds())
                        .setNanos(settings.heartbeatInterval().getNano()));
        for (String roomId : new TreeSet<>(seqs.keySet())) {
            ready.addRooms(RoomCursor.newBuilder().setRoomId(roomId).setSeq(seqs.get(roomId)));
        }
        return ServerFrame.of(ServerEvent.newBuilder().setReady(ready).build());
    }
}

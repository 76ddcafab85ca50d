package io.chatmesh.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one bench run does: the population (rooms, members, who holds a stream, who sends),
 * the offered load, how long, and what to measure besides the chat traffic.
 *
 * @param userService UserService's address (sign-up, log-in); usually the target
 * @param connectedMembers members of each room holding a stream (at least the senders when they
 *        send on their stream; unary senders need none)
 * @param rate total messages per second offered by the open-loop senders
 * @param ramp how long the offered rate takes to rise from 0 to {@code rate} at the start (within the warmup)
 * @param connections HTTP/2 connections to the chat addresses, shared by all streams
 * @param changeShare the fraction (0..1) of each open-loop sender's operations that change a
 *        message (edit, react, unreact, now and then delete; see {@link ChangeMix}) instead
 *        of posting one
 * @param churn how often each stream's call is dropped and resumed (one stream after another,
 *        evenly spread over the interval; zero: never)
 */
public record Workload(
        HostPort target,
        HostPort userService,
        List<HostPort> chat,
        int rooms,
        int members,
        int sendersPerRoom,
        int connectedMembers,
        double rate,
        Duration ramp,
        int connections,
        Duration warmup,
        Duration duration,
        Duration drain,
        int messageBytes,
        SendVia sendVia,
        double changeShare,
        String userPrefix,
        int flooders,
        int floodWindow,
        Duration churn,
        List<Long> serverPids,
        Path pgData,
        Path json,
        boolean check) {

    /** How senders post: on their own chat stream, or with the unary twin. */
    enum SendVia { STREAM, UNARY }

    /** The longest message text the API accepts. */
    static final int TEXT_MAX = 4000;

    public Workload {
        chat = List.copyOf(chat);
        serverPids = List.copyOf(serverPids);
        require(rooms >= 1, "--rooms must be at least 1");
        require(members >= 1, "--members must be at least 1");
        require(sendersPerRoom >= 1 && sendersPerRoom <= members, "--senders-per-room must be 1..--members");
        require(connectedMembers >= 0 && connectedMembers <= members, "--connected-members must be 0..--members");
        if (sendVia == SendVia.STREAM) {
            connectedMembers = Math.max(connectedMembers, sendersPerRoom); // they send on their stream
        }
        require(rate > 0 && Double.isFinite(rate), "--rate must be positive");
        require(!chat.isEmpty(), "--chat needs at least one address");
        require(connections >= chat.size(), "--connections must be at least the number of --chat addresses");
        require(duration.isPositive(), "--duration must be positive");
        require(!warmup.isNegative() && !drain.isNegative(), "--warmup and --drain must not be negative");
        require(!ramp.isNegative() && ramp.compareTo(warmup) <= 0, "--ramp must be 0..--warmup");
        require(messageBytes >= 1 && messageBytes <= TEXT_MAX, "--message-bytes must be 1.." + TEXT_MAX);
        require(changeShare >= 0 && changeShare <= 1, "--change-share must be 0..1");
        // usernames are <prefix>-<n>: 3-32 characters of [a-zA-Z0-9_.-]
        require(userPrefix.matches("[a-zA-Z0-9_.-]{1,20}"), "--user-prefix must be 1-20 characters of [a-zA-Z0-9_.-]");
        require(flooders >= 0, "--flooders must not be negative");
        require(floodWindow >= 1, "--flood-window must be at least 1");
        require(!churn.isNegative(), "--churn must not be negative");
    }

    /**
     * The small, quick workload of --smoke: a correctness check, not a measurement; a fifth of
     * it changes messages, and each stream is dropped and resumed every 2 s.
     */
    public static Workload smoke(HostPort target, List<HostPort> chat) {
        return new Workload(target, target, chat, 4, 5, 2, 5, 40, Duration.ZERO, 2, Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofSeconds(10), 100, SendVia.STREAM, 0.2, "bench", 0, 256,
                Duration.ofSeconds(2), List.of(), null, null, true);
    }

    int senders() {
        return rooms * sendersPerRoom;
    }

    /** Accounts the run uses: every room's members, then the flooders. */
    int users() {
        return rooms * members + flooders;
    }

    /** Streams held: the connected members of every room, plus the flooders (members of room 0). */
    int streams() {
        return rooms * connectedMembers + flooders;
    }

    String describe() {
        return String.format("%d rooms x %d members (%d connected, %d sending), %s msg/s offered via %s%s, "
                        + "%d-byte texts, %d connection(s) to %s%s%s; warmup %s%s, measured %s",
                rooms, members, connectedMembers, sendersPerRoom, Report.number(rate), sendVia.name().toLowerCase(),
                changeShare == 0 ? "" : " (" + Report.number(100 * changeShare) + "% of them message changes)",
                messageBytes, connections, chat, flooders == 0 ? "" : ", " + flooders + " flooder(s) in room 0",
                churn.isZero() ? "" : ", each stream dropped and resumed every " + Flags.format(churn),
                Flags.format(warmup), ramp.isZero() ? "" : " (ramp " + Flags.format(ramp) + ")",
                Flags.format(duration));
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}

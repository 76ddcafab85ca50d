package io.chatmesh.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The command line: {@code --name value} flags (and two switches) into a {@link Workload}. */
final class Flags {

    static final String USAGE = """
            usage: bin/bench [--name value ...]
              --target host:port        setup calls (UserService, RoomService)      [127.0.0.1:9090]
              --users host:port         UserService, when not at the target          [the target]
              --chat host:port[,...]    ChatService; connections round-robin        [the target]
              --rooms N                 rooms, created fresh every run               [50]
              --members N               members per room (accounts <prefix>-<i>)     [20]
              --senders-per-room N      open-loop senders per room                   [2]
              --connected-members N     members per room holding a stream (stream    [all]
                                        senders always do; unary ones need not)
              --rate R                  messages/s offered in total (changes         [500]
                                        included, see --change-share)
              --ramp D                  rise from 0 to the rate first (in warmup)    [0s]
              --connections N           HTTP/2 connections for all chat streams     [10]
              --warmup D                sending before the measured part             [10s]
              --duration D              measured sending                             [60s]
              --drain D                 wait for outstanding deliveries              [10s]
              --message-bytes N         text length (at least its ~35-byte stamp)  [100]
              --send-via stream|unary   ClientEvent.send or ChatService.SendMessage  [stream]
                                        (and edit/delete/react or their unary twins)
              --change-share F          fraction 0..1 of each sender's operations    [0]
                                        that change a message instead of posting
                                        one: edits of its own, reactions added and
                                        removed, 1 in 20 a deletion of its own
              --user-prefix P           account name prefix                          [bench]
              --flooders N              extra room-0 members sending flat out        [0]
              --flood-window N          sends in flight per flooder                  [256]
              --churn D                 drop each stream's call once every D and     [0s: never]
                                        resume it from its cursor, sending again
                                        what was unanswered (streams take turns)
              --server-pid PID[,PID]    server processes to measure (repeatable)
              --pg-data DIR             PostgreSQL data directory to measure
              --json FILE               also write the summary as JSON
              --check                   exit 1 on a missing, duplicate or out-of-order
                                        delivery (of a message or a change) or an
                                        unexpected error
              --smoke                   small quick workload, implies --check
                                        (4 rooms x 5 members, 40 msg/s of which 20%
                                        changes, 2s + 5s, --churn 2s)
              --help                    this text
            durations: 500ms, 10s, 2m
            bin/bench store-floor --help: what PostgreSQL alone spends per durable row (no chatmesh)
            bin/bench grpc-floor --help: what grpc-java alone spends per delivery to a stream (no chatmesh)""";

    private static final Set<String> SWITCHES = Set.of("check", "smoke", "help");
    private static final Set<String> VALUED = Set.of("target", "users", "chat", "rooms", "members",
            "senders-per-room", "connected-members", "rate", "ramp", "connections", "warmup", "duration", "drain",
            "message-bytes", "send-via", "change-share", "user-prefix", "flooders", "flood-window", "churn", "server-pid",
            "pg-data", "json");

    private final Map<String, List<String>> values = new LinkedHashMap<>();

    private Flags(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            if (SWITCHES.contains(name)) {
                values.computeIfAbsent(name, n -> new ArrayList<>()).add("true");
            } else if (VALUED.contains(name)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                values.computeIfAbsent(name, n -> new ArrayList<>()).add(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown flag " + arg);
            }
        }
    }

    /** Whether the command line asks for the usage text. */
    static boolean wantsHelp(String[] args) {
        return Arrays.asList(args).contains("--help");
    }

    /** @throws IllegalArgumentException for a bad flag or value, with a one-line message */
    static Workload parse(String[] args) {
        return new Flags(args).workload();
    }

    private Workload workload() {
        HostPort target = HostPort.parse(string("target", "127.0.0.1:9090"));
        HostPort users = values.containsKey("users") ? HostPort.parse(string("users", "")) : target;
        List<HostPort> chat = values.containsKey("chat")
                ? Arrays.stream(string("chat", "").split(",")).map(String::trim).map(HostPort::parse).toList()
                : List.of(target);
        boolean smoke = values.containsKey("smoke");
        Workload base = smoke ? Workload.smoke(target, chat) : new Workload(target, users, chat, 50, 20, 2, 20, 500, Duration.ZERO, 10,
                Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(10), 100, Workload.SendVia.STREAM, 0,
                "bench", 0, 256, Duration.ZERO, List.of(), null, null, false);
        int members = integer("members", base.members());
        List<Long> pids = new ArrayList<>();
        for (String list : values.getOrDefault("server-pid", List.of())) {
            for (String pid : list.split(",")) {
                pids.add(parse("server-pid", pid.trim(), Long::parseLong));
            }
        }
        return new Workload(target, users, chat,
                integer("rooms", base.rooms()),
                members,
                integer("senders-per-room", base.sendersPerRoom()),
                integer("connected-members", members),
                parse("rate", string("rate", null), Double::parseDouble, base.rate()),
                duration("ramp", base.ramp()),
                integer("connections", base.connections()),
                duration("warmup", base.warmup()),
                duration("duration", base.duration()),
                duration("drain", base.drain()),
                integer("message-bytes", base.messageBytes()),
                sendVia(string("send-via", "stream")),
                parse("change-share", string("change-share", null), Double::parseDouble, base.changeShare()),
                string("user-prefix", base.userPrefix()),
                integer("flooders", base.flooders()),
                integer("flood-window", base.floodWindow()),
                duration("churn", base.churn()),
                pids,
                path("pg-data"),
                path("json"),
                smoke || values.containsKey("check"));
    }

    /** Parses 500ms, 10s, 2m. */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            } else if (t.endsWith("m")) {
                return Duration.ofSeconds(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60));
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("bad duration '" + text + "' (use e.g. 500ms, 10s, 2m)");
    }

    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    private static Workload.SendVia sendVia(String text) {
        return switch (text) {
            case "stream" -> Workload.SendVia.STREAM;
            case "unary" -> Workload.SendVia.UNARY;
            default -> throw new IllegalArgumentException("--send-via must be stream or unary, got '" + text + "'");
        };
    }

    private String string(String name, String fallback) {
        List<String> given = values.get(name);
        return given == null ? fallback : given.getLast();
    }

    private int integer(String name, int fallback) {
        return parse(name, string(name, null), Integer::parseInt, fallback);
    }

    private Duration duration(String name, Duration fallback) {
        String text = string(name, null);
        return text == null ? fallback : parseDuration(text);
    }

    private Path path(String name) {
        String text = string(name, null);
        return text == null ? null : Path.of(text);
    }

    private interface Parser<T> {
        T parse(String text);
    }

    private static <T> T parse(String name, String text, Parser<T> parser, T fallback) {
        return text == null ? fallback : parse(name, text, parser);
    }

    private static <T> T parse(String name, String text, Parser<T> parser) {
        try {
            return parser.parse(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a number: '" + text + "'");
        }
    }
}

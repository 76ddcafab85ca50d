package io.chatmesh.launcher;

import static io.chatmesh.launcher.Accounts.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.launcher.ChatLoad.Acked;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.JoinRoomRequest;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.proto.user.v1.GetMeRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher runs in a child JVM, as on a dev box, and is killed with kill -9 (with its
 * PostgreSQL, which is not a child of the JVM, or without it) while sends are in flight. The
 * next start on the same data directory must have kept every send that was acked, exactly
 * once, and its idempotency keys; a client resending what was not acked, and sending on, must
 * not lose or duplicate anything either.
 */
// Only a guard against a hang: a test starts two launchers (PostgreSQL recovering in the
// second), which on a loaded 2-core machine took more than the 2 minutes allowed before.
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CrashRecoveryTest {

    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Duration EXIT = Duration.ofSeconds(30);
    /** The user of the test whose PostgreSQL outlives its launcher. */
    private static final String USER = "crash-alice";
    /** One user per sender: the send rate may be limited per user. */
    private static final List<String> STREAM_SENDERS = List.of("crash-s0", "crash-s1", "crash-s2");
    private static final List<String> UNARY_SENDERS = List.of("crash-u0", "crash-u1", "crash-u2");
    private static final List<String> SENDERS = Stream.concat(STREAM_SENDERS.stream(), UNARY_SENDERS.stream()).toList();
    /** New sends after the restart: they take the seqs after the last one chat-service committed. */
    private static final int SENDS_AFTER_RESTART = 20;
    private static final String BEFORE = "acked before the kill";
    private static final String AFTER = "acked after the restart";

    @TempDir
    Path dataDir;

    private final List<LauncherProcess> launchers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @RegisterExtension
    final TestWatcher printLaunchersOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            for (int i = 0; i < launchers.size(); i++) {
                System.err.println("---- output of launcher run " + (i + 1) + " ----\n" + launchers.get(i).output());
            }
        }
    };

    @AfterEach
    void cleanUp() {
        channels.forEach(ManagedChannel::shutdownNow);
        launchers.reversed().forEach(LauncherProcess::close);
    }

    /**
     * kill -9 during acked sends, of the launcher with its PostgreSQL (a machine crash) or of
     * the launcher alone (its PostgreSQL keeps running until the next start stops it).
     */
    @ParameterizedTest(name = "PostgreSQL killed too: {0}")
    @ValueSource(booleans = {true, false})
    void everyAckedSendIsKeptExactlyOnceWhenTheLauncherIsKilledMidSend(boolean postgresToo) throws IOException {
        LauncherProcess first = launch();
        ManagedChannel edge = channel(first.edgePort());
        Map<String, String> tokens = new LinkedHashMap<>();
        SENDERS.forEach(user -> tokens.put(user, Accounts.signUpAndLogIn(edge, user)));
        String roomId = as(RoomServiceGrpc.newBlockingStub(edge), tokens.get(SENDERS.get(0))).createRoom(CreateRoomRequest
                .newBuilder().setKind(RoomKind.ROOM_KIND_PUBLIC).setName("crash").build()).getRoom().getId();
        SENDERS.subList(1, SENDERS.size()).forEach(user -> as(RoomServiceGrpc.newBlockingStub(edge), tokens.get(user))
                .joinRoom(JoinRoomRequest.newBuilder().setRoomId(roomId).build()));

        ChatLoad load = ChatLoad.start(edge, roomId, select(tokens, STREAM_SENDERS), select(tokens, UNARY_SENDERS));
        load.awaitAcked(300, Duration.ofSeconds(2));
        ProcessHandle jvm = first.jvm();
        ProcessHandle postgres = first.postmaster().orElseThrow();
        jvm.destroyForcibly();
        if (postgresToo) {
            postgres.destroyForcibly();
        }
        load.stop();
        assertThat(LauncherProcess.awaitExit(jvm, EXIT)).as("launcher JVM exited").isTrue();
        if (postgresToo) {
            assertThat(LauncherProcess.awaitExit(postgres, EXIT)).as("postmaster exited").isTrue();
        }
        assertThat(load.awaitStopped(EXIT)).as("every sender's last call ended").isTrue();
        Map<String, Acked> acked = load.acked();
        System.out.printf("crash test: %d sends, %d acked before the kill%n", load.sent(), acked.size());
        assertThat(acked).as("sends acked before the kill").isNotEmpty();

        // PostgreSQL's backends may still be exiting, or (launcher alone) it still runs: the next
        // start waits for it, or stops it, itself.
        LauncherProcess second = launch();
        assertThat(postgres.isAlive()).as("the killed launcher's postmaster").isFalse();
        ManagedChannel again = channel(second.edgePort());
        Map<String, String> newTokens = new LinkedHashMap<>();
        SENDERS.forEach(user -> newTokens.put(user, Accounts.logIn(again, user)));
        RoomAudit audit = new RoomAudit(again, roomId, newTokens);
        List<String> problems = new ArrayList<>();
        Map<String, Acked> ackedAfter = comeBack(audit, load.unacked(), problems);
        List<Message> history = audit.history();
        problems.addAll(audit.duplicateProblems(history));
        problems.addAll(audit.ackProblems(history, acked, BEFORE));
        problems.addAll(audit.ackProblems(history, ackedAfter, AFTER));
        problems.addAll(audit.retryProblems(acked, BEFORE));
        problems.addAll(audit.retryProblems(ackedAfter, AFTER));
        assertThat(problems).as("%d sends acked before the kill, %d after", acked.size(), ackedAfter.size()).isEmpty();
    }

    /**
     * What the clients do after the restart: each resends what was not acked (its outcome is
     * unknown), then sends new messages; returns what each answer named.
     */
    private static Map<String, Acked> comeBack(RoomAudit audit, Map<String, String> unacked, List<String> problems) {
        Map<String, String> sends = new LinkedHashMap<>(unacked);
        IntStream.range(0, SENDS_AFTER_RESTART).forEach(i -> {
            String user = SENDERS.get(i % SENDERS.size());
            sends.put(user + "-after-restart-" + i, user);
        });
        Map<String, Acked> acked = new TreeMap<>();
        sends.forEach((clientId, user) -> {
            try {
                acked.put(clientId, audit.send(user, clientId));
            } catch (StatusRuntimeException e) {
                problems.add("send after restart failed: " + clientId + " with " + e.getStatus().getCode());
            }
        });
        return acked;
    }

    private static Map<String, String> select(Map<String, String> tokens, List<String> users) {
        Map<String, String> selected = new LinkedHashMap<>();
        users.forEach(user -> selected.put(user, tokens.get(user)));
        return selected;
    }

    @Test
    void aPostgresLeftRunningByAKilledLauncherIsStoppedByTheNextStart() throws IOException {
        LauncherProcess first = launch();
        String userId = userIdAfterSignUp(channel(first.edgePort()));
        first.jvm().destroyForcibly();
        assertThat(LauncherProcess.awaitExit(first.jvm(), EXIT)).as("launcher JVM exited").isTrue();
        ProcessHandle orphan = first.postmaster().orElseThrow();

        LauncherProcess second = launch();
        assertThat(orphan.isAlive()).as("the orphaned postmaster still runs").isFalse();
        ManagedChannel again = channel(second.edgePort());
        assertThat(as(UserServiceGrpc.newBlockingStub(again), Accounts.logIn(again, USER))
                .getMe(GetMeRequest.getDefaultInstance()).getUser().getId()).isEqualTo(userId);
    }

    private String userIdAfterSignUp(ManagedChannel edge) {
        return as(UserServiceGrpc.newBlockingStub(edge), Accounts.signUpAndLogIn(edge, USER))
                .getMe(GetMeRequest.getDefaultInstance()).getUser().getId();
    }

    private LauncherProcess launch() throws IOException {
        LauncherProcess launcher = LauncherProcess.start(dataDir, STARTUP);
        launchers.add(launcher);
        return launcher;
    }

    private ManagedChannel channel(int port) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        channels.add(channel);
        return channel;
    }
}

package io.chatmesh.launcher;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's command line as a newcomer meets it, in a child JVM as {@code bin/chatmesh}
 * runs it: --help prints the usage, a bad argument and a taken port each say what is wrong in
 * one line (no stack trace), naming the setting that fixes it.
 */
class LauncherCommandLineTest {

    @TempDir
    Path dataDir;

    private record Run(int exitCode, String stdout, String stderr) {}

    @Test
    void helpPrintsTheUsage() throws Exception {
        Run run = launcher(Map.of(), "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).startsWith("usage: chatmesh").contains("CHATMESH_EDGE_PORT");
    }

    @Test
    void anUnknownArgumentIsNamedWithTheUsage() throws Exception {
        Run run = launcher(Map.of(), "--port=1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr().lines().findFirst()).hasValue("chatmesh: unknown argument '--port=1'");
        assertThat(run.stderr()).contains("usage: chatmesh").doesNotContain("Exception");
    }

    @Test
    void eachServiceSaysWhereItServesAndNoLineNamesAnotherService() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start(dataDir, Duration.ofMinutes(2),
                Map.of("LOGGING_LEVEL_IO_CHATMESH", "INFO"))) {
            String output = launcher.output();
            for (String service : List.of("user-service", "chat-service", "message-service", "signaling-service")) {
                assertThat(output).as("output:%n%s", output).containsPattern(service + " serving gRPC on 127\\.0\\.0\\.1:\\d+");
            }
            // all four run in one JVM: an application name in the line prefix would be one service's on every line
            assertThat(output.lines().filter(line -> line.matches(".*\\[(user|chat|message|signaling)-service\\].*")))
                    .as("lines labelled with a service name").isEmpty();
        }
    }

    @Test
    void aTakenPortIsNamedWithItsSettingBeforeAnythingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run run = launcher(Map.of("CHATMESH_DATA_DIR", dataDir.toString(),
                    "CHATMESH_EDGE_PORT", String.valueOf(taken.getLocalPort())));

            assertThat(run.exitCode()).isEqualTo(1);
            List<String> lines = run.stderr().lines().filter(line -> !line.isBlank()).toList();
            assertThat(lines).singleElement().asString()
                    .startsWith("chatmesh: cannot start: port " + taken.getLocalPort())
                    .contains("CHATMESH_EDGE_PORT");
            assertThat(dataDir.resolve("postgres")).as("nothing started").doesNotExist();
        }
    }

    @Test
    void aServiceSettingOutOfRangeStopsStartupInOneLineNamingIt() throws Exception {
        Run run = launcher(Map.of("CHATMESH_DATA_DIR", dataDir.toString(), "CHATMESH_CHAT_SEND_BATCH_MAX", "0"));

        assertThat(run.exitCode()).isEqualTo(1);
        List<String> lines = run.stderr().lines().filter(line -> !line.isBlank()).toList();
        assertThat(lines).singleElement().asString()
                .startsWith("chatmesh: cannot start: ")
                .contains("chatmesh.chat.send-batch-max")
                .doesNotContain("Error creating bean");
    }

    private static Run launcher(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // as bin/chatmesh starts it (chatmesh_native_access_flags), so the JDK prints no warnings
        int java = Runtime.version().feature();
        if (java >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        if (java >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.chatmesh.launcher.Chatmesh"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        String stdout = new String(process.getInputStream().readAllBytes(), UTF_8);
        String stderr = new String(process.getErrorStream().readAllBytes(), UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the launcher did not exit; output:\n" + stdout + stderr);
        }
        return new Run(process.exitValue(), stdout, stderr);
    }
}

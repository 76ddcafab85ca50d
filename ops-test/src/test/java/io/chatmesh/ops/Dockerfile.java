package io.chatmesh.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Dockerfile at the top of the repository, as its instructions per build stage. */
final class Dockerfile {

    /** One instruction: "COPY", its arguments as written, and the stage (its AS name, or its image) it is in. */
    record Instruction(String keyword, String arguments, String stage) {}

    private static final Pattern FROM = Pattern.compile("(\\S+)(?:\\s+AS\\s+(\\S+))?", Pattern.CASE_INSENSITIVE);
    /** The health check script's port: port="${CHATMESH_HTTP_PORT:?...}". */
    private static final Pattern HEALTH_PORT = Pattern.compile("port=\"\\$\\{([A-Z_]+)");

    private Dockerfile() {}

    static Path path() {
        return EnvoyFile.root().resolve("Dockerfile");
    }

    static Path healthCheckScript() {
        return Compose.directory().resolve("docker/healthcheck");
    }

    /** The variable the image's health check takes the HTTP port from. */
    static String healthCheckPortVariable() {
        Matcher matcher = HEALTH_PORT.matcher(read(healthCheckScript()));
        if (!matcher.find()) {
            throw new IllegalStateException(healthCheckScript() + " reads no port variable");
        }
        return matcher.group(1);
    }

    /** Every instruction, continuation lines joined, comments and the parser directive left out. */
    static List<Instruction> instructions() {
        List<Instruction> instructions = new ArrayList<>();
        String stage = null;
        StringBuilder current = new StringBuilder();
        for (String line : read(path()).split("\n")) {
            String trimmed = line.strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String text = current.toString().strip();
            current.setLength(0);
            int space = text.indexOf(' ');
            String keyword = text.substring(0, space).toUpperCase();
            String arguments = text.substring(space + 1).strip();
            if (keyword.equals("FROM")) {
                Matcher from = FROM.matcher(arguments);
                from.matches();
                stage = from.group(2) != null ? from.group(2) : from.group(1);
            }
            instructions.add(new Instruction(keyword, arguments, stage));
        }
        return instructions;
    }

    /** The stage that makes the image: the last one. */
    static List<Instruction> finalStage() {
        List<Instruction> all = instructions();
        String last = all.getLast().stage();
        return all.stream().filter(instruction -> instruction.stage().equals(last)).toList();
    }

    static List<Instruction> stage(String name) {
        return instructions().stream().filter(instruction -> instruction.stage().equals(name)).toList();
    }

    static Instruction first(List<Instruction> instructions, String keyword) {
        return instructions.stream().filter(instruction -> instruction.keyword().equals(keyword)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no " + keyword + " in " + instructions));
    }

    static List<Instruction> all(List<Instruction> instructions, String keyword) {
        return instructions.stream().filter(instruction -> instruction.keyword().equals(keyword)).toList();
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

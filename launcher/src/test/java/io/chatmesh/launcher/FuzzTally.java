package io.chatmesh.launcher;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one fuzz run sent and how the server answered, per event kind, and the problems found.
 * Problems are collected rather than thrown, so one run reports all of them.
 */
final class FuzzTally {

    /** More problems than this are counted, not listed. */
    private static final int LISTED_PROBLEMS = 40;

    private final String stream;
    private final FuzzSeed seed;
    private final Map<String, Map<String, Integer>> outcomes = new TreeMap<>();
    private final Map<String, Integer> ends = new TreeMap<>();
    private final Map<String, Integer> other = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();
    private int problemCount;
    private long confirmed;

    FuzzTally(String stream, FuzzSeed seed) {
        this.stream = stream;
        this.seed = seed;
    }

    synchronized void sent(String kind) {
        add(kind, "sent");
    }

    /** An answer naming an event of {@code kind} ("unattributed" when its client_id names none). */
    synchronized void answered(String kind, String outcome) {
        add(kind, outcome);
    }

    static String errorOutcome(int code) {
        return "StreamError " + Status.fromCodeValue(code).getCode();
    }

    /** The server ended the fuzzer's stream. */
    synchronized void ended(Status.Code code) {
        ends.merge(code.name(), 1, Integer::sum);
    }

    /** Anything else worth reporting: deliveries, barrier pings, reconnects. */
    synchronized void count(String what) {
        other.merge(what, 1, Integer::sum);
    }

    /** Events the server has certainly read (a later barrier ping was answered). */
    synchronized void confirmed(long events) {
        confirmed += events;
    }

    synchronized long confirmed() {
        return confirmed;
    }

    synchronized void problem(String text) {
        problemCount++;
        if (problems.size() < LISTED_PROBLEMS) {
            problems.add(text);
        }
    }

    synchronized List<String> problems() {
        List<String> listed = new ArrayList<>(problems);
        if (problemCount > problems.size()) {
            listed.add("... and " + (problemCount - problems.size()) + " more");
        }
        return listed;
    }

    private void add(String kind, String outcome) {
        outcomes.computeIfAbsent(kind, k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
    }

    /** A readable table: per kind, how many were sent and how they were answered. */
    synchronized String summary() {
        StringBuilder text = new StringBuilder(stream + " fuzz, " + seed + ": " + confirmed
                + " events read by the server\n");
        outcomes.forEach((kind, counts) -> text.append(String.format("  %-16s %s%n", kind, counts)));
        text.append("  stream ended by the server: ").append(ends).append('\n');
        text.append("  other: ").append(other).append('\n');
        text.append("  problems: ").append(problemCount).append('\n');
        return text.toString();
    }
}

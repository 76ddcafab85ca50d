package io.chatmesh.ops;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * deploy/grafana/dashboards/chatmesh.json and the metric names and labels its PromQL reads. The
 * expressions are read, not evaluated: string literals, ranges and grouping clauses are taken out,
 * selectors give a metric and its matched labels, every other identifier not called as a function
 * is a metric. An identifier this reading does not know fails the check that uses it, so nothing
 * slips through as "not a metric".
 */
final class Dashboard {

    /** One expression's reading: each metric with the labels its selector matches, and the grouping labels. */
    record Query(String expression, Map<String, Set<String>> metrics, Set<String> groupingLabels) {}

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    private static final Pattern MATCHER_LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "bool", "offset", "and", "or", "unless");

    private Dashboard() {}

    static Path file() {
        return Compose.directory().resolve("grafana/dashboards/chatmesh.json");
    }

    static Tree load() {
        return Tree.load(file()); // JSON is YAML
    }

    /** Every panel's every target expression. */
    static List<String> expressions() {
        List<String> expressions = new ArrayList<>();
        for (Tree panel : load().get("panels").list()) {
            panel.get("targets").list().forEach(target -> expressions.add(target.get("expr").text()));
        }
        return expressions;
    }

    static Query read(String expression) {
        String rest = STRING.matcher(expression).replaceAll("\"\"");
        rest = RANGE.matcher(rest).replaceAll(" ");
        Set<String> grouping = new TreeSet<>();
        Matcher groups = GROUPING.matcher(rest);
        while (groups.find()) {
            for (String label : groups.group(1).split(",")) {
                if (!label.isBlank()) {
                    grouping.add(label.strip());
                }
            }
        }
        rest = GROUPING.matcher(rest).replaceAll(" ");

        Map<String, Set<String>> metrics = new TreeMap<>();
        Matcher selectors = SELECTOR.matcher(rest);
        while (selectors.find()) {
            Set<String> labels = metrics.computeIfAbsent(selectors.group(1), name -> new TreeSet<>());
            Matcher label = MATCHER_LABEL.matcher(selectors.group(2));
            while (label.find()) {
                labels.add(label.group(1));
            }
        }
        rest = SELECTOR.matcher(rest).replaceAll(" ");
        Matcher identifiers = IDENTIFIER.matcher(rest);
        while (identifiers.find()) {
            String name = identifiers.group();
            boolean called = rest.substring(identifiers.end()).stripLeading().startsWith("(");
            if (!called && !KEYWORDS.contains(name)) {
                metrics.computeIfAbsent(name, key -> new TreeSet<>());
            }
        }
        return new Query(expression, metrics, grouping);
    }
}

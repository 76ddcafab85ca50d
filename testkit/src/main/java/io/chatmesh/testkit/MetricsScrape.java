package io.chatmesh.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a service's {@code GET /metrics} (Prometheus text format) over HTTP, parsed into
 * samples, for tests that check what an operator's Prometheus would see.
 */
public final class MetricsScrape {

    // HTTP/1.1 as Prometheus scrapes: with the JDK client's default, an h2c upgrade, it misread the
    // upgraded response's frames now and then (a protocol error in CI)
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One line of the scrape: a metric name, its labels and its value. */
    public record Sample(String name, Map<String, String> labels, double value) {

        /** Whether every one of {@code wanted} is among this sample's labels with that value. */
        public boolean has(Map<String, String> wanted) {
            return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        }
    }

    private final String text;
    private final List<Sample> samples;

    private MetricsScrape(String text) {
        this.text = text;
        this.samples = parse(text);
    }

    /** GETs {@code http://127.0.0.1:<httpPort>/metrics}; fails unless it answers 200. */
    public static MetricsScrape of(int httpPort) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + httpPort + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET /metrics answered " + response.statusCode());
            }
            return new MetricsScrape(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String text() {
        return text;
    }

    /** Every sample of the scrape, in its order. */
    public List<Sample> samples() {
        return samples;
    }

    /** The samples named {@code name} that carry all of {@code labels}. */
    public List<Sample> samples(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name.equals(name) && s.has(labels)).toList();
    }

    /** The sum of the samples named {@code name} that carry all of {@code labels} (0 when there are none). */
    public double sum(String name, Map<String, String> labels) {
        return samples(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    private static List<Sample> parse(String text) {
        List<Sample> parsed = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.matches()) {
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            parsed.add(new Sample(sample.group(1), labels, value(sample.group(3))));
        }
        return parsed;
    }
}

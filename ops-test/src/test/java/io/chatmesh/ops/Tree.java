package io.chatmesh.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.StreamSupport;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A node of a parsed YAML (or JSON) document: compose, Kubernetes, Prometheus and Grafana files.
 * SnakeYAML resolves anchors, aliases and merge keys ({@code <<: *x}) as docker compose does. A
 * missing key fails with the path to it, so a test names what the file lacks.
 */
record Tree(String path, Object value) {

    static Tree load(Path file) {
        return loadAll(file).getFirst();
    }

    /** Every document of a multi-document file (Kubernetes manifests), empty ones left out. */
    static List<Tree> loadAll(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        return StreamSupport.stream(yaml.loadAll(text).spliterator(), false)
                .filter(document -> document != null)
                .map(document -> new Tree(file.getFileName().toString(), document)).toList();
    }

    boolean has(String key) {
        return value instanceof Map<?, ?> map && map.containsKey(key);
    }

    Tree get(String... keys) {
        Tree node = this;
        for (String key : keys) {
            if (!(node.value instanceof Map<?, ?> map) || !map.containsKey(key)) {
                throw new NoSuchElementException(node.path + " has no " + key);
            }
            node = new Tree(node.path + "." + key, map.get(key));
        }
        return node;
    }

    /** The value at a path, or null when any key on the way is missing. */
    Tree find(String... keys) {
        Tree node = this;
        for (String key : keys) {
            if (!node.has(key)) {
                return null;
            }
            node = node.get(key);
        }
        return node;
    }

    String text() {
        if (value == null || value instanceof Map || value instanceof List) {
            throw new IllegalStateException(path + " is not a scalar: " + value);
        }
        return String.valueOf(value);
    }

    int number() {
        return Integer.parseInt(text());
    }

    List<Tree> list() {
        if (!(value instanceof List<?> items)) {
            throw new IllegalStateException(path + " is not a list: " + value);
        }
        List<Tree> nodes = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            nodes.add(new Tree(path + "[" + i + "]", items.get(i)));
        }
        return nodes;
    }

    List<String> texts() {
        return list().stream().map(Tree::text).toList();
    }

    /** The keys of a mapping, in file order. */
    List<String> keys() {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalStateException(path + " is not a mapping: " + value);
        }
        return map.keySet().stream().map(String::valueOf).toList();
    }

    /** The list item whose {@code key} is {@code name} (a container, a port, an env var, a volume). */
    Tree named(String name) {
        return named("name", name);
    }

    Tree named(String key, String name) {
        return list().stream().filter(item -> item.has(key) && item.get(key).text().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException(path + " has no item with " + key + " " + name));
    }
}

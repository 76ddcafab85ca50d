package io.chatmesh.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/** deploy/k8s/: the kustomization, the manifests it applies, and the Secret templates beside them. */
final class Kubernetes {

    static final String KUSTOMIZATION = "kustomization.yaml";
    static final String SECRET_TEMPLATES = "secrets.example.yaml";

    private final Tree kustomization = Tree.load(directory().resolve(KUSTOMIZATION));
    private final List<Tree> resources = new ArrayList<>();
    private final List<Tree> secretTemplates = Tree.loadAll(directory().resolve(SECRET_TEMPLATES));

    Kubernetes() {
        for (String file : kustomization.get("resources").texts()) {
            resources.addAll(Tree.loadAll(directory().resolve(file)));
        }
    }

    static Path directory() {
        return Compose.directory().resolve("k8s");
    }

    /** Every YAML file in deploy/k8s/. */
    static List<String> files() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Tree kustomization() {
        return kustomization;
    }

    List<Tree> resources() {
        return resources;
    }

    List<Tree> all(String kind) {
        return resources.stream().filter(resource -> resource.get("kind").text().equals(kind)).toList();
    }

    Tree resource(String kind, String name) {
        return find(resources, kind, name);
    }

    Tree secretTemplate(String name) {
        return find(secretTemplates, "Secret", name);
    }

    List<Tree> secretTemplates() {
        return secretTemplates;
    }

    /** A key of the ConfigMap chatmesh-backends (what the operator brings). */
    String backend(String key) {
        return resource("ConfigMap", "chatmesh-backends").get("data", key).text();
    }

    /** The files a generated ConfigMap is made of, resolved against deploy/k8s/. */
    List<Path> generatedFrom(String configMap) {
        return kustomization.get("configMapGenerator").named(configMap).get("files").texts().stream()
                .map(file -> directory().resolve(file).normalize()).toList();
    }

    /** A secret volume's Secret has a template with every key the volume picks. */
    void assertSecretTemplated(Tree secretVolume) {
        Tree template = secretTemplate(secretVolume.get("secretName").text());
        Tree items = secretVolume.find("items");
        if (items != null) {
            items.list().forEach(item -> assertThat(template.get("stringData").keys()).contains(item.get("key").text()));
        }
    }

    static Tree podSpec(Tree deployment) {
        return deployment.get("spec", "template", "spec");
    }

    static Tree container(Tree deployment, String name) {
        return podSpec(deployment).get("containers").named(name);
    }

    static Tree volume(Tree deployment, String name) {
        return podSpec(deployment).get("volumes").named(name);
    }

    /** The volume mounted at a path in a container. */
    static Tree volumeAt(Tree deployment, Tree container, String mountPath) {
        Tree mount = container.get("volumeMounts").named("mountPath", mountPath);
        return volume(deployment, mount.get("name").text());
    }

    /** A container's named ports: name to number. */
    static Map<String, Integer> ports(Tree container) {
        Map<String, Integer> ports = new HashMap<>();
        container.get("ports").list().forEach(port -> ports.put(port.get("name").text(), port.get("containerPort").number()));
        return ports;
    }

    private static Tree find(List<Tree> documents, String kind, String name) {
        return documents.stream()
                .filter(document -> document.get("kind").text().equals(kind) && document.get("metadata", "name").text().equals(name))
                .findFirst().orElseThrow(() -> new NoSuchElementException("deploy/k8s has no " + kind + " " + name));
    }
}

package io.chatmesh.ops;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/** deploy/docker-compose.yml, parsed: its services, their environments and their mounts. */
final class Compose {

    /** A bind mount: a host path (relative to deploy/, as compose resolves it) at a container path. */
    record Mount(Path source, String target) {}

    private final Tree file = Tree.load(directory().resolve("docker-compose.yml"));

    static Path directory() {
        return EnvoyFile.root().resolve("deploy");
    }

    Tree service(String name) {
        return file.get("services", name);
    }

    List<String> serviceNames() {
        return file.get("services").keys();
    }

    Tree file() {
        return file;
    }

    /** A service's environment, as a map (compose also accepts a list of NAME=value; the file uses maps). */
    static Map<String, String> environment(Tree service) {
        Map<String, String> environment = new LinkedHashMap<>();
        Tree node = service.find("environment");
        if (node != null) {
            node.keys().forEach(name -> environment.put(name, node.get(name).text()));
        }
        return environment;
    }

    /** Its bind mounts ("./x:/y:ro"), host paths resolved against deploy/; named volumes left out. */
    static List<Mount> mounts(Tree service) {
        Tree volumes = service.find("volumes");
        if (volumes == null) {
            return List.of();
        }
        return volumes.texts().stream().filter(volume -> volume.startsWith(".")).map(volume -> {
            String[] parts = volume.split(":");
            return new Mount(directory().resolve(parts[0]).normalize(), parts[1]);
        }).toList();
    }

    static Mount mountAt(Tree service, String target) {
        return mounts(service).stream().filter(mount -> mount.target().equals(target)).findFirst()
                .orElseThrow(() -> new NoSuchElementException(service.path() + " mounts nothing at " + target));
    }

    /** Where a compose secret's file is, and where a service sees it (/run/secrets/&lt;target&gt;). */
    Map<String, Path> secretsOf(Tree service) {
        Map<String, Path> secrets = new LinkedHashMap<>();
        Tree list = service.find("secrets");
        if (list == null) {
            return secrets;
        }
        for (Tree secret : list.list()) {
            String source = secret.value() instanceof Map ? secret.get("source").text() : secret.text();
            String target = secret.value() instanceof Map && secret.has("target") ? secret.get("target").text() : source;
            secrets.put("/run/secrets/" + target, directory().resolve(file.get("secrets", source, "file").text()).normalize());
        }
        return secrets;
    }

    /** The compose service a sidecar joins (network_mode "service:x"), if it joins one. */
    static Optional<String> joins(Tree service) {
        Tree mode = service.find("network_mode");
        return mode == null || !mode.text().startsWith("service:") ? Optional.empty()
                : Optional.of(mode.text().substring("service:".length()));
    }
}

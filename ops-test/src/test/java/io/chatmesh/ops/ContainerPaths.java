package io.chatmesh.ops;

import java.nio.file.Path;

/** Paths inside a container (an Envoy's certificate files): the directory to mount, the file in it. */
final class ContainerPaths {

    private ContainerPaths() {}

    static String directory(String path) {
        return Path.of(path).getParent().toString();
    }

    static String fileName(String path) {
        return Path.of(path).getFileName().toString();
    }
}

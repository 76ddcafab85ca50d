package io.chatmesh.systemtest;

/**
 * Entry point of the broker's child JVM: {@code kafka.Kafka} with a config file, ended
 * abruptly when its parent (the test JVM) ends in any way, so no broker outlives a test run.
 */
public final class KafkaBrokerMain {

    public static void main(String[] args) {
        ProcessHandle.current().parent()
                .ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        kafka.Kafka.main(args);
    }

    private KafkaBrokerMain() {}
}

package io.chatmesh.platform.kafka;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Child process for {@link KafkaEventBusRetryTest}: a durable subscriber that prints every
 * event it handles and then dies abruptly (halt: no shutdown hooks, no commit, no group leave)
 * inside the handler of the N-th event.
 *
 * <p>Arguments: bootstrap servers, topic, group, N.
 */
public final class CrashingSubscriber {

    static final String HANDLED = "HANDLED ";

    public static void main(String[] args) throws Exception {
        String bootstrapServers = args[0];
        String topic = args[1];
        String group = args[2];
        int crashAt = Integer.parseInt(args[3]);
        KafkaBusSettings settings = KafkaBusSettings.of(bootstrapServers)
                .withInstanceId("crashing")
                .withTopics(false, List.of())
                .withClientProperties(Map.of(
                        // small polls, so some polls are committed before the crash and some are not
                        "max.poll.records", "4",
                        // the group notices the dead member quickly (the test broker allows 1 s)
                        "session.timeout.ms", "2000",
                        "heartbeat.interval.ms", "500"));
        AtomicInteger handled = new AtomicInteger();
        KafkaEventBus bus = new KafkaEventBus(settings);
        bus.subscribe(topic, group, (key, payload) -> {
            System.out.println(HANDLED + new String(payload, StandardCharsets.UTF_8));
            System.out.flush();
            if (handled.incrementAndGet() == crashAt) {
                Runtime.getRuntime().halt(1);
            }
        });
        // never reached normally; a child that somehow does not crash must not linger
        TimeUnit.SECONDS.sleep(60);
        Runtime.getRuntime().halt(2);
    }

    private CrashingSubscriber() {}
}

package io.chatmesh.platform.kafka;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** A real single-node Kafka (combined broker + controller, KRaft) inside the test JVM. */
final class TestKafkaCluster implements AutoCloseable {

    private final KafkaClusterTestKit cluster;
    private boolean closed;

    private TestKafkaCluster(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    static TestKafkaCluster start() throws Exception {
        return start(Map.of());
    }

    /** @param brokerConfig extra broker settings for one test class */
    static TestKafkaCluster start(Map<String, String> brokerConfig) throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build();
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes)
                // one broker: internal topics cannot have the default 3 replicas
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0");
        brokerConfig.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new TestKafkaCluster(cluster);
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    Admin admin() {
        return cluster.admin();
    }

    /** Stops the broker; a test may do this early, then closing again does nothing. */
    @Override
    public synchronized void close() throws Exception {
        if (!closed) {
            closed = true;
            cluster.close();
        }
    }
}

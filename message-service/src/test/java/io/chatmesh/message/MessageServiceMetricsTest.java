package io.chatmesh.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.http.HttpFace;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.testkit.MetricsScrape;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What Prometheus scrapes from message-service's HTTP port (SQL store on real PostgreSQL): after
 * events published on its bus and a call over gRPC that asks the room service (a real gRPC
 * server) for membership, the calls it made, the bus's publish and consume timers and lag, the
 * statements it ran and the JVM's meters are there, under the names docs/production.md lists.
 */
class MessageServiceMetricsTest extends MessageServiceTestSupport {

    private static final Map<String, String> ROOM_EVENTS = Map.of("topic", Topics.ROOM_EVENTS);
    private static final Map<String, String> MEMBERSHIP_OK = Map.of(
            "method", "chatmesh.room.internal.v1.MembershipService/CheckMembership", "code", "OK");

    @Autowired
    HttpFace http;

    @Test
    void exportsCallsMadeBusAndStatementMetrics() {
        MetricsScrape before = MetricsScrape.of(http.port());
        User alice = newUser();
        User bob = newUser();
        String room = newRoom(alice, bob);
        post(room, 3, alice, bob);
        assertThat(messages(alice).listMessages(ListMessagesRequest.newBuilder().setRoomId(room).build())
                .getMessagesCount()).isEqualTo(3);

        // the timers record as their futures complete, which may be just after the callers saw them
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            MetricsScrape after = MetricsScrape.of(http.port());
            assertThat(increase(before, after, "chatmesh_grpc_client_calls_seconds_count", MEMBERSHIP_OK))
                    .isGreaterThanOrEqualTo(1);
            assertThat(increase(before, after, "chatmesh_bus_publish_seconds_count", ROOM_EVENTS)).isEqualTo(3);
            // one durable subscriber here (the persister): each event once
            assertThat(increase(before, after, "chatmesh_bus_consume_seconds_count", ROOM_EVENTS)).isEqualTo(3);
            assertThat(after.samples("chatmesh_bus_consumer_lag", ROOM_EVENTS))
                    .singleElement().satisfies(lag -> assertThat(lag.value()).isGreaterThanOrEqualTo(0));
            // statements by the SqlObject method that ran them
            assertThat(after.samples("chatmesh_store_seconds_count", Map.of("store", "postgresql")))
                    .anySatisfy(statement -> {
                        assertThat(statement.labels().get("operation")).matches("\\w+\\.\\w+");
                        assertThat(statement.value()).isPositive();
                    });
            // the persister's prepared INSERT (plain JDBC) is timed under the same metric
            assertThat(after.samples("chatmesh_store_seconds_count",
                    Map.of("store", "postgresql", "operation", "MessageInserts.insertMessages")))
                    .singleElement().satisfies(insert -> assertThat(insert.value()).isPositive());
        });
        MetricsScrape after = MetricsScrape.of(http.port());
        assertThat(after.samples("chatmesh_grpc_client_calls_seconds_bucket", MEMBERSHIP_OK)).isNotEmpty();
        assertThat(after.samples("chatmesh_bus_publish_seconds_bucket", ROOM_EVENTS)).isNotEmpty();
        assertThat(after.samples("chatmesh_store_seconds_bucket", Map.of("store", "postgresql"))).isNotEmpty();
        for (String jvm : new String[] {"jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total",
                "jvm_threads_live_threads", "jvm_classes_loaded_classes", "process_cpu_usage", "system_cpu_count",
                "hikaricp_connections_active"}) {
            assertThat(after.samples(jvm, Map.of())).as(jvm).isNotEmpty();
        }
    }

    static double increase(MetricsScrape before, MetricsScrape after, String name, Map<String, String> labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }
}

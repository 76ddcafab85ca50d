package io.chatmesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.bench.Bench;
import io.chatmesh.bench.HostPort;
import io.chatmesh.bench.Summary;
import io.chatmesh.bench.Workload;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's --smoke workload (bench/) against the whole embedded stack in this JVM
 * (loopback, free ports): setup through the edge, streams, sends and message changes (a fifth
 * of the operations: edits, reactions, deletions) on chat-service's own port, while every
 * stream is dropped and resumed from its cursor every 2 s (--churn), its unanswered sends sent
 * again with their client_ids. Asserts correctness and that something was measured, never how
 * fast.
 */
class BenchSmokeTest {

    @TempDir
    Path dataDir;

    @Test
    void everyAckedMessageAndChangeReachesEveryConnectedMemberOnceAndInOrderAcrossResumes() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Summary summary;
        try (Chatmesh stack = Chatmesh.start(LauncherSettings.forTests(dataDir))) {
            Workload smoke = Workload.smoke(new HostPort(stack.host(), stack.edgePort()),
                    List.of(new HostPort(stack.host(), stack.port(Chatmesh.Service.CHAT))));
            summary = Bench.run(smoke, new PrintStream(output, true, StandardCharsets.UTF_8));
        }
        String printed = output.toString(StandardCharsets.UTF_8);
        System.out.print(printed);

        Summary.Correctness delivery = summary.correctness();
        assertThat(delivery.acked()).as(printed).isPositive().isEqualTo(delivery.sent());
        assertThat(delivery.expected()).as(printed).isEqualTo(delivery.acked() * 5);
        assertThat(delivery.missing()).as(printed).isZero();
        assertThat(delivery.surplus()).as(printed).isZero();
        assertThat(delivery.duplicates()).as(printed).isZero();
        assertThat(delivery.outOfOrder()).as(printed).isZero();
        assertThat(delivery.unrecognized() + delivery.otherRoom()).as(printed).isZero();
        assertThat(delivery.unanswered()).as(printed).isZero();
        Summary.Changes changes = summary.changes();
        assertThat(changes).as(printed).isNotNull();
        Summary.ChangeDelivery changeDelivery = changes.delivery();
        assertThat(changeDelivery.acked()).as(printed).isPositive().isEqualTo(changeDelivery.sent());
        assertThat(changeDelivery.expected()).as(printed).isEqualTo(changeDelivery.acked() * 5);
        assertThat(changeDelivery.missing()).as(printed).isZero();
        assertThat(changeDelivery.surplus()).as(printed).isZero();
        assertThat(changeDelivery.unanswered()).as(printed).isZero();
        assertThat(changes.sentByKind().get("edits")).as(printed).isPositive();
        assertThat(changes.sentByKind().get("reactionsAdded")).as(printed).isPositive();
        assertThat(changes.deliveryLatency().count()).as(printed).isPositive();
        assertThat(summary.errors()).as(printed).isEmpty();
        Summary.Reopening reopening = summary.reopening();
        assertThat(reopening.dropped()).as(printed).isPositive();
        assertThat(reopening.reopened()).as(printed).isPositive().isLessThanOrEqualTo(reopening.dropped());
        assertThat(reopening.changesUnknown()).as(printed).isZero();
        assertThat(summary.problems()).as(printed).isEmpty();

        assertThat(summary.sent().count()).as(printed).isPositive();
        assertThat(summary.acked().perSecond()).as(printed).isPositive();
        assertThat(summary.deliveries().perSecond()).as(printed).isPositive();
        assertThat(summary.ackLatency().count()).as(printed).isPositive();
        assertThat(summary.ackLatency().max()).as(printed).isPositive();
        assertThat(summary.deliveryLatency().count()).as(printed).isPositive();
        assertThat(summary.deliveryLatency().p50()).as(printed).isPositive();
        assertThat(printed).contains("result        OK");
    }
}

package io.chatmesh.platform.kafka;

import io.chatmesh.platform.bus.BusMeters;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.EventBus.EventHandler;
import io.chatmesh.platform.bus.EventBus.RunHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer-group member with manual commits: at-least-once, in order per partition.
 *
 * <ul>
 * <li>An offset is committed only past events whose handler returned (after each poll's
 * events, when partitions are taken away, and on close).
 * <li>A {@link RunHandler} gets all records of a poll as one run (each partition's in order),
 * any other handler one event at a time: a store writes a poll in one transaction however many
 * partitions it spans. A run the handler refuses is handed over again partition by partition,
 * so only a partition whose events fail is held back. When the handler throws, the partition is
 * rewound to the run's (or the event's) first event and paused for the retry backoff, then
 * handled again, indefinitely (nothing after it on that partition is handled meanwhile; other
 * partitions go on).
 * <li>So after a close, a crash or a rebalance, whoever owns the partition next starts at the
 * first event not known to be handled: events handled but not yet committed when a process
 * died are handled again (handlers must be idempotent); none are skipped.
 * </ul>
 */
final class DurableSubscription extends ConsumerSubscription {

    private static final Logger log = LoggerFactory.getLogger(DurableSubscription.class);

    private final String group;
    private final EventHandler handler;
    private final Duration retryBackoff;
    /** Next offsets to commit: handled but not yet committed. */
    private final Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
    /** Partitions paused after a handler failure, and when to resume them (System.nanoTime). */
    private final Map<TopicPartition, Long> pausedUntil = new HashMap<>();
    private final Map<TopicPartition, Failure> failures = new HashMap<>();

    DurableSubscription(String name, KafkaConsumer<String, byte[]> consumer, String topic, String group,
            EventHandler handler, Duration retryBackoff, Duration apiTimeout, BusMeters.TopicMeters meters,
            Consumer<ConsumerSubscription> onClosed) {
        super(name, consumer, topic, apiTimeout, meters, onClosed);
        this.group = group;
        this.handler = handler;
        this.retryBackoff = retryBackoff;
    }

    @Override
    protected void consume() {
        consumer.subscribe(List.of(topic), new CommitOnRevoke());
        while (running()) {
            resumeDuePartitions();
            ConsumerRecords<String, byte[]> records = poll(pollWait());
            handleAll(records);
            commitHandled();
        }
    }

    @Override
    protected void beforeClose() {
        try {
            try {
                commitHandled();
            } catch (WakeupException e) {
                commitHandled(); // the wakeup from close() was still pending; it is used up now
            }
        } catch (RuntimeException e) {
            log.warn("subscription {}: last commit failed; uncommitted events will be handled again", name, e);
        }
    }

    /**
     * A {@link RunHandler} gets the whole poll at once; when it refuses that, or the poll has
     * one partition, each partition's records at once. Any other handler one at a time.
     */
    private void handleAll(ConsumerRecords<String, byte[]> records) {
        if (handler instanceof RunHandler runs && records.partitions().size() > 1 && running()
                && handleWholePoll(runs, records)) {
            return;
        }
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> polled = records.records(partition);
            int runLength = handler instanceof RunHandler ? polled.size() : 1;
            for (int from = 0; from < polled.size(); from += runLength) {
                if (!running()) {
                    return; // the rest stays uncommitted and is handled by the next owner
                }
                List<ConsumerRecord<String, byte[]>> run = polled.subList(from, Math.min(polled.size(), from + runLength));
                if (!handle(partition, run)) {
                    break; // rewound: the rest of this partition comes again after the backoff
                }
                ConsumerRecord<String, byte[]> last = run.getLast();
                handled.put(partition, new OffsetAndMetadata(last.offset() + 1, last.leaderEpoch(), ""));
            }
        }
    }

    /**
     * Hands every record of the poll over as one run; on success they all count as handled. A
     * failure is only logged at debug level: the records go again partition by partition, where
     * a failure rewinds and pauses that partition.
     */
    private boolean handleWholePoll(RunHandler runs, ConsumerRecords<String, byte[]> records) {
        List<EventBus.Event> run = new ArrayList<>(records.count());
        for (TopicPartition partition : records.partitions()) {
            records.records(partition).forEach(r -> run.add(new EventBus.Event(r.key(), r.value())));
        }
        try {
            runs.handleAll(run);
        } catch (Exception e) {
            log.debug("subscription {} (group {}): handler refused a run of {} events from {} partitions; "
                    + "handing them over per partition", name, group, run.size(), records.partitions().size(), e);
            return false;
        }
        long now = System.currentTimeMillis();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> polled = records.records(partition);
            polled.forEach(record -> consumed(record.timestamp(), now));
            ConsumerRecord<String, byte[]> last = polled.getLast();
            handled.put(partition, new OffsetAndMetadata(last.offset() + 1, last.leaderEpoch(), ""));
            failures.remove(partition);
        }
        return true;
    }

    /** On failure the partition is rewound to the run's first record and paused for the backoff. */
    private boolean handle(TopicPartition partition, List<ConsumerRecord<String, byte[]>> run) {
        long first = run.getFirst().offset();
        try {
            if (handler instanceof RunHandler runs) {
                runs.handleAll(run.stream().map(r -> new EventBus.Event(r.key(), r.value())).toList());
            } else {
                handler.handle(run.getFirst().key(), run.getFirst().value());
            }
            long now = System.currentTimeMillis();
            run.forEach(record -> consumed(record.timestamp(), now));
            failures.remove(partition);
            return true;
        } catch (Exception e) {
            Failure previous = failures.get(partition);
            int attempt = previous != null && previous.offset == first ? previous.attempts + 1 : 1;
            failures.put(partition, new Failure(first, attempt));
            log.warn("subscription {} (group {}): handler failed on {} offsets {}-{} (attempt {}); retrying in {} ms",
                    name, group, partition, first, run.getLast().offset(), attempt, retryBackoff.toMillis(), e);
            consumer.seek(partition, first);
            consumer.pause(List.of(partition));
            pausedUntil.put(partition, System.nanoTime() + retryBackoff.toNanos());
            return false;
        }
    }

    /**
     * A failed commit keeps the offsets: the next commit (or the revoke callback) sends them
     * again, and if the partition went to another member, it handles those events once more.
     */
    private void commitHandled() {
        if (handled.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(handled, apiTimeout);
            handled.clear();
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            log.warn("subscription {}: commit failed; will retry", name, e);
        }
    }

    private void resumeDuePartitions() {
        long now = System.nanoTime();
        Iterator<Map.Entry<TopicPartition, Long>> due = pausedUntil.entrySet().iterator();
        while (due.hasNext()) {
            Map.Entry<TopicPartition, Long> entry = due.next();
            if (now - entry.getValue() >= 0) {
                consumer.resume(List.of(entry.getKey()));
                due.remove();
            }
        }
    }

    /** Waits no longer than until the next paused partition is due. */
    private Duration pollWait() {
        long now = System.nanoTime();
        long waitNanos = MAX_POLL_WAIT.toNanos();
        for (long resumeAt : pausedUntil.values()) {
            waitNanos = Math.min(waitNanos, Math.max(0, resumeAt - now));
        }
        return Duration.ofNanos(waitNanos);
    }

    private void forgetPartitions(Collection<TopicPartition> partitions) {
        partitions.forEach(partition -> {
            handled.remove(partition);
            pausedUntil.remove(partition);
            failures.remove(partition);
        });
    }

    private record Failure(long offset, int attempts) {}

    /** Runs inside poll(), on the subscription's thread. */
    private final class CommitOnRevoke implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> revoked = new HashMap<>();
            partitions.forEach(partition -> {
                OffsetAndMetadata offset = handled.get(partition);
                if (offset != null) {
                    revoked.put(partition, offset);
                }
            });
            if (!revoked.isEmpty()) {
                try {
                    consumer.commitSync(revoked, apiTimeout);
                } catch (KafkaException e) {
                    log.warn("subscription {}: commit on revoke failed; the new owner handles those events again",
                            name, e);
                }
            }
            forgetPartitions(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forgetPartitions(partitions); // already owned by someone else: committing would fail
        }
    }
}

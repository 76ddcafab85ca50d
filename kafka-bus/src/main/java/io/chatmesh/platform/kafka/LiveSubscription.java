package io.chatmesh.platform.kafka;

import io.chatmesh.platform.bus.BusMeters;
import io.chatmesh.platform.bus.EventBus.EventHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.LogTruncationException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the partitions assigned to it by {@link KafkaEventBus#subscribeLive} (all of the topic,
 * positioned at their end as of subscribing) without a group or commits. A failing handler
 * costs that one event, never the events behind it.
 *
 * <p>It never skips ahead on its own: its consumer has no offset reset policy
 * ({@code auto.offset.reset=none}), so when a position stops being valid (the log was truncated
 * by an unclean leader election, cleaned up by retention, or a broker answered from a log that
 * was not caught up yet) Kafka reports it instead of moving to the end, and the subscription
 * resumes right after the last event it read, or as close to it as the log still allows:
 * <ul>
 * <li>still in the log: exactly there, nothing is lost;
 * <li>the broker's log diverges before it (a truncation): at the first offset that differs, so
 * every event in the log now that it has not seen is delivered;
 * <li>older than the oldest event kept: at that oldest event (what was in between is gone).
 * </ul>
 * Events the broker no longer has cannot be delivered (chat-service's streams notice the gap and
 * resync); each such incident is logged once.
 */
final class LiveSubscription extends ConsumerSubscription {

    private static final Logger log = LoggerFactory.getLogger(LiveSubscription.class);

    private final EventHandler handler;
    private final Duration retryBackoff;
    /** Per partition, where to resume: after the last event read (with its leader epoch), else the start. */
    private final Map<TopicPartition, OffsetAndMetadata> resumeAt = new HashMap<>();
    /** Whether the failure to look up the log's bounds has been logged for the current incident. */
    private boolean lookupFailureLogged;

    LiveSubscription(String name, KafkaConsumer<String, byte[]> consumer, String topic, Map<TopicPartition, Long> start,
            EventHandler handler, Duration retryBackoff, Duration apiTimeout, BusMeters.TopicMeters meters,
            Consumer<ConsumerSubscription> onClosed) {
        super(name, consumer, topic, apiTimeout, meters, onClosed);
        this.handler = handler;
        this.retryBackoff = retryBackoff;
        start.forEach((partition, offset) -> resumeAt.put(partition, new OffsetAndMetadata(offset)));
    }

    @Override
    protected void consume() {
        while (running()) {
            Iterable<ConsumerRecord<String, byte[]>> records;
            try {
                records = poll(MAX_POLL_WAIT);
            } catch (InvalidOffsetException e) {
                reposition(e);
                continue;
            }
            for (ConsumerRecord<String, byte[]> record : records) {
                if (!running()) {
                    return;
                }
                resumeAt.put(new TopicPartition(record.topic(), record.partition()),
                        new OffsetAndMetadata(record.offset() + 1, record.leaderEpoch(), ""));
                try {
                    handler.handle(record.key(), record.value());
                    consumed(record.timestamp(), System.currentTimeMillis());
                } catch (Exception e) {
                    log.warn("live subscription {} to {}: handler failed on partition {} offset {}; event skipped",
                            name, topic, record.partition(), record.offset(), e);
                }
            }
        }
    }

    /**
     * Seeks each partition whose position became invalid to where it should resume (see the
     * class comment). When the log's bounds cannot be looked up (e.g. the broker went away
     * again), the positions stay invalid and the next poll reports them again.
     */
    private void reposition(InvalidOffsetException invalid) {
        Set<TopicPartition> partitions = invalid.partitions();
        Map<TopicPartition, OffsetAndMetadata> divergent = invalid instanceof LogTruncationException truncation
                ? truncation.divergentOffsets() : Map.of();
        Map<TopicPartition, Long> oldest;
        Map<TopicPartition, Long> ends;
        try {
            oldest = consumer.beginningOffsets(partitions, apiTimeout);
            ends = consumer.endOffsets(partitions, apiTimeout);
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            if (!lookupFailureLogged) {
                lookupFailureLogged = true;
                log.warn("live subscription {} to {}: positions of {} became invalid ({}) and the log's bounds cannot be"
                        + " looked up yet; retrying", name, topic, partitions, invalid.getMessage(), e);
            }
            pause(retryBackoff);
            return;
        }
        lookupFailureLogged = false;
        List<String> outcomes = new ArrayList<>();
        boolean lost = false;
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata wanted = resumeAt.get(partition);
            long first = oldest.get(partition);
            long end = ends.get(partition);
            OffsetAndMetadata diverged = divergent.get(partition);
            OffsetAndMetadata target;
            String outcome;
            if (diverged != null && diverged.offset() >= 0) {
                // what it read from there on is no longer in the broker's log; what is there now is new
                target = diverged.offset() >= first ? diverged : new OffsetAndMetadata(first);
                outcome = "at " + target.offset() + ": the broker's log diverges from what it read at " + diverged.offset()
                        + " (the broker lost " + (wanted.offset() - diverged.offset()) + " events it had delivered)";
                lost = true;
            } else if (wanted.offset() < first) {
                target = new OffsetAndMetadata(first);
                outcome = "at the oldest event kept, " + first + " (" + (first - wanted.offset()) + " events gone)";
                lost = true;
            } else if (wanted.offset() > end) {
                // Only a position without a leader epoch gets here (with one, Kafka names the divergence).
                target = new OffsetAndMetadata(end);
                outcome = "at the log's end, " + end + " (the broker lost events up to " + wanted.offset()
                        + "; any published since may be missed)";
                lost = true;
            } else {
                // still in the log; when Kafka could not tell where a truncated log diverges, resume there
                // without the leader epoch, or validating it would fail the same way again
                target = diverged != null ? new OffsetAndMetadata(wanted.offset()) : wanted;
                outcome = "at " + wanted.offset() + " where it stopped";
            }
            consumer.seek(partition, target);
            resumeAt.put(partition, target);
            outcomes.add(partition.partition() + " " + outcome);
        }
        if (lost) {
            log.warn("live subscription {} to {}: positions became invalid ({}); resumed partitions {}", name, topic,
                    invalid.getMessage(), outcomes);
        } else {
            log.info("live subscription {} to {}: positions became invalid ({}); resumed partitions {}", name, topic,
                    invalid.getMessage(), outcomes);
        }
    }

    private void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }
}

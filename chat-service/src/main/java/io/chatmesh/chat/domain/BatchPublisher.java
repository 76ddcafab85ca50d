package io.chatmesh.chat.domain;

import io.chatmesh.platform.error.ChatmeshException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The send path's second stage, on a thread of its own: publishes the batches the
 * {@link SendPipeline} logged ({@link RoomRelay}), the batches waiting together in one relay as
 * long as they hold no more than one batch may, and completes their futures once published. While it publishes, the pipeline's thread logs the
 * next batch: a relay holds the rooms' outbox rows, an append their counters, so neither waits
 * for the other. It also publishes what failed publishes and crashes left ({@link RelayRetries}).
 */
final class BatchPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchPublisher.class);

    /**
     * Logged batches that may wait for a publish before the pipeline's thread waits too: enough
     * for the two stages to work side by side, few enough that under overload sends wait in the
     * pipeline's queue (which refuses what does not fit) rather than logged and unanswered.
     */
    static final int MAX_WAITING = 2;

    /**
     * A logged batch.
     *
     * @param posts the batch's posts, with per post its message ({@code messages}, null when refused)
     * @param changes the batch's changes, with per change its logged change ({@code loggedChanges}, null when refused)
     * @param inHand per room, the entries just logged, ascending
     * @param upTo per room, the newest seq logged
     */
    record Logged(List<SendPipeline.Submission> posts, Message[] messages, List<ChangeBatch.Submission> changes,
            List<MessageChange> loggedChanges, Map<String, List<LogEntry>> inHand, Map<String, Long> upTo) {

        int size() {
            return posts.size() + changes.size();
        }

        /** Fails the futures of what was logged: it is stored and will be published, but not yet. */
        void failUnpublished() {
            for (int i = 0; i < posts.size(); i++) {
                if (messages[i] != null) {
                    posts.get(i).fail(ChatmeshException.unavailable(
                            "message stored but not delivered yet; retry with the same client_id"));
                }
            }
            changes.forEach(change -> change.fail(ChatmeshException.unavailable(
                    "change stored but not delivered yet; it will be delivered, do not repeat it")));
        }
    }

    private final RoomRelay relay;
    private final ChangeBatch changes;
    /** Rooms whose publish failed, and the periodic sweep; only this thread uses it. */
    private final RelayRetries retries;
    /** Most posts and changes published in one relay: the pipeline's batch size, so that members' streams get no bigger bursts. */
    private final int maxBatch;
    private final BlockingQueue<Logged> waiting = new ArrayBlockingQueue<>(MAX_WAITING);
    private final Thread thread;
    private volatile boolean stopped;

    BatchPublisher(RoomRelay relay, ChangeBatch changes, RelayRetries retries, int maxBatch) {
        this.relay = relay;
        this.changes = changes;
        this.retries = retries;
        this.maxBatch = maxBatch;
        this.thread = Thread.ofPlatform().name("chat-send-publisher").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Queues a logged batch; waits while {@link #MAX_WAITING} are waiting. */
    void hand(Logged batch) throws InterruptedException {
        try {
            waiting.put(batch);
        } catch (InterruptedException e) {
            batch.failUnpublished();
            throw e;
        }
    }

    /** Stops the thread; batches still waiting fail with UNAVAILABLE (their messages are published later). */
    @Override
    public void close() {
        stopped = true;
        SendPipeline.interruptAndJoin(thread);
        List<Logged> left = new ArrayList<>();
        waiting.drainTo(left);
        left.forEach(Logged::failUnpublished);
    }

    private void run() {
        List<Logged> batches = new ArrayList<>();
        while (!stopped) {
            try {
                retries.runDue();
                Logged first = waiting.poll(retries.nanosUntilDue(), TimeUnit.NANOSECONDS);
                if (first == null) {
                    continue;
                }
                batches.add(first);
                int size = first.size();
                for (Logged next; (next = waiting.peek()) != null && size + next.size() <= maxBatch; size += next.size()) {
                    batches.add(waiting.remove());
                }
                publishAndAnswer(batches);
            } catch (InterruptedException e) {
                batches.forEach(Logged::failUnpublished);
                break;
            } catch (RuntimeException | Error e) {
                log.error("send publisher failed on {} batches", batches.size(), e);
                batches.forEach(Logged::failUnpublished);
                batches.forEach(batch -> retries.failed(batch.upTo().keySet()));
            } finally {
                batches.clear();
            }
        }
    }

    /** Publishes the batches in one relay, then answers each post and change. */
    private void publishAndAnswer(List<Logged> batches) {
        Map<String, Long> upTo = new LinkedHashMap<>();
        Map<String, List<LogEntry>> inHand = new LinkedHashMap<>();
        for (Logged batch : batches) { // in the order logged, so each room's entries stay ascending
            batch.upTo().forEach((roomId, seq) -> upTo.merge(roomId, seq, Math::max));
            batch.inHand().forEach((roomId, entries) -> inHand.computeIfAbsent(roomId, r -> new ArrayList<>())
                    .addAll(entries));
        }
        Map<String, Long> published = publish(upTo, inHand);
        for (Logged batch : batches) {
            for (int i = 0; i < batch.posts().size(); i++) {
                Message message = batch.messages()[i];
                if (message == null) {
                    continue;
                }
                if (published.getOrDefault(message.roomId(), 0L) >= message.seq()) {
                    batch.posts().get(i).result().complete(message);
                } else {
                    retries.add(message.roomId());
                    batch.posts().get(i).fail(ChatmeshException.unavailable(
                            "message stored but not delivered yet; retry with the same client_id"));
                }
            }
            changes.complete(batch.changes(), batch.loggedChanges(), published).forEach(retries::add);
        }
    }

    /** Publishes the rooms; on failure they are retried later and nothing counts as published. */
    private Map<String, Long> publish(Map<String, Long> upTo, Map<String, List<LogEntry>> inHand) {
        if (upTo.isEmpty()) {
            return Map.of();
        }
        Map<String, RoomRelay.Target> targets = new LinkedHashMap<>();
        upTo.forEach((roomId, seq) -> targets.put(roomId, new RoomRelay.Target(seq, inHand.getOrDefault(roomId, List.of()))));
        try {
            return relay.publish(targets).publishedSeqs();
        } catch (RuntimeException e) {
            retries.failed(upTo.keySet());
            return Map.of();
        }
    }
}

package io.chatmesh.chat.domain;

import io.chatmesh.platform.error.ChatmeshException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The send path's one thread per instance: it takes every post waiting in its queue as one
 * batch, logs the batch in one durable step ({@link MessageLog#append}: membership, idempotency
 * and seqs, committed with fsync), then publishes it ({@link RoomRelay}: the rooms' events in
 * seq order under their locks), and only then completes each post's future. So a batch costs a
 * handful of round trips whatever its size: while one batch is in flight the next one gathers
 * (group commit).
 *
 * <p>A post is acknowledged only once it is both logged and published. When publishing fails
 * the post is logged all the same and will be published: by the room's next batch (a relay
 * always publishes from the room's last published seq), by this thread's retries of failed
 * rooms, by the sweep of rooms with unpublished messages that runs at start and periodically,
 * or by the client's retry with the same client_id. The client gets UNAVAILABLE meanwhile.
 */
public final class SendPipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SendPipeline.class);
    /** Rooms per relay when retrying and sweeping. */
    private static final int ROOMS_PER_RETRY = 100;

    /** How the pipeline is tuned (see ChatProperties for the meaning of each). */
    public record Settings(int queueCapacity, int maxBatch, Duration linger, Duration retryInterval,
            Duration sweepInterval) {}

    private record Submission(MessageLog.Post post, CompletableFuture<Message> result) {}

    private final MessageLog messageLog;
    private final RoomRelay relay;
    private final Settings settings;
    private final BlockingQueue<Submission> queue;
    /** Rooms whose publish failed; only the pipeline thread touches it. */
    private final Set<String> roomsToRetry = new HashSet<>();
    private final Thread thread;
    /** When failed rooms are retried next, and when all rooms are next swept (System.nanoTime). */
    private long retryAt;
    private long sweepAt;
    /** When the last batch started (System.nanoTime). */
    private long lastBatchAt;
    private volatile boolean stopped;

    public SendPipeline(MessageLog messageLog, RoomEventPublisher events, Duration publishTimeout, Settings settings) {
        this.messageLog = messageLog;
        this.relay = new RoomRelay(messageLog, events, publishTimeout);
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.thread = Thread.ofPlatform().name("chat-send-pipeline").unstarted(this::run);
    }

    /** Starts the thread; its first task is the sweep of rooms left unpublished (by a crash, say). */
    public void start() {
        thread.start();
    }

    /**
     * Queues a post; the future completes with the message once it is logged and published,
     * or fails with PERMISSION_DENIED (not a member) or UNAVAILABLE (retry with the same client_id).
     *
     * @throws ChatmeshException RESOURCE_EXHAUSTED when the queue is full (the instance is overloaded)
     */
    public CompletableFuture<Message> submit(MessageLog.Post post) {
        if (stopped) {
            throw ChatmeshException.unavailable("shutting down");
        }
        Submission submission = new Submission(post, new CompletableFuture<>());
        if (!queue.offer(submission)) {
            throw ChatmeshException.overloaded("too many messages waiting to be stored", Duration.ofMillis(100));
        }
        return submission.result;
    }

    /** Stops the thread; posts still queued fail with UNAVAILABLE. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Submission> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(s -> s.result.completeExceptionally(ChatmeshException.unavailable("shutting down")));
    }

    private void run() {
        List<Submission> batch = new ArrayList<>();
        sweepAt = System.nanoTime();
        lastBatchAt = sweepAt - settings.linger().toNanos();
        while (!stopped) {
            try {
                retryDueRooms();
                Submission first = queue.poll(nanosUntilNextRetry(), TimeUnit.NANOSECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                gather(batch);
                process(batch);
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                log.error("send pipeline failed on a batch of {}", batch.size(), e);
                batch.forEach(s -> s.result.completeExceptionally(ChatmeshException.unavailable("send failed; retry")));
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Adds what is waiting to the batch, after lingering (when set) until the linger has passed
     * since the previous batch started: a batch costs a few round trips whatever its size, so at
     * moderate rates a short wait buys a bigger batch for less CPU per message, while under load,
     * when a batch takes longer than the linger, the next one has gathered meanwhile and starts
     * at once, and a lone send after a quiet spell is not held up at all. The wait is a plain
     * sleep: sends arriving meanwhile do not wake the thread one by one.
     */
    private void gather(List<Submission> batch) throws InterruptedException {
        long lingerUntil = lastBatchAt + settings.linger().toNanos();
        long left;
        while ((left = lingerUntil - System.nanoTime()) > 0 && queue.size() < settings.maxBatch()) {
            LockSupport.parkNanos(this, left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        queue.drainTo(batch, settings.maxBatch() - batch.size());
        lastBatchAt = System.nanoTime();
    }

    private void process(List<Submission> batch) {
        List<MessageLog.Appended> appended;
        try {
            appended = messageLog.append(batch.stream().map(Submission::post).toList());
        } catch (RuntimeException e) {
            // The outcome is unknown if the commit itself failed: a retry finds the logged post.
            log.warn("could not log a batch of {} messages", batch.size(), e);
            batch.forEach(s -> s.result.completeExceptionally(
                    ChatmeshException.unavailable("message could not be stored; retry with the same client_id")));
            return;
        }
        Message[] messages = new Message[batch.size()];
        Map<String, List<Message>> inHand = new LinkedHashMap<>();
        Map<String, Long> upTo = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            Submission submission = batch.get(i);
            Message message = switch (appended.get(i)) {
                case MessageLog.Appended.Logged logged -> {
                    Message posted = submission.post.withSeq(logged.seq());
                    inHand.computeIfAbsent(posted.roomId(), r -> new ArrayList<>()).add(posted);
                    yield posted;
                }
                case MessageLog.Appended.Earlier earlier -> earlier.message();
                case MessageLog.Appended.Raced raced ->
                        messageLog.find(submission.post.senderId(), submission.post.message().clientId()).orElse(null);
                case MessageLog.Appended.NotMember notMember -> {
                    submission.result.completeExceptionally(
                            ChatmeshException.outsideRoom(submission.post.message().roomId(), notMember.publicRoom()));
                    yield null;
                }
                case MessageLog.Appended.BadReference bad -> {
                    submission.result.completeExceptionally(
                            ChatmeshException.invalid(bad.field(), "names no message of this room"));
                    yield null;
                }
                case MessageLog.Appended.MentionOutsideRoom outside -> {
                    submission.result.completeExceptionally(
                            ChatmeshException.invalid("mentioned_user_ids", "names a user who is not a member of the room"));
                    yield null;
                }
                case MessageLog.Appended.RoomMentionNotAllowed notAllowed -> {
                    submission.result.completeExceptionally(
                            ChatmeshException.notAllowed("only the room's owner and admins may mention the whole room"));
                    yield null;
                }
            };
            if (message != null) {
                messages[i] = message;
                upTo.merge(message.roomId(), message.seq(), Math::max);
            } else if (!submission.result.isDone()) {
                submission.result.completeExceptionally(ChatmeshException.unavailable("send failed; retry"));
            }
        }
        Map<String, Long> published = publish(upTo, inHand);
        for (int i = 0; i < batch.size(); i++) {
            Message message = messages[i];
            if (message == null) {
                continue;
            }
            if (published.getOrDefault(message.roomId(), 0L) >= message.seq()) {
                batch.get(i).result.complete(message);
            } else {
                roomsToRetry.add(message.roomId());
                batch.get(i).result.completeExceptionally(
                        ChatmeshException.unavailable("message stored but not delivered yet; retry with the same client_id"));
            }
        }
    }

    /** Publishes the batch's rooms; on failure they are retried later and nothing counts as published. */
    private Map<String, Long> publish(Map<String, Long> upTo, Map<String, List<Message>> inHand) {
        if (upTo.isEmpty()) {
            return Map.of();
        }
        Map<String, RoomRelay.Target> targets = new LinkedHashMap<>();
        upTo.forEach((roomId, seq) -> targets.put(roomId, new RoomRelay.Target(seq, inHand.getOrDefault(roomId, List.of()))));
        try {
            return relay.publish(targets).publishedSeqs();
        } catch (RuntimeException e) {
            roomsToRetry.addAll(upTo.keySet());
            retryAt = System.nanoTime() + settings.retryInterval().toNanos();
            return Map.of();
        }
    }

    /**
     * Publishes everything waiting in failed rooms once their retry is due, and first finds every
     * room with unpublished messages when the sweep is due.
     */
    private void retryDueRooms() {
        long now = System.nanoTime();
        if (now - sweepAt >= 0) {
            sweepAt = now + settings.sweepInterval().toNanos();
            try {
                roomsToRetry.addAll(messageLog.roomsWithUnpublishedMessages());
                retryAt = now;
            } catch (RuntimeException e) {
                log.warn("could not look for rooms with unpublished messages: {}", e.toString());
            }
        }
        if (roomsToRetry.isEmpty() || now - retryAt < 0) {
            return;
        }
        List<String> rooms = new ArrayList<>(roomsToRetry);
        for (int from = 0; from < rooms.size(); from += ROOMS_PER_RETRY) {
            Map<String, RoomRelay.Target> targets = new LinkedHashMap<>();
            rooms.subList(from, Math.min(rooms.size(), from + ROOMS_PER_RETRY))
                    .forEach(roomId -> targets.put(roomId, RoomRelay.Target.everything()));
            try {
                RoomRelay.Result result = relay.publish(targets);
                // A room with a longer backlog than one relay reads stays, for the next round.
                targets.keySet().stream().filter(roomId -> !result.moreWaiting().contains(roomId))
                        .forEach(roomsToRetry::remove);
            } catch (RuntimeException e) {
                log.warn("publishing the waiting messages of {} rooms failed; retrying in {}", roomsToRetry.size(),
                        settings.retryInterval());
                retryAt = now + settings.retryInterval().toNanos();
                return;
            }
        }
    }

    /** How long the thread may wait for the next post before a retry or the sweep is due. */
    private long nanosUntilNextRetry() {
        long now = System.nanoTime();
        long wait = sweepAt - now;
        if (!roomsToRetry.isEmpty()) {
            wait = Math.min(wait, retryAt - now);
        }
        return Math.max(0, wait);
    }
}

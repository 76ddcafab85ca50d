package io.chatmesh.chat.domain;

import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.logging.LogThrottle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The send path of an instance, two threads in a row. This one takes every post waiting in its
 * queue as one batch and logs it in one durable step ({@link MessageLog#append}: membership,
 * idempotency and seqs, committed with fsync); the {@link BatchPublisher}'s thread then
 * publishes it ({@link RoomRelay}: the rooms' events in seq order under their outbox locks) and
 * only then completes each post's future. So a batch costs a handful of round trips whatever its
 * size, and while one batch is published the next one is logged and the one after gathers
 * (group commit, in two stages that work side by side: the chat database appends while the bus
 * and message-service store).
 *
 * <p>A post is acknowledged only once it is both logged and published. When publishing fails
 * the post is logged all the same and will be published: by the room's next batch (a relay
 * always publishes from the room's last published seq), by this thread's retries of failed
 * rooms, by the sweep of rooms with unpublished messages that runs at start and periodically,
 * or by the client's retry with the same client_id. The client gets UNAVAILABLE meanwhile.
 */
public final class SendPipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SendPipeline.class);
    /** While the database is down, every batch fails, as often as clients send. */
    private static final LogThrottle FAILED_APPENDS_LOG = new LogThrottle(Duration.ofSeconds(10));

    /** How the pipeline is tuned (see ChatProperties for the meaning of each). */
    public record Settings(int queueCapacity, int maxBatch, Duration linger, int lingerBatch, Duration retryInterval,
            Duration sweepInterval) {}

    /** Something waiting in the pipeline's queue: a post, or a change of a message ({@link ChangeBatch}). */
    interface Pending {
        void fail(Throwable failure);
    }

    record Submission(MessageLog.Post post, CompletableFuture<Message> result) implements Pending {
        @Override
        public void fail(Throwable failure) {
            result.completeExceptionally(failure);
        }
    }

    private final MessageLog messageLog;
    private final Settings settings;
    private final ChangeBatch changes;
    private final BlockingQueue<Pending> queue;
    private final BatchPublisher publisher;
    private final Thread thread;
    /** When the last batch started (System.nanoTime). */
    private long lastBatchAt;
    private volatile boolean stopped;

    public SendPipeline(MessageLog messageLog, ChangeLog changeLog, RoomEventPublisher events, Duration publishTimeout,
            Settings settings) {
        this.messageLog = messageLog;
        this.changes = new ChangeBatch(changeLog);
        RoomRelay relay = new RoomRelay(messageLog, events, publishTimeout);
        this.publisher = new BatchPublisher(relay, changes,
                new RelayRetries(messageLog, relay, settings.retryInterval(), settings.sweepInterval()),
                settings.maxBatch());
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.thread = Thread.ofPlatform().name("chat-send-pipeline").unstarted(this::run);
    }

    /** Starts the threads; the publisher's first task is the sweep of rooms left unpublished (by a crash, say). */
    public void start() {
        publisher.start();
        thread.start();
    }

    /**
     * Queues a post; the future completes with the message once it is logged and published,
     * or fails with PERMISSION_DENIED (not a member) or UNAVAILABLE (retry with the same client_id).
     *
     * @throws ChatmeshException RESOURCE_EXHAUSTED when the queue is full (the instance is overloaded)
     */
    public CompletableFuture<Message> submit(MessageLog.Post post) {
        Submission submission = new Submission(post, new CompletableFuture<>());
        enqueue(submission);
        return submission.result;
    }

    /**
     * Queues a change of a message; the future completes with the logged change once it is
     * published, or fails with the refusal ({@link ChangeBatch}) or UNAVAILABLE.
     *
     * @throws ChatmeshException RESOURCE_EXHAUSTED when the queue is full
     */
    public CompletableFuture<MessageChange> submit(ChangeLog.Request request) {
        ChangeBatch.Submission submission = new ChangeBatch.Submission(request, new CompletableFuture<>());
        enqueue(submission);
        return submission.result();
    }

    private void enqueue(Pending pending) {
        if (stopped) {
            throw ChatmeshException.unavailable("shutting down");
        }
        if (!queue.offer(pending)) {
            throw ChatmeshException.overloaded("too many messages waiting to be stored", Duration.ofMillis(100));
        }
        if (queue.size() >= settings.lingerBatch()) {
            LockSupport.unpark(thread); // a linger ends once a linger batch waits (gather)
        }
    }

    /** Stops both threads; posts still queued fail with UNAVAILABLE, logged ones not yet published too. */
    @Override
    public void close() {
        stopped = true;
        interruptAndJoin(thread);
        publisher.close();
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(s -> s.fail(ChatmeshException.unavailable("shutting down")));
    }

    /** Interrupts a stage's thread and waits a while for it to end. */
    static void interruptAndJoin(Thread thread) {
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        lastBatchAt = System.nanoTime() - settings.linger().toNanos();
        while (!stopped) {
            try {
                Pending first = queue.take();
                batch.add(first);
                gather(batch);
                process(batch);
            } catch (InterruptedException e) {
                batch.forEach(s -> s.fail(ChatmeshException.unavailable("shutting down")));
                break;
            } catch (RuntimeException e) {
                log.error("send pipeline failed on a batch of {}", batch.size(), e);
                batch.forEach(s -> s.fail(ChatmeshException.unavailable("send failed; retry")));
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Adds what is waiting to the batch, after lingering (when set) until the linger has passed
     * since the previous batch started or a linger batch waits besides the first send: a batch
     * costs a few round trips whatever its size, so at moderate rates a short wait buys a bigger
     * batch for less CPU per message; once a linger batch waits, the batch goes, trading what a
     * longer wait would still save for latency. Under load, when a batch takes longer than the
     * linger, the next one has gathered meanwhile and starts at once, and a lone send after a
     * quiet spell is not held up at all. The wait is a plain sleep: sends arriving meanwhile do
     * not wake the thread one by one, only those that find a linger batch waiting do.
     */
    private void gather(List<Pending> batch) throws InterruptedException {
        long lingerUntil = lastBatchAt + settings.linger().toNanos();
        long left;
        while ((left = lingerUntil - System.nanoTime()) > 0 && queue.size() < settings.lingerBatch()) {
            LockSupport.parkNanos(this, left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        queue.drainTo(batch, settings.maxBatch() - batch.size());
        lastBatchAt = System.nanoTime();
    }

    /**
     * Logs the batch's posts, then its changes (so a change may name a post of the same batch),
     * and hands all to the publisher; waits while the publisher has {@link BatchPublisher#MAX_WAITING}
     * batches waiting.
     */
    private void process(List<Pending> pending) throws InterruptedException {
        List<Submission> batch = new ArrayList<>();
        List<ChangeBatch.Submission> changed = new ArrayList<>();
        for (Pending p : pending) {
            switch (p) {
                case Submission post -> batch.add(post);
                case ChangeBatch.Submission change -> changed.add(change);
                default -> throw new IllegalStateException("unknown submission " + p);
            }
        }
        Map<String, List<LogEntry>> inHand = new LinkedHashMap<>();
        Map<String, Long> upTo = new LinkedHashMap<>();
        Message[] messages = batch.isEmpty() ? new Message[0] : logPosts(batch, inHand, upTo);
        List<MessageChange> loggedChanges = changes.log(changed, inHand, upTo);
        publisher.hand(new BatchPublisher.Logged(batch, messages, changed, loggedChanges, inHand, upTo));
    }

    /**
     * Logs the posts and adds the new ones to {@code inHand} and {@code upTo}; completes refused
     * posts' futures.
     *
     * @return per post its message (new or earlier), null when refused
     */
    private Message[] logPosts(List<Submission> batch, Map<String, List<LogEntry>> inHand, Map<String, Long> upTo) {
        List<MessageLog.Appended> appended;
        try {
            appended = messageLog.append(batch.stream().map(Submission::post).toList());
        } catch (RuntimeException e) {
            // The outcome is unknown if the commit itself failed: a retry finds the logged post.
            FAILED_APPENDS_LOG.warn(log, "could not log a batch of {} messages", batch.size(), e);
            batch.forEach(s -> s.result.completeExceptionally(
                    ChatmeshException.unavailable("message could not be stored; retry with the same client_id")));
            return new Message[batch.size()];
        }
        Message[] messages = new Message[batch.size()];
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
        return messages;
    }
}

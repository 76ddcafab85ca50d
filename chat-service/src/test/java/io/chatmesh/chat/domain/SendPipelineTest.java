package io.chatmesh.chat.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatmesh.platform.error.ChatmeshException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's rules over an in-memory log and bus: publishing in seq order from the room's
 * published seq, what a post's future answers, and what happens to what a failed publish left.
 * (The SQL log and the real bus are tested through the service: FailedPublishTest,
 * RelayRetryTest, CrossInstanceOrderTest.)
 */
class SendPipelineTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MemoryLog log = new MemoryLog(Set.of("alice"));
    private final RecordingBus bus = new RecordingBus();
    private SendPipeline pipeline;

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private SendPipeline start(int queueCapacity, Duration retryInterval) {
        return start(queueCapacity, retryInterval, Duration.ZERO);
    }

    private SendPipeline start(int queueCapacity, Duration retryInterval, Duration linger) {
        return start(queueCapacity, retryInterval, linger, 100);
    }

    private SendPipeline start(int queueCapacity, Duration retryInterval, Duration linger, int lingerBatch) {
        pipeline = new SendPipeline(log, new NoChanges(), bus, Duration.ofSeconds(1), new SendPipeline.Settings(queueCapacity, 100,
                linger, lingerBatch, retryInterval, Duration.ofHours(1)));
        pipeline.start();
        return pipeline;
    }

    @Test
    void postsAreLoggedAndPublishedInSeqOrderEachNamingTheSeqBeforeIt() {
        start(100, Duration.ofHours(1));
        List<CompletableFuture<Message>> sent = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            sent.add(pipeline.submit(post("alice", "r1", "c" + i)));
        }
        sent.add(pipeline.submit(post("alice", "r2", "c4")));

        assertThat(sent).allSatisfy(future -> assertThat(future).succeedsWithin(WAIT));
        assertThat(sent.stream().map(CompletableFuture::join).map(Message::seq)).containsExactly(1L, 2L, 3L, 1L);
        assertThat(bus.published("r1")).containsExactly("1<-0", "2<-1", "3<-2");
        assertThat(bus.published("r2")).containsExactly("1<-0");
        assertThat(log.publishedSeqs).containsEntry("r1", 3L).containsEntry("r2", 1L);
    }

    /**
     * A batch starts no sooner than the linger after the previous one did: a first send goes at
     * once, and the sends that follow gather into the next batch.
     */
    @Test
    void sendsArrivingWithinTheLingerAfterABatchStartedJoinTheNextBatch() {
        start(100, Duration.ofHours(1), Duration.ofSeconds(2));
        assertThat(pipeline.submit(post("alice", "r1", "c1"))).succeedsWithin(WAIT);
        List<CompletableFuture<Message>> next = List.of(pipeline.submit(post("alice", "r1", "c2")),
                pipeline.submit(post("alice", "r2", "c3")), pipeline.submit(post("alice", "r1", "c4")));

        assertThat(next).allSatisfy(future -> assertThat(future).succeedsWithin(WAIT));
        assertThat(log.batchSizes).containsExactly(1, 3);
    }

    /** A linger ends as soon as a linger batch waits: past it, waiting longer would only add latency. */
    @Test
    void aLingerEndsOnceALingerBatchWaits() {
        start(100, Duration.ofHours(1), Duration.ofHours(1), 3);
        assertThat(pipeline.submit(post("alice", "r1", "c1"))).succeedsWithin(WAIT);
        List<CompletableFuture<Message>> next = new ArrayList<>();
        for (int i = 2; i <= 5; i++) {
            next.add(pipeline.submit(post("alice", "r1", "c" + i)));
        }

        // within the hour-long linger only a linger batch can have started the next batch
        assertThat(next).allSatisfy(future -> assertThat(future).succeedsWithin(WAIT));
        assertThat(log.batchSizes).containsExactly(1, 4);
    }

    /** The two stages work side by side: a batch is logged while the one before waits for the bus. */
    @Test
    void theNextBatchIsLoggedWhileThePreviousOneIsBeingPublished() {
        start(100, Duration.ofHours(1));
        CompletableFuture<Void> busAccepts = new CompletableFuture<>();
        bus.accepting = busAccepts;
        CompletableFuture<Message> first = pipeline.submit(post("alice", "r1", "c1"));
        awaitTrue(() -> bus.published("r1").size() == 1);
        CompletableFuture<Message> second = pipeline.submit(post("alice", "r1", "c2"));
        awaitTrue(() -> log.batchSizes.size() == 2);

        assertThat(log.batchSizes).containsExactly(1, 1); // the second is logged, the first not yet acked
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();
        busAccepts.complete(null);
        assertThat(first).succeedsWithin(WAIT).extracting(Message::seq).isEqualTo(1L);
        assertThat(second).succeedsWithin(WAIT).extracting(Message::seq).isEqualTo(2L);
        assertThat(bus.published("r1")).containsExactly("1<-0", "2<-1");
        assertThat(log.publishedSeqs).containsEntry("r1", 2L);
    }

    @Test
    void aNonMemberIsRefusedAndAResentClientIdAnsweredWithTheFirstMessage() {
        start(100, Duration.ofHours(1));
        Message first = pipeline.submit(post("alice", "r1", "same")).join();

        assertThat(pipeline.submit(post("alice", "r1", "same"))).succeedsWithin(WAIT).isEqualTo(first);
        assertThat(pipeline.submit(post("mallory", "r1", "m1"))).failsWithin(WAIT).withThrowableThat()
                .havingCause().isInstanceOfSatisfying(ChatmeshException.class,
                        e -> assertThat(e.kind()).isEqualTo(ChatmeshException.Kind.PERMISSION_DENIED));
        assertThat(bus.published("r1")).containsExactly("1<-0");
    }

    @Test
    void whatAFailedPublishLeftIsPublishedFirstByTheRoomsNextPublishAndOnlyThenIsItsSenderAnswered() {
        start(100, Duration.ofHours(1));
        bus.failing = true;
        CompletableFuture<Message> failed = pipeline.submit(post("alice", "r1", "late"));
        assertThat(failed).failsWithin(WAIT).withThrowableThat().havingCause()
                .isInstanceOfSatisfying(ChatmeshException.class,
                        e -> assertThat(e.kind()).isEqualTo(ChatmeshException.Kind.UNAVAILABLE));

        bus.failing = false;
        assertThat(pipeline.submit(post("alice", "r1", "next"))).succeedsWithin(WAIT)
                .extracting(Message::seq).isEqualTo(2L);
        assertThat(bus.published("r1")).containsExactly("1<-0", "2<-1");
        // the retry is answered with the message as first logged
        assertThat(pipeline.submit(post("alice", "r1", "late"))).succeedsWithin(WAIT)
                .extracting(Message::seq).isEqualTo(1L);
        assertThat(bus.published("r1")).hasSize(2);
    }

    @Test
    void withoutAnotherSendTheRetryPublishesWhatAFailedPublishLeft() {
        start(100, Duration.ofMillis(50));
        bus.failing = true;
        assertThat(pipeline.submit(post("alice", "r1", "late"))).failsWithin(WAIT);
        bus.failing = false;

        awaitTrue(() -> !bus.published("r1").isEmpty());
        assertThat(bus.published("r1")).containsExactly("1<-0");
        assertThat(log.publishedSeqs).containsEntry("r1", 1L);
    }

    @Test
    void aFullQueueRefusesAtOnceWithARetryDelay() {
        log.blockAppends();
        start(1, Duration.ofHours(1));
        pipeline.submit(post("alice", "r1", "taken by the thread"));
        log.awaitAppendStarted();
        pipeline.submit(post("alice", "r1", "queued"));

        assertThatThrownBy(() -> pipeline.submit(post("alice", "r1", "one too many")))
                .isInstanceOfSatisfying(ChatmeshException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ChatmeshException.Kind.RESOURCE_EXHAUSTED);
                    assertThat(e.reason()).isEqualTo(ChatmeshException.Reason.OVERLOADED);
                    assertThat(e.retryDelay()).isPresent();
                });
        log.releaseAppends();
    }

    @Test
    void aLogThatCannotStoreAnswersUnavailable() {
        log.broken = true;
        start(100, Duration.ofHours(1));
        assertThat(pipeline.submit(post("alice", "r1", "c1"))).failsWithin(WAIT).withThrowableThat().havingCause()
                .isInstanceOfSatisfying(ChatmeshException.class,
                        e -> assertThat(e.kind()).isEqualTo(ChatmeshException.Kind.UNAVAILABLE));
    }

    private static MessageLog.Post post(String sender, String room, String clientId) {
        return new MessageLog.Post(sender, new NewMessage(room, clientId, "text", "", "", Mentions.NONE), "m-" + clientId,
                Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** Waits up to {@link #WAIT} for the condition; the assertion after it tells what did not happen. */
    private static void awaitTrue(BooleanSupplier condition) {
        long giveUpAt = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < giveUpAt) {
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** These tests post messages only (changes are tested against PostgreSQL in MessageChangesTest). */
    private static final class NoChanges implements ChangeLog {
        @Override
        public List<Outcome> append(List<Request> requests) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<MessageChange> changes(String roomId, long afterSeq, long upToSeq, int limit) {
            return List.of();
        }

        @Override
        public long newestMessageSeq(String roomId, long upToSeq) {
            throw new UnsupportedOperationException();
        }
    }

    /** The log in memory: members are given, every room exists. */
    private static final class MemoryLog implements MessageLog {

        final Map<String, Long> publishedSeqs = new HashMap<>();
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        private final Set<String> members;
        private final Map<String, Long> lastSeqs = new HashMap<>();
        private final Map<String, Message> byKey = new HashMap<>();
        private final List<Message> logged = new ArrayList<>();
        private final CountDownLatch appendStarted = new CountDownLatch(1);
        private final ReentrantLock relayLock = new ReentrantLock();
        private volatile CountDownLatch appendGate = new CountDownLatch(0);
        volatile boolean broken;

        MemoryLog(Set<String> members) {
            this.members = members;
        }

        void blockAppends() {
            appendGate = new CountDownLatch(1);
        }

        void releaseAppends() {
            appendGate.countDown();
        }

        void awaitAppendStarted() {
            try {
                appendStarted.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public synchronized List<Appended> append(List<Post> posts) {
            appendStarted.countDown();
            try {
                appendGate.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (broken) {
                throw new IllegalStateException("database down");
            }
            batchSizes.add(posts.size());
            List<Appended> appended = new ArrayList<>();
            for (Post post : posts) {
                String key = post.senderId() + "/" + post.message().clientId();
                if (byKey.containsKey(key)) {
                    appended.add(new Appended.Earlier(byKey.get(key)));
                } else if (!members.contains(post.senderId())) {
                    appended.add(new Appended.NotMember(true));
                } else {
                    long seq = lastSeqs.merge(post.message().roomId(), 1L, Long::sum);
                    Message message = post.withSeq(seq);
                    byKey.put(key, message);
                    logged.add(message);
                    appended.add(new Appended.Logged(seq));
                }
            }
            return appended;
        }

        @Override
        public synchronized Optional<Message> find(String senderId, String clientId) {
            return Optional.ofNullable(byKey.get(senderId + "/" + clientId));
        }

        /** One relay at a time, as the outbox rows' locks make it; appends go on meanwhile. */
        @Override
        public <T> T relay(Collection<String> roomIds, RelayWork<T> work) {
            relayLock.lock();
            try {
                Map<String, Long> published = new HashMap<>();
                synchronized (this) {
                    roomIds.forEach(room -> published.put(room, publishedSeqs.getOrDefault(room, 0L)));
                }
                return work.run(new RelayTransaction() {
                    @Override
                    public Map<String, Long> publishedSeqs() {
                        return published;
                    }

                    @Override
                    public List<LogEntry> logged(String roomId, long afterSeq, long upToSeq, int limit) {
                        synchronized (MemoryLog.this) {
                            return logged.stream().<LogEntry>map(m -> m).filter(m -> m.roomId().equals(roomId)
                                    && m.seq() > afterSeq && m.seq() <= upToSeq).limit(limit).toList();
                        }
                    }

                    @Override
                    public void markPublished(Map<String, Long> seqByRoom) {
                        synchronized (MemoryLog.this) {
                            seqByRoom.forEach((room, seq) -> publishedSeqs.merge(room, seq, Math::max));
                        }
                    }
                });
            } finally {
                relayLock.unlock();
            }
        }

        @Override
        public synchronized List<String> roomsWithUnpublishedMessages() {
            return lastSeqs.keySet().stream()
                    .filter(room -> lastSeqs.get(room) > publishedSeqs.getOrDefault(room, 0L)).toList();
        }
    }

    /** Records what is published as "seq<-prevSeq" per room; can refuse everything, or hold its acks. */
    private static final class RecordingBus implements RoomEventPublisher {

        private final List<String> published = new CopyOnWriteArrayList<>();
        volatile boolean failing;
        /** What a publish waits for before the bus accepts it. */
        volatile CompletableFuture<Void> accepting = CompletableFuture.completedFuture(null);

        List<String> published(String room) {
            return published.stream().filter(p -> p.startsWith(room + ":")).map(p -> p.substring(room.length() + 1))
                    .toList();
        }

        @Override
        public RoomEventPayload messageCreated(Message message, long prevSeq) {
            return new RoomEventPayload(message.roomId(),
                    (message.roomId() + ":" + message.seq() + "<-" + prevSeq).getBytes());
        }

        @Override
        public RoomEventPayload changed(MessageChange change, long prevSeq) {
            throw new UnsupportedOperationException("these tests post messages only");
        }

        @Override
        public CompletableFuture<Void> publishAll(List<RoomEventPayload> events) {
            if (failing) {
                return CompletableFuture.failedFuture(new IllegalStateException("bus down"));
            }
            events.forEach(e -> published.add(new String(e.bytes())));
            return accepting;
        }

        @Override
        public CompletableFuture<Void> membershipChanged(String roomId, String userId, MembershipChange change,
                String actorId, MemberRole role) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Void> typingChanged(String roomId, String userId, boolean typing) {
            throw new UnsupportedOperationException();
        }
    }
}

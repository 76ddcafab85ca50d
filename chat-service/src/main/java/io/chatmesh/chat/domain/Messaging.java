package io.chatmesh.chat.domain;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.id.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posting messages, typing indicators and read receipts: the one path behind the chat stream
 * and the unary SendMessage.
 *
 * <p>A send whose (sender, client_id) is still in flight on this instance shares its future.
 * Otherwise it passes the sender's rate limit — unless this instance answered that key
 * recently: resends of answered sends are never limited — and goes to the {@link SendPipeline},
 * where the message log's unique (sender, client_id) key settles it for good, across retries,
 * restarts and instances (a resend is answered there with the logged message).
 */
public final class Messaging {

    private static final Logger log = LoggerFactory.getLogger(Messaging.class);
    /**
     * Keys of recently answered sends, so that a client resending what it had in flight when
     * its connection dropped is not rate-limited. Keys only, not the answers (the log has
     * those): 20,000 kept messages were ≈ 20 MB of old generation, enough to set off a G1
     * marking cycle, with a ≈ 40 ms class-unloading pause, after nearly every young collection
     * at 2,500 messages/s (docs/performance.md, "Memory").
     */
    private static final int ANSWERED_SENDS = 20_000;
    private static final Duration ANSWERED_SENDS_KEPT = Duration.ofMinutes(1);

    private final RoomStore rooms;
    private final RoomEventPublisher events;
    private final SendPipeline pipeline;
    private final SendLimiter limiter;
    private final Clock clock;
    /**
     * Maintained on the threads that use it (the event loops and the publisher), not on the
     * common fork-join pool: at thousands of sends a second the cache is full and evicts on every
     * put, and handing each eviction pass to the pool woke one of its threads for every ack, which
     * cost more than the eviction (docs/performance.md, "A thread woken for every ack").
     */
    private final Cache<String, Boolean> answeredSends = Caffeine.newBuilder().executor(Runnable::run)
            .maximumSize(ANSWERED_SENDS).expireAfterWrite(ANSWERED_SENDS_KEPT).build();
    private final ConcurrentMap<String, CompletableFuture<Message>> sendsInFlight = new ConcurrentHashMap<>();

    public Messaging(RoomStore rooms, RoomEventPublisher events, SendPipeline pipeline, SendLimiter limiter,
            Clock clock) {
        this.rooms = rooms;
        this.events = events;
        this.pipeline = pipeline;
        this.limiter = limiter;
        this.clock = clock;
    }

    /**
     * Posts a message, or answers with the message an earlier send with the same
     * (sender, client_id) posted, whatever this one says.
     *
     * @return completes with the message once it is stored and published; fails with
     *         PERMISSION_DENIED when the sender is not a member, UNAVAILABLE when it could not be
     *         stored or published yet (retry with the same client_id)
     * @throws ChatmeshException RESOURCE_EXHAUSTED (with a retry delay) over the sender's rate
     *         limit or when the instance is overloaded
     */
    public CompletableFuture<Message> send(String senderId, NewMessage message) {
        String key = senderId + '\n' + message.clientId();
        CompletableFuture<Message> inFlight = sendsInFlight.get(key);
        if (inFlight != null) {
            return inFlight;
        }
        if (answeredSends.getIfPresent(key) == null) {
            limiter.acquire(senderId);
        }
        CompletableFuture<Message> result = new CompletableFuture<>();
        inFlight = sendsInFlight.putIfAbsent(key, result);
        if (inFlight != null) {
            return inFlight;
        }
        try {
            pipeline.submit(new MessageLog.Post(senderId, message, Ids.newId(), now())).whenComplete((posted, failure) -> {
                if (posted != null) {
                    answeredSends.put(key, Boolean.TRUE);
                }
                sendsInFlight.remove(key, result);
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    result.complete(posted);
                }
            });
        } catch (RuntimeException e) {
            sendsInFlight.remove(key, result);
            throw e;
        }
        return result;
    }

    /** Tells the room's members that the user (a member) started or stopped typing; best effort. */
    public void typing(String userId, String roomId, boolean typing) {
        requireMember(userId, roomId);
        events.typingChanged(roomId, userId, typing).whenComplete((ok, failure) -> {
            if (failure != null) {
                log.debug("typing indicator dropped by the bus", failure);
            }
        });
    }

    private void requireMember(String userId, String roomId) {
        ChatmeshException refusal = rooms.transaction(repo -> repo.member(roomId, userId).isPresent() ? null
                : ChatmeshException.outsideRoom(roomId,
                        repo.find(roomId).map(room -> room.kind() == RoomKind.PUBLIC).orElse(false)));
        if (refusal != null) {
            throw refusal;
        }
    }

    /** Microseconds: what PostgreSQL stores, so a retry gets exactly the first answer's time. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}

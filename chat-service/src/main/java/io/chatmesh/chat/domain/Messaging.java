package io.chatmesh.chat.domain;

import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.id.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posting messages, typing indicators and read receipts: the one path behind the chat
 * stream and the unary SendMessage.
 *
 * <p>Sending, in order: (1) under a lock per (sender, client_id), a retry finds the stored
 * first result and returns it; (2) under a lock per room, the room's seq is taken in
 * PostgreSQL (only if the sender is a member) and the MessageCreated event is published and
 * accepted by the bus, so events of one room reach the bus in seq order; (3) the result is
 * stored for retries and returned. If the bus refuses the event the send fails UNAVAILABLE,
 * nothing is stored for the client_id, and the client retries with it. The seq taken for
 * the failed attempt is never used: seqs increase within a room but may have gaps.
 *
 * <p>The locks are per JVM: with several chat-service instances, seq order on the bus
 * holds per instance only.
 */
public final class Messaging {

    private static final Logger log = LoggerFactory.getLogger(Messaging.class);

    private final RoomStore rooms;
    private final SentMessageStore sent;
    private final RoomEventPublisher events;
    private final Clock clock;
    private final Duration publishTimeout;
    private final StripedLocks sendKeyLocks;
    private final StripedLocks roomLocks;

    public Messaging(RoomStore rooms, SentMessageStore sent, RoomEventPublisher events, Clock clock,
            Duration publishTimeout, int lockStripes) {
        this.rooms = rooms;
        this.sent = sent;
        this.events = events;
        this.clock = clock;
        this.publishTimeout = publishTimeout;
        this.sendKeyLocks = new StripedLocks(lockStripes);
        this.roomLocks = new StripedLocks(lockStripes);
    }

    /**
     * Posts a message, or returns the first result of an earlier send with the same
     * (sender, client_id) whatever this one says.
     *
     * @throws ChatmeshException PERMISSION_DENIED when the sender is not a member,
     *         UNAVAILABLE when the bus did not accept the message
     */
    public Message send(String senderId, NewMessage message) {
        // Locks are always taken in this order (send key, then room), so they cannot deadlock.
        ReentrantLock sendKeyLock = sendKeyLocks.lockFor(senderId + '\n' + message.clientId());
        sendKeyLock.lock();
        try {
            Optional<Message> first = sent.find(senderId, message.clientId());
            if (first.isPresent()) {
                return first.get();
            }
            return sent.remember(post(senderId, message));
        } finally {
            sendKeyLock.unlock();
        }
    }

    private Message post(String senderId, NewMessage message) {
        ReentrantLock roomLock = roomLocks.lockFor(message.roomId());
        roomLock.lock();
        try {
            Instant now = now();
            long seq = rooms.transaction(repo -> repo.nextSeqForMember(message.roomId(), senderId, now))
                    .orElseThrow(() -> ChatmeshException.notMember(message.roomId()));
            Message posted = new Message(Ids.newId(), message.roomId(), seq, senderId, message.clientId(),
                    message.text(), message.replyToId(), message.threadRootId(), now);
            await(events.messageCreated(posted), "message");
            return posted;
        } finally {
            roomLock.unlock();
        }
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

    /** Moves the user's read marker (message-service stores it) and tells the other members. */
    public void markRead(String userId, String roomId, long seq) {
        requireMember(userId, roomId);
        await(events.receiptUpdated(roomId, userId, seq), "read receipt");
    }

    private void requireMember(String userId, String roomId) {
        if (rooms.transaction(repo -> repo.member(roomId, userId)).isEmpty()) {
            throw ChatmeshException.notMember(roomId);
        }
    }

    private void await(CompletableFuture<Void> published, String what) {
        try {
            published.get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ChatmeshException.unavailable("interrupted while publishing the " + what);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("event bus did not accept the {}", what, e);
            throw ChatmeshException.unavailable("the " + what + " could not be delivered; retry");
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}

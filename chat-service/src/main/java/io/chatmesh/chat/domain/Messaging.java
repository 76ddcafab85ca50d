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
 * <p>A send is one database transaction that keeps the room's row locked from taking the seq
 * until the bus acknowledged the message, and commits only then. The next send to the room,
 * on any instance, takes its seq after that commit, so the bus carries every room's messages
 * in seq order, and a room's committed last_message_seq is exactly what the bus acknowledged.
 * In the transaction: (1) the seq is taken, members only; (2) the result is stored under
 * (sender, client_id), so a retry, on any instance, gets it once this commits (a concurrent
 * one waits for this transaction); (3) the MessageCreated event is published and awaited;
 * (4) on the ack the room's last_message_seq becomes the seq, and all of it commits at once.
 *
 * <p>If the bus refuses the event or does not answer within the publish timeout, the send fails
 * UNAVAILABLE, but that does not mean the bus lacks the event: a Kafka delivery timeout leaves
 * the outcome unknown, and a hung broker may write the request later. So the transaction still
 * commits, the seq and the stored result with it, the result marked pending with the exact
 * event. A retry with the same client_id, on any instance, publishes that event again (same
 * event id, message id, seq and time; consumers drop the repeat) under the room's row lock, and
 * on the ack marks the result done and answers with the original message. So a client_id is
 * posted once and a seq handed out once (save for a crash between publish and commit, see
 * docs/chat.md). Seqs increase within a room but may have gaps, and a pending message retried
 * late reaches the bus after messages with higher seqs.
 *
 * <p>Striped locks per JVM come first: one per (sender, client_id), so retries on this
 * instance wait for the first attempt and find its result; one per room, so sends to one room
 * from this instance queue here rather than each holding a pooled connection while it waits
 * for the row lock.
 */
public final class Messaging {

    private static final Logger log = LoggerFactory.getLogger(Messaging.class);

    private final RoomStore rooms;
    private final RoomEventPublisher events;
    private final Clock clock;
    private final Duration publishTimeout;
    private final StripedLocks sendKeyLocks;
    private final StripedLocks roomLocks;

    public Messaging(RoomStore rooms, RoomEventPublisher events, Clock clock, Duration publishTimeout,
            int lockStripes) {
        this.rooms = rooms;
        this.events = events;
        this.clock = clock;
        this.publishTimeout = publishTimeout;
        this.sendKeyLocks = new StripedLocks(lockStripes);
        this.roomLocks = new StripedLocks(lockStripes);
    }

    /**
     * Posts a message, or returns the result of an earlier send with the same
     * (sender, client_id) whatever this one says, publishing it again first if it is pending.
     *
     * @throws ChatmeshException PERMISSION_DENIED when the sender is not a member,
     *         UNAVAILABLE when the bus did not accept the message (retry with the same client_id)
     */
    public Message send(String senderId, NewMessage message) {
        // Locks are always taken in this order (send key, then room), so they cannot deadlock.
        ReentrantLock sendKeyLock = sendKeyLocks.lockFor(senderId + '\n' + message.clientId());
        sendKeyLock.lock();
        try {
            Optional<SentMessage> earlier = findSent(senderId, message.clientId());
            if (earlier.isEmpty()) {
                Optional<Message> posted = post(senderId, message);
                if (posted.isPresent()) {
                    return posted.get();
                }
                earlier = findSent(senderId, message.clientId());
            }
            SentMessage sent = earlier.orElseThrow();
            return sent.pending() ? publishAgain(senderId, sent.message()) : sent.message();
        } finally {
            sendKeyLock.unlock();
        }
    }

    /** The posted message; empty when another send stored a result for the client_id first. */
    private Optional<Message> post(String senderId, NewMessage message) {
        ReentrantLock roomLock = roomLocks.lockFor(message.roomId());
        roomLock.lock();
        try {
            return Optional.of(rooms.transaction(repo -> postInTransaction(repo, senderId, message)).messageOrThrow());
        } catch (ClientIdTaken taken) {
            return Optional.empty();
        } finally {
            roomLock.unlock();
        }
    }

    /** Steps (1) to (4) of the class comment; commits whatever it returns. */
    private Posting postInTransaction(RoomRepository repo, String senderId, NewMessage message) {
        Instant now = now();
        long seq = repo.nextSeqForMember(message.roomId(), senderId, now)
                .orElseThrow(() -> ChatmeshException.notMember(message.roomId()));
        Message posted = new Message(Ids.newId(), message.roomId(), seq, senderId, message.clientId(),
                message.text(), message.replyToId(), message.threadRootId(), now);
        if (!repo.insertSent(posted)) {
            // Another instance posted this client_id meanwhile; nothing was published, roll back.
            throw new ClientIdTaken();
        }
        RoomEventPayload event = events.messageCreated(posted);
        try {
            await(events.publish(event), "message");
        } catch (ChatmeshException unavailable) {
            repo.markSentPending(senderId, message.clientId(), event);
            return Posting.failed(unavailable);
        }
        repo.advanceLastMessageSeq(message.roomId(), seq);
        return Posting.posted(posted);
    }

    /**
     * Publishes a pending message's event again, holding the room's row like a send, so the
     * room's next send and a resume reading last_message_seq wait for it.
     */
    private Message publishAgain(String senderId, Message pending) {
        ReentrantLock roomLock = roomLocks.lockFor(pending.roomId());
        roomLock.lock();
        try {
            return rooms.transaction(repo -> publishAgainInTransaction(repo, senderId, pending)).messageOrThrow();
        } finally {
            roomLock.unlock();
        }
    }

    private Posting publishAgainInTransaction(RoomRepository repo, String senderId, Message pending) {
        if (!repo.lockRoomForMember(pending.roomId(), senderId)) {
            throw ChatmeshException.notMember(pending.roomId());
        }
        // Read again under the row lock, which every change of the room's results holds: a
        // retry on another instance may have published it meanwhile.
        SentMessage sent = repo.findSent(senderId, pending.clientId()).orElseThrow();
        if (!sent.pending()) {
            return Posting.posted(sent.message());
        }
        try {
            await(events.publish(sent.pendingEvent()), "message");
        } catch (ChatmeshException unavailable) {
            return Posting.failed(unavailable);
        }
        repo.markSentDone(senderId, pending.clientId());
        repo.advanceLastMessageSeq(pending.roomId(), pending.seq());
        return Posting.posted(sent.message());
    }

    private Optional<SentMessage> findSent(String senderId, String clientId) {
        return rooms.transaction(repo -> repo.findSent(senderId, clientId));
    }

    /** The outcome of a send's transaction, which commits either way; a failure is thrown after the commit. */
    private record Posting(Message message, ChatmeshException failure) {

        static Posting posted(Message message) {
            return new Posting(message, null);
        }

        static Posting failed(ChatmeshException failure) {
            return new Posting(null, failure);
        }

        Message messageOrThrow() {
            if (failure != null) {
                throw failure;
            }
            return message;
        }
    }

    /** Rolls back a send whose client_id another send stored first. */
    private static final class ClientIdTaken extends RuntimeException {
        ClientIdTaken() {
            super(null, null, false, false);
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

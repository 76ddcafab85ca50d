package io.chatmesh.chat.domain;

import java.util.concurrent.CompletableFuture;

/**
 * Port: tells every chat-service instance (live sessions) and message-service (storage)
 * what happened in a room. Each future completes once the bus has the event durably; a failed
 * one means the outcome is unknown (the bus may still get the event).
 */
public interface RoomEventPublisher {

    /** The MessageCreated event of the message (a new event id), ready for {@link #publish}. */
    RoomEventPayload messageCreated(Message message);

    /** Publishes the event; publishing the same payload again repeats the identical event. */
    CompletableFuture<Void> publish(RoomEventPayload event);

    /**
     * @param role the user's role after the change (for LEFT/REMOVED: the role they had)
     */
    CompletableFuture<Void> membershipChanged(String roomId, String userId, MembershipChange change,
            String actorId, MemberRole role);

    CompletableFuture<Void> typingChanged(String roomId, String userId, boolean typing);

    CompletableFuture<Void> receiptUpdated(String roomId, String userId, long lastReadSeq);
}

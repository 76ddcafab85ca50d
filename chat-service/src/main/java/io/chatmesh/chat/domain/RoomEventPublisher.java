package io.chatmesh.chat.domain;

import java.util.concurrent.CompletableFuture;

/**
 * Port: tells every chat-service instance (live sessions) and message-service (storage)
 * what happened in a room. Each future completes once the bus has the event durably.
 */
public interface RoomEventPublisher {

    CompletableFuture<Void> messageCreated(Message message);

    /**
     * @param role the user's role after the change (for LEFT/REMOVED: the role they had)
     */
    CompletableFuture<Void> membershipChanged(String roomId, String userId, MembershipChange change,
            String actorId, MemberRole role);

    CompletableFuture<Void> typingChanged(String roomId, String userId, boolean typing);

    CompletableFuture<Void> receiptUpdated(String roomId, String userId, long lastReadSeq);
}

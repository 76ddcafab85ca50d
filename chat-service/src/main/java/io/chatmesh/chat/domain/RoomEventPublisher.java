package io.chatmesh.chat.domain;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Port: tells every chat-service instance (live sessions) and message-service (storage)
 * what happened in a room. Each future completes once the bus has the events durably; a failed
 * one means the outcome is unknown (the bus may still get them).
 */
public interface RoomEventPublisher {

    /**
     * The MessageCreated event of a logged message, built the same way every time (its event id
     * is the message id): a message published again is the identical event, which consumers
     * recognize.
     *
     * @param prevSeq the seq of the room's message published just before it (0: none)
     */
    RoomEventPayload messageCreated(Message message, long prevSeq);

    /**
     * The event of a logged change (MessageEdited, MessageDeleted or ReactionChanged), built the
     * same way every time (its event id is the change id), with the change's seq as event_seq.
     *
     * @param prevSeq the seq of the room's log entry published just before it
     */
    RoomEventPayload changed(MessageChange change, long prevSeq);

    /** Publishes the events in this order; completes once the bus accepted all of them. */
    CompletableFuture<Void> publishAll(List<RoomEventPayload> events);

    /**
     * @param role the user's role after the change (for LEFT/REMOVED: the role they had)
     */
    CompletableFuture<Void> membershipChanged(String roomId, String userId, MembershipChange change,
            String actorId, MemberRole role);

    CompletableFuture<Void> typingChanged(String roomId, String userId, boolean typing);
}

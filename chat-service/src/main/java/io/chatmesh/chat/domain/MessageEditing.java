package io.chatmesh.chat.domain;

import io.chatmesh.platform.id.Ids;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;

/**
 * Edits, deletions and reactions: the one path behind the chat stream's edit/delete/react and
 * the unary EditMessage, DeleteMessage and ReactToMessage. Each passes the user's rate limit
 * (the same budget as sends), then goes through the {@link SendPipeline}: logged under the
 * room's next seq and published in the room's order (docs/chat.md, "Edits, deletions and
 * reactions").
 */
public final class MessageEditing {

    private final SendPipeline pipeline;
    private final SendLimiter limiter;
    private final Clock clock;

    public MessageEditing(SendPipeline pipeline, SendLimiter limiter, Clock clock) {
        this.pipeline = pipeline;
        this.limiter = limiter;
        this.clock = clock;
    }

    /** Replaces the text of one of the user's messages. */
    public CompletableFuture<MessageChange> edit(String userId, String roomId, String messageId, String text) {
        return submit(ChangeLog.Kind.EDIT, userId, roomId, messageId, text, "", false);
    }

    /** Deletes a message of the user's, or any message of a room the user owns or administers. */
    public CompletableFuture<MessageChange> delete(String userId, String roomId, String messageId) {
        return submit(ChangeLog.Kind.DELETE, userId, roomId, messageId, "", "", false);
    }

    /** Adds (or removes) the user's reaction with the emoji; idempotent. */
    public CompletableFuture<MessageChange> react(String userId, String roomId, String messageId, String emoji,
            boolean remove) {
        return submit(ChangeLog.Kind.REACT, userId, roomId, messageId, "", emoji, remove);
    }

    private CompletableFuture<MessageChange> submit(ChangeLog.Kind kind, String userId, String roomId,
            String messageId, String text, String emoji, boolean remove) {
        limiter.acquire(userId);
        return pipeline.submit(new ChangeLog.Request(kind, userId, roomId, messageId, text, emoji, remove, Ids.newId(),
                now()));
    }

    /** Milliseconds: what message-service keeps, so live events and history agree. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}

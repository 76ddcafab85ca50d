package io.chatmesh.user.domain;

import java.util.concurrent.CompletableFuture;

/** Port: the bus, for presence: chosen statuses to every user-service instance, changes to chat-service. */
public interface PresenceEvents {

    CompletableFuture<Void> statusChosen(String userId, PresenceTracker.Choice choice);

    /** Announces a change of a user's presence with who may see it besides room co-members; best effort. */
    void changed(PresenceTracker.Presence presence, PresenceAudience audience);
}

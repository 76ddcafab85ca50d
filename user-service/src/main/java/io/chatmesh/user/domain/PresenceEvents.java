package io.chatmesh.user.domain;

import java.util.concurrent.CompletableFuture;

/** Port: tells every user-service instance the status a user chose (the bus). */
public interface PresenceEvents {

    CompletableFuture<Void> statusChosen(String userId, PresenceTracker.Choice choice);
}

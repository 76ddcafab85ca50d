package io.chatmesh.user.domain;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Tells chatmesh's other services that login sessions ended. */
public interface SessionEvents {

    /** Completes once the bus has taken the news durably; fails otherwise. */
    CompletableFuture<Void> ended(String userId, List<String> sessionIds, Instant endTime);
}

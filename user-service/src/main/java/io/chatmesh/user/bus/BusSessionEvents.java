package io.chatmesh.user.bus;

import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.user.internal.v1.SessionEnded;
import io.chatmesh.user.domain.SessionEvents;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@link SessionEvents} as chatmesh.user.internal.v1.SessionEnded on the bus, keyed by user id. */
public final class BusSessionEvents implements SessionEvents {

    private final EventBus bus;

    public BusSessionEvents(EventBus bus) {
        this.bus = bus;
    }

    @Override
    public CompletableFuture<Void> ended(String userId, List<String> sessionIds, Instant endTime) {
        return bus.publishAll(Topics.SESSIONS, sessionIds.stream()
                .map(sessionId -> new EventBus.Event(userId, SessionEnded.newBuilder()
                        .setUserId(userId).setSessionId(sessionId).setEndTime(ApiTimes.timestamp(endTime))
                        .build().toByteArray()))
                .toList());
    }
}

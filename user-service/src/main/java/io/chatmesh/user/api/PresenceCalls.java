package io.chatmesh.user.api;

import io.chatmesh.platform.auth.AuthContext;
import io.chatmesh.platform.error.Validation;
import io.chatmesh.platform.stream.OutboundQueue;
import io.chatmesh.proto.user.v1.GetPresenceRequest;
import io.chatmesh.proto.user.v1.GetPresenceResponse;
import io.chatmesh.proto.user.v1.SetPresenceRequest;
import io.chatmesh.proto.user.v1.SetPresenceResponse;
import io.chatmesh.proto.user.v1.WatchPresenceRequest;
import io.chatmesh.proto.user.v1.WatchPresenceResponse;
import io.chatmesh.user.bus.BusPresence;
import io.chatmesh.user.domain.PresenceDirectory;
import io.chatmesh.user.domain.PresenceTracker;
import io.chatmesh.user.domain.UserRules;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** UserService's presence RPCs: validation and translation around {@link PresenceDirectory}. */
final class PresenceCalls {

    static final int STATUS_TEXT_MAX = 128;
    /** Presence changes one WatchPresence stream may have waiting; more closes it (slow consumer). */
    static final int WATCH_QUEUE_CAPACITY = 256;

    private final PresenceDirectory presence;

    PresenceCalls(PresenceDirectory presence) {
        this.presence = presence;
    }

    GetPresenceResponse get(GetPresenceRequest request) {
        new Validation().ids("user_ids", request.getUserIdsList(), 1, UserGrpcService.BATCH_MAX).check();
        GetPresenceResponse.Builder reply = GetPresenceResponse.newBuilder();
        presence.visible(AuthContext.current().userId(), request.getUserIdsList())
                .forEach(p -> reply.addPresences(BusPresence.proto(p)));
        return reply.build();
    }

    SetPresenceResponse set(SetPresenceRequest request) {
        PresenceTracker.Status status = BusPresence.status(request.getStatus());
        new Validation()
                .require(status != null, "status", "must be ONLINE, AWAY or DO_NOT_DISTURB")
                .length("status_text", request.getStatusText(), 0, STATUS_TEXT_MAX)
                .require(!UserRules.hasControlCharacters(request.getStatusText()), "status_text",
                        "must not contain control characters")
                .check();
        var now = presence.choose(AuthContext.current().userId(),
                new PresenceTracker.Choice(status, request.getStatusText().strip()));
        return SetPresenceResponse.newBuilder().setPresence(BusPresence.proto(now)).build();
    }

    /**
     * Current presence of every watched user first, then each change the caller may see (the
     * right to see is checked again at every change: a block or an unfriending hides later ones).
     */
    void watch(WatchPresenceRequest request, ServerCallStreamObserver<WatchPresenceResponse> response) {
        new Validation().ids("user_ids", request.getUserIdsList(), 1, UserGrpcService.BATCH_MAX).check();
        String callerId = AuthContext.current().userId();
        Set<String> watched = Set.copyOf(request.getUserIdsList());
        OutboundQueue<WatchPresenceResponse> queue = new OutboundQueue<>(response, WATCH_QUEUE_CAPACITY);
        // changes that come while the current states are read wait for them, so those go first
        List<PresenceTracker.Presence> early = new ArrayList<>();
        boolean[] started = {false};
        Runnable stop = presence.listen(changed -> {
            if (!watched.contains(changed.userId()) || !presence.maySee(callerId, changed.userId())) {
                return;
            }
            synchronized (early) {
                if (!started[0]) {
                    early.add(changed);
                    return;
                }
            }
            queue.offer(message(changed));
        });
        response.setOnCancelHandler(stop::run);
        presence.visible(callerId, List.copyOf(request.getUserIdsList())).forEach(p -> queue.offer(message(p)));
        synchronized (early) {
            early.forEach(p -> queue.offer(message(p)));
            started[0] = true;
        }
    }

    private static WatchPresenceResponse message(PresenceTracker.Presence presence) {
        return WatchPresenceResponse.newBuilder().setPresence(BusPresence.proto(presence)).build();
    }
}

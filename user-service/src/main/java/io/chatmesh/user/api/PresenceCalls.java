package io.chatmesh.user.api;

import io.chatmesh.platform.auth.AuthContext;
import io.chatmesh.platform.auth.Principal;
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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

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
        presence.visible(AuthContext.current(), request.getUserIdsList())
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
     * right to see is checked again at every change: a block, an unfriending or leaving the
     * shared room hides later ones). The checks (database, chat-service) run on the stream's own
     * virtual thread, one at a time in order, never on the thread that reported the change.
     */
    void watch(WatchPresenceRequest request, ServerCallStreamObserver<WatchPresenceResponse> response) {
        new Validation().ids("user_ids", request.getUserIdsList(), 1, UserGrpcService.BATCH_MAX).check();
        Principal caller = AuthContext.current();
        Set<String> watched = Set.copyOf(request.getUserIdsList());
        OutboundQueue<WatchPresenceResponse> queue = new OutboundQueue<>(response, WATCH_QUEUE_CAPACITY);
        ExecutorService checks = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("watch-presence").factory());
        AtomicReference<Runnable> stopListening = new AtomicReference<>(() -> { });
        AtomicBoolean watchEnded = new AtomicBoolean();
        Runnable end = () -> {
            watchEnded.set(true);
            // shutdown, not shutdownNow: interrupting a check in the middle of a query closes its
            // pooled database connection (a virtual thread's socket closes on interrupt), which
            // logged a stack trace whenever a client closed its watch; checks already queued see
            // `watchEnded` and return at once
            checks.shutdown();
            stopListening.get().run();
        };
        response.setOnCancelHandler(end::run);
        // listening starts in the same task that reads the current states, so every change after
        // the read is checked after it (a change just before may come twice; none is lost)
        checks.execute(() -> {
            stopListening.set(presence.listen(changed -> {
                if (!watched.contains(changed.userId())) {
                    return;
                }
                try {
                    checks.execute(() -> {
                        if (watchEnded.get() || queue.isClosed()) {
                            end.run();
                        } else if (presence.maySee(caller, changed.userId())) {
                            queue.offer(message(changed));
                        }
                    });
                } catch (RejectedExecutionException ended) {
                    // the stream ended meanwhile; its listener is being removed
                }
            }));
            if (watchEnded.get()) {
                end.run();
                return;
            }
            presence.visible(caller, List.copyOf(request.getUserIdsList())).forEach(p -> queue.offer(message(p)));
        });
    }

    private static WatchPresenceResponse message(PresenceTracker.Presence presence) {
        return WatchPresenceResponse.newBuilder().setPresence(BusPresence.proto(presence)).build();
    }
}

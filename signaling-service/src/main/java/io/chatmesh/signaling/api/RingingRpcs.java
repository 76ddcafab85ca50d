package io.chatmesh.signaling.api;

import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.client.MembershipClient;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.error.Validation;
import io.chatmesh.platform.grpc.GrpcErrors;
import io.chatmesh.platform.stream.OutboundQueue;
import io.chatmesh.proto.signaling.v1.Call;
import io.chatmesh.proto.signaling.v1.RingCallRequest;
import io.chatmesh.proto.signaling.v1.WatchCallsResponse;
import io.chatmesh.signaling.domain.CallRinging;
import io.chatmesh.signaling.domain.Invitation;
import io.chatmesh.signaling.domain.RoomRoster;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The ringing RPCs (RingCall, AcceptCall, DeclineCall, CancelCall, WatchCalls): validation,
 * membership and the callee list, then {@link CallRinging}. Their answers come once the bus
 * confirmed the change, so the unary RPCs reply asynchronously.
 */
final class RingingRpcs {

    private final CallRinging ringing;
    private final MembershipClient memberships;
    private final RoomRoster roster;
    private final int watchQueueCapacity;
    private final ScheduledExecutorService timers;

    RingingRpcs(CallRinging ringing, MembershipClient memberships, RoomRoster roster, int watchQueueCapacity,
            ScheduledExecutorService timers) {
        this.ringing = ringing;
        this.memberships = memberships;
        this.roster = roster;
        this.watchQueueCapacity = watchQueueCapacity;
        this.timers = timers;
    }

    /**
     * Rings every other member of the room on all their devices, except those across a block
     * with the caller: they are never rung and learn nothing. When everyone else in the room is
     * across a block (in a direct room: the other person), the ring is refused PERMISSION_DENIED
     * (reason BLOCKED), as opening that direct room would be.
     */
    <R> void ring(Principal caller, RingCallRequest request, StreamObserver<R> response, Function<Call, R> reply) {
        new Validation().id("room_id", request.getRoomId()).check();
        memberships.requireMember(caller, request.getRoomId());
        List<String> members = roster.otherMembers(caller, request.getRoomId());
        Set<String> blocked = members.isEmpty() ? Set.of() : roster.blockedWith(caller, members);
        List<String> callees = members.stream().filter(member -> !blocked.contains(member)).toList();
        if (callees.isEmpty() && !blocked.isEmpty()) {
            throw ChatmeshException.blocked("everyone else in the room is across a block with you");
        }
        answerWith(ringing.ring(caller, request.getRoomId(), callees, request.getVideo()), response, reply);
    }

    /** Accept, decline or cancel: the caller's side is checked by {@link CallRinging#answer}. */
    <R> void answer(Principal user, String callId, Invitation.State state, StreamObserver<R> response,
            Function<Call, R> reply) {
        new Validation().id("call_id", callId).check();
        answerWith(ringing.answer(callId, user.userId(), state), response, reply);
    }

    /**
     * The user's invitations, ringing ones first, then every change. The stream ends with
     * UNAUTHENTICATED when the token expires (a server stream cannot be reauthenticated: the
     * client opens a new one with a fresh token), and RESOURCE_EXHAUSTED if the client does not
     * read.
     */
    void watch(Principal user, ServerCallStreamObserver<WatchCallsResponse> call) {
        OutboundQueue<WatchCallsResponse> out = new OutboundQueue<>(call, watchQueueCapacity);
        Runnable stop = ringing.watch(user.userId(),
                invitation -> out.offer(WatchCallsResponse.newBuilder().setCall(CallProtos.call(invitation)).build()));
        long untilExpiry = Math.max(0, Duration.between(Instant.now(), user.expireTime()).toMillis());
        ScheduledFuture<?> expiry = timers.schedule(
                () -> out.close(ChatmeshException.unauthenticated("access token expired")),
                untilExpiry, TimeUnit.MILLISECONDS);
        Runnable end = () -> {
            stop.run();
            expiry.cancel(false);
        };
        call.setOnCancelHandler(end);
        call.setOnCloseHandler(end);
    }

    private static <R> void answerWith(CompletionStage<Invitation> outcome, StreamObserver<R> response,
            Function<Call, R> reply) {
        outcome.whenComplete((invitation, failure) -> {
            if (failure != null) {
                response.onError(GrpcErrors.toStatusException(failure));
            } else {
                response.onNext(reply.apply(CallProtos.call(invitation)));
                response.onCompleted();
            }
        });
    }
}

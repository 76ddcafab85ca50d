package io.chatmesh.signaling.domain;

import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Ringing: RingCall, AcceptCall, DeclineCall, CancelCall and the ring timeout, shared by all
 * signaling-service instances. A request is checked against this instance's copy of the
 * invitations, then appended to the {@link InvitationLog} (the event bus); every instance,
 * this one included, applies the log's commands in order in {@link #apply}, and the request
 * is answered with the outcome of applying its own command. So two competing requests on
 * different instances are decided by the bus order, the same way on every instance.
 *
 * <p>The instance a ring was started on (its origin) times it out and posts the missed-call
 * note, as the caller, and tells chat-service each change of it ({@link RingBroadcast}, for the
 * chat streams) in the order it applied them. Watchers (WatchCalls streams) on every instance
 * get each change of an invitation that involves their user.
 */
public final class CallRinging {

    private static final System.Logger log = System.getLogger(CallRinging.class.getName());
    /** An invitation still ringing this long after its expiry lost its origin instance: forgotten. */
    private static final Duration ORPHAN_GRACE = Duration.ofMinutes(1);

    /** Receives invitation changes for one user's device; must only queue them. */
    @FunctionalInterface
    public interface Watcher {
        void deliver(Invitation invitation);
    }

    private final Clock clock;
    private final Supplier<String> ids;
    private final Duration ringTimeout;
    private final Duration answerTimeout;
    private final InvitationLog invitationLog;
    private final CallNotices notices;
    private final RingBroadcast broadcast;
    private final ScheduledExecutorService timers;
    /** Guarded by this. Live invitations by call id (RINGING only; finished ones are dropped). */
    private final Map<String, Invitation> ringing = new java.util.HashMap<>();
    private final Map<String, CompletableFuture<Invitation>> pending = new ConcurrentHashMap<>();
    /** Callers of the rings started on this instance, for the missed-call note. */
    private final Map<String, Principal> originCallers = new ConcurrentHashMap<>();
    private final Map<String, Set<Watcher>> watchers = new ConcurrentHashMap<>();

    /**
     * @param answerTimeout how long a request waits for its command to come back from the log
     */
    public CallRinging(Clock clock, Supplier<String> ids, Duration ringTimeout, Duration answerTimeout,
            InvitationLog invitationLog, CallNotices notices, RingBroadcast broadcast, ScheduledExecutorService timers) {
        this.clock = clock;
        this.ids = ids;
        this.ringTimeout = ringTimeout;
        this.answerTimeout = answerTimeout;
        this.invitationLog = invitationLog;
        this.notices = notices;
        this.broadcast = broadcast;
        this.timers = timers;
    }

    /**
     * Rings {@code calleeIds} (already checked: members of the room, no block with the caller).
     *
     * @return the RINGING invitation; fails FAILED_PRECONDITION when the room already rings,
     *         UNAVAILABLE when the bus did not take it
     */
    public CompletableFuture<Invitation> ring(Principal caller, String roomId, List<String> calleeIds, boolean video) {
        if (calleeIds.isEmpty()) {
            throw ChatmeshException.failedPrecondition("nobody to ring in this room");
        }
        synchronized (this) {
            if (ringingIn(roomId) != null) {
                throw ChatmeshException.failedPrecondition("a call is already ringing in this room");
            }
        }
        Instant now = clock.instant();
        Invitation invitation = new Invitation(ids.get(), roomId, caller.userId(), calleeIds, video, now,
                now.plus(ringTimeout), Invitation.State.RINGING, Set.of(), List.of());
        originCallers.put(invitation.callId(), caller);
        CompletableFuture<Invitation> answer = submit(new InvitationCommand.Ring(invitation));
        answer.whenComplete((rung, failure) -> {
            if (failure != null) {
                originCallers.remove(invitation.callId());
            }
        });
        return answer;
    }

    /**
     * A user answers a ring: ACCEPTED or DECLINED by a callee, CANCELLED by the caller.
     *
     * @return the invitation after the answer; fails NOT_FOUND (unknown call, or the user is not
     *         in it), PERMISSION_DENIED (wrong side), FAILED_PRECONDITION (no longer ringing)
     */
    public CompletableFuture<Invitation> answer(String callId, String userId, Invitation.State state) {
        Invitation invitation;
        synchronized (this) {
            invitation = ringing.get(callId);
        }
        if (invitation == null || !invitation.involves(userId)) {
            throw ChatmeshException.notFound("ringing call " + callId);
        }
        checkSide(invitation, userId, state);
        return submit(new InvitationCommand.Transition(invitation.roomId(), callId, userId, state));
    }

    /**
     * Watches the invitations involving {@code userId}: the ones ringing now at once, then every
     * change. Returns what stops the watch.
     */
    public Runnable watch(String userId, Watcher watcher) {
        synchronized (this) {
            watchers.computeIfAbsent(userId, id -> new CopyOnWriteArraySet<>()).add(watcher);
            ringing.values().stream().filter(invitation -> invitation.involves(userId)).forEach(watcher::deliver);
        }
        return () -> watchers.computeIfPresent(userId, (id, set) -> {
            set.remove(watcher);
            return set.isEmpty() ? null : set;
        });
    }

    /** A command from the log, in log order (this instance's own and the others'). */
    public void apply(String requestId, InvitationCommand command) {
        Invitation outcome;
        ChatmeshException refused = null;
        synchronized (this) {
            try {
                outcome = switch (command) {
                    case InvitationCommand.Ring ring -> startRinging(ring.invitation());
                    case InvitationCommand.Transition transition -> transition(transition);
                };
            } catch (ChatmeshException e) {
                outcome = null;
                refused = e;
            }
        }
        if (outcome != null && originCallers.containsKey(outcome.callId())) {
            broadcast.changed(outcome); // the origin alone, so chat streams get one copy, in this order
        }
        CompletableFuture<Invitation> waiting = pending.remove(requestId);
        if (waiting != null) {
            if (refused != null) {
                waiting.completeExceptionally(refused);
            } else {
                waiting.complete(outcome);
            }
        }
        if (outcome != null && outcome.state() == Invitation.State.MISSED) {
            Principal caller = originCallers.remove(outcome.callId());
            if (caller != null) {
                notices.missedCall(caller, outcome);
            }
        } else if (outcome != null && outcome.state() != Invitation.State.RINGING) {
            originCallers.remove(outcome.callId());
        }
    }

    /** Called holding this. */
    private Invitation startRinging(Invitation invitation) {
        if (ringingIn(invitation.roomId()) != null) {
            throw ChatmeshException.failedPrecondition("a call is already ringing in this room");
        }
        ringing.put(invitation.callId(), invitation);
        tell(invitation);
        long delay = Math.max(0, Duration.between(clock.instant(), invitation.expireTime()).toMillis());
        if (originCallers.containsKey(invitation.callId())) {
            timers.schedule(() -> expire(invitation), delay, TimeUnit.MILLISECONDS);
        } else {
            timers.schedule(() -> forgetOrphan(invitation.callId()), delay + ORPHAN_GRACE.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return invitation;
    }

    /** Called holding this. */
    private Invitation transition(InvitationCommand.Transition transition) {
        Invitation invitation = ringing.get(transition.callId());
        if (invitation == null) {
            throw ChatmeshException.failedPrecondition("the call is no longer ringing");
        }
        Invitation next = switch (transition.state()) {
            case ACCEPTED -> invitation.acceptedBy(transition.userId());
            case DECLINED -> invitation.declinedBy(transition.userId());
            case CANCELLED -> invitation.withState(Invitation.State.CANCELLED);
            case MISSED -> invitation.expired();
            case RINGING -> throw ChatmeshException.failedPrecondition("not a transition");
        };
        if (next.state() == Invitation.State.RINGING) {
            ringing.put(next.callId(), next);
        } else {
            ringing.remove(next.callId());
        }
        tell(next);
        return next;
    }

    /** The origin's timeout: appended like an answer, so an accept that came first wins. */
    private void expire(Invitation invitation) {
        synchronized (this) {
            if (!ringing.containsKey(invitation.callId())) {
                return;
            }
        }
        String requestId = ids.get();
        invitationLog.append(requestId, new InvitationCommand.Transition(invitation.roomId(), invitation.callId(),
                null, Invitation.State.MISSED)).whenComplete((appended, failure) -> {
                    if (failure != null) {
                        // try again shortly: the ring must not ring forever because the bus hiccuped
                        log.log(Level.WARNING, "could not append the timeout of call " + invitation.callId(), failure);
                        timers.schedule(() -> expire(invitation), 1, TimeUnit.SECONDS);
                    }
                });
    }

    /** A ring whose origin never timed it out (the origin instance is gone): dropped, shown as missed. */
    private void forgetOrphan(String callId) {
        synchronized (this) {
            Invitation orphan = ringing.remove(callId);
            if (orphan != null) {
                tell(orphan.withState(Invitation.State.MISSED));
            }
        }
    }

    private CompletableFuture<Invitation> submit(InvitationCommand command) {
        String requestId = ids.get();
        CompletableFuture<Invitation> answer = new CompletableFuture<>();
        pending.put(requestId, answer);
        invitationLog.append(requestId, command).whenComplete((appended, failure) -> {
            if (failure != null && pending.remove(requestId) != null) {
                answer.completeExceptionally(ChatmeshException.unavailable("the call change could not be published"));
            }
        });
        timers.schedule(() -> {
            if (pending.remove(requestId) != null) {
                answer.completeExceptionally(ChatmeshException.unavailable("the call change was not confirmed in time"));
            }
        }, answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        return answer;
    }

    private static void checkSide(Invitation invitation, String userId, Invitation.State state) {
        boolean caller = invitation.callerId().equals(userId);
        switch (state) {
            case ACCEPTED, DECLINED -> {
                if (caller) {
                    throw ChatmeshException.notAllowed("only the people rung may accept or decline");
                }
                if (invitation.answeredBy(userId)) {
                    throw ChatmeshException.failedPrecondition("already answered");
                }
            }
            case CANCELLED -> {
                if (!caller) {
                    throw ChatmeshException.notAllowed("only the caller may cancel");
                }
            }
            default -> throw new IllegalArgumentException("not an answer: " + state);
        }
    }

    /** Called holding this. */
    private Invitation ringingIn(String roomId) {
        return ringing.values().stream().filter(i -> i.roomId().equals(roomId)).findFirst().orElse(null);
    }

    /** Called holding this, so every watcher sees one invitation's changes in order. */
    private void tell(Invitation invitation) {
        Consumer<String> toUser = userId -> watchers.getOrDefault(userId, Set.of()).forEach(watcher -> {
            try {
                watcher.deliver(invitation);
            } catch (RuntimeException e) {
                log.log(Level.WARNING, "call watcher failed", e);
            }
        });
        toUser.accept(invitation.callerId());
        invitation.calleeIds().forEach(toUser);
    }
}

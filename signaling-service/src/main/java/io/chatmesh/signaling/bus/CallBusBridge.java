package io.chatmesh.signaling.bus;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.logging.LogThrottle;
import io.chatmesh.proto.signaling.internal.v1.CallBusEvent;
import io.chatmesh.proto.signaling.internal.v1.CallMediaChanged;
import io.chatmesh.proto.signaling.internal.v1.CallParticipantLeft;
import io.chatmesh.proto.signaling.internal.v1.InvitationTransition;
import io.chatmesh.proto.signaling.internal.v1.RelayedIceCandidate;
import io.chatmesh.proto.signaling.internal.v1.RelayedSignal;
import io.chatmesh.signaling.api.CallProtos;
import io.chatmesh.signaling.api.SignalProtos;
import io.chatmesh.signaling.domain.CallReplicator;
import io.chatmesh.signaling.domain.CallRinging;
import io.chatmesh.signaling.domain.Invitation;
import io.chatmesh.signaling.domain.InvitationCommand;
import io.chatmesh.signaling.domain.InvitationLog;
import io.chatmesh.signaling.domain.InMemoryCallRelay;
import io.chatmesh.signaling.domain.Media;
import io.chatmesh.signaling.domain.Participant;
import io.chatmesh.signaling.domain.Signal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins this instance's calls with those of the other signaling-service instances over the
 * event bus: publishes the local changes the relay reports (as {@link CallBusEvent}, keyed by
 * room id, tagged with this instance's id) and applies the other instances' events to the
 * relay's roster of remote participants. Every instance subscribes live, so each gets every
 * event and ignores its own.
 *
 * <p>Publishing happens on one outbox thread, in the order the relay handed the events over
 * (which is the order of its per-call locks), so other instances see a participant's join,
 * media changes and leave in that order; the bus keeps the order per room. The relay never
 * waits for the bus.
 *
 * <p>It is also the {@link InvitationLog} of ringing: invitation commands go out the same way
 * and come back to every instance, the publishing one included, which applies them to
 * {@link CallRinging} in bus order.
 */
public final class CallBusBridge implements CallReplicator, InvitationLog, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallBusBridge.class);
    /** While the bus is down, every call event fails to publish, as often as clients signal. */
    private static final LogThrottle UNPUBLISHED_LOG = new LogThrottle(Duration.ofSeconds(10));
    /** How long closing waits for queued events (leaves of the last sessions) to be published. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private final EventBus bus;
    private final String topic;
    private final String instanceId;
    private final ExecutorService outbox;
    private volatile InMemoryCallRelay relay;
    private volatile CallRinging ringing;
    private volatile EventBus.Subscription subscription;
    private volatile ScheduledExecutorService liveness;

    /**
     * @param outbox runs the publishes in submission order (one thread); the bridge shuts it
     *        down when closed. See {@link #newOutbox}.
     */
    public CallBusBridge(EventBus bus, String topic, String instanceId, ExecutorService outbox) {
        this.bus = bus;
        this.topic = topic;
        this.instanceId = instanceId;
        this.outbox = outbox;
    }

    /** One publishing thread with room for {@code capacity} waiting events. */
    public static ExecutorService newOutbox(int capacity) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity),
                Thread.ofPlatform().name("signaling-bus-outbox").daemon().factory());
    }

    /**
     * Starts applying the other instances' events to {@code relay} (the relay that reports to
     * this bridge) and every instance's invitation commands to {@code ringing}.
     */
    public void connect(InMemoryCallRelay relay, CallRinging ringing) {
        this.relay = relay;
        this.ringing = ringing;
        subscription = bus.subscribeLive(topic, this::apply);
        log.info("signaling instance {} shares calls over bus topic {}", instanceId, topic);
    }

    /**
     * Runs {@link #announceAndExpire} every {@code announceInterval} on a thread of its own, so
     * other instances keep this one's participants and drop those of instances that stopped.
     */
    public void scheduleLiveness(Duration announceInterval, Duration presenceTtl) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("signaling-bus-liveness").daemon().factory());
        long period = announceInterval.toMillis();
        // A failing round must not end the schedule (scheduleAtFixedRate stops on an exception).
        scheduler.scheduleAtFixedRate(() -> {
            try {
                announceAndExpire(presenceTtl);
            } catch (RuntimeException e) {
                log.error("signaling liveness round failed", e);
            }
        }, period, period, TimeUnit.MILLISECONDS);
        liveness = scheduler;
    }

    /**
     * One liveness round: re-announces the local participants and drops the remote ones not
     * announced within {@code presenceTtl}. A remote participant therefore disappears between
     * presenceTtl and presenceTtl + announce interval after its instance's last announce.
     */
    public void announceAndExpire(Duration presenceTtl) {
        relay.announceLocalParticipants();
        relay.remote().expire(presenceTtl);
    }

    @Override
    public void present(String roomId, Participant participant, int resumes) {
        publishInOrder(event(roomId).setParticipantPresent(SignalProtos.participant(participant))
                .setParticipantResumes(resumes))
                .exceptionally(failure -> logFailure("participant_present", roomId, failure));
    }

    @Override
    public void left(String roomId, Participant participant, List<String> remainingParticipantIds) {
        publishInOrder(event(roomId).setParticipantLeft(CallParticipantLeft.newBuilder()
                .setParticipantId(participant.participantId()).setUserId(participant.userId())
                .addAllRemainingParticipantIds(remainingParticipantIds)))
                .exceptionally(failure -> logFailure("participant_left", roomId, failure));
    }

    @Override
    public void mediaChanged(String roomId, String participantId, Media media) {
        publishInOrder(event(roomId).setMediaChanged(CallMediaChanged.newBuilder()
                .setParticipantId(participantId).setMedia(SignalProtos.mediaState(media))))
                .exceptionally(failure -> logFailure("media_changed", roomId, failure));
    }

    @Override
    public CompletionStage<Void> signal(String roomId, String fromParticipantId, String toParticipantId,
            Signal signal) {
        RelayedSignal.Builder relayed = RelayedSignal.newBuilder()
                .setFromParticipantId(fromParticipantId).setToParticipantId(toParticipantId);
        switch (signal) {
            case Signal.Offer offer -> relayed.setOfferSdp(offer.sdp());
            case Signal.Answer answer -> relayed.setAnswerSdp(answer.sdp());
            case Signal.IceCandidate candidate -> relayed.setIceCandidate(RelayedIceCandidate.newBuilder()
                    .setCandidate(candidate.candidate())
                    .setSdpMid(candidate.sdpMid())
                    .setSdpMLineIndex(candidate.sdpMLineIndex())
                    .setUsernameFragment(candidate.usernameFragment()));
        }
        return publishInOrder(event(roomId).setSignal(relayed)).handle((published, failure) -> {
            if (failure != null) {
                logFailure("signal", roomId, failure);
                throw ChatmeshException.unavailable("the signal could not be relayed to the participant's instance");
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Void> append(String requestId, InvitationCommand command) {
        io.chatmesh.proto.signaling.internal.v1.InvitationCommand.Builder built =
                io.chatmesh.proto.signaling.internal.v1.InvitationCommand.newBuilder().setRequestId(requestId);
        switch (command) {
            case InvitationCommand.Ring ring -> built.setRing(CallProtos.call(ring.invitation()));
            case InvitationCommand.Transition transition -> built.setTransition(InvitationTransition.newBuilder()
                    .setCallId(transition.callId())
                    .setUserId(transition.userId() == null ? "" : transition.userId())
                    .setState(CallProtos.state(transition.state())));
        }
        return publishInOrder(event(command.roomId()).setInvitation(built));
    }

    /** Stops applying events and publishes what is still queued (for at most a few seconds). */
    @Override
    public void close() {
        EventBus.Subscription current = subscription;
        if (current != null) {
            current.close();
        }
        ScheduledExecutorService scheduler = liveness;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        outbox.shutdown();
        try {
            if (!outbox.awaitTermination(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("signaling bus outbox not drained within {}; dropping {} events", DRAIN_TIMEOUT,
                        outbox.shutdownNow().size());
            }
        } catch (InterruptedException e) {
            outbox.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void apply(String key, byte[] payload) throws InvalidProtocolBufferException {
        CallBusEvent event = CallBusEvent.parseFrom(payload);
        String roomId = event.getRoomId();
        if (event.getEventCase() == CallBusEvent.EventCase.INVITATION) {
            applyInvitation(roomId, event.getInvitation()); // its own too: the bus order decides
            return;
        }
        if (event.getOriginInstanceId().equals(instanceId)) {
            return;
        }
        switch (event.getEventCase()) {
            case PARTICIPANT_PRESENT -> relay.remote().present(roomId,
                    SignalProtos.participant(event.getParticipantPresent()), event.getParticipantResumes());
            case PARTICIPANT_LEFT -> relay.remote().left(roomId, event.getParticipantLeft().getParticipantId(),
                    event.getParticipantLeft().getRemainingParticipantIdsList());
            case MEDIA_CHANGED -> relay.remote().mediaChanged(roomId, event.getMediaChanged().getParticipantId(),
                    SignalProtos.media(event.getMediaChanged().getMedia()));
            case SIGNAL -> applySignal(roomId, event.getSignal());
            case INVITATION -> throw new IllegalStateException("handled above");
            // From a newer instance: nothing this one can do with it.
            case EVENT_NOT_SET -> log.debug("ignoring a call bus event of an unknown kind from {}",
                    event.getOriginInstanceId());
        }
    }

    private void applyInvitation(String roomId,
            io.chatmesh.proto.signaling.internal.v1.InvitationCommand command) {
        InvitationCommand applied = switch (command.getCommandCase()) {
            case RING -> new InvitationCommand.Ring(CallProtos.invitation(command.getRing()));
            case TRANSITION -> {
                InvitationTransition transition = command.getTransition();
                Invitation.State state = CallProtos.state(transition.getState());
                yield state == null ? null : new InvitationCommand.Transition(roomId, transition.getCallId(),
                        transition.getUserId().isEmpty() ? null : transition.getUserId(), state);
            }
            case COMMAND_NOT_SET -> null;
        };
        if (applied == null) {
            log.debug("ignoring an invitation command of an unknown kind in room {}", roomId);
            return;
        }
        ringing.apply(command.getRequestId(), applied);
    }

    private void applySignal(String roomId, RelayedSignal relayed) {
        Signal signal = switch (relayed.getPayloadCase()) {
            case OFFER_SDP -> new Signal.Offer(relayed.getOfferSdp());
            case ANSWER_SDP -> new Signal.Answer(relayed.getAnswerSdp());
            case ICE_CANDIDATE -> {
                RelayedIceCandidate candidate = relayed.getIceCandidate();
                yield new Signal.IceCandidate(candidate.getCandidate(), candidate.getSdpMid(),
                        candidate.getSdpMLineIndex(), candidate.getUsernameFragment());
            }
            case PAYLOAD_NOT_SET -> null;
        };
        if (signal == null) {
            log.debug("ignoring a relayed signal of an unknown kind in room {}", roomId);
            return;
        }
        relay.remote().deliverSignal(roomId, relayed.getFromParticipantId(), relayed.getToParticipantId(), signal);
    }

    private CallBusEvent.Builder event(String roomId) {
        return CallBusEvent.newBuilder().setRoomId(roomId).setOriginInstanceId(instanceId);
    }

    /** Queues the publish behind those handed over before; completes when the bus accepted the event. */
    private CompletableFuture<Void> publishInOrder(CallBusEvent.Builder event) {
        CallBusEvent built = event.build();
        CompletableFuture<Void> published = new CompletableFuture<>();
        try {
            outbox.execute(() -> publish(built).whenComplete((accepted, failure) -> {
                if (failure == null) {
                    published.complete(null);
                } else {
                    published.completeExceptionally(failure);
                }
            }));
        } catch (RejectedExecutionException e) {
            published.completeExceptionally(e); // outbox full or closed
        }
        return published;
    }

    private CompletableFuture<Void> publish(CallBusEvent event) {
        try {
            return bus.publish(topic, event.getRoomId(), event.toByteArray());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Lost announcements heal: the roster is re-announced, and missing leaves expire. */
    private Void logFailure(String what, String roomId, Throwable failure) {
        UNPUBLISHED_LOG.warn(log, "could not publish {} for room {} to the signaling bus: {}", what, roomId,
                failure.toString());
        return null;
    }
}

package io.chatmesh.signaling.api;

import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.platform.auth.EndedSessions;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.client.MembershipClient;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.grpc.GrpcErrors;
import io.chatmesh.platform.grpc.MalformedRequests;
import io.chatmesh.platform.stream.OutboundQueue;
import io.chatmesh.platform.stream.StreamAuthentication;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.common.v1.Reauthenticated;
import io.chatmesh.proto.signaling.v1.ClientEvent;
import io.chatmesh.proto.signaling.v1.Join;
import io.chatmesh.proto.signaling.v1.Pong;
import io.chatmesh.proto.signaling.v1.ServerEvent;
import io.chatmesh.signaling.domain.CallEvent;
import io.chatmesh.signaling.domain.CallNotices;
import io.chatmesh.signaling.domain.CallRelay;
import io.chatmesh.signaling.domain.IceServerDirectory;
import io.chatmesh.signaling.domain.Participant;
import io.chatmesh.signaling.domain.Signal;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Connect stream: waits for Join, then relays the participant's frames into the call and
 * the call's events out through the {@link OutboundQueue}. A bad frame is answered with a
 * StreamError naming its client_id (a frame that is no ClientEvent: an empty one) and changes
 * nothing; the stream stays open (a client that sends more than
 * {@link MalformedRequests#STREAM_FRAMES_MAX} frames that are no ClientEvent is cut off,
 * INVALID_ARGUMENT). Only a rejected token ends it (UNAUTHENTICATED), as a bad
 * header token would, and so does running out of credentials ({@link StreamAuthentication}):
 * no Join within the join timeout, or a token that expired without a Reauthenticate.
 *
 * <p>gRPC delivers onNext/onError/onCompleted and the cancel/close handlers one at a time;
 * call events arrive from other participants' threads and only touch the queue.
 */
final class SignalingSession implements StreamObserver<ClientEvent> {

    private static final Logger log = LoggerFactory.getLogger(SignalingSession.class);

    /** Where a joined participant sits. */
    private record Seat(String roomId, Participant self) {}

    private final Principal headerPrincipal;
    private final OutboundQueue<ServerEvent> out;
    private final CallRelay relay;
    private final MembershipClient memberships;
    private final AccessTokenVerifier verifier;
    private final IceServerDirectory iceServers;
    private final StreamSettings settings;
    private final StreamAuthentication auth;
    private final CallNotices notices;
    private final AtomicBoolean ended = new AtomicBoolean();
    private int malformedFrames;
    private volatile Seat seat;

    /** @param headerPrincipal the caller from the authorization header; null when the token comes in Join */
    SignalingSession(Principal headerPrincipal, OutboundQueue<ServerEvent> out, CallRelay relay,
            MembershipClient memberships, AccessTokenVerifier verifier, EndedSessions endedSessions,
            IceServerDirectory iceServers, StreamSettings settings, CallNotices notices) {
        this.headerPrincipal = headerPrincipal;
        this.out = out;
        this.relay = relay;
        this.memberships = memberships;
        this.verifier = verifier;
        this.iceServers = iceServers;
        this.settings = settings;
        this.notices = notices;
        this.auth = new StreamAuthentication(verifier, endedSessions, Clock.systemUTC(), settings.joinTimeout(),
                why -> endWith("", why));
    }

    @Override
    public void onNext(ClientEvent request) {
        if (ended.get()) {
            return;
        }
        ChatmeshException malformed = MalformedRequests.problemOf(request);
        if (malformed != null && ++malformedFrames > MalformedRequests.STREAM_FRAMES_MAX) {
            endWith("", ChatmeshException.invalid("frame", "too many frames that are no ClientEvent"));
            return;
        } else if (malformed != null) {
            out.offer(error("", malformed)); // a garbage frame has no client_id to echo
            return;
        }
        String clientId = request.getClientId();
        try {
            SignalValidation.clientId(clientId);
        } catch (ChatmeshException e) {
            out.offer(error("", e)); // an over-long client_id is not echoed
            return;
        }
        try {
            handle(request);
        } catch (ChatmeshException e) {
            out.offer(error(clientId, e));
        } catch (RuntimeException e) {
            log.error("signaling event {} failed", request.getEventCase(), e);
            out.offer(error(clientId, e));
        }
    }

    /** The client cancelled or the transport failed: reconnecting, for the grace period. */
    @Override
    public void onError(Throwable t) {
        drop();
    }

    /**
     * The client half-closed without a Leave: a drop, like a cancel (the WebSocket bridge
     * half-closes on any close frame, and a browser sends one whenever it gives up on a socket,
     * e.g. going offline). Only Leave leaves at once.
     */
    @Override
    public void onCompleted() {
        drop();
        out.complete();
    }

    /** Leaves the call, once: Leave, or a rejected token. */
    void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        auth.close();
        Seat current = seat;
        if (current != null) {
            relay.leave(current.roomId(), current.self().participantId());
        }
    }

    /**
     * The stream ended without a Leave (half-closed, cancelled, transport failure, closed by the
     * server as a slow consumer): the participant is reconnecting and keeps its place for the
     * grace period.
     */
    void drop() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        auth.close();
        Seat current = seat;
        if (current != null) {
            relay.disconnect(current.roomId(), current.self().participantId());
        }
    }

    private void handle(ClientEvent request) {
        switch (request.getEventCase()) {
            case EVENT_NOT_SET -> throw ChatmeshException.invalid("event", "is required (unknown or empty event)");
            case JOIN -> join(request.getJoin(), request.getClientId());
            case OFFER -> {
                Seat at = requireSeat();
                SignalValidation.sessionDescription("offer", request.getOffer(), at.self().participantId());
                relaySignal(request.getClientId(), at, request.getOffer().getParticipantId(),
                        SignalProtos.offer(request.getOffer()));
            }
            case ANSWER -> {
                Seat at = requireSeat();
                SignalValidation.sessionDescription("answer", request.getAnswer(), at.self().participantId());
                relaySignal(request.getClientId(), at, request.getAnswer().getParticipantId(),
                        SignalProtos.answer(request.getAnswer()));
            }
            case ICE_CANDIDATE -> {
                Seat at = requireSeat();
                SignalValidation.iceCandidate(request.getIceCandidate(), at.self().participantId());
                relaySignal(request.getClientId(), at, request.getIceCandidate().getParticipantId(),
                        SignalProtos.iceCandidate(request.getIceCandidate()));
            }
            case MEDIA_STATE -> {
                Seat at = requireSeat();
                relay.updateMedia(at.roomId(), at.self().participantId(), SignalProtos.media(request.getMediaState()));
            }
            case LEAVE -> {
                requireSeat();
                end();
                out.complete();
            }
            case REAUTHENTICATE -> {
                Principal fresh = auth.reauthenticate(request.getReauthenticate().getAccessToken());
                out.offer(ServerEvent.newBuilder().setReauthenticated(Reauthenticated.newBuilder()
                        .setClientId(request.getClientId())
                        .setTokenExpireTime(ApiTimes.timestamp(fresh.expireTime()))).build());
            }
            case PING -> {
                requireSeat();
                out.offer(ServerEvent.newBuilder().setPong(Pong.newBuilder()
                        .setNonce(request.getPing().getNonce())
                        .setServerTime(ApiTimes.timestamp(Instant.now()))).build());
            }
        }
    }

    private void join(Join join, String clientId) {
        if (seat != null) {
            throw ChatmeshException.failedPrecondition("already joined a call on this stream");
        }
        SignalValidation.join(join);
        String roomId = join.getRoomId();
        Principal principal;
        try {
            principal = auth.principal() != null ? auth.principal()
                    : auth.authenticate(headerPrincipal != null ? headerPrincipal : verifier.verify(join.getAccessToken()));
            memberships.requireMember(principal, roomId);
        } catch (ChatmeshException e) {
            if (e.kind() == ChatmeshException.Kind.UNAUTHENTICATED) {
                endWith(clientId, e);
                return;
            }
            throw e;
        }
        IceServerDirectory.IceServers servers = iceServers.forUser(principal.userId());
        Participant self = relay.join(roomId, principal.userId(), SignalProtos.media(join.getMedia()), event -> {
            if (event instanceof CallEvent.Replaced) {
                // a newer stream of this user took the participant over: end without leaving
                if (ended.compareAndSet(false, true)) {
                    auth.close();
                    out.close(Status.ABORTED.withDescription("the participant rejoined on another stream"));
                }
            } else if (event instanceof CallEvent.CallEnded over) {
                // this participant's leave ended the call: the room's note, posted as them
                notices.callEnded(auth.principal(), roomId, over.callKey(), over.length());
            } else {
                out.offer(SignalProtos.response(event, new SignalProtos.JoinDetails(roomId, servers,
                        settings.heartbeatInterval(), auth.principal().expireTime())));
            }
        }, join.getParticipantId().isEmpty() ? null : join.getParticipantId());
        seat = new Seat(roomId, self);
        if (ended.get()) {
            // The session ended while joining: end()/drop() saw no seat, so leave here (leave is idempotent).
            relay.leave(roomId, self.participantId());
        }
    }

    /**
     * Relays a signal. One for a participant on another instance is only on its way when this
     * returns: if the bus refuses it, the sender gets the StreamError (UNAVAILABLE) later.
     */
    private void relaySignal(String clientId, Seat at, String toParticipantId, Signal signal) {
        relay.send(at.roomId(), at.self().participantId(), toParticipantId, signal).whenComplete((sent, failure) -> {
            if (failure != null) {
                out.offer(error(clientId, failure instanceof CompletionException wrapped && wrapped.getCause() != null
                        ? wrapped.getCause() : failure));
            }
        });
    }

    private Seat requireSeat() {
        Seat current = seat;
        if (current == null) {
            throw ChatmeshException.failedPrecondition("the first request must be join");
        }
        return current;
    }

    /** Tells the client why in-band (the WebSocket bridge only sees frames), then ends the stream. */
    private void endWith(String clientId, ChatmeshException e) {
        end();
        out.offer(error(clientId, e));
        out.close(e);
    }

    private static ServerEvent error(String clientId, Throwable t) {
        return ServerEvent.newBuilder().setError(GrpcErrors.toStreamError(clientId, t)).build();
    }
}

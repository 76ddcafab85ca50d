package io.chatmesh.chat.api;

import io.chatmesh.chat.bus.RoomEventFanout;
import io.chatmesh.chat.bus.ServerFrame;
import io.chatmesh.chat.domain.ChangeLog;
import io.chatmesh.chat.domain.DevicePresence;
import io.chatmesh.chat.domain.MessageEditing;
import io.chatmesh.chat.domain.Messaging;
import io.chatmesh.chat.domain.Rooms;
import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.platform.auth.EndedSessions;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.error.Validation;
import io.chatmesh.platform.grpc.MalformedRequests;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.platform.stream.EventLane;
import io.chatmesh.platform.stream.OutboundQueue;
import io.chatmesh.platform.stream.StreamAuthentication;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ChatService.Connect stream: the client's events in, everything else out through the
 * stream's {@link OutboundQueue}.
 *
 * <p>Lifecycle: Hello authenticates (header token, else Hello.access_token) within the hello
 * timeout of opening, and the stream then lives until that token expires unless the client
 * reauthenticates in-band ({@link StreamAuthentication}). Hello registers a
 * {@link StreamSession} with the fan-out (which buffers live events from then on), reads each
 * room's published seq once the sends in flight there ended, sends Ready with those seqs,
 * replays the resumed rooms from message-service at least up to them ({@link HistoryReplay}),
 * then releases the buffer minus what the client has, and the session is live. Every message
 * up to a room's Ready seq was published before the read, so message-service stores it sooner
 * or later (the replay polls until it has); every later one is published after the session
 * registered, so the buffer has it: no gap, no duplicate.
 *
 * <p>The events after Hello go to {@link StreamRequests}. Sends are asynchronous: the stream
 * takes the client's next event while earlier sends wait for their batch, and each send's Ack
 * (or StreamError) is queued when it completes.
 * Every client event is answered by an Ack or a StreamError naming its client_id; failures
 * never close the stream, except failing authentication, a resume that cannot read history or
 * whose history stays behind, and missed room events (the client reconnects and resumes).
 *
 * <p>gRPC calls the inbound methods and the cancel/close handlers one at a time, on the
 * connection's event loop (chat-service.properties, {@code chatmesh.grpc.event-loop-methods}).
 * The stream's {@link EventLane} handles each event there unless it may block, or one before
 * it still runs on {@code blockingWork}: one event at a time, in order, so the stream's own
 * state needs no locking; the session is also called by bus threads.
 *
 * <p>The stream asks for client events itself ({@link ClientEventDemand}): a few ahead, and
 * after an event refused with a retry delay (rate limit, overload) none until that delay has
 * passed, then one. A client that floods then meets HTTP/2 flow control instead of costing the
 * server a refusal per frame.
 */
final class ChatStream implements StreamObserver<ClientEvent> {

    /** Collaborators shared by every stream. */
    record Dependencies(Messaging messaging, MessageEditing editing, ChangeLog changeLog, Rooms rooms,
            RoomEventFanout fanout, MessageHistoryClient history, AccessTokenVerifier verifier,
            EndedSessions endedSessions, StreamSettings settings, Clock clock, DevicePresence devices,
            Executor blockingWork, SessionStarts starts) {}

    private static final Logger log = LoggerFactory.getLogger(ChatStream.class);

    private final Dependencies deps;
    private final OutboundQueue<ServerFrame> queue;
    /** The caller when the call carried an authorization header; null: token comes in Hello. */
    private final Principal headerPrincipal;
    private final StreamAuthentication auth;
    private final StreamRequests requests;
    private final AtomicBoolean ended = new AtomicBoolean();
    private int malformedFrames;
    private final ClientEventDemand demand;
    private final EventLane lane;
    private volatile StreamSession session;
    /** The device the session's Hello named (set with {@link #session}). */
    private volatile String deviceId;

    /** Asks for the first client events at once, with {@code requestEvents} (ServerCallStreamObserver::request). */
    ChatStream(Dependencies deps, OutboundQueue<ServerFrame> queue, Principal headerPrincipal, IntConsumer requestEvents) {
        this.deps = deps;
        this.queue = queue;
        this.headerPrincipal = headerPrincipal;
        this.auth = new StreamAuthentication(deps.verifier(), deps.endedSessions(), deps.clock(),
                deps.settings().helloTimeout(), this::endWith);
        this.requests = new StreamRequests(deps, queue, auth);
        this.demand = new ClientEventDemand(requestEvents);
        this.lane = new EventLane(deps.blockingWork());
    }

    @Override
    public void onNext(ClientEvent event) {
        lane.run(() -> receive(event), mayBlock(event));
    }

    /**
     * Events whose handling reads the database or calls another service (Hello: the token's
     * keys, the user's rooms, the rooms' seqs, history; typing: membership; reauthenticate: the
     * token's keys). Sends, changes, read markers and pings only queue work or answer at once;
     * a send's attachments and a read marker go to message-service asynchronously.
     */
    private static boolean mayBlock(ClientEvent event) {
        return switch (event.getEventCase()) {
            case HELLO, TYPING, REAUTHENTICATE -> true;
            default -> false;
        };
    }

    private void receive(ClientEvent event) {
        Duration pause = Duration.ZERO;
        ChatmeshException malformed = MalformedRequests.problemOf(event);
        if (malformed != null && ++malformedFrames > MalformedRequests.STREAM_FRAMES_MAX) {
            endWith(ChatmeshException.invalid("frame", "too many frames that are no ClientEvent"));
            return;
        } else if (malformed != null) {
            offerError("", malformed);
        } else {
            try {
                handle(event);
            } catch (ChatmeshException e) {
                pause = e.retryDelay().orElse(pause);
                offerError(event.getClientId(), e);
            } catch (StatusRuntimeException e) {
                offerError(event.getClientId(), e);
            } catch (RuntimeException e) {
                log.error("unexpected failure handling a chat event", e);
                offerError(event.getClientId(), e);
            }
        }
        demand.received(pause);
    }

    /** The client half-closed: finish sending (after the events before) and end the session. */
    @Override
    public void onCompleted() {
        lane.run(() -> {
            queue.complete();
            end();
        }, true);
    }

    @Override
    public void onError(Throwable t) {
        cancelled();
    }

    /** The call ended (cancel, close, client gone): frees the session after the events before. */
    void cancelled() {
        // ending may publish a presence signal, which can block on Kafka
        lane.run(this::end, true);
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            auth.close();
            StreamSession current = session;
            if (current != null) {
                deps.fanout().unregister(current);
                deps.devices().closed(current.userId(), deviceId);
            }
        }
    }

    private void handle(ClientEvent event) {
        String clientId = event.getClientId();
        new Validation().length("client_id", clientId, 0, Requests.CLIENT_ID_MAX).check();
        StreamSession current = session;
        if (event.getEventCase() == ClientEvent.EventCase.HELLO && current == null) {
            hello(event.getHello());
        } else if (current == null) {
            throw ChatmeshException.failedPrecondition("the first event must be hello");
        } else {
            requests.handle(current, clientId, event);
        }
    }

    private void hello(Hello hello) {
        if (ended.get()) {
            return;
        }
        if (!deps.starts().tryStart()) {
            endWith(SessionStarts.refusal());
            return;
        }
        try {
            start(hello);
        } finally {
            deps.starts().finished();
        }
    }

    /** Hello within the bound of {@link SessionStarts}: authenticate, register, then {@link SessionStart}. */
    private void start(Hello hello) {
        Principal principal;
        try {
            principal = auth.authenticate(headerPrincipal != null ? headerPrincipal : deps.verifier().verify(hello.getAccessToken()));
        } catch (ChatmeshException e) {
            endWith(e);
            return;
        }
        Map<String, Long> cursors = SessionStart.cursors(hello);
        StreamSession started = new StreamSession(principal.userId(), Ids.newId(), queue, deps.settings().queueCapacity());
        Set<String> rooms = deps.fanout().register(started, () -> deps.rooms().roomIdsOf(principal.userId()));
        // a client that names no device counts as a device of its own
        deviceId = hello.getDeviceId().isEmpty() ? started.sessionId() : hello.getDeviceId();
        session = started;
        deps.devices().opened(principal.userId(), deviceId);
        SessionStart.start(deps, queue, started, principal, rooms, cursors);
    }

    /**
     * Ends the stream (no valid credentials, too much garbage): the reason in-band first (a
     * WebSocket client sees only frames and the close code), then the status.
     */
    private void endWith(ChatmeshException why) {
        offerError("", why);
        queue.close(why);
        end();
    }

    private void offerError(String clientId, Throwable failure) {
        StreamRequests.offerError(queue, clientId, failure);
    }
}

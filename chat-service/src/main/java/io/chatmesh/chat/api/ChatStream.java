package io.chatmesh.chat.api;

import com.google.protobuf.Duration;
import io.chatmesh.chat.bus.LiveSession;
import io.chatmesh.chat.bus.MessageProtos;
import io.chatmesh.chat.bus.RoomEventFanout;
import io.chatmesh.chat.domain.Message;
import io.chatmesh.chat.domain.Messaging;
import io.chatmesh.chat.domain.NewMessage;
import io.chatmesh.chat.domain.Rooms;
import io.chatmesh.chat.domain.TypingThrottle;
import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.error.Validation;
import io.chatmesh.platform.grpc.GrpcErrors;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.platform.stream.OutboundQueue;
import io.chatmesh.proto.chat.v1.Ack;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.MarkReadEvent;
import io.chatmesh.proto.chat.v1.MessageCreated;
import io.chatmesh.proto.chat.v1.Pong;
import io.chatmesh.proto.chat.v1.Ready;
import io.chatmesh.proto.chat.v1.RoomCursor;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.chat.v1.TypingEvent;
import io.chatmesh.proto.common.v1.StreamError;
import io.chatmesh.proto.message.v1.ListMessagesResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ChatService.Connect stream: the client's events in, everything else out through the
 * stream's {@link OutboundQueue}.
 *
 * <p>Lifecycle: Hello authenticates (header token, else Hello.access_token), registers a
 * {@link Session} with the fan-out (which buffers live events from then on), notes each
 * resumed room's last_message_seq once the sends in flight there ended, sends Ready, replays
 * the resumed rooms from message-service at least up to those seqs, then releases the buffer
 * minus what the client already has (up to its cursor, or replayed), and the session is live.
 * Every message up to the noted seq was acknowledged by the bus, so message-service stores it
 * sooner or later (the replay polls until it has); every later one was published after the
 * session registered, so the buffer has it: no gap, no duplicate. A message published again
 * (the retry of a send whose first publish had an unknown outcome) is sent only if this stream
 * has not sent its seq yet ({@link DeliveredSeqs}). Every client event is answered by an Ack or a
 * StreamError naming its client_id; failures never close the stream, except failing
 * authentication and a resume that cannot read history or whose history stays behind (the
 * client reconnects and resumes).
 *
 * <p>gRPC calls the inbound methods and the cancel/close handlers one at a time, so the
 * stream's own state needs no locking; the {@link Session} is also called by bus threads.
 */
final class ChatStream implements StreamObserver<ClientEvent> {

    /** Collaborators shared by every stream. */
    record Dependencies(Messaging messaging, Rooms rooms, RoomEventFanout fanout, MessageHistoryClient history,
            AccessTokenVerifier verifier, StreamSettings settings, Clock clock) {}

    private static final Logger log = LoggerFactory.getLogger(ChatStream.class);
    private static final int RESUME_CURSORS_MAX = 500;
    private static final int DEVICE_ID_MAX = 64;

    private final Dependencies deps;
    private final OutboundQueue<ServerEvent> queue;
    /** The caller when the call carried an authorization header; null: token comes in Hello. */
    private final Principal headerPrincipal;
    private final TypingThrottle typingThrottle;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Session session;

    ChatStream(Dependencies deps, OutboundQueue<ServerEvent> queue, Principal headerPrincipal) {
        this.deps = deps;
        this.queue = queue;
        this.headerPrincipal = headerPrincipal;
        this.typingThrottle = new TypingThrottle(deps.settings().typingInterval(), System::nanoTime);
    }

    @Override
    public void onNext(ClientEvent event) {
        if (LenientConnect.isUnparseable(event)) {
            queue.offer(error(GrpcErrors.toStreamError("", new ChatmeshException(ChatmeshException.Kind.INVALID_ARGUMENT,
                    ChatmeshException.Reason.INVALID_FIELD, "the frame is not a ClientEvent"))));
            return;
        }
        try {
            handle(event);
        } catch (ChatmeshException | StatusRuntimeException e) {
            queue.offer(error(GrpcErrors.toStreamError(event.getClientId(), e)));
        } catch (RuntimeException e) {
            log.error("unexpected failure handling a chat event", e);
            queue.offer(error(GrpcErrors.toStreamError(event.getClientId(), e)));
        }
    }

    /** The client half-closed: finish sending and end the session. */
    @Override
    public void onCompleted() {
        queue.complete();
        end();
    }

    @Override
    public void onError(Throwable t) {
        end();
    }

    /** Frees the session (cancel, close, client gone); idempotent. */
    void end() {
        if (ended.compareAndSet(false, true)) {
            Session current = session;
            if (current != null) {
                deps.fanout().unregister(current);
            }
        }
    }

    private void handle(ClientEvent event) {
        String clientId = event.getClientId();
        new Validation().length("client_id", clientId, 0, Requests.CLIENT_ID_MAX).check();
        if (event.getEventCase() == ClientEvent.EventCase.HELLO) {
            hello(event.getHello());
            return;
        }
        Session current = session;
        if (current == null) {
            throw ChatmeshException.failedPrecondition("the first event must be hello");
        }
        switch (event.getEventCase()) {
            case SEND -> send(current, clientId, event);
            case TYPING -> typing(current, event.getTyping());
            case MARK_READ -> markRead(current, clientId, event.getMarkRead());
            case PING -> queue.offer(ServerEvent.newBuilder().setPong(Pong.newBuilder()
                    .setNonce(event.getPing().getNonce()).setServerTime(now())).build());
            // Message ownership lives in message-service; these arrive with a later version.
            case EDIT, DELETE, REACT -> throw Status.UNIMPLEMENTED
                    .withDescription(event.getEventCase().name().toLowerCase(Locale.ROOT) + " is not supported yet")
                    .asRuntimeException();
            case EVENT_NOT_SET -> throw ChatmeshException.invalid("event", "exactly one known event is required");
            case HELLO -> throw new IllegalStateException("handled above");
        }
    }

    private void hello(Hello hello) {
        if (ended.get()) {
            return;
        }
        if (session != null) {
            throw ChatmeshException.failedPrecondition("hello was already received");
        }
        Principal principal;
        try {
            principal = headerPrincipal != null ? headerPrincipal : deps.verifier().verify(hello.getAccessToken());
        } catch (ChatmeshException e) {
            queue.close(GrpcErrors.toStatusException(e).getStatus());
            return;
        }
        Map<String, Long> cursors = helloCursors(hello);
        Session started = new Session(principal, Ids.newId());
        Set<String> rooms = deps.fanout().register(started, () -> deps.rooms().roomIdsOf(principal.userId()));
        session = started;
        try {
            cursors.keySet().retainAll(rooms);
            Map<String, Long> acknowledged = deps.rooms().lastMessageSeqsAfterSendsInFlight(cursors.keySet());
            queue.offer(ready(started, rooms));
            HistoryCatchUp catchUp = new HistoryCatchUp();
            DeliveredSeqs delivered = new DeliveredSeqs();
            for (Map.Entry<String, Long> cursor : cursors.entrySet()) {
                String roomId = cursor.getKey();
                delivered.addUpTo(roomId, cursor.getValue());
                long upTo = acknowledged.getOrDefault(roomId, 0L);
                if (cursor.getValue() < upTo) {
                    replay(principal, roomId, cursor.getValue(), upTo, catchUp, delivered);
                }
            }
            started.goLive(delivered);
        } catch (RuntimeException e) {
            if (Context.current().isCancelled()) {
                return; // the client went away during the replay; the cancel handler frees the session
            }
            log.warn("chat session {} of {} could not start", started.sessionId, principal.userId(), e);
            queue.close(GrpcErrors.toStatusException(e).getStatus());
        }
    }

    /** Validates Hello's fields and returns its cursors (room → seq; a repeated room keeps its highest seq). */
    private static Map<String, Long> helloCursors(Hello hello) {
        Validation validation = new Validation()
                .length("hello.device_id", hello.getDeviceId(), 0, DEVICE_ID_MAX)
                .count("hello.resume_from", hello.getResumeFromList(), 0, RESUME_CURSORS_MAX);
        Map<String, Long> cursors = new LinkedHashMap<>();
        if (validation.ok()) {
            for (int i = 0; i < hello.getResumeFromCount(); i++) {
                RoomCursor cursor = hello.getResumeFrom(i);
                validation.id("hello.resume_from[" + i + "].room_id", cursor.getRoomId())
                        .range("hello.resume_from[" + i + "].seq", cursor.getSeq(), 0, Long.MAX_VALUE);
                cursors.merge(cursor.getRoomId(), cursor.getSeq(), Math::max);
            }
        }
        validation.check();
        return cursors;
    }

    private ServerEvent ready(Session started, Set<String> rooms) {
        Map<String, Long> lastSeqs = deps.rooms().lastMessageSeqs(rooms);
        Ready.Builder ready = Ready.newBuilder()
                .setSessionId(started.sessionId)
                .setUserId(started.principal.userId())
                .setHeartbeatInterval(Duration.newBuilder()
                        .setSeconds(deps.settings().heartbeatInterval().getSeconds())
                        .setNanos(deps.settings().heartbeatInterval().getNano()));
        for (String roomId : new TreeSet<>(rooms)) {
            ready.addRooms(RoomCursor.newBuilder().setRoomId(roomId).setSeq(lastSeqs.getOrDefault(roomId, 0L)));
        }
        return ServerEvent.newBuilder().setReady(ready).build();
    }

    /**
     * Sends the room's stored messages after {@code afterSeq} in order, a page at a time,
     * waiting for the client to read when the queue fills up, until it has sent seq
     * {@code upTo} or later; while message-service has not stored that far yet, asks again.
     * Records each seq sent in {@code delivered}.
     */
    private void replay(Principal principal, String roomId, long afterSeq, long upTo, HistoryCatchUp catchUp,
            DeliveredSeqs delivered) {
        long last = afterSeq;
        while (true) {
            awaitQueueRoom();
            if (queue.isClosed()) {
                return;
            }
            ListMessagesResponse page = deps.history()
                    .forward(principal, roomId, last, deps.settings().replayPageSize());
            for (io.chatmesh.proto.message.v1.Message message : page.getMessagesList()) {
                if (message.getSeq() > last) {
                    queue.offer(messageCreated(message));
                    delivered.add(roomId, message.getSeq());
                    last = message.getSeq();
                }
            }
            boolean moreStored = page.getMessagesCount() > 0 && !page.getNextPageToken().isEmpty();
            if (!moreStored) {
                if (last >= upTo) {
                    return;
                }
                catchUp.pause();
            }
        }
    }

    /**
     * The wait of one resume for message-service to store what the bus acknowledged: short
     * pauses that grow, for at most the catch-up timeout in all, counted from the first pause.
     */
    private final class HistoryCatchUp {

        private static final long FIRST_PAUSE_MILLIS = 20;
        private static final long MAX_PAUSE_MILLIS = 500;

        private long giveUpAt;
        private long pauseMillis;

        /** Pauses before the next look at history; UNAVAILABLE once the time is up. */
        void pause() {
            if (pauseMillis == 0) {
                giveUpAt = System.nanoTime() + deps.settings().historyCatchUpTimeout().toNanos();
                pauseMillis = FIRST_PAUSE_MILLIS;
            }
            long left = giveUpAt - System.nanoTime();
            if (left <= 0) {
                throw ChatmeshException.unavailable("message history is behind; resume again");
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(pauseMillis)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ChatmeshException.unavailable("interrupted while resuming");
            }
            pauseMillis = Math.min(MAX_PAUSE_MILLIS, pauseMillis * 2);
        }
    }

    private void awaitQueueRoom() {
        int threshold = Math.max(0, deps.settings().queueCapacity() - deps.settings().replayPageSize());
        long giveUpAt = System.nanoTime() + deps.settings().replayStallTimeout().toNanos();
        while (queue.queued() > threshold && !queue.isClosed() && System.nanoTime() < giveUpAt) {
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ChatmeshException.unavailable("interrupted while resuming");
            }
        }
    }

    private void send(Session current, String clientId, ClientEvent event) {
        NewMessage message = Requests.newMessage("send", "client_id", clientId, event.getSend());
        Message posted = deps.messaging().send(current.principal.userId(), message);
        queue.offer(ServerEvent.newBuilder().setAck(Ack.newBuilder()
                .setClientId(clientId)
                .setMessageId(posted.id())
                .setRoomId(posted.roomId())
                .setSeq(posted.seq())
                // the message's time, so a retry gets exactly the first Ack
                .setServerTime(MessageProtos.timestamp(posted.createTime())))
                .build());
    }

    /** Not acked; over the rate limit it is dropped silently. */
    private void typing(Session current, TypingEvent typing) {
        new Validation().id("typing.room_id", typing.getRoomId()).check();
        if (typingThrottle.tryAcquire(typing.getRoomId())) {
            deps.messaging().typing(current.principal.userId(), typing.getRoomId(), typing.getTyping());
        }
    }

    private void markRead(Session current, String clientId, MarkReadEvent markRead) {
        new Validation()
                .length("client_id", clientId, 1, Requests.CLIENT_ID_MAX)
                .id("mark_read.room_id", markRead.getRoomId())
                .range("mark_read.seq", markRead.getSeq(), 0, Long.MAX_VALUE)
                .check();
        deps.messaging().markRead(current.principal.userId(), markRead.getRoomId(), markRead.getSeq());
        queue.offer(ServerEvent.newBuilder().setAck(Ack.newBuilder()
                .setClientId(clientId).setRoomId(markRead.getRoomId()).setSeq(markRead.getSeq()).setServerTime(now()))
                .build());
    }

    private com.google.protobuf.Timestamp now() {
        return MessageProtos.timestamp(deps.clock().instant());
    }

    private static ServerEvent error(StreamError error) {
        return ServerEvent.newBuilder().setError(error).build();
    }

    private static ServerEvent messageCreated(io.chatmesh.proto.message.v1.Message message) {
        return ServerEvent.newBuilder().setMessageCreated(MessageCreated.newBuilder().setMessage(message)).build();
    }

    /**
     * The stream as the fan-out sees it. Until {@link #goLive} it buffers what the fan-out
     * delivers (Ready and the replay go first); then it passes events straight to the queue,
     * except messages whose seq the stream has sent already.
     */
    private final class Session implements LiveSession {

        private final Principal principal;
        private final String sessionId;
        private final Object lock = new Object();
        /** Events delivered before the session went live; null once live. */
        private List<ServerEvent> buffer = new ArrayList<>();
        /** Message seqs the client has; set when the session goes live. */
        private DeliveredSeqs delivered;

        Session(Principal principal, String sessionId) {
            this.principal = principal;
            this.sessionId = sessionId;
        }

        @Override
        public String userId() {
            return principal.userId();
        }

        @Override
        public void deliver(ServerEvent event) {
            synchronized (lock) {
                if (buffer == null) {
                    if (isNew(event)) {
                        queue.offer(event);
                    }
                } else if (buffer.size() < deps.settings().queueCapacity()) {
                    buffer.add(event);
                } else {
                    queue.close(OutboundQueue.SLOW_CONSUMER);
                }
            }
        }

        /**
         * Releases the buffered events, except messages the client has already: up to its
         * resume cursor, or replayed ({@code delivered}, which the session keeps from now on).
         */
        void goLive(DeliveredSeqs delivered) {
            synchronized (lock) {
                this.delivered = delivered;
                for (ServerEvent event : buffer) {
                    if (isNew(event)) {
                        queue.offer(event);
                    }
                }
                buffer = null;
            }
        }

        /** False for a message whose seq the client has; records the seq of any other message. */
        private boolean isNew(ServerEvent event) {
            if (!event.hasMessageCreated()) {
                return true;
            }
            io.chatmesh.proto.message.v1.Message message = event.getMessageCreated().getMessage();
            return delivered.add(message.getRoomId(), message.getSeq());
        }
    }
}

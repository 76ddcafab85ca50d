package io.chatmesh.chat.api;

import com.google.protobuf.Timestamp;
import io.chatmesh.chat.bus.ServerFrame;
import io.chatmesh.chat.domain.NewMessage;
import io.chatmesh.chat.domain.TypingThrottle;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.error.Validation;
import io.chatmesh.platform.grpc.GrpcErrors;
import io.chatmesh.platform.stream.OutboundQueue;
import io.chatmesh.platform.stream.StreamAuthentication;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.chat.v1.Ack;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.MarkReadEvent;
import io.chatmesh.proto.chat.v1.Pong;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.chat.v1.TypingEvent;
import io.chatmesh.proto.common.v1.Reauthenticated;
import io.chatmesh.proto.common.v1.StreamError;
import java.util.Locale;

/**
 * The client events of a stream whose session has started (everything but Hello): sends,
 * changes, read markers and typing go to the domain, pings and reauthentication are answered
 * at once. A send, change or read marker is answered when it completes, by an Ack or a
 * StreamError naming its client_id; the stream takes its next event meanwhile.
 * {@link ChatStream} calls {@link #handle} one event at a time.
 */
final class StreamRequests {

    private final ChatStream.Dependencies deps;
    private final OutboundQueue<ServerFrame> queue;
    private final StreamAuthentication auth;
    private final TypingThrottle typingThrottle;

    StreamRequests(ChatStream.Dependencies deps, OutboundQueue<ServerFrame> queue, StreamAuthentication auth) {
        this.deps = deps;
        this.queue = queue;
        this.auth = auth;
        this.typingThrottle = new TypingThrottle(deps.settings().typingInterval(), System::nanoTime);
    }

    /** Handles one event of the started {@code session}; a refusal is thrown for the stream to answer. */
    void handle(StreamSession session, String clientId, ClientEvent event) {
        switch (event.getEventCase()) {
            case SEND -> send(clientId, event);
            case TYPING -> typing(session, event.getTyping());
            case MARK_READ -> markRead(clientId, event.getMarkRead());
            case PING -> queue.offer(ServerFrame.of(ServerEvent.newBuilder().setPong(Pong.newBuilder()
                    .setNonce(event.getPing().getNonce()).setServerTime(now())).build()));
            case REAUTHENTICATE -> {
                Principal fresh = auth.reauthenticate(event.getReauthenticate().getAccessToken());
                queue.offer(ServerFrame.of(ServerEvent.newBuilder().setReauthenticated(Reauthenticated.newBuilder()
                        .setClientId(clientId).setTokenExpireTime(ApiTimes.timestamp(fresh.expireTime()))).build()));
            }
            case EDIT, DELETE, REACT -> change(session, clientId, event);
            case EVENT_NOT_SET -> throw ChatmeshException.invalid("event", "exactly one known event is required");
            case HELLO -> throw ChatmeshException.failedPrecondition("hello was already received");
        }
    }

    /** Queues a StreamError for {@code clientId} (empty: not about one request) on {@code queue}. */
    static void offerError(OutboundQueue<ServerFrame> queue, String clientId, Throwable failure) {
        StreamError error = GrpcErrors.toStreamError(clientId, failure);
        queue.offer(ServerFrame.of(ServerEvent.newBuilder().setError(error).build()));
    }

    private void send(String clientId, ClientEvent event) {
        NewMessage message = Requests.newMessage("send", "client_id", clientId, event.getSend());
        ChatGrpcService.post(deps, auth.principal(), message, event.getSend().getAttachmentIdsList())
                .whenComplete((posted, failure) -> {
            if (failure != null) {
                offerError(queue, clientId, Requests.sendFailure("send", failure));
                return;
            }
            // the message's time, so a retry gets exactly the first Ack
            offerAck(clientId, posted.id(), posted.roomId(), posted.seq(), ApiTimes.timestamp(posted.createTime()));
        });
    }

    /** Edit, delete or react: acked with the change's seq once it is logged and published. */
    private void change(StreamSession session, String clientId, ClientEvent event) {
        new Validation().length("client_id", clientId, 1, Requests.CLIENT_ID_MAX).check();
        ChangeRequests.submit(deps.editing(), session.userId(), event).whenComplete((change, failure) -> {
            if (failure != null) {
                offerError(queue, clientId,
                        Requests.sendFailure(event.getEventCase().name().toLowerCase(Locale.ROOT), failure));
                return;
            }
            offerAck(clientId, change.messageId(), change.roomId(), change.seq(), now());
        });
    }

    /** Not acked; over the rate limit it is dropped silently. */
    private void typing(StreamSession session, TypingEvent typing) {
        new Validation().id("typing.room_id", typing.getRoomId()).check();
        if (typingThrottle.tryAcquire(typing.getRoomId())) {
            deps.messaging().typing(session.userId(), typing.getRoomId(), typing.getTyping());
        }
    }

    private void markRead(String clientId, MarkReadEvent markRead) {
        new Validation()
                .length("client_id", clientId, 1, Requests.CLIENT_ID_MAX)
                .id("mark_read.room_id", markRead.getRoomId())
                .range("mark_read.seq", markRead.getSeq(), 0, Long.MAX_VALUE)
                .check();
        // message-service is the markers' one writer, and tells the room when one moved
        deps.history().markRead(auth.principal(), markRead.getRoomId(), markRead.getSeq())
                .whenComplete((room, failure) -> {
                    if (failure != null) {
                        offerError(queue, clientId, failure);
                        return;
                    }
                    offerAck(clientId, "", markRead.getRoomId(), room.getLastReadSeq(), now());
                });
    }

    /** {@code messageId} is empty for a read marker. */
    private void offerAck(String clientId, String messageId, String roomId, long seq, Timestamp serverTime) {
        queue.offer(ServerFrame.of(ServerEvent.newBuilder().setAck(Ack.newBuilder()
                .setClientId(clientId).setMessageId(messageId).setRoomId(roomId).setSeq(seq)
                .setServerTime(serverTime)).build()));
    }

    private Timestamp now() {
        return ApiTimes.timestamp(deps.clock().instant());
    }
}

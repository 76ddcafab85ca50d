package io.chatmesh.signaling.client;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.logging.LogThrottle;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.signaling.domain.CallNotices;
import io.chatmesh.signaling.domain.Invitation;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Call notes in the room's history, posted through chat-service's ChatService.SendMessage as
 * the user the note is about (the caller of a missed call, the last participant of an ended
 * call), with their forwarded token: the ordinary send path, so the note is stored, ordered
 * and fanned out like any message. The client_id ({@code call-missed-<call id>},
 * {@code call-ended-<call key>}) makes a retried or repeated post land once.
 */
public final class ChatServiceNotices implements CallNotices {

    private static final Logger log = LoggerFactory.getLogger(ChatServiceNotices.class);
    /** While chat-service is down, every call's note fails, as often as clients call. */
    private static final LogThrottle FAILED_POSTS_LOG = new LogThrottle(Duration.ofSeconds(10));

    private final ChatServiceGrpc.ChatServiceBlockingStub chat;
    private final Duration deadline;
    private final Executor executor;

    /** @param executor where posts run, off the caller's thread (bus consumer, relay lock) */
    public ChatServiceNotices(Channel chatService, Duration deadline, Executor executor) {
        this.chat = ChatServiceGrpc.newBlockingStub(chatService);
        this.deadline = deadline;
        this.executor = executor;
    }

    @Override
    public void missedCall(Principal caller, Invitation invitation) {
        post(caller, invitation.roomId(), "call-missed-" + invitation.callId(),
                invitation.video() ? "Missed video call" : "Missed call");
    }

    @Override
    public void callEnded(Principal lastParticipant, String roomId, String callKey, Duration length) {
        long minutes = Math.round(length.toSeconds() / 60.0);
        post(lastParticipant, roomId, "call-ended-" + callKey, "Call ended, "
                + (minutes == 0 ? "less than a minute" : minutes + (minutes == 1 ? " minute" : " minutes")));
    }

    private void post(Principal author, String roomId, String clientId, String text) {
        executor.execute(() -> {
            try {
                chat.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                        .withCallCredentials(BearerCallCredentials.of(author))
                        .sendMessage(SendMessageRequest.newBuilder().setClientId(clientId)
                                .setMessage(SendMessageEvent.newBuilder().setRoomId(roomId).setText(text)).build());
            } catch (StatusRuntimeException e) {
                FAILED_POSTS_LOG.warn(log, "could not post call note {} in room {}: {}", clientId, roomId, e.getStatus());
            }
        });
    }
}

package io.chatmesh.chat.api;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.proto.message.v1.Direction;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.proto.message.v1.ListMessagesResponse;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Reads stored messages from message-service (MessageService.ListMessages, forwarding the
 * user's token) for resuming streams. Called from a stream's handler, the call is cancelled
 * with the stream.
 */
public final class MessageHistoryClient {

    private final MessageServiceGrpc.MessageServiceBlockingStub messages;
    private final Duration deadline;

    public MessageHistoryClient(Channel messageService, Duration deadline) {
        this.messages = MessageServiceGrpc.newBlockingStub(messageService);
        this.deadline = deadline;
    }

    /**
     * One page of the room's stored messages after {@code afterSeq}, oldest first; the next
     * page starts after the last seq of this one (next_page_token is set when there is more).
     */
    public ListMessagesResponse forward(Principal user, String roomId, long afterSeq, int pageSize) {
        try {
            return messages.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .withCallCredentials(BearerCallCredentials.of(user))
                    .listMessages(ListMessagesRequest.newBuilder()
                            .setRoomId(roomId)
                            .setDirection(Direction.DIRECTION_FORWARD)
                            .setFromSeq(afterSeq)
                            .setPageSize(pageSize)
                            .build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
                throw ChatmeshException.unauthenticated("token rejected by message service");
            }
            throw ChatmeshException.unavailable("message service: " + e.getStatus().getCode());
        }
    }
}

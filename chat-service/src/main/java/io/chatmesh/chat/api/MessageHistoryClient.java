package io.chatmesh.chat.api;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.chatmesh.chat.bus.MessageProtos;
import io.chatmesh.chat.domain.NewMessage;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.proto.message.internal.v1.AttachmentClaimServiceGrpc;
import io.chatmesh.proto.message.internal.v1.ClaimAttachmentsRequest;
import io.chatmesh.proto.message.internal.v1.ClaimAttachmentsResponse;
import io.chatmesh.proto.message.v1.Direction;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.proto.message.v1.ListMessagesResponse;
import io.chatmesh.proto.message.v1.MarkReadRequest;
import io.chatmesh.proto.message.v1.MarkReadResponse;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.chatmesh.proto.message.v1.RoomUnread;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the chat stream asks of message-service, forwarding the user's token: stored messages
 * (MessageService.ListMessages) for resuming streams, read markers (MessageService.MarkRead,
 * the markers' one writer, which also tells the room), and a send's attachments
 * (AttachmentClaimService.ClaimAttachments). Called from a stream's handler, a call
 * is cancelled with the stream.
 */
public final class MessageHistoryClient {

    private final MessageServiceGrpc.MessageServiceBlockingStub messages;
    private final MessageServiceGrpc.MessageServiceFutureStub asyncMessages;
    private final AttachmentClaimServiceGrpc.AttachmentClaimServiceFutureStub claims;
    private final Duration deadline;

    public MessageHistoryClient(Channel messageService, Duration deadline) {
        this.messages = MessageServiceGrpc.newBlockingStub(messageService);
        this.asyncMessages = MessageServiceGrpc.newFutureStub(messageService);
        this.claims = AttachmentClaimServiceGrpc.newFutureStub(messageService);
        this.deadline = deadline;
    }

    /**
     * Moves the user's read marker in the room (forward only, never past the newest message)
     * and completes with the room's read state afterwards. Fails with message-service's status
     * (PERMISSION_DENIED for non-members, INVALID_ARGUMENT, ...), UNAVAILABLE when it could not
     * be reached.
     */
    public CompletableFuture<RoomUnread> markRead(Principal user, String roomId, long seq) {
        CompletableFuture<RoomUnread> result = new CompletableFuture<>();
        ListenableFuture<MarkReadResponse> call = asyncMessages.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .withCallCredentials(BearerCallCredentials.of(user))
                .markRead(MarkReadRequest.newBuilder().setRoomId(roomId).setSeq(seq).build());
        Futures.addCallback(call, new FutureCallback<>() {
            @Override
            public void onSuccess(MarkReadResponse response) {
                result.complete(response.getRoom());
            }

            @Override
            public void onFailure(Throwable failure) {
                result.completeExceptionally(failure instanceof StatusRuntimeException e && unreachable(e)
                        ? ChatmeshException.unavailable("message service: " + e.getStatus().getCode()) : failure);
            }
        }, MoreExecutors.directExecutor());
        return result;
    }

    /**
     * The message with the attachments named by {@code attachmentIds}, claimed for this send from
     * message-service (AttachmentClaimService.ClaimAttachments with the sender's token): finished
     * uploads of the sender for the message's room, not posted by another send. Without ids, the
     * message as it is at once. Fails with message-service's refusal as a ChatmeshException (its
     * field violations name attachment_ids[i], for the caller to prefix), UNAVAILABLE when it could
     * not be reached.
     */
    public CompletableFuture<NewMessage> withClaimedAttachments(Principal user, NewMessage message,
            List<String> attachmentIds) {
        if (attachmentIds.isEmpty()) {
            return CompletableFuture.completedFuture(message);
        }
        CompletableFuture<NewMessage> result = new CompletableFuture<>();
        ListenableFuture<ClaimAttachmentsResponse> call = claims
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .withCallCredentials(BearerCallCredentials.of(user))
                .claimAttachments(ClaimAttachmentsRequest.newBuilder()
                        .setRoomId(message.roomId())
                        .setClientId(message.clientId())
                        .addAllAttachmentIds(attachmentIds)
                        .build());
        Futures.addCallback(call, new FutureCallback<>() {
            @Override
            public void onSuccess(ClaimAttachmentsResponse response) {
                result.complete(message.withAttachments(
                        response.getAttachmentsList().stream().map(MessageProtos::fromProto).toList()));
            }

            @Override
            public void onFailure(Throwable failure) {
                result.completeExceptionally(failure instanceof StatusRuntimeException e
                        ? (unreachable(e) ? ChatmeshException.unavailable("message service: " + e.getStatus().getCode())
                                : RemoteErrors.toChatmeshException(e))
                        : failure);
            }
        }, MoreExecutors.directExecutor());
        return result;
    }

    private static boolean unreachable(StatusRuntimeException e) {
        return e.getStatus().getCode() == Status.Code.UNAVAILABLE
                || e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED;
    }

    /**
     * One page of the room's stored messages after {@code afterSeq}, thread replies included
     * (a resumed stream replays every message event), oldest first; the next
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
                            .setIncludeThreadReplies(true)
                            .build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
                throw ChatmeshException.unauthenticated("token rejected by message service");
            }
            throw ChatmeshException.unavailable("message service: " + e.getStatus().getCode());
        }
    }
}

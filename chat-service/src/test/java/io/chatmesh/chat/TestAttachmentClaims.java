package io.chatmesh.chat;

import io.chatmesh.platform.auth.AuthContext;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.grpc.GrpcErrors;
import io.chatmesh.proto.message.internal.v1.AttachmentClaimServiceGrpc;
import io.chatmesh.proto.message.internal.v1.ClaimAttachmentsRequest;
import io.chatmesh.proto.message.internal.v1.ClaimAttachmentsResponse;
import io.chatmesh.proto.message.v1.Attachment;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * message-service's AttachmentClaimService as chat-service sees it, beside {@link TestMessageService}:
 * attachments a test declared finished (by uploader and room) are claimed by one client_id each;
 * an id that is not a finished upload of the caller for the room is INVALID_ARGUMENT on
 * attachment_ids[i], one another client_id claimed FAILED_PRECONDITION, all or nothing.
 */
public final class TestAttachmentClaims extends AttachmentClaimServiceGrpc.AttachmentClaimServiceImplBase {

    private record Upload(String uploaderId, String roomId, Attachment attachment) {}

    private final Map<String, Upload> finished = new ConcurrentHashMap<>();
    private final Map<String, String> claimedBy = new ConcurrentHashMap<>();

    /** An upload the user finished for the room. */
    public void finished(String uploaderId, String roomId, Attachment attachment) {
        finished.put(attachment.getId(), new Upload(uploaderId, roomId, attachment));
    }

    @Override
    public synchronized void claimAttachments(ClaimAttachmentsRequest request,
            StreamObserver<ClaimAttachmentsResponse> response) {
        String caller = AuthContext.current().userId();
        List<Attachment> claimed = new ArrayList<>();
        for (int i = 0; i < request.getAttachmentIdsCount(); i++) {
            Upload upload = finished.get(request.getAttachmentIds(i));
            if (upload == null || !upload.uploaderId().equals(caller) || !upload.roomId().equals(request.getRoomId())) {
                response.onError(GrpcErrors.toStatusException(ChatmeshException.invalid("attachment_ids[" + i + "]",
                        "is not a finished upload of the caller for this room")));
                return;
            }
            String holder = claimedBy.get(upload.attachment().getId());
            if (holder != null && !holder.equals(request.getClientId())) {
                response.onError(GrpcErrors.toStatusException(ChatmeshException.failedPrecondition("claimed")));
                return;
            }
            claimed.add(upload.attachment());
        }
        claimed.forEach(a -> claimedBy.put(a.getId(), request.getClientId()));
        response.onNext(ClaimAttachmentsResponse.newBuilder().addAllAttachments(claimed).build());
        response.onCompleted();
    }
}

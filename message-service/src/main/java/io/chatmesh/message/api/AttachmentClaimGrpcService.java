package io.chatmesh.message.api;

import io.chatmesh.message.domain.Attachments;
import io.chatmesh.platform.auth.AuthContext;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.Validation;
import io.chatmesh.proto.message.internal.v1.AttachmentClaimServiceGrpc;
import io.chatmesh.proto.message.internal.v1.ClaimAttachmentsRequest;
import io.chatmesh.proto.message.internal.v1.ClaimAttachmentsResponse;
import io.grpc.stub.StreamObserver;

/**
 * chatmesh.message.internal.v1.AttachmentClaimService: chat-service claims a send's attachments
 * with the sender's token before posting it. Internal: the edge and the gateway never route it.
 */
public class AttachmentClaimGrpcService extends AttachmentClaimServiceGrpc.AttachmentClaimServiceImplBase {

    /** A message's attachments at most (SendMessageEvent.attachment_ids). */
    static final int MAX_ATTACHMENTS = 10;
    static final int CLIENT_ID_MAX = 64;

    private final Attachments attachments;

    public AttachmentClaimGrpcService(Attachments attachments) {
        this.attachments = attachments;
    }

    @Override
    public void claimAttachments(ClaimAttachmentsRequest request, StreamObserver<ClaimAttachmentsResponse> response) {
        Principal caller = AuthContext.current();
        new Validation()
                .id("room_id", request.getRoomId())
                .length("client_id", request.getClientId(), 1, CLIENT_ID_MAX)
                .ids("attachment_ids", request.getAttachmentIdsList(), 1, MAX_ATTACHMENTS)
                .require(request.getAttachmentIdsList().stream().distinct().count() == request.getAttachmentIdsCount(),
                        "attachment_ids", "must not repeat an id")
                .check();
        ClaimAttachmentsResponse.Builder claimed = ClaimAttachmentsResponse.newBuilder();
        attachments.claim(caller.userId(), request.getRoomId(), request.getClientId(), request.getAttachmentIdsList())
                .forEach(a -> claimed.addAttachments(MessageProtos.toProto(a)));
        response.onNext(claimed.build());
        response.onCompleted();
    }
}

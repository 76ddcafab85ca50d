package io.chatmesh.message.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.chatmesh.message.MessageServiceTestSupport;
import io.chatmesh.message.domain.Attachments;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.proto.message.internal.v1.AttachmentClaimServiceGrpc;
import io.chatmesh.proto.message.internal.v1.ClaimAttachmentsRequest;
import io.chatmesh.proto.message.v1.Attachment;
import io.chatmesh.proto.message.v1.DownloadAttachmentRequest;
import io.chatmesh.proto.message.v1.DownloadAttachmentResponse;
import io.chatmesh.proto.message.v1.FinishAttachmentUploadRequest;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.chatmesh.proto.message.v1.StartAttachmentUploadRequest;
import io.chatmesh.proto.message.v1.UploadAttachmentChunkRequest;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Autowired;

/** Calls of the attachment RPCs for the tests of {@link AttachmentRpcs}. */
abstract class AttachmentGrpcTestSupport extends MessageServiceTestSupport {

    static final int MIB = 1024 * 1024;

    @Autowired
    Attachments attachments;

    /** A finished attachment of {@code user} for the room with this content. */
    String uploaded(User user, String room, byte[] content) {
        String id = messages(user).startAttachmentUpload(StartAttachmentUploadRequest.newBuilder().setRoomId(room)
                .setFileName("f.bin").setContentType("application/octet-stream").setSizeBytes(content.length)
                .build()).getUploadId();
        upload(user, id, content, 0, content.length);
        finish(user, id, sha256(content));
        return id;
    }

    /** Claims the attachments for a send of {@code user} and returns the message that send would post. */
    Message claimedFor(User user, String room, long seq, String... attachmentIds) {
        List<Attachment> claimed = claims(user).claimAttachments(ClaimAttachmentsRequest.newBuilder()
                .setRoomId(room).setClientId("send-" + seq).addAllAttachmentIds(List.of(attachmentIds)).build())
                .getAttachmentsList();
        return chatMessage(room, seq, user, "").toBuilder().addAllAttachments(claimed).build();
    }

    void upload(User user, String id, byte[] content, int from, int to) {
        for (int offset = from; offset < to; offset += MIB) {
            int end = Math.min(to, offset + MIB);
            messages(user).uploadAttachmentChunk(UploadAttachmentChunkRequest.newBuilder().setUploadId(id)
                    .setOffset(offset).setData(ByteString.copyFrom(content, offset, end - offset)).build());
        }
    }

    Attachment finish(User user, String id, String sha256) {
        return messages(user).finishAttachmentUpload(FinishAttachmentUploadRequest.newBuilder()
                .setUploadId(id).setSha256(sha256).build()).getAttachment();
    }

    byte[] download(User user, String id) {
        Iterator<DownloadAttachmentResponse> parts = messages(user)
                .downloadAttachment(DownloadAttachmentRequest.newBuilder().setAttachmentId(id).build());
        DownloadAttachmentResponse first = parts.next();
        assertThat(first.hasAttachment()).isTrue();
        assertThat(first.getAttachment().getId()).isEqualTo(id);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        parts.forEachRemaining(part -> content.writeBytes(part.getChunk().toByteArray()));
        return content.toByteArray();
    }

    /** The content of a download started now, once it ends; fails with the call's status. */
    CompletableFuture<byte[]> downloadLater(User user, String id, long deadlineMillis) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        MessageServiceGrpc.newStub(channel)
                .withCallCredentials(BearerCallCredentials.of(user.token()))
                .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                .downloadAttachment(DownloadAttachmentRequest.newBuilder().setAttachmentId(id).build(),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(DownloadAttachmentResponse part) {
                                content.writeBytes(part.getChunk().toByteArray());
                            }

                            @Override
                            public void onError(Throwable t) {
                                result.completeExceptionally(t);
                            }

                            @Override
                            public void onCompleted() {
                                result.complete(content.toByteArray());
                            }
                        });
        return result;
    }

    AttachmentClaimServiceGrpc.AttachmentClaimServiceBlockingStub claims(User user) {
        return AttachmentClaimServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(BearerCallCredentials.of(user.token()))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    static byte[] bytes(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

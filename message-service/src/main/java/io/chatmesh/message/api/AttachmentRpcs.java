package io.chatmesh.message.api;

import io.chatmesh.message.domain.AttachmentUpload;
import io.chatmesh.message.domain.Attachments;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.client.MembershipClient;
import io.chatmesh.platform.error.Validation;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.message.v1.DownloadAttachmentRequest;
import io.chatmesh.proto.message.v1.DownloadAttachmentResponse;
import io.chatmesh.proto.message.v1.FinishAttachmentUploadRequest;
import io.chatmesh.proto.message.v1.FinishAttachmentUploadResponse;
import io.chatmesh.proto.message.v1.GetAttachmentUploadRequest;
import io.chatmesh.proto.message.v1.GetAttachmentUploadResponse;
import io.chatmesh.proto.message.v1.StartAttachmentUploadRequest;
import io.chatmesh.proto.message.v1.StartAttachmentUploadResponse;
import io.chatmesh.proto.message.v1.UploadAttachmentChunkRequest;
import io.chatmesh.proto.message.v1.UploadAttachmentChunkResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.regex.Pattern;

/** The attachment RPCs of MessageService: validation and translation around {@link Attachments}. */
final class AttachmentRpcs {

    static final int FILE_NAME_MAX = 255;
    static final int CONTENT_TYPE_MAX = 127;
    /** Largest declared image side (JPEG's bound; PNG and WebP images this large are not shown inline anyway). */
    static final int IMAGE_SIDE_MAX = 65_535;

    /** type/subtype with RFC 6838 name characters, no parameters. */
    private static final Pattern CONTENT_TYPE = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private final Attachments attachments;
    private final MembershipClient membership;

    AttachmentRpcs(Attachments attachments, MembershipClient membership) {
        this.attachments = attachments;
        this.membership = membership;
    }

    StartAttachmentUploadResponse start(Principal caller, StartAttachmentUploadRequest request) {
        Validation validation = new Validation()
                .id("room_id", request.getRoomId())
                .length("file_name", request.getFileName(), 1, FILE_NAME_MAX)
                .require(plainFileName(request.getFileName()), "file_name",
                        "must not contain path separators or control characters, nor be . or ..")
                .length("content_type", request.getContentType(), 1, CONTENT_TYPE_MAX)
                .require(request.getContentType().isEmpty() || CONTENT_TYPE.matcher(request.getContentType()).matches(),
                        "content_type", "must be a MIME type (type/subtype)")
                .range("size_bytes", request.getSizeBytes(), 1, Long.MAX_VALUE);
        boolean declared = request.getWidth() != 0 || request.getHeight() != 0;
        if (declared) {
            validation.range("width", request.getWidth(), 1, IMAGE_SIDE_MAX)
                    .range("height", request.getHeight(), 1, IMAGE_SIDE_MAX)
                    .require(request.getContentType().startsWith("image/"), "width",
                            "is for images (content_type image/*) only");
        }
        validation.check();
        membership.requireMember(caller, request.getRoomId());
        AttachmentUpload upload = attachments.start(caller.userId(), request.getRoomId(), request.getFileName(),
                request.getContentType(), request.getSizeBytes(), request.getWidth(), request.getHeight());
        return StartAttachmentUploadResponse.newBuilder()
                .setUploadId(upload.id())
                .setMaxChunkBytes(attachments.limits().maxChunkBytes())
                .setExpireTime(ApiTimes.timestamp(upload.expireTime()))
                .build();
    }

    UploadAttachmentChunkResponse upload(Principal caller, UploadAttachmentChunkRequest request) {
        new Validation()
                .id("upload_id", request.getUploadId())
                .range("offset", request.getOffset(), 0, Long.MAX_VALUE)
                .require(!request.getData().isEmpty(), "data", "is required")
                .check();
        long committed = attachments.append(caller.userId(), request.getUploadId(), request.getOffset(),
                request.getData().toByteArray());
        return UploadAttachmentChunkResponse.newBuilder().setCommittedSize(committed).build();
    }

    GetAttachmentUploadResponse status(Principal caller, GetAttachmentUploadRequest request) {
        new Validation().id("upload_id", request.getUploadId()).check();
        AttachmentUpload upload = attachments.status(caller.userId(), request.getUploadId());
        GetAttachmentUploadResponse.Builder response = GetAttachmentUploadResponse.newBuilder()
                .setUploadId(upload.id())
                .setCommittedSize(upload.committedSize())
                .setSizeBytes(upload.sizeBytes())
                .setMaxChunkBytes(attachments.limits().maxChunkBytes());
        if (upload.finished()) {
            response.setAttachment(MessageProtos.toProto(upload.attachment()));
        }
        if (upload.expireTime() != null) {
            response.setExpireTime(ApiTimes.timestamp(upload.expireTime()));
        }
        return response.build();
    }

    FinishAttachmentUploadResponse finish(Principal caller, FinishAttachmentUploadRequest request) {
        new Validation()
                .id("upload_id", request.getUploadId())
                .length("sha256", request.getSha256(), 1, 64)
                .matches("sha256", request.getSha256(), SHA256, "64 hex digits")
                .check();
        AttachmentUpload upload = attachments.finish(caller.userId(), request.getUploadId(), request.getSha256());
        return FinishAttachmentUploadResponse.newBuilder().setAttachment(MessageProtos.toProto(upload.attachment())).build();
    }

    /**
     * NOT_FOUND for anyone but the uploader and members of the room where the attachment was
     * posted, so that ids reveal nothing; membership is asked only for posted attachments and
     * claimed ones whose message is on its way (a member's download of those waits for it, see
     * {@link Attachments#download}).
     */
    void download(Principal caller, DownloadAttachmentRequest request,
            ServerCallStreamObserver<DownloadAttachmentResponse> call) {
        new Validation().id("attachment_id", request.getAttachmentId()).check();
        AttachmentDownload.start(request.getAttachmentId(), attachments.download(caller.userId(),
                request.getAttachmentId(), roomId -> membership.check(caller, roomId).member()), call);
    }

    private static boolean plainFileName(String name) {
        if (name.equals(".") || name.equals("..")) {
            return false;
        }
        return name.codePoints().noneMatch(c -> c == '/' || c == '\\' || Character.isISOControl(c));
    }
}

package io.chatmesh.message.api;

import com.google.protobuf.ByteString;
import io.chatmesh.message.domain.Attachments;
import io.chatmesh.proto.message.v1.DownloadAttachmentResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DownloadAttachment stream: the metadata, then the content in chunks of
 * {@value #CHUNK_BYTES} bytes, read from the blob store only while the call is ready (so a slow
 * client holds one chunk in memory, not the file), until the end or the client's cancel.
 */
final class AttachmentDownload {

    static final int CHUNK_BYTES = 256 * 1024;

    private static final Logger log = LoggerFactory.getLogger(AttachmentDownload.class);

    private final ServerCallStreamObserver<DownloadAttachmentResponse> call;
    private final InputStream content;
    private boolean done;

    private AttachmentDownload(ServerCallStreamObserver<DownloadAttachmentResponse> call, InputStream content) {
        this.call = call;
        this.content = content;
    }

    /** Sends the metadata and streams the content as the call can take it. */
    static void start(Attachments.Download download, InputStream content,
            ServerCallStreamObserver<DownloadAttachmentResponse> call) {
        AttachmentDownload stream = new AttachmentDownload(call, content);
        call.setOnCancelHandler(stream::close);
        call.setOnReadyHandler(stream::drain);
        call.onNext(DownloadAttachmentResponse.newBuilder()
                .setAttachment(MessageProtos.toProto(download.attachment())).build());
        stream.drain();
    }

    private synchronized void drain() {
        try {
            while (!done && call.isReady()) {
                byte[] chunk = content.readNBytes(CHUNK_BYTES);
                if (chunk.length == 0) {
                    close();
                    call.onCompleted();
                    return;
                }
                call.onNext(DownloadAttachmentResponse.newBuilder().setChunk(ByteString.copyFrom(chunk)).build());
            }
        } catch (IOException | RuntimeException e) {
            if (!done) {
                log.warn("attachment content unreadable: {}", e.toString());
                close();
                call.onError(Status.UNAVAILABLE.withDescription("attachment content unreadable").asRuntimeException());
            }
        }
    }

    private synchronized void close() {
        if (done) {
            return;
        }
        done = true;
        try {
            content.close();
        } catch (IOException e) {
            log.debug("closing attachment content", e);
        }
    }
}

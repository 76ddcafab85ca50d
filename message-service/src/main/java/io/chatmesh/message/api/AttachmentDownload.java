package io.chatmesh.message.api;

import com.google.protobuf.ByteString;
import io.chatmesh.message.domain.Attachments;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.grpc.GrpcErrors;
import io.chatmesh.platform.logging.LogThrottle;
import io.chatmesh.proto.message.v1.DownloadAttachmentResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DownloadAttachment stream: once the download is allowed (at once, or after waiting for the
 * attachment's message to be stored), the metadata, then the content in chunks of
 * {@value #CHUNK_BYTES} bytes, read from the blob store only while the call is ready (so a slow
 * client holds one chunk in memory, not the file), until the end or the client's cancel, which
 * also ends a wait.
 */
final class AttachmentDownload {

    static final int CHUNK_BYTES = 256 * 1024;

    private static final Logger log = LoggerFactory.getLogger(AttachmentDownload.class);
    /** A client may ask for a missing or unreadable attachment again and again. */
    private static final LogThrottle FAILED_READS_LOG = new LogThrottle(Duration.ofSeconds(10));

    private final ServerCallStreamObserver<DownloadAttachmentResponse> call;
    private final String attachmentId;
    /** Null until the download is allowed. */
    private InputStream content;
    private boolean done;

    private AttachmentDownload(ServerCallStreamObserver<DownloadAttachmentResponse> call, String attachmentId) {
        this.call = call;
        this.attachmentId = attachmentId;
    }

    /**
     * Streams the download once {@code allowed} completes, or ends the call with its failure. Call it
     * from the handler itself: the call's cancel and ready handlers can be set only then.
     */
    static void start(String attachmentId, CompletableFuture<Attachments.Download> allowed,
            ServerCallStreamObserver<DownloadAttachmentResponse> call) {
        AttachmentDownload stream = new AttachmentDownload(call, attachmentId);
        call.setOnCancelHandler(() -> {
            allowed.cancel(false);
            stream.close();
        });
        call.setOnReadyHandler(stream::drain);
        // at once when it is complete; else on the thread that ends the wait
        allowed.whenComplete((download, failure) -> {
            if (failure == null) {
                stream.begin(download);
            } else if (!(failure instanceof CancellationException)) {
                stream.fail(GrpcErrors.toStatusException(failure));
            }
        });
    }

    private synchronized void begin(Attachments.Download download) {
        if (done) {
            return;
        }
        try {
            content = download.content().open();
        } catch (RuntimeException e) {
            // removed between the lookup and now (a deleted message, the sweeper)
            FAILED_READS_LOG.warn(log, "attachment {} has no content: {}", attachmentId, e.toString());
            fail(GrpcErrors.toStatusException(ChatmeshException.notFound("attachment " + attachmentId)));
            return;
        }
        call.onNext(DownloadAttachmentResponse.newBuilder()
                .setAttachment(MessageProtos.toProto(download.attachment())).build());
        drain();
    }

    private synchronized void drain() {
        try {
            while (!done && content != null && call.isReady()) {
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
                FAILED_READS_LOG.warn(log, "attachment content unreadable: {}", e.toString());
                fail(Status.UNAVAILABLE.withDescription("attachment content unreadable").asException());
            }
        }
    }

    private synchronized void fail(Throwable status) {
        if (done) {
            return;
        }
        close();
        call.onError(status);
    }

    private synchronized void close() {
        if (done) {
            return;
        }
        done = true;
        if (content == null) {
            return;
        }
        try {
            content.close();
        } catch (IOException e) {
            log.debug("closing attachment content", e);
        }
    }
}

package io.chatmesh.message.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.Status;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** DownloadAttachment with a short posting wait: a message that is never stored ends the wait. */
@TestPropertySource(properties = "chatmesh.message.attachments.posting-wait=200ms")
class AttachmentPostingWaitGrpcTest extends AttachmentGrpcTestSupport {

    /** A send that claimed the attachment and then failed for good: its message never comes. */
    @Test
    void aClaimedAttachmentWhoseMessageIsNeverStoredIsNotFoundOnceTheWaitIsOver() {
        User alice = newUser();
        User bob = newUser();
        String room = newRoom(alice, bob);
        byte[] content = bytes(100);
        String id = uploaded(alice, room, content);
        claimedFor(alice, room, 1, id);

        CompletableFuture<byte[]> bobs = downloadLater(bob, id, 60_000);

        assertThat(Status.fromThrowable(catchThrowable(bobs::join)).getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(attachments.waitingDownloads()).isZero();
        assertThat(download(alice, id)).as("the uploader still may").isEqualTo(content);
    }
}

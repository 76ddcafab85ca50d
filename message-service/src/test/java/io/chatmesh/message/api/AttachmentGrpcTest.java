package io.chatmesh.message.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.chatmesh.message.MessageServiceTestSupport;
import io.chatmesh.message.bus.RoomEventPersister;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.internal.v1.RoomEvent;
import io.chatmesh.proto.chat.v1.MessageDeleted;
import io.chatmesh.proto.message.internal.v1.ClaimAttachmentsRequest;
import io.chatmesh.proto.message.v1.Attachment;
import io.chatmesh.proto.message.v1.DownloadAttachmentRequest;
import io.chatmesh.proto.message.v1.DownloadAttachmentResponse;
import io.chatmesh.proto.message.v1.FinishAttachmentUploadRequest;
import io.chatmesh.proto.message.v1.GetAttachmentUploadRequest;
import io.chatmesh.proto.message.v1.GetAttachmentUploadResponse;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.chatmesh.proto.message.v1.StartAttachmentUploadRequest;
import io.chatmesh.proto.message.v1.StartAttachmentUploadResponse;
import io.chatmesh.proto.message.v1.UploadAttachmentChunkRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The attachment RPCs over real gRPC, on the SQL store with content in files. The posting wait is
 * long here ({@link MessageServiceTestSupport}), so no wait of these tests ends by its bound;
 * {@link AttachmentPostingWaitGrpcTest} has a short one.
 */
class AttachmentGrpcTest extends AttachmentGrpcTestSupport {

    @Autowired
    RoomEventPersister persister;

    @Test
    void anInterruptedUploadResumesFromItsCommittedSizeAndMembersDownloadItOncePosted() throws Exception {
        User alice = newUser();
        User bob = newUser();
        User carol = newUser();
        String room = newRoom(alice, bob);
        byte[] content = bytes(2 * MIB + 12_345);
        StartAttachmentUploadResponse started = messages(alice).startAttachmentUpload(StartAttachmentUploadRequest
                .newBuilder().setRoomId(room).setFileName("photo.png").setContentType("image/png")
                .setSizeBytes(content.length).setWidth(1920).setHeight(1080).build());
        assertThat(started.getMaxChunkBytes()).isEqualTo(MIB);
        assertThat(started.hasExpireTime()).isTrue();
        String id = started.getUploadId();

        upload(alice, id, content, 0, MIB);
        // the client lost the answer to its second chunk and does not know where the upload stands
        upload(alice, id, content, MIB, 2 * MIB);
        assertThat(codeOf(() -> upload(alice, id, content, MIB, 2 * MIB))).isEqualTo(Status.Code.FAILED_PRECONDITION);
        GetAttachmentUploadResponse status = messages(alice).getAttachmentUpload(
                GetAttachmentUploadRequest.newBuilder().setUploadId(id).build());
        assertThat(status.getCommittedSize()).isEqualTo(2 * MIB);
        assertThat(status.getSizeBytes()).isEqualTo(content.length);
        assertThat(status.hasAttachment()).isFalse();
        upload(alice, id, content, (int) status.getCommittedSize(), content.length);

        assertThat(codeOf(() -> finish(alice, id, sha256(new byte[] {1})))).isEqualTo(Status.Code.FAILED_PRECONDITION);
        Attachment attachment = finish(alice, id, sha256(content));
        assertThat(attachment).isEqualTo(Attachment.newBuilder().setId(id).setFileName("photo.png")
                .setContentType("image/png").setSizeBytes(content.length).setSha256(sha256(content))
                .setWidth(1920).setHeight(1080).build());

        // before it is posted only the uploader may download it
        assertThat(download(alice, id)).isEqualTo(content);
        assertThat(codeOf(() -> download(bob, id))).isEqualTo(Status.Code.NOT_FOUND);

        List<Attachment> claimed = claims(alice).claimAttachments(ClaimAttachmentsRequest.newBuilder()
                .setRoomId(room).setClientId("send-1").addAttachmentIds(id).build()).getAttachmentsList();
        assertThat(claimed).containsExactly(attachment);
        Message message = chatMessage(room, 1, alice, "").toBuilder().addAllAttachments(claimed).build();
        publish(messageCreated(message));

        assertThat(download(bob, id)).isEqualTo(content);
        assertThat(codeOf(() -> download(carol, id))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(messages(bob).listMessages(ListMessagesRequest.newBuilder().setRoomId(room).build())
                .getMessages(0).getAttachmentsList()).containsExactly(attachment);

        // the message is deleted: its attachment goes with it, for everyone
        attachments.deleteAttachmentsOf(message.getId(), List.of());
        assertThat(codeOf(() -> download(bob, id))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(codeOf(() -> download(alice, id))).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void aMessageDeletedInTheRunThatStoresItTakesItsAttachmentsWithIt() {
        User alice = newUser();
        User bob = newUser();
        String room = newRoom(alice, bob);
        byte[] content = bytes(1000);
        String id = uploaded(alice, room, content);
        Message message = claimedFor(alice, room, 1, id);
        RoomEvent deleted = RoomEvent.newBuilder().setEventId(Ids.newId()).setRoomId(room)
                .setMessageDeleted(MessageDeleted.newBuilder().setRoomId(room).setMessageId(message.getId())
                        .setSeq(message.getSeq()).setDeleteTime(message.getCreateTime()))
                .build();

        // one run, as the bus hands over a burst: the message and its deletion
        persister.handleAll(List.of(new EventBus.Event(room, messageCreated(message).toByteArray()),
                new EventBus.Event(room, deleted.toByteArray())));

        assertThat(codeOf(() -> download(bob, id))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(codeOf(() -> download(alice, id))).isEqualTo(Status.Code.NOT_FOUND);
        Message tombstone = messages(bob).listMessages(ListMessagesRequest.newBuilder().setRoomId(room).build())
                .getMessages(0);
        assertThat(tombstone.hasDeleteTime()).isTrue();
        assertThat(tombstone.getAttachmentsList()).isEmpty();
    }

    @Test
    void badUploadsAreRefusedWithTheirStatusAndChangeNothing() {
        User alice = newUser();
        User bob = newUser();
        String room = newRoom(alice);
        StartAttachmentUploadRequest valid = StartAttachmentUploadRequest.newBuilder().setRoomId(room)
                .setFileName("a.txt").setContentType("text/plain").setSizeBytes(10).build();

        assertThat(violatedFields(() -> messages(alice).startAttachmentUpload(StartAttachmentUploadRequest.newBuilder()
                .setRoomId("nope").setFileName("../etc/passwd").setContentType("text").setSizeBytes(0)
                .setWidth(10).build())))
                .containsExactlyInAnyOrder("room_id", "file_name", "content_type", "size_bytes", "height", "width");
        assertThat(violatedFields(() -> messages(alice).startAttachmentUpload(valid.toBuilder()
                .setWidth(100).setHeight(100).build()))).containsExactly("width");
        assertThat(violatedFields(() -> messages(alice).startAttachmentUpload(valid.toBuilder()
                .setContentType("image/png").setWidth(70_000).setHeight(100).build()))).containsExactly("width");
        assertThat(codeOf(() -> messages(alice).startAttachmentUpload(valid.toBuilder()
                .setSizeBytes(25L * MIB + 1).build()))).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(codeOf(() -> messages(bob).startAttachmentUpload(valid))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(codeOf(() -> anonymous().startAttachmentUpload(valid))).isEqualTo(Status.Code.UNAUTHENTICATED);

        String id = messages(alice).startAttachmentUpload(valid).getUploadId();
        assertThat(codeOf(() -> messages(alice).uploadAttachmentChunk(UploadAttachmentChunkRequest.newBuilder()
                .setUploadId(id).setData(ByteString.copyFrom(new byte[MIB + 1])).build())))
                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(violatedFields(() -> messages(alice).uploadAttachmentChunk(UploadAttachmentChunkRequest.newBuilder()
                .setUploadId(id).setData(ByteString.copyFrom(new byte[11])).build()))).containsExactly("data");
        assertThat(violatedFields(() -> messages(alice).uploadAttachmentChunk(UploadAttachmentChunkRequest.newBuilder()
                .setUploadId(id).setOffset(-1).build()))).containsExactlyInAnyOrder("offset", "data");
        assertThat(codeOf(() -> messages(bob).uploadAttachmentChunk(UploadAttachmentChunkRequest.newBuilder()
                .setUploadId(id).setData(ByteString.copyFromUtf8("x")).build()))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(codeOf(() -> messages(bob).getAttachmentUpload(GetAttachmentUploadRequest.newBuilder()
                .setUploadId(id).build()))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(violatedFields(() -> finish(alice, id, "xyz"))).containsExactly("sha256");
        assertThat(codeOf(() -> finish(alice, id, sha256(new byte[10])))).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(violatedFields(() -> download(alice, "not-an-id"))).containsExactly("attachment_id");

        assertThat(messages(alice).getAttachmentUpload(GetAttachmentUploadRequest.newBuilder().setUploadId(id).build())
                .getCommittedSize()).isZero();
    }

    @Test
    void aClaimNeedsFinishedUploadsOfTheCallerForTheRoom() {
        User alice = newUser();
        User bob = newUser();
        String room = newRoom(alice, bob);
        byte[] content = bytes(100);
        String id = messages(alice).startAttachmentUpload(StartAttachmentUploadRequest.newBuilder().setRoomId(room)
                .setFileName("a.bin").setContentType("application/octet-stream").setSizeBytes(100).build())
                .getUploadId();
        upload(alice, id, content, 0, 100);

        ClaimAttachmentsRequest claim = ClaimAttachmentsRequest.newBuilder().setRoomId(room).setClientId("c1")
                .addAttachmentIds(id).build();
        assertThat(violatedFields(() -> claims(alice).claimAttachments(claim))).containsExactly("attachment_ids[0]");
        finish(alice, id, sha256(content));
        assertThat(violatedFields(() -> claims(bob).claimAttachments(claim))).containsExactly("attachment_ids[0]");
        assertThat(violatedFields(() -> claims(alice).claimAttachments(claim.toBuilder().setRoomId(Ids.newId()).build())))
                .containsExactly("attachment_ids[0]");
        assertThat(violatedFields(() -> claims(alice).claimAttachments(claim.toBuilder().addAttachmentIds(id).build())))
                .containsExactly("attachment_ids");
        assertThat(claims(alice).claimAttachments(claim).getAttachmentsCount()).isEqualTo(1);
        assertThat(codeOf(() -> claims(alice).claimAttachments(claim.toBuilder().setClientId("c2").build())))
                .isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    /**
     * A reader that takes one message at a time, with pauses the server cannot see through: the
     * server's writes stop when the transport's window is full and go on from its onReady, and
     * the content arrives whole and in order.
     */
    @Test
    void aSlowReaderGetsTheWholeContentAsItAsksForIt() throws Exception {
        User alice = newUser();
        String room = newRoom(alice);
        byte[] content = bytes(3 * MIB + 7);
        String id = messages(alice).startAttachmentUpload(StartAttachmentUploadRequest.newBuilder().setRoomId(room)
                .setFileName("big.bin").setContentType("application/octet-stream").setSizeBytes(content.length)
                .build()).getUploadId();
        upload(alice, id, content, 0, content.length);
        finish(alice, id, sha256(content));

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicReference<ClientCallStreamObserver<DownloadAttachmentRequest>> call = new AtomicReference<>();
        AtomicInteger messagesSeen = new AtomicInteger();
        MessageServiceGrpc.newStub(channel)
                .withCallCredentials(BearerCallCredentials.of(alice.token()))
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .downloadAttachment(DownloadAttachmentRequest.newBuilder().setAttachmentId(id).build(),
                        new ClientResponseObserver<DownloadAttachmentRequest, DownloadAttachmentResponse>() {
                            @Override
                            public void beforeStart(ClientCallStreamObserver<DownloadAttachmentRequest> stream) {
                                stream.disableAutoRequestWithInitial(1);
                                call.set(stream);
                            }

                            @Override
                            public void onNext(DownloadAttachmentResponse part) {
                                messagesSeen.incrementAndGet();
                                received.writeBytes(part.getChunk().toByteArray());
                                // the next one only a moment later, from another thread
                                CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS)
                                        .execute(() -> call.get().request(1));
                            }

                            @Override
                            public void onError(Throwable t) {
                                done.completeExceptionally(t);
                            }

                            @Override
                            public void onCompleted() {
                                done.complete(null);
                            }
                        });
        done.get(60, TimeUnit.SECONDS);

        assertThat(received.toByteArray()).isEqualTo(content);
        // the metadata, then 256 KiB chunks
        assertThat(messagesSeen.get()).isEqualTo(1 + (content.length + AttachmentDownload.CHUNK_BYTES - 1)
                / AttachmentDownload.CHUNK_BYTES);
    }

    /**
     * The race a client meets: the send claimed the attachment and its message is live on the
     * streams, but not stored yet when a member asks for it. The download waits for the real
     * persister to store the message; a non-member, and a member asking for an unclaimed attachment,
     * are refused meanwhile.
     */
    @Test
    void aMembersDownloadAskedBeforeTheMessageIsStoredIsAnsweredOnceItIs() throws Exception {
        User alice = newUser();
        User bob = newUser();
        User carol = newUser();
        String room = newRoom(alice, bob);
        byte[] content = bytes(MIB + 4_321);
        String id = uploaded(alice, room, content);
        Message message = claimedFor(alice, room, 1, id);

        CompletableFuture<byte[]> bobs = downloadLater(bob, id, 60_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> attachments.waitingDownloads() > 0);
        assertThat(codeOf(() -> download(carol, id))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(codeOf(() -> download(bob, uploaded(alice, room, bytes(10))))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(bobs).as("still waiting for the message").isNotDone();

        publish(messageCreated(message));

        assertThat(bobs.get(60, TimeUnit.SECONDS)).isEqualTo(content);
        assertThat(download(bob, id)).isEqualTo(content);
    }

    @Test
    void aDownloadWhoseCallerGaveUpStopsWaiting() {
        User alice = newUser();
        User bob = newUser();
        String room = newRoom(alice, bob);
        String id = uploaded(alice, room, bytes(100));
        claimedFor(alice, room, 1, id);

        CompletableFuture<byte[]> bobs = downloadLater(bob, id, 300);

        assertThat(Status.fromThrowable(catchThrowable(bobs::join)).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        await().atMost(Duration.ofSeconds(30)).until(() -> attachments.waitingDownloads() == 0);
    }
}

package io.chatmesh.message.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.id.Ids;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link Attachments} does over every pair of adapters (metadata store, blob store, and the
 * message store they sit beside): a subclass per pair supplies them. Time is a clock the tests
 * move, so expiry is tested without waiting.
 */
public abstract class AttachmentsContract {

    static final AttachmentLimits LIMITS = new AttachmentLimits(10_000, 1_000, 3, Duration.ofHours(1));

    protected abstract AttachmentStore attachmentStore();

    protected abstract BlobStore blobStore();

    protected abstract MessageStore messageStore();

    /** A clock the tests move. */
    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-11-30T06:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovableClock clock = new MovableClock();
    private Attachments attachments;
    private String alice;
    private String bob;
    private String room;

    @BeforeEach
    void setUp() {
        // long enough that no wait of these tests ends by its bound unless it is meant to
        attachments = new Attachments(attachmentStore(), blobStore(), LIMITS, Duration.ofMinutes(10), clock);
        alice = Ids.newId();
        bob = Ids.newId();
        room = Ids.newId();
    }

    @AfterEach
    void closeAttachments() {
        if (attachments != null) { // null when a subclass skipped the test in setUp (no real MongoDB)
            attachments.close();
        }
    }

    @Test
    void anUploadInChunksIsResumedAfterAnInterruptedWriteAndDownloadedWhole() throws IOException {
        byte[] content = bytes(2_500);
        AttachmentUpload upload = attachments.start(alice, room, "notes.txt", "text/plain", content.length, 0, 0);
        assertThat(attachments.append(alice, upload.id(), 0, slice(content, 0, 1_000))).isEqualTo(1_000);
        // a write that reached the blob store but was never committed (a crash before the metadata moved)
        blobStore().write(upload.id(), 1_000, bytes(700));
        assertThat(attachments.status(alice, upload.id()).committedSize()).isEqualTo(1_000);

        assertThat(attachments.append(alice, upload.id(), 1_000, slice(content, 1_000, 2_000))).isEqualTo(2_000);
        assertThat(attachments.append(alice, upload.id(), 2_000, slice(content, 2_000, 2_500))).isEqualTo(2_500);
        AttachmentUpload finished = attachments.finish(alice, upload.id(), sha256(content));

        assertThat(finished.finished()).isTrue();
        assertThat(finished.attachment()).isEqualTo(
                new Attachment(upload.id(), "notes.txt", "text/plain", 2_500, sha256(content)));
        assertThat(read(attachments.download(alice, upload.id(), roomId -> false))).isEqualTo(content);
    }

    @Test
    void aChunkAtAnotherOffsetOrPastTheSizeIsRefusedAndChangesNothing() {
        AttachmentUpload upload = attachments.start(alice, room, "a.bin", "application/octet-stream", 1_500, 0, 0);
        attachments.append(alice, upload.id(), 0, bytes(1_000));

        assertThat(kindOf(() -> attachments.append(alice, upload.id(), 0, bytes(10))))
                .isEqualTo(ChatmeshException.Kind.FAILED_PRECONDITION);
        assertThat(kindOf(() -> attachments.append(alice, upload.id(), 1_200, bytes(10))))
                .isEqualTo(ChatmeshException.Kind.FAILED_PRECONDITION);
        assertThat(kindOf(() -> attachments.append(alice, upload.id(), 1_000, bytes(600))))
                .isEqualTo(ChatmeshException.Kind.INVALID_ARGUMENT);
        assertThat(kindOf(() -> attachments.append(alice, upload.id(), 1_000, bytes(1_001))))
                .isEqualTo(ChatmeshException.Kind.RESOURCE_EXHAUSTED);
        assertThat(kindOf(() -> attachments.append(bob, upload.id(), 1_000, bytes(10))))
                .isEqualTo(ChatmeshException.Kind.NOT_FOUND);
        assertThat(attachments.status(alice, upload.id()).committedSize()).isEqualTo(1_000);
    }

    @Test
    void aWrongHashOrMissingBytesLeaveTheUploadUnfinishedAndTheRightHashFinishesIt() {
        byte[] content = bytes(800);
        AttachmentUpload upload = attachments.start(alice, room, "a.bin", "application/octet-stream", 800, 0, 0);
        attachments.append(alice, upload.id(), 0, slice(content, 0, 400));
        assertThat(kindOf(() -> attachments.finish(alice, upload.id(), sha256(content))))
                .isEqualTo(ChatmeshException.Kind.FAILED_PRECONDITION);
        attachments.append(alice, upload.id(), 400, slice(content, 400, 800));

        assertThat(kindOf(() -> attachments.finish(alice, upload.id(), sha256(bytes(3)))))
                .isEqualTo(ChatmeshException.Kind.FAILED_PRECONDITION);
        assertThat(attachments.status(alice, upload.id()).finished()).isFalse();

        assertThat(attachments.finish(alice, upload.id(), sha256(content).toUpperCase()).sha256()).isEqualTo(sha256(content));
        // finishing again is answered with the same attachment
        assertThat(attachments.finish(alice, upload.id(), sha256(content)).sha256()).isEqualTo(sha256(content));
    }

    @Test
    void sizeAndOpenUploadLimitsAreResourceExhausted() {
        assertThat(kindOf(() -> attachments.start(alice, room, "big", "a/b", LIMITS.maxSizeBytes() + 1, 0, 0)))
                .isEqualTo(ChatmeshException.Kind.RESOURCE_EXHAUSTED);
        for (int i = 0; i < LIMITS.maxOpenUploads(); i++) {
            attachments.start(alice, room, "f" + i, "a/b", 10, 0, 0);
        }
        assertThat(kindOf(() -> attachments.start(alice, room, "one more", "a/b", 10, 0, 0)))
                .isEqualTo(ChatmeshException.Kind.RESOURCE_EXHAUSTED);
        // another user is not limited by alice's uploads
        attachments.start(bob, room, "f", "a/b", 10, 0, 0);
    }

    @Test
    void imageDimensionsAreKept() {
        byte[] content = bytes(100);
        AttachmentUpload upload = attachments.start(alice, room, "cat.png", "image/png", 100, 640, 480);
        attachments.append(alice, upload.id(), 0, content);
        Attachment attachment = attachments.finish(alice, upload.id(), sha256(content)).attachment();
        assertThat(attachment.width()).isEqualTo(640);
        assertThat(attachment.height()).isEqualTo(480);
    }

    @Test
    void aClaimBindsAttachmentsToOneSendAllOrNothing() {
        String first = finished(alice, room, bytes(10));
        String second = finished(alice, room, bytes(20));
        String otherRoom = finished(alice, Ids.newId(), bytes(30));
        String bobs = finished(bob, room, bytes(40));
        String unfinished = attachments.start(alice, room, "u", "a/b", 5, 0, 0).id();

        assertThat(attachments.claim(alice, room, "send-1", List.of(second, first)))
                .extracting(Attachment::id).containsExactly(second, first);
        // the same send again (a retry) gets the same answer
        assertThat(attachments.claim(alice, room, "send-1", List.of(second, first))).hasSize(2);
        assertThat(kindOf(() -> attachments.claim(alice, room, "send-2", List.of(first))))
                .isEqualTo(ChatmeshException.Kind.FAILED_PRECONDITION);
        for (String refused : List.of(otherRoom, bobs, unfinished, Ids.newId())) {
            ChatmeshException e = catchThrowableOfType(ChatmeshException.class,
                    () -> attachments.claim(alice, room, "send-3", List.of(refused)));
            assertThat(e.kind()).isEqualTo(ChatmeshException.Kind.INVALID_ARGUMENT);
            assertThat(e.violations()).extracting(ChatmeshException.Violation::field).containsExactly("attachment_ids[0]");
        }

        // all or nothing: a send naming a free attachment and a taken one claims neither
        String free = finished(alice, room, bytes(50));
        assertThat(kindOf(() -> attachments.claim(alice, room, "send-4", List.of(free, first))))
                .isEqualTo(ChatmeshException.Kind.FAILED_PRECONDITION);
        assertThat(attachments.claim(alice, room, "send-5", List.of(free))).hasSize(1);
    }

    @Test
    void othersDownloadOnlyPostedAttachmentsOfRoomsTheyAreIn() throws IOException {
        byte[] content = bytes(300);
        String id = finished(alice, room, content);
        assertThat(kindOf(() -> attachments.download(bob, id, roomId -> true))).isEqualTo(ChatmeshException.Kind.NOT_FOUND);

        attachments.claim(alice, room, "send-1", List.of(id));
        Message message = post(id, content);

        assertThat(read(attachments.download(bob, id, room::equals))).isEqualTo(content);
        assertThat(kindOf(() -> attachments.download(bob, id, roomId -> false))).isEqualTo(ChatmeshException.Kind.NOT_FOUND);
        assertThat(kindOf(() -> attachments.download(bob, Ids.newId(), roomId -> true)))
                .isEqualTo(ChatmeshException.Kind.NOT_FOUND);

        assertThat(attachments.deleteAttachmentsOf(message.id(), List.of())).isEqualTo(1);
        assertThat(kindOf(() -> attachments.download(bob, id, room::equals))).isEqualTo(ChatmeshException.Kind.NOT_FOUND);
        assertThat(kindOf(() -> attachments.download(alice, id, room::equals))).isEqualTo(ChatmeshException.Kind.NOT_FOUND);
        assertThat(attachmentStore().find(id)).isEmpty();
        assertThat(catchThrowableOfType(RuntimeException.class, () -> blobStore().open(id).close())).isNotNull();
    }

    @Test
    void aMembersDownloadOfAClaimedAttachmentWaitsUntilItsMessageIsStored() throws IOException {
        byte[] content = bytes(400);
        String id = finished(alice, room, content);
        attachments.claim(alice, room, "send-1", List.of(id));

        // the message is on its way: live on the streams, not stored yet
        CompletableFuture<Attachments.Download> download = attachments.download(bob, id, room::equals);
        assertThat(download).isNotDone();
        assertThat(attachments.waitingDownloads()).isEqualTo(1);

        Message message = post(id, content);

        assertThat(read(download)).isEqualTo(content);
        assertThat(attachments.waitingDownloads()).isZero();
        assertThat(attachmentStore().postedAmong(List.of(id, finished(alice, room, bytes(5)), Ids.newId())))
                .containsExactly(id);
        messageStore().applyChanges(List.of(new MessageChange.Deleted(room, message.id(), clock.now)));
        assertThat(attachmentStore().postedAmong(List.of(id))).isEmpty();
    }

    @Test
    void onlyMembersWaitForAClaimedAttachmentAndNobodyForAnUnclaimedOne() {
        String claimed = finished(alice, room, bytes(10));
        attachments.claim(alice, room, "send-1", List.of(claimed));
        String unclaimed = finished(alice, room, bytes(20));
        String unfinished = attachments.start(alice, room, "u", "a/b", 5, 0, 0).id();

        // refused at once (the call throws rather than waiting), whatever the posting wait
        assertThat(kindOf(() -> attachments.download(bob, claimed, roomId -> false)))
                .isEqualTo(ChatmeshException.Kind.NOT_FOUND);
        assertThat(kindOf(() -> attachments.download(bob, unclaimed, room::equals)))
                .isEqualTo(ChatmeshException.Kind.NOT_FOUND);
        assertThat(kindOf(() -> attachments.download(bob, unfinished, room::equals)))
                .isEqualTo(ChatmeshException.Kind.NOT_FOUND);
        assertThat(attachments.waitingDownloads()).isZero();
    }

    @Test
    void aClaimedAttachmentWhoseMessageIsNeverStoredIsNotFoundOnceTheWaitIsOver() {
        String id = finished(alice, room, bytes(10));
        attachments.claim(alice, room, "send-1", List.of(id));
        try (Attachments shortWait = new Attachments(attachmentStore(), blobStore(), LIMITS, Duration.ofMillis(100),
                clock)) {
            CompletableFuture<Attachments.Download> download = shortWait.download(bob, id, room::equals);

            Throwable failure = catchThrowable(download::join);
            assertThat(failure).isInstanceOf(CompletionException.class);
            assertThat(failure.getCause()).isInstanceOfSatisfying(ChatmeshException.class,
                    e -> assertThat(e.kind()).isEqualTo(ChatmeshException.Kind.NOT_FOUND));
            assertThat(shortWait.waitingDownloads()).isZero();
        }
        try (Attachments noWait = new Attachments(attachmentStore(), blobStore(), LIMITS, Duration.ZERO, clock)) {
            assertThat(noWait.download(bob, id, room::equals)).isCompletedExceptionally();
        }
    }

    @Test
    void aCancelledDownloadStopsWaiting() {
        String id = finished(alice, room, bytes(10));
        attachments.claim(alice, room, "send-1", List.of(id));
        CompletableFuture<Attachments.Download> download = attachments.download(bob, id, room::equals);
        assertThat(attachments.waitingDownloads()).isEqualTo(1);

        download.cancel(false);

        await().atMost(Duration.ofSeconds(30)).until(() -> attachments.waitingDownloads() == 0);
    }

    @Test
    void expiredUploadsAndUnpostedAttachmentsAreSweptWithTheirContentButClaimedOnesStay() {
        String unfinished = attachments.start(alice, room, "u", "a/b", 50, 0, 0).id();
        attachments.append(alice, unfinished, 0, bytes(20));
        String unposted = finished(alice, room, bytes(30));
        String claimed = finished(alice, room, bytes(40));
        attachments.claim(alice, room, "send-1", List.of(claimed));

        clock.now = clock.now.plus(LIMITS.uploadTtl()).plusSeconds(1);
        assertThat(kindOf(() -> attachments.append(alice, unfinished, 20, bytes(5))))
                .isEqualTo(ChatmeshException.Kind.NOT_FOUND);
        attachments.sweepExpired();

        assertThat(attachmentStore().find(unfinished)).isEmpty();
        assertThat(attachmentStore().find(unposted)).isEmpty();
        assertThat(catchThrowableOfType(RuntimeException.class, () -> blobStore().open(unposted).close())).isNotNull();
        assertThat(attachmentStore().find(claimed)).isPresent();
        // an expired upload no longer counts against the user's open uploads
        assertThat(attachmentStore().countOpenUploads(alice, clock.now)).isZero();
    }

    private Message post(String attachmentId, byte[] content) {
        Message message = Message.created(Ids.newId(), room, 1, alice, "send-1", "", null, null,
                List.of(new Attachment(attachmentId, "f", "a/b", content.length, sha256(content))), clock.now);
        messageStore().insert(message);
        return message;
    }

    private String finished(String uploader, String roomId, byte[] content) {
        AttachmentUpload upload = attachments.start(uploader, roomId, "f", "a/b", content.length, 0, 0);
        attachments.append(uploader, upload.id(), 0, content);
        return attachments.finish(uploader, upload.id(), sha256(content)).id();
    }

    private static byte[] read(CompletableFuture<Attachments.Download> download) throws IOException {
        try (InputStream in = download.join().content().open()) {
            return in.readAllBytes();
        }
    }

    private static ChatmeshException.Kind kindOf(Runnable call) {
        ChatmeshException e = catchThrowableOfType(ChatmeshException.class, call::run);
        assertThat(e).as("the call should fail").isNotNull();
        return e.kind();
    }

    static byte[] bytes(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    private static byte[] slice(byte[] data, int from, int to) {
        return Arrays.copyOfRange(data, from, to);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}

package io.chatmesh.message.domain;

import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.id.Ids;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads and attachments (docs/attachments.md): resumable uploads checked by size and SHA-256,
 * claims by the sends that post them, downloads, and removal (expired uploads, deleted
 * messages). Metadata in an {@link AttachmentStore}, content in a {@link BlobStore}; every
 * refusal happens before anything changes.
 *
 * <p>An upload or attachment the caller may not see is NOT_FOUND, exactly like one that does
 * not exist, so ids reveal nothing.
 *
 * <p>Owns a thread that checks on downloads waiting for their message to be stored
 * ({@link #download}); {@link #close} stops it.
 */
public final class Attachments implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Attachments.class);
    /** Expired uploads removed per store query of the sweep. */
    private static final int SWEEP_BATCH = 100;

    /** What to stream for a download: the attachment, and its content when asked for. */
    public record Download(Attachment attachment, BlobOpener content) {}

    /** Opens the content when the stream starts. */
    @FunctionalInterface
    public interface BlobOpener {
        InputStream open();
    }

    private final AttachmentStore store;
    private final BlobStore blobs;
    private final AttachmentLimits limits;
    private final PostingWaits postingWaits;
    private final Clock clock;
    private final Object[] locks = new Object[64];

    /**
     * @param postingWait how long a download of a claimed attachment waits for the message that
     *        posts it to be stored (zero: it does not wait)
     */
    public Attachments(AttachmentStore store, BlobStore blobs, AttachmentLimits limits, Duration postingWait,
            Clock clock) {
        this.store = store;
        this.blobs = blobs;
        this.limits = limits;
        this.postingWaits = new PostingWaits(store, postingWait);
        this.clock = clock;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    public AttachmentLimits limits() {
        return limits;
    }

    /**
     * Starts an upload for a room the caller is a member of (checked by the caller of this).
     *
     * @throws ChatmeshException RESOURCE_EXHAUSTED over the size limit (on size_bytes) or when
     *         the user has too many unfinished uploads
     */
    public AttachmentUpload start(String uploaderId, String roomId, String fileName, String contentType,
            long sizeBytes, int width, int height) {
        if (sizeBytes > limits.maxSizeBytes()) {
            throw tooLarge("size_bytes", "must be at most " + limits.maxSizeBytes() + " bytes");
        }
        Instant now = now();
        if (store.countOpenUploads(uploaderId, now) >= limits.maxOpenUploads()) {
            throw ChatmeshException.limitReached("at most " + limits.maxOpenUploads() + " unfinished uploads per user");
        }
        AttachmentUpload upload = new AttachmentUpload(Ids.newId(), uploaderId, roomId, fileName, contentType,
                sizeBytes, width, height, 0, null, null, now, now.plus(limits.uploadTtl()));
        store.create(upload);
        return upload;
    }

    /**
     * Appends a chunk at {@code offset}, which must be the committed size.
     *
     * @return the committed size afterwards
     * @throws ChatmeshException NOT_FOUND (not the caller's, expired, unknown), FAILED_PRECONDITION
     *         (finished, or offset is not the committed size), RESOURCE_EXHAUSTED (chunk over the
     *         limit), INVALID_ARGUMENT (the chunk passes the declared size)
     */
    public long append(String uploaderId, String uploadId, long offset, byte[] data) {
        if (data.length > limits.maxChunkBytes()) {
            throw tooLarge("data", "must be at most " + limits.maxChunkBytes() + " bytes");
        }
        synchronized (lockOf(uploadId)) {
            AttachmentUpload upload = own(uploaderId, uploadId);
            if (upload.finished()) {
                throw ChatmeshException.failedPrecondition("upload " + uploadId + " is finished");
            }
            if (offset != upload.committedSize()) {
                throw ChatmeshException.failedPrecondition(
                        "offset " + offset + " is not the committed size " + upload.committedSize());
            }
            if (offset + data.length > upload.sizeBytes()) {
                throw ChatmeshException.invalid("data", "passes the declared size_bytes " + upload.sizeBytes());
            }
            blobs.write(uploadId, offset, data);
            long committed = offset + data.length;
            if (!store.advance(uploadId, offset, committed, now().plus(limits.uploadTtl()))) {
                // another instance appended at the same offset meanwhile; its chunk counts
                throw ChatmeshException.failedPrecondition("upload " + uploadId + " moved on meanwhile");
            }
            return committed;
        }
    }

    /** The caller's upload as it stands (NOT_FOUND as for {@link #append}). */
    public AttachmentUpload status(String uploaderId, String uploadId) {
        return own(uploaderId, uploadId);
    }

    /**
     * Finishes a fully committed upload whose content has this SHA-256 (hex, any case). Finishing
     * a finished upload again with its hash returns it again.
     *
     * @throws ChatmeshException FAILED_PRECONDITION when bytes are missing or the hash differs
     *         (the upload stays as it was), NOT_FOUND as for {@link #append}
     */
    public AttachmentUpload finish(String uploaderId, String uploadId, String sha256) {
        String expected = sha256.toLowerCase(Locale.ROOT);
        synchronized (lockOf(uploadId)) {
            AttachmentUpload upload = own(uploaderId, uploadId);
            if (upload.finished()) {
                if (!upload.sha256().equals(expected)) {
                    throw ChatmeshException.failedPrecondition("upload " + uploadId + " is finished with another hash");
                }
                return upload;
            }
            if (upload.committedSize() != upload.sizeBytes()) {
                throw ChatmeshException.failedPrecondition("upload " + uploadId + " has " + upload.committedSize()
                        + " of " + upload.sizeBytes() + " bytes");
            }
            if (!blobs.sha256(uploadId, upload.sizeBytes()).equals(expected)) {
                throw ChatmeshException.failedPrecondition("the content's SHA-256 differs from sha256");
            }
            blobs.seal(uploadId, upload.sizeBytes());
            Instant expireTime = now().plus(limits.uploadTtl());
            if (!store.finish(uploadId, expected, expireTime)) {
                throw ChatmeshException.failedPrecondition("upload " + uploadId + " was finished meanwhile");
            }
            return own(uploaderId, uploadId);
        }
    }

    /**
     * Claims the attachments for the send with {@code clientId} (ClaimAttachments): all of them or
     * none.
     *
     * @return the attachments in the given order
     * @throws ChatmeshException INVALID_ARGUMENT on {@code attachment_ids[i]} for an id that is not
     *         a finished attachment of the caller for this room; FAILED_PRECONDITION when another
     *         send claimed one
     */
    public List<Attachment> claim(String uploaderId, String roomId, String clientId, List<String> attachmentIds) {
        List<AttachmentUpload> uploads = new ArrayList<>();
        for (int i = 0; i < attachmentIds.size(); i++) {
            Optional<AttachmentUpload> upload = store.find(attachmentIds.get(i))
                    .filter(u -> u.uploaderId().equals(uploaderId) && u.roomId().equals(roomId) && u.finished()
                            && !expired(u));
            if (upload.isEmpty()) {
                throw ChatmeshException.invalid("attachment_ids[" + i + "]",
                        "is not a finished upload of the caller for this room");
            }
            uploads.add(upload.get());
        }
        List<String> claimed = new ArrayList<>();
        for (AttachmentUpload upload : uploads) {
            boolean wasMine = clientId.equals(upload.claimClientId());
            if (!store.claim(upload.id(), clientId)) {
                Instant expireTime = now().plus(limits.uploadTtl());
                claimed.forEach(id -> store.release(id, clientId, expireTime));
                throw ChatmeshException.failedPrecondition("attachment " + upload.id() + " is posted in another message");
            }
            if (!wasMine) {
                claimed.add(upload.id());
            }
        }
        return uploads.stream().map(AttachmentUpload::attachment).toList();
    }

    /**
     * An attachment to download: its uploader may, and members of its room once a message that is
     * not deleted carries it ({@code memberOfRoom} is asked only then, or while it is on its way).
     *
     * <p>A send claims its attachments before its message is published, and the message reaches
     * the members' streams a moment before it is stored here. So a member asking for a claimed
     * attachment that no stored message carries yet waits (holding no thread) until one does, for
     * at most the posting wait, and gets NOT_FOUND after it; membership is asked before the wait.
     * Everything else is answered at once: the future is complete, or this throws.
     *
     * @return the download; cancelling the future ends a wait
     * @throws ChatmeshException NOT_FOUND for everyone else, as for an unknown id
     */
    public CompletableFuture<Download> download(String callerId, String attachmentId, Predicate<String> memberOfRoom) {
        AttachmentUpload upload = store.find(attachmentId).filter(AttachmentUpload::finished)
                .orElseThrow(() -> notFound(attachmentId));
        Download download = new Download(upload.attachment(), () -> blobs.open(attachmentId));
        if (upload.uploaderId().equals(callerId)) {
            if (expired(upload)) {
                throw notFound(attachmentId);
            }
            return CompletableFuture.completedFuture(download);
        }
        boolean posted = store.postedAmong(List.of(attachmentId)).contains(attachmentId);
        boolean onItsWay = !posted && upload.claimClientId() != null;
        if (!(posted || onItsWay) || !memberOfRoom.test(upload.roomId())) {
            throw notFound(attachmentId);
        }
        return posted ? CompletableFuture.completedFuture(download) : postingWaits.await(attachmentId, download);
    }

    /** Downloads waiting for their attachment's message to be stored. */
    public int waitingDownloads() {
        return postingWaits.waiting();
    }

    /** Stops waiting: downloads still waiting end UNAVAILABLE. */
    @Override
    public void close() {
        postingWaits.close();
    }

    /**
     * Removes the attachments of a deleted message, content and metadata: the hook for
     * DeleteMessage. Call it before the message's attachment references are removed from the
     * store, or pass their ids in {@code alsoIds} (the message as it was); either is enough, both
     * are fine. Repeating it is harmless.
     *
     * @return how many attachments were removed
     */
    public int deleteAttachmentsOf(String messageId, Collection<String> alsoIds) {
        Set<String> ids = new LinkedHashSet<>(store.attachmentIdsOf(messageId));
        ids.addAll(alsoIds);
        ids.forEach(this::remove);
        return ids.size();
    }

    /** Removes uploads and unposted attachments whose time ran out; returns how many. */
    public int sweepExpired() {
        int removed = 0;
        List<String> batch;
        do {
            batch = store.expired(now(), SWEEP_BATCH);
            batch.forEach(this::remove);
            removed += batch.size();
        } while (batch.size() == SWEEP_BATCH);
        if (removed > 0) {
            log.info("removed {} expired uploads", removed);
        }
        return removed;
    }

    private void remove(String id) {
        synchronized (lockOf(id)) {
            // metadata first: once it is gone nobody can reach the content, whatever happens next
            store.delete(id);
            blobs.delete(id);
        }
    }

    private AttachmentUpload own(String uploaderId, String uploadId) {
        return store.find(uploadId)
                .filter(u -> u.uploaderId().equals(uploaderId) && !expired(u))
                .orElseThrow(() -> notFound(uploadId));
    }

    private boolean expired(AttachmentUpload upload) {
        return upload.expireTime() != null && !upload.expireTime().isAfter(now());
    }

    private Object lockOf(String id) {
        return locks[Math.floorMod(id.hashCode(), locks.length)];
    }

    private static ChatmeshException notFound(String id) {
        return ChatmeshException.notFound("attachment " + id);
    }

    /** RESOURCE_EXHAUSTED naming the field over its limit. */
    private static ChatmeshException tooLarge(String field, String description) {
        return new ChatmeshException(ChatmeshException.Kind.RESOURCE_EXHAUSTED, ChatmeshException.Reason.TOO_LARGE,
                field + ": " + description, List.of(new ChatmeshException.Violation(field, description)));
    }

    /** Milliseconds: what every store keeps. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}

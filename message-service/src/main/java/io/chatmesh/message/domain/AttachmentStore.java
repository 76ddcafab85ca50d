package io.chatmesh.message.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Port: uploads and attachments' metadata (their content is in a {@link BlobStore}). Beside the
 * {@link MessageStore} in the same database; it reads the message store's attachment references
 * to tell whether an attachment was posted. Every change is conditional on the state it
 * expects, so two instances racing on one upload cannot both win.
 */
public interface AttachmentStore {

    void create(AttachmentUpload upload);

    Optional<AttachmentUpload> find(String id);

    /** Unfinished uploads of the user not expired at {@code now}. */
    long countOpenUploads(String uploaderId, Instant now);

    /**
     * Moves an unfinished upload's committed size from {@code fromSize} to {@code toSize}.
     *
     * @return false when it was not at {@code fromSize} (or is finished or gone): nothing changed
     */
    boolean advance(String id, long fromSize, long toSize, Instant expireTime);

    /**
     * Marks a fully committed, unfinished upload finished with this hash.
     *
     * @return false when it was finished meanwhile (or is gone): nothing changed
     */
    boolean finish(String id, String sha256, Instant expireTime);

    /**
     * Claims a finished attachment for the send with {@code clientId}: succeeds when it is
     * unclaimed or already claimed by that client_id, and clears its expiry.
     *
     * @return false when another client_id holds it (or it is gone)
     */
    boolean claim(String id, String clientId);

    /** Undoes {@link #claim} of a claim this client_id made (the rest of its send's claims failed). */
    void release(String id, String clientId, Instant expireTime);

    /** Which of these attachments a stored message that is not deleted carries. */
    Set<String> postedAmong(Collection<String> ids);

    /** Ids of the attachments the message carries (as stored with the message). */
    List<String> attachmentIdsOf(String messageId);

    /** Up to {@code limit} ids of uploads and attachments that expired before {@code now}. */
    List<String> expired(Instant now, int limit);

    /** Removes the metadata; a missing id is fine. */
    void delete(String id);
}

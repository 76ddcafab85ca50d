package io.chatmesh.message.domain;

import java.io.InputStream;

/**
 * Port: attachments' content, by attachment id. An upload's content is written in pieces at
 * increasing offsets, then sealed; only sealed content is read back for downloads. Callers
 * serialize writes to one blob; the metadata in the {@link AttachmentStore} says how much of it
 * counts (bytes past the committed size are leftovers of an interrupted write, overwritten by
 * the next one).
 */
public interface BlobStore {

    /** Stores {@code data} at {@code offset} of an unsealed blob, dropping whatever was stored from there on. */
    void write(String id, long offset, byte[] data);

    /** Hex SHA-256 of the unsealed blob's first {@code size} bytes. */
    String sha256(String id, long size);

    /** Makes the unsealed blob's first {@code size} bytes the blob's content, readable by {@link #open}. */
    void seal(String id, long size);

    /** The sealed content; the caller closes the stream. */
    InputStream open(String id);

    /** Removes the blob, sealed or not; a missing one is fine. */
    void delete(String id);
}

package io.chatmesh.message.domain;

/** Which way a page of a room goes from its cursor. */
public enum PageDirection {
    /** Older to newer: seqs above the cursor, ascending. */
    FORWARD,
    /** Newer to older: seqs below the cursor, descending. */
    BACKWARD;

    /**
     * The exclusive seq bound a page in this direction starts from, for every store: the cursor
     * itself, except that cursor 0 (the edge of the room) starts a BACKWARD page above every seq,
     * at the newest message.
     */
    public long exclusiveBound(long fromSeq) {
        return this == BACKWARD && fromSeq == 0 ? Long.MAX_VALUE : fromSeq;
    }
}

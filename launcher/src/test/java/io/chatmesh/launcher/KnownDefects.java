package io.chatmesh.launcher;

import io.grpc.Status;

/**
 * Server defects the fuzz suite found. Each is asserted by a test of its own in
 * {@link StreamFuzzTest} (disabled until fixed, its reason naming what fails); the fuzz runs
 * count them instead of failing again (see {@link FuzzTally#knownDefect}).
 */
final class KnownDefects {

    /**
     * A frame over the size limit on a stream whose response headers were already sent (chat
     * after Ready or any StreamError, signaling after Joined) ends it with CANCELLED ("RST_STREAM
     * closed stream. HTTP/2 error code: CANCEL"), not the documented RESOURCE_EXHAUSTED: grpc-java
     * resets such a stream instead of sending trailers. Through the edge and on the service ports.
     */
    static final String OVERSIZED_ENDS_CANCELLED = "oversized frame ends the stream with CANCELLED";

    /**
     * A frame over the edge's own limit (8 MiB) sometimes makes the edge drop the whole HTTP/2
     * connection: the sender's stream ends UNAVAILABLE ("Connection reset by peer"), not
     * RESOURCE_EXHAUSTED, and its other calls on that connection end too, INTERNAL ("Connection
     * closed after GOAWAY. HTTP/2 error code: INTERNAL_ERROR, debug data: Stream 5 in unexpected
     * state HALF_CLOSED_LOCAL") or UNAVAILABLE. A race: some attempts in ten. Other connections
     * are not affected; the services' own ports (no relay) answer RESOURCE_EXHAUSTED.
     */
    static final String OVERSIZED_AT_EDGE_ENDS_UNAVAILABLE = "oversized frame at the edge ends the stream with UNAVAILABLE";

    /**
     * A well-formed request carrying field number 536870911 as a varint (which no chatmesh
     * message defines, so a receiver must ignore it) ends the call: platform's MalformedRequests
     * takes it for its own mark of an unparseable request. INVALID_ARGUMENT, or RESOURCE_EXHAUSTED
     * for the value 8. On the chat stream this ends the session, where only a frame should be refused.
     */
    static final String UNKNOWN_FIELD_ENDS_THE_CALL = "unknown field 536870911 ends the call";

    private KnownDefects() {}

    /** Counts the end of a fuzzer's stream right after {@code cause} if it is one of these defects; false if not. */
    static boolean counted(FuzzTally tally, FuzzEvent cause, Status.Code end) {
        String defect = null;
        if (cause.oversized() && end == Status.Code.CANCELLED) {
            defect = OVERSIZED_ENDS_CANCELLED;
        } else if (cause.oversized() && end == Status.Code.UNAVAILABLE) {
            defect = OVERSIZED_AT_EDGE_ENDS_UNAVAILABLE;
        } else if (FuzzValues.hasMalformedMark(cause)
                && (end == Status.Code.INVALID_ARGUMENT || end == Status.Code.RESOURCE_EXHAUSTED)) {
            defect = UNKNOWN_FIELD_ENDS_THE_CALL;
        }
        if (defect != null) {
            tally.knownDefect(defect, cause.input());
        }
        return defect != null;
    }
}

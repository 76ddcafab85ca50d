package io.chatmesh.launcher;

import java.util.HexFormat;

/**
 * One frame a fuzzer sends, with what the checks need to know about it.
 *
 * @param kind what it is (event case, "garbage", "oversized", "oversized-edge", ...), for the tally
 * @param frame the bytes on the wire
 * @param clientId its client_id ("" when none or unparseable)
 * @param answered whether exactly one Ack or StreamError must name its client_id
 * @param mustBeRefused whether a field breaks a documented rule (or the target is not the
 *        fuzzer's), so that an Ack for it is a defect
 * @param description the input in words, for failure messages
 */
record FuzzEvent(String kind, byte[] frame, String clientId, boolean answered, boolean mustBeRefused,
        String description) {

    /** Frames up to this size are shown in full (hex) in failure messages. */
    private static final int SHOWN_BYTES = 160;

    /** Over a size limit: the service's ("oversized") or the edge's own ("oversized-edge"). */
    boolean oversized() {
        return kind.startsWith("oversized");
    }

    /** The description plus the frame itself when short, else its size. */
    String input() {
        return description + (frame.length <= SHOWN_BYTES ? " [frame " + HexFormat.of().formatHex(frame) + "]"
                : " [" + frame.length + " bytes]");
    }
}

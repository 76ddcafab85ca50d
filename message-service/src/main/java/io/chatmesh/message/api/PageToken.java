package io.chatmesh.message.api;

import io.chatmesh.message.domain.PageDirection;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * ListMessages' and ListThread's opaque page token: the direction (always FORWARD for a
 * thread) and the exclusive cursor (a seq) the next page starts from. Clients must not parse
 * it; the format may change.
 */
record PageToken(PageDirection direction, long cursor) {

    private static final Pattern FORMAT = Pattern.compile("([FB]):([1-9][0-9]{0,18})");

    String encode() {
        return OpaqueTokens.encode((direction == PageDirection.FORWARD ? "F" : "B") + ":" + cursor);
    }

    /** Empty when the token was not made by {@link #encode()}. */
    static Optional<PageToken> decode(String token) {
        return OpaqueTokens.decode(token, FORMAT).flatMap(matcher -> {
            try {
                long cursor = Long.parseLong(matcher.group(2));
                return Optional.of(new PageToken(
                        matcher.group(1).equals("F") ? PageDirection.FORWARD : PageDirection.BACKWARD, cursor));
            } catch (NumberFormatException tooLarge) {
                return Optional.empty();
            }
        });
    }
}

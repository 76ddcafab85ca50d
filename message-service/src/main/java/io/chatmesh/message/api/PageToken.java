package io.chatmesh.message.api;

import io.chatmesh.message.domain.PageDirection;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ListMessages' opaque page token: the direction and the exclusive cursor (a seq) the next
 * page starts from. Clients must not parse it; the format may change.
 */
record PageToken(PageDirection direction, long cursor) {

    private static final Pattern FORMAT = Pattern.compile("([FB]):([1-9][0-9]{0,18})");

    String encode() {
        String plain = (direction == PageDirection.FORWARD ? "F" : "B") + ":" + cursor;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    /** Empty when the token was not made by {@link #encode()}. */
    static Optional<PageToken> decode(String token) {
        String plain;
        try {
            plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        Matcher matcher = FORMAT.matcher(plain);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            long cursor = Long.parseLong(matcher.group(2));
            return Optional.of(new PageToken(
                    matcher.group(1).equals("F") ? PageDirection.FORWARD : PageDirection.BACKWARD, cursor));
        } catch (NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }
}

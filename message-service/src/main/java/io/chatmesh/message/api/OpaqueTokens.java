package io.chatmesh.message.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Page tokens as clients see them: URL-safe base64 of a short ASCII text only the service parses. */
final class OpaqueTokens {

    private OpaqueTokens() {}

    static String encode(String plain) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    /** The token's text matched against {@code format}; empty when it is not base64 or does not match. */
    static Optional<Matcher> decode(String token, Pattern format) {
        String plain;
        try {
            plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        Matcher matcher = format.matcher(plain);
        return matcher.matches() ? Optional.of(matcher) : Optional.empty();
    }
}

package io.chatmesh.user.domain;

import io.chatmesh.platform.error.ChatmeshException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * SearchUsers cursors: the last username of a page, bound to the query that produced it
 * (a short hash), base64url-encoded. Opaque to clients; a token that was not made by us for
 * the same query is INVALID_ARGUMENT.
 */
final class SearchPageToken {

    private static final String VERSION = "1";
    private static final String FIELD = "page_token";

    private SearchPageToken() {}

    static String encode(String query, String lastUsername) {
        String plain = VERSION + ":" + queryHash(query) + ":" + lastUsername;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** @return the username to continue after */
    static String decode(String query, String token) {
        String plain;
        try {
            plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ChatmeshException.invalid(FIELD, "is not a page token");
        }
        String[] parts = plain.split(":", 3);
        if (parts.length != 3 || !VERSION.equals(parts[0]) || !UserRules.USERNAME.matcher(parts[2]).matches()
                || !parts[2].equals(UserRules.normalizeUsername(parts[2]))) {
            throw ChatmeshException.invalid(FIELD, "is not a page token");
        }
        if (!parts[1].equals(queryHash(query))) {
            throw ChatmeshException.invalid(FIELD, "belongs to another query");
        }
        return parts[2];
    }

    /** Matching ignores case, so does the binding of a token to its query. */
    private static String queryHash(String query) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(query.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}

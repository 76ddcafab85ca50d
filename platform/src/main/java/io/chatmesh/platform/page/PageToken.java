package io.chatmesh.platform.page;

import io.chatmesh.platform.error.ChatmeshException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Opaque keyset cursors: the position of the last item of a page, tagged with the list it
 * belongs to, base64url-encoded. Clients must not parse them; a token of another list or a
 * mangled one is INVALID_ARGUMENT on {@code page_token}.
 */
public final class PageToken {

    private static final String FIELD = "page_token";
    private static final int MAX_LENGTH = 1024;
    private static final char SEPARATOR = '\n';

    private PageToken() {}

    /** Encodes the position; only the last part may contain the separator (ids and numbers never do). */
    public static String encode(String list, String... parts) {
        StringBuilder text = new StringBuilder(list);
        for (String part : parts) {
            text.append(SEPARATOR).append(part);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The parts of a token of {@code list}, or null when the token is empty (first page). */
    public static List<String> decode(String token, String list, int partCount) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        if (token.length() > MAX_LENGTH) {
            throw ChatmeshException.invalid(FIELD, "is not a valid page token");
        }
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ChatmeshException.invalid(FIELD, "is not a valid page token");
        }
        String[] split = text.split(String.valueOf(SEPARATOR), partCount + 1);
        if (split.length != partCount + 1 || !split[0].equals(list)) {
            throw ChatmeshException.invalid(FIELD, "is not a valid page token");
        }
        return new ArrayList<>(List.of(split).subList(1, split.length));
    }

    public static long parseLong(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ChatmeshException.invalid(FIELD, "is not a valid page token");
        }
    }
}

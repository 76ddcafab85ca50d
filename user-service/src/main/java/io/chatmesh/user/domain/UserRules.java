package io.chatmesh.user.domain;

import java.util.Locale;
import java.util.regex.Pattern;

/** The shape of account fields (see chatmesh.user.v1.SignUpRequest), shared by api validation and the domain. */
public final class UserRules {

    public static final int USERNAME_MIN = 3;
    public static final int USERNAME_MAX = 32;
    public static final Pattern USERNAME = Pattern.compile("[a-zA-Z0-9_.-]+");
    public static final int PASSWORD_MIN = 8;
    public static final int PASSWORD_MAX = 128;
    public static final int DISPLAY_NAME_MAX = 64;

    private UserRules() {}

    /** Usernames are unique regardless of case, so they are stored and looked up lower-case. */
    public static String normalizeUsername(String username) {
        return username.toLowerCase(Locale.ROOT);
    }

    /** The display name to store: surrounding blanks dropped, and the username when nothing is left. */
    public static String displayNameOrDefault(String displayName, String username) {
        String stripped = displayName == null ? "" : displayName.strip();
        return stripped.isEmpty() ? username : stripped;
    }

    /** Control characters (newlines, escapes, NUL) would let a name break other users' layouts. */
    public static boolean hasControlCharacters(String value) {
        return value != null && value.codePoints().anyMatch(Character::isISOControl);
    }
}

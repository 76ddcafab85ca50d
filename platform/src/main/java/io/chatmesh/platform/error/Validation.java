package io.chatmesh.platform.error;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Collects every field violation of one request, then fails once with all of them
 * (INVALID_ARGUMENT with a BadRequest listing each field).
 *
 * <pre>{@code
 * new Validation()
 *     .id("room_id", req.getRoomId())
 *     .length("text", req.getText(), 1, 4000)
 *     .check();
 * }</pre>
 */
public final class Validation {

    /** Ids are ULIDs: 26 characters of Crockford base32 (digits and capitals without I, L, O, U). */
    private static final int ID_LENGTH = 26;
    private static final String ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private final List<ChatmeshException.Violation> violations = new ArrayList<>();

    /** A required id (ULID). */
    public Validation id(String field, String value) {
        if (value == null || value.isEmpty()) {
            return add(field, "is required");
        }
        if (!isId(value)) {
            return add(field, "is not a valid id");
        }
        return this;
    }

    /**
     * Whether the value is a ULID. A loop, not a regex: every id of every message is checked on the
     * send path and again by the persister, where a regex match showed in CPU profiles.
     */
    static boolean isId(String value) {
        if (value.length() != ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < ID_LENGTH; i++) {
            if (ID_ALPHABET.indexOf(value.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** An optional id: empty is fine, anything else must be a valid id. */
    public Validation optionalId(String field, String value) {
        return value == null || value.isEmpty() ? this : id(field, value);
    }

    /** Length in Unicode code points between min and max inclusive (min 0 makes it optional). */
    public Validation length(String field, String value, int min, int max) {
        int length = value == null ? 0 : value.codePointCount(0, value.length());
        if (length < min) {
            return add(field, min == 1 ? "is required" : "must be at least " + min + " characters");
        }
        if (length > max) {
            return add(field, "must be at most " + max + " characters");
        }
        return this;
    }

    /** Size in UTF-8 bytes at most max. */
    public Validation maxBytes(String field, byte[] value, int max) {
        if (value != null && value.length > max) {
            add(field, "must be at most " + max + " bytes");
        }
        return this;
    }

    public Validation matches(String field, String value, Pattern pattern, String description) {
        if (value != null && !value.isEmpty() && !pattern.matcher(value).matches()) {
            add(field, description);
        }
        return this;
    }

    /** Between min and max elements. */
    public Validation count(String field, Collection<?> values, int min, int max) {
        int size = values == null ? 0 : values.size();
        if (size < min) {
            return add(field, min == 1 ? "is required" : "needs at least " + min + " entries");
        }
        if (size > max) {
            return add(field, "must have at most " + max + " entries");
        }
        return this;
    }

    /** Each element a valid id, and between min and max of them. */
    public Validation ids(String field, List<String> values, int min, int max) {
        count(field, values, min, max);
        if (values != null && values.size() <= max) {
            for (int i = 0; i < values.size(); i++) {
                id(field + "[" + i + "]", values.get(i));
            }
        }
        return this;
    }

    public Validation range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            add(field, "must be between " + min + " and " + max);
        }
        return this;
    }

    /** A condition the caller states; fails with the description when false. */
    public Validation require(boolean condition, String field, String description) {
        return condition ? this : add(field, description);
    }

    public Validation add(String field, String description) {
        violations.add(new ChatmeshException.Violation(field, description));
        return this;
    }

    public boolean ok() {
        return violations.isEmpty();
    }

    /** Throws INVALID_ARGUMENT naming every violation, if there is any. */
    public void check() {
        if (!violations.isEmpty()) {
            String summary = violations.stream()
                    .map(v -> v.field() + " " + v.description())
                    .reduce((a, b) -> a + "; " + b).orElse("");
            throw new ChatmeshException(ChatmeshException.Kind.INVALID_ARGUMENT,
                    ChatmeshException.Reason.INVALID_FIELD, summary, violations);
        }
    }
}

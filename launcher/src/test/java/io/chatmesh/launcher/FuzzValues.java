package io.chatmesh.launcher;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.chatmesh.platform.id.Ids;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Edge-case values for fuzzed fields, drawn from one seeded {@link Random}: the same seed gives
 * the same values. Each value comes with a flag saying whether it breaks the field's rule.
 */
final class FuzzValues {

    /** A value and whether the documented rules refuse it. */
    record Value<T>(T value, boolean invalid, String label) {}

    /** Code points that are one UTF-16 unit, two units, combining, direction controls, invisible. */
    private static final int[] UNICODE = {0x00E9, 0x6587, 0x1F642, 0x1F468, 0x200D, 0x0301, 0x202E, 0x200B, 0xFEFF,
        0xFFFD, 0x10FFFF, 0xE000, 0x05D0, 0x0627, 0x1D11E, 0x0000_0085};

    /** What the API accepts as an id (platform's Validation): 26 characters of Crockford base32. */
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[0-9A-HJKMNP-TV-Z]{26}");

    private final Random random;

    FuzzValues(Random random) {
        this.random = random;
    }

    static boolean isWellFormedId(String id) {
        return ID.matcher(id).matches();
    }

    Random random() {
        return random;
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** {@code codePoints} code points, ASCII or a mix of the awkward ones above. */
    String text(int codePoints, boolean unicode) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            text.appendCodePoint(unicode ? UNICODE[random.nextInt(UNICODE.length)] : 'a' + random.nextInt(26));
        }
        return text.toString();
    }

    /**
     * A client_id for event number {@code n}: unique (it starts with {@code prefix + n}), usually
     * plain, sometimes empty, exactly at or one past the 64-code-point limit, or with NUL
     * (which sends refuse, as PostgreSQL cannot store it, but no documented rule forbids).
     */
    Value<String> clientId(String prefix, long n) {
        String base = prefix + n;
        int form = random.nextInt(100);
        if (form < 78) {
            return new Value<>(base, false, "plain");
        } else if (form < 86) {
            return new Value<>("", true, "empty");
        } else if (form < 91) {
            return new Value<>(base + "-" + text(64 - base.length() - 1, true), false, "64 code points");
        } else if (form < 96) {
            return new Value<>(base + "-" + text(65 - base.length() - 1, chance(0.5)), true, "65 code points");
        } else {
            return new Value<>(base + "\u0000x", false, "NUL"); // no documented rule against it
        }
    }

    /** An id that is not a ULID of the API's alphabet, or is one for nothing. */
    Value<String> badId() {
        String valid = Ids.newId();
        return pick(List.of(
                new Value<>("", true, "empty id"),
                new Value<>(valid.toLowerCase(Locale.ROOT), true, "lower-case id"),
                new Value<>(valid.substring(1), true, "25-char id"),
                new Value<>(valid + "0", true, "27-char id"),
                new Value<>(valid.substring(0, 25) + "U", true, "id with U"),
                new Value<>("ZZZZZZZZZZZZZZZZZZZZZZZZZZ", false, "id beyond the ULID range"),
                new Value<>("00000000000000000000000000", false, "all-zero id"),
                new Value<>("０１ＡＲＺ３ＮＤＥＫＴＳＶ４ＲＲＦＦＱ６９Ｇ５ＦＡＶ", true, "full-width id"),
                new Value<>(valid.substring(0, 25) + "\u0000", true, "id with NUL"),
                new Value<>("' OR '1'='1'; --", true, "SQL"),
                new Value<>(text(10_000, false), true, "10000-char id"),
                new Value<>(Ids.newId(), false, "unknown id")));
    }

    /** A seq around the interesting edges: negative, zero, small, near {@code newest}, huge. */
    Value<Long> seq(long newest) {
        long seq = pick(List.of(-1L, Long.MIN_VALUE, 0L, 1L, newest, newest + 1, Long.MAX_VALUE, Long.MAX_VALUE - 1,
                (long) random.nextInt(1000), (long) Integer.MAX_VALUE + 1, -(long) random.nextInt(1000) - 2));
        return new Value<>(seq, seq < 0, "seq " + seq);
    }

    /** A nonce for a fuzzed ping: anything but the barrier range. */
    long nonce() {
        long nonce = pick(List.of(0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE, (long) random.nextInt()));
        return nonce >= FuzzStream.BARRIER_NONCE_BASE ? -nonce : nonce;
    }

    /** A token for a Hello or Join: missing, malformed, tampered, huge. Never a valid one. */
    String badToken(String validToken) {
        return pick(List.of("", "not-a-token", "Bearer " + validToken,
                validToken.substring(0, validToken.length() - 4) + "AAAA",
                validToken.substring(0, validToken.lastIndexOf('.')), "a.b.c", text(20_000, false),
                text(50, true)));
    }

    /** Unknown fields of the numbers no chatmesh message uses (above {@code maxKnown}), or odd ones. */
    UnknownFieldSet unknownFields(int maxKnown) {
        UnknownFieldSet.Builder fields = UnknownFieldSet.newBuilder();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            // rarely the largest number there is: platform once took it for its mark of a garbage frame
            int number = chance(0.03) ? FuzzStream.LARGEST_FIELD_NUMBER
                    : pick(List.of(maxKnown + 1, maxKnown + 1 + random.nextInt(1000), 19_000, 536_870_000));
            UnknownFieldSet.Field.Builder field = UnknownFieldSet.Field.newBuilder();
            switch (random.nextInt(4)) {
                case 0 -> field.addVarint(random.nextLong());
                case 1 -> field.addFixed32(random.nextInt());
                case 2 -> field.addFixed64(random.nextLong());
                default -> field.addLengthDelimited(ByteString.copyFrom(bytes(random.nextInt(64))));
            }
            fields.mergeField(number, field.build());
        }
        return fields.build();
    }

    /** The event with unknown fields appended (protobuf allows fields in any order): same meaning to a receiver. */
    FuzzEvent withUnknownFields(FuzzEvent event, int maxKnown) {
        UnknownFieldSet unknown = unknownFields(maxKnown);
        return new FuzzEvent(event.kind(), concat(event.frame(), unknown.toByteArray()), event.clientId(),
                event.answered(), event.mustBeRefused(), event.description() + " +unknown fields " + unknown.asMap().keySet());
    }

    /** A message field of number {@code number} (one the message does not define: an unknown kind of event). */
    static UnknownFieldSet unknownEvent(int number) {
        return UnknownFieldSet.newBuilder().addField(number, UnknownFieldSet.Field.newBuilder()
                .addLengthDelimited(ByteString.copyFromUtf8("\n\u0001x")).build()).build();
    }

    /** Two frames as one: protobuf merges them (the last value of a field, the last event of a oneof wins). */
    static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * Bytes that are no valid protobuf message: random, truncated, bad tags and wire types,
     * lengths past the end, endless varints, invalid UTF-8 in a string field, groups nested
     * past the parser's recursion limit.
     */
    Value<byte[]> garbage(byte[] validFrame) {
        return switch (random.nextInt(9)) {
            case 0 -> new Value<>(bytes(1 + random.nextInt(64)), false, "random bytes");
            case 1 -> new Value<>(Arrays.copyOf(validFrame, Math.max(1, validFrame.length - 1
                    - random.nextInt(Math.max(1, validFrame.length - 1)))), false, "truncated frame");
            case 2 -> new Value<>(new byte[] {0x0F, 0x01}, true, "wire type 7");
            case 3 -> new Value<>(new byte[] {0x0A, 0x7F, 'a', 'b'}, true, "length past the end");
            case 4 -> new Value<>(new byte[] {0x08, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01}, true, "11-byte varint");
            case 5 -> new Value<>(new byte[] {0x0A, 0x02, (byte) 0xC3, 0x28}, true, "invalid UTF-8 client_id");
            case 6 -> new Value<>(new byte[] {0x00, 0x01}, true, "field number 0");
            case 7 -> new Value<>(new byte[] {0x0C}, true, "end group without start");
            default -> new Value<>(nestedGroups(200), true, "200 nested groups");
        };
    }

    /** Start-group tags of an unknown field, nested {@code depth} deep, then their ends. */
    private static byte[] nestedGroups(int depth) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < depth; i++) {
            bytes.write(0xA3); // field 100, start group
            bytes.write(0x06);
        }
        for (int i = 0; i < depth; i++) {
            bytes.write(0xA4); // field 100, end group
            bytes.write(0x06);
        }
        return bytes.toByteArray();
    }
}

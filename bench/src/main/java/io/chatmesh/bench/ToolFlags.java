package io.chatmesh.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The flags of the bench's measuring tools (store-floor, grpc-floor): {@code --name value} pairs. */
final class ToolFlags {

    private final Map<String, String> values;

    private ToolFlags(Map<String, String> values) {
        this.values = values;
    }

    /** Reads {@code --name value} pairs; an unknown name or a name without its value is refused. */
    static ToolFlags parse(List<String> args, Set<String> known) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            String flag = args.get(i);
            if (!known.contains(flag)) {
                throw new IllegalArgumentException("unknown flag " + flag);
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            values.put(flag, args.get(i + 1));
        }
        return new ToolFlags(values);
    }

    String text(String flag, String otherwise) {
        return values.getOrDefault(flag, otherwise);
    }

    int positive(String flag, int otherwise) {
        String value = values.get(flag);
        return value == null ? otherwise : positive(flag, value);
    }

    /** A comma-separated list of positive numbers. */
    List<Integer> positives(String flag, List<Integer> otherwise) {
        String value = values.get(flag);
        return value == null ? otherwise : Arrays.stream(value.split(",")).map(v -> positive(flag, v)).toList();
    }

    private static int positive(String flag, String text) {
        try {
            int value = Integer.parseInt(text.trim());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw new IllegalArgumentException(flag + ": not a positive number: '" + text + "'");
    }
}

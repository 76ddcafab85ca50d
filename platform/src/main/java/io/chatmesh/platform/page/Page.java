package io.chatmesh.platform.page;

import java.util.List;
import java.util.function.Function;

/** One page of a list and the opaque token of the next one (empty on the last page). */
public record Page<T>(List<T> items, String nextPageToken) {

    public Page {
        items = List.copyOf(items);
    }

    /**
     * A page of what a query fetched: it asks for one more than {@code pageSize}, and that one
     * (if it came) says there is a next page, which starts after the last item kept.
     */
    public static <T> Page<T> of(List<T> fetched, int pageSize, Function<T, String> tokenOf) {
        if (fetched.size() <= pageSize) {
            return new Page<>(fetched, "");
        }
        List<T> items = fetched.subList(0, pageSize);
        return new Page<>(items, tokenOf.apply(items.get(items.size() - 1)));
    }
}

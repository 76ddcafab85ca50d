package io.chatmesh.chat.domain;

import java.util.List;

/** One page of a list and the opaque token of the next one (empty on the last page). */
public record Page<T>(List<T> items, String nextPageToken) {

    public Page {
        items = List.copyOf(items);
    }
}

package io.chatmesh.message.domain;

import java.util.List;

/**
 * Whom a message mentions, as chat-service checked it when the message was sent: members of
 * the room by id, and/or the whole room ({@code @room}).
 *
 * @param userIds distinct user ids, in the sender's order
 * @param room the whole room is mentioned
 */
public record Mentions(List<String> userIds, boolean room) {

    public static final Mentions NONE = new Mentions(List.of(), false);

    public Mentions {
        userIds = List.copyOf(userIds);
    }

    public boolean isEmpty() {
        return userIds.isEmpty() && !room;
    }
}

package io.chatmesh.chat.domain;

import java.util.List;

/**
 * Whom a message mentions: members of its room by id, and/or the whole room ({@code @room},
 * owners and admins only). Both rules are checked where the message is logged, in the same
 * statement that checks the sender's membership.
 *
 * @param userIds distinct user ids, in the sender's order
 * @param room the whole room is mentioned
 */
public record Mentions(List<String> userIds, boolean room) {

    public static final Mentions NONE = new Mentions(List.of(), false);

    public Mentions {
        userIds = List.copyOf(userIds);
    }
}

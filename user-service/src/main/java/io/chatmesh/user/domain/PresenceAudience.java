package io.chatmesh.user.domain;

import java.util.List;

/**
 * Whom a user's presence changes may reach besides room co-members (chat-service knows those):
 * their friends; and whom they never reach, a room shared or not: users across a block.
 */
public record PresenceAudience(List<String> friendIds, List<String> blockedUserIds) {

    public PresenceAudience {
        friendIds = List.copyOf(friendIds);
        blockedUserIds = List.copyOf(blockedUserIds);
    }
}

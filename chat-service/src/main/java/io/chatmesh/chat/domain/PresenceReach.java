package io.chatmesh.chat.domain;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Which room co-members see each other's presence: members of a room of at most
 * {@code memberLimit} members. A larger room (typically a big PUBLIC one) shares no presence:
 * every change of every member would go to every other member, a flood for little use.
 * (Friends see each other's presence anyway; user-service knows those.)
 */
public final class PresenceReach {

    private final RoomStore store;
    private final int memberLimit;

    public PresenceReach(RoomStore store, int memberLimit) {
        this.store = store;
        this.memberLimit = memberLimit;
    }

    /** The rooms whose members see the user's presence. */
    public List<String> roomIdsOf(String userId) {
        return store.transaction(repo -> repo.smallRoomIdsOf(userId, memberLimit));
    }

    /** Those of {@code otherIds} who share such a room with the user. */
    public Set<String> coMembers(String userId, Collection<String> otherIds) {
        return Set.copyOf(store.transaction(repo -> repo.smallRoomCoMembers(userId, otherIds, memberLimit)));
    }
}

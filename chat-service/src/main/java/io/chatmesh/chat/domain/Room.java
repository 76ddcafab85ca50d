package io.chatmesh.chat.domain;

import java.time.Instant;
import java.util.List;

/**
 * A room as stored, with its member count.
 *
 * @param ownerId null for DIRECT rooms and for rooms nobody is left in
 * @param directUserIds the two users of a DIRECT room, empty otherwise
 * @param lastMessageSeq the seq of the newest message the bus accepted, 0 when there is none
 */
public record Room(String id, RoomKind kind, String name, String topic, String ownerId,
        List<String> directUserIds, int memberCount, long lastMessageSeq,
        Instant createTime, Instant updateTime, Instant lastActivityTime) {

    public Room {
        directUserIds = List.copyOf(directUserIds);
    }

    /** The unique key of the direct room of two users: their ids sorted, joined by ':'. */
    public static String directKey(String userA, String userB) {
        return userA.compareTo(userB) < 0 ? userA + ":" + userB : userB + ":" + userA;
    }

    public static List<String> directUserIds(String directKey) {
        return directKey == null ? List.of() : List.of(directKey.split(":", 2));
    }
}

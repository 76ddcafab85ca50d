package io.chatmesh.message.domain;

/**
 * One user's read state in one room.
 *
 * @param unreadCount messages from others with a seq above {@code lastReadSeq}
 * @param lastReadSeq the user's read marker, 0 when they have read nothing
 * @param lastMessageSeq the newest stored seq of the room, 0 when it has no message
 * @param mentionCount messages from others with a seq above {@code lastReadSeq} that mention the
 *        user or the whole room
 */
public record RoomUnread(String roomId, long unreadCount, long lastReadSeq, long lastMessageSeq, long mentionCount) {}

package io.chatmesh.chat.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Rooms and memberships inside one transaction of a {@link RoomStore}. */
public interface RoomRepository {

    /**
     * Inserts a room ({@code directKey} null unless DIRECT). A DIRECT room is not inserted when
     * the pair already has one: false then.
     */
    boolean insertRoom(Room room, String directKey);

    Optional<Room> findByDirectKey(String directKey);

    Optional<Room> find(String roomId);

    /** Like {@link #find}, and locks the room row until the transaction ends. */
    Optional<Room> findForUpdate(String roomId);

    Optional<Member> member(String roomId, String userId);

    /** True when this call added the membership (false: it existed). */
    boolean insertMember(Member member);

    /** True when this call removed the membership. */
    boolean deleteMember(String roomId, String userId);

    void updateRole(String roomId, String userId, MemberRole role);

    /** The member who inherits a room whose owner left: the oldest admin, else the oldest member. */
    Optional<Member> successor(String roomId);

    /** Sets the owner (null: nobody owns the room any more). */
    void updateOwner(String roomId, String ownerId, Instant now);

    void updateDetails(String roomId, String name, String topic, Instant now);

    /** The user's rooms, most recently active first, strictly after the given position. */
    List<Room> roomsOf(String userId, Instant afterActivity, String afterId, int limit);

    /** PUBLIC rooms whose lower-cased name starts with {@code lowerPrefix}, by name, after the position. */
    List<Room> publicRooms(String lowerPrefix, String afterLowerName, String afterId, int limit);

    /** Members by join time, strictly after the given position. */
    List<Member> members(String roomId, Instant afterJoin, String afterUserId, int limit);

    List<String> roomIdsOf(String userId);

    /** The user's rooms that have at most {@code memberLimit} members. */
    List<String> smallRoomIdsOf(String userId, int memberLimit);

    /** Those of {@code otherIds} who share a room of at most {@code memberLimit} members with the user. */
    List<String> smallRoomCoMembers(String userId, Collection<String> otherIds, int memberLimit);

    /** The seq of the newest message of each of these rooms that exists. */
    Map<String, Long> lastMessageSeqs(Collection<String> roomIds);

    /**
     * Like {@link #lastMessageSeqs}, but first waits for the publishes in flight in these rooms
     * (the {@link MessageLog}'s relays, which hold the rooms' outbox rows while they publish) to
     * end: every message published later is published after this read.
     */
    Map<String, Long> lastMessageSeqsAfterSendsInFlight(Collection<String> roomIds);
}

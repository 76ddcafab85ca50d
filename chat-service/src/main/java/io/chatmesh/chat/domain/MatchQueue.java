package io.chatmesh.chat.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Port: the MatchRandom queue, shared by all instances (PostgreSQL, beside the rooms). Called
 * inside {@link RoomStore#transaction}, whose transaction its statements join.
 */
public interface MatchQueue {

    /** A waiting ticket; {@code matchedRoomId} is set once a newer arrival matched it. */
    record Waiting(String ticketId, String userId, String matchedRoomId, String matchedUserId) {}

    /**
     * Enters a ticket, replacing an expired one of the same user.
     *
     * @return false, entering nothing, when the user already has a live ticket
     */
    boolean enter(String ticketId, String userId, List<String> interests, Instant now, Instant aliveUntil);

    /**
     * Live, unmatched tickets older than {@code ticketId} of other users whose interests fit
     * (they share one, or either side gave none), oldest first. Reads without locking.
     */
    List<Waiting> olderCandidates(String ticketId, String userId, List<String> interests, Instant now, int limit);

    /** The ticket, locked until the transaction ends. */
    Optional<Waiting> lock(String ticketId);

    /**
     * The oldest of these tickets still live and unmatched, locked; waits for one another
     * transaction holds, and goes on to the next if that one matched it.
     */
    Optional<Waiting> lockOldestFree(Collection<String> ticketIds, Instant now);

    void keepAlive(String ticketId, Instant aliveUntil);

    void markMatched(String ticketId, String roomId, String matchedUserId);

    void delete(String ticketId);
}

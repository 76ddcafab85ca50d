package io.chatmesh.user.domain;

import io.chatmesh.user.domain.RelationshipRequest.Direction;
import io.chatmesh.user.domain.RelationshipRequest.Kind;
import io.chatmesh.user.domain.RelationshipRequest.State;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Relationship data, inside a transaction of {@link RelationshipStore}. Listings return user ids. */
public interface RelationshipRepository {

    /** Whether either user blocked the other. */
    boolean blockedEitherWay(String userA, String userB);

    /** Whether {@code blockerId} blocked {@code blockedId}. */
    boolean hasBlocked(String blockerId, String blockedId);

    /** @return false if that block existed already */
    boolean insertBlock(String blockerId, String blockedId, Instant now);

    void deleteBlock(String blockerId, String blockedId);

    /** Users {@code blockerId} blocked, by id, after {@code afterId}. */
    List<String> blockedBy(String blockerId, String afterId, int limit);

    Optional<RelationshipRequest> findRequest(String requestId);

    Optional<RelationshipRequest> pendingRequest(String fromUserId, String toUserId, Kind kind);

    void insertRequest(RelationshipRequest request);

    void updateRequestState(String requestId, State state, Instant now);

    /** Ends every pending request between the two users, either way, with {@code state}. */
    void closePendingBetween(String userA, String userB, State state, Instant now);

    /**
     * Requests the user sent or received, newest first, before {@code beforeId}.
     *
     * @param kind null for both kinds
     */
    List<RelationshipRequest> requests(String userId, Direction direction, Kind kind, boolean pendingOnly,
            String beforeId, int limit);

    boolean friends(String userA, String userB);

    void insertFriendship(String userA, String userB, Instant now);

    void deleteFriendship(String userA, String userB);

    boolean follows(String followerId, String followeeId);

    void insertFollow(String followerId, String followeeId, Instant now);

    void deleteFollow(String followerId, String followeeId);

    /** User ids of one listing of {@code userId}, by id, after {@code afterId}. */
    List<String> listing(String userId, RelationshipListing listing, String afterId, int limit);

    /** Settings of an existing user. */
    Optional<UserSettings> settings(String userId);

    void updateSettings(String userId, UserSettings settings, Instant now);

    /** Every friend of the user. */
    List<String> friendIds(String userId);

    /** Every user the user blocked or who blocked the user. */
    List<String> blockedEitherWayIds(String userId);

    /** How {@code userId} stands to each existing user among {@code otherIds}. */
    List<Relation> relations(String userId, Collection<String> otherIds);
}

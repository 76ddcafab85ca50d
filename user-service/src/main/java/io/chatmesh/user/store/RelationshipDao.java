package io.chatmesh.user.store;

import io.chatmesh.user.domain.Relation;
import io.chatmesh.user.domain.RelationshipListing;
import io.chatmesh.user.domain.RelationshipRepository;
import io.chatmesh.user.domain.RelationshipRequest;
import io.chatmesh.user.domain.RelationshipRequest.Direction;
import io.chatmesh.user.domain.RelationshipRequest.Kind;
import io.chatmesh.user.domain.RelationshipRequest.State;
import io.chatmesh.user.domain.UserSettings;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.Define;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL over relationship_requests, friendships, follows, blocks and the settings columns of users. */
@RegisterConstructorMapper(RelationshipRequest.class)
@RegisterConstructorMapper(UserSettings.class)
@RegisterConstructorMapper(Relation.class)
public interface RelationshipDao extends RelationshipRepository {

    String REQUEST_COLUMNS = """
            id, kind, from_user_id, to_user_id, state, message, created_at AS create_time, updated_at AS update_time""";

    /** Serializes changes between two users until the transaction ends; the key ignores their order. */
    @SqlQuery("SELECT pg_advisory_xact_lock(hashtextextended(least(:a, :b) || ' ' || greatest(:a, :b), 0))::text")
    String lockPair(String a, String b);

    @Override
    @SqlQuery("""
            SELECT EXISTS (SELECT 1 FROM blocks WHERE (blocker_id = :userA AND blocked_id = :userB)
                                                 OR (blocker_id = :userB AND blocked_id = :userA))""")
    boolean blockedEitherWay(String userA, String userB);

    @Override
    @SqlQuery("SELECT EXISTS (SELECT 1 FROM blocks WHERE blocker_id = :blockerId AND blocked_id = :blockedId)")
    boolean hasBlocked(String blockerId, String blockedId);

    @Override
    @SqlUpdate("""
            INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (:blockerId, :blockedId, :now)
            ON CONFLICT DO NOTHING""")
    boolean insertBlock(String blockerId, String blockedId, Instant now);

    @Override
    @SqlUpdate("DELETE FROM blocks WHERE blocker_id = :blockerId AND blocked_id = :blockedId")
    void deleteBlock(String blockerId, String blockedId);

    @Override
    @SqlQuery("""
            SELECT blocked_id FROM blocks WHERE blocker_id = :blockerId AND blocked_id > :afterId
            ORDER BY blocked_id LIMIT :limit""")
    List<String> blockedBy(String blockerId, String afterId, int limit);

    @Override
    @SqlQuery("SELECT " + REQUEST_COLUMNS + " FROM relationship_requests WHERE id = :requestId")
    Optional<RelationshipRequest> findRequest(String requestId);

    @Override
    @SqlQuery("SELECT " + REQUEST_COLUMNS + """
             FROM relationship_requests
            WHERE from_user_id = :fromUserId AND to_user_id = :toUserId AND kind = :kind AND state = 'PENDING'""")
    Optional<RelationshipRequest> pendingRequest(String fromUserId, String toUserId, Kind kind);

    @Override
    default void insertRequest(RelationshipRequest request) {
        insertRequestRow(request.id(), request.kind(), request.fromUserId(), request.toUserId(), request.state(),
                request.message(), request.createTime(), request.updateTime());
    }

    @SqlUpdate("""
            INSERT INTO relationship_requests (id, kind, from_user_id, to_user_id, state, message, created_at, updated_at)
            VALUES (:id, :kind, :fromUserId, :toUserId, :state, :message, :createdAt, :updatedAt)""")
    void insertRequestRow(String id, Kind kind, String fromUserId, String toUserId, State state, String message,
            Instant createdAt, Instant updatedAt);

    @Override
    @SqlUpdate("UPDATE relationship_requests SET state = :state, updated_at = :now WHERE id = :requestId")
    void updateRequestState(String requestId, State state, Instant now);

    @Override
    @SqlUpdate("""
            UPDATE relationship_requests SET state = :state, updated_at = :now
             WHERE state = 'PENDING' AND ((from_user_id = :userA AND to_user_id = :userB)
                                       OR (from_user_id = :userB AND to_user_id = :userA))""")
    void closePendingBetween(String userA, String userB, State state, Instant now);

    @Override
    default List<RelationshipRequest> requests(String userId, Direction direction, Kind kind, boolean pendingOnly,
            String beforeId, int limit) {
        return requestsOf(direction == Direction.INCOMING ? "to_user_id" : "from_user_id", userId,
                kind == null ? null : kind.name(), pendingOnly, beforeId, limit);
    }

    @SqlQuery("SELECT " + REQUEST_COLUMNS + """
             FROM relationship_requests
            WHERE <side> = :userId AND id < :beforeId
              AND (CAST(:kind AS text) IS NULL OR kind = :kind)
              AND (NOT :pendingOnly OR state = 'PENDING')
            ORDER BY id DESC
            LIMIT :limit""")
    List<RelationshipRequest> requestsOf(@Define("side") String side, String userId, String kind, boolean pendingOnly,
            String beforeId, int limit);

    @Override
    @SqlQuery("SELECT EXISTS (SELECT 1 FROM friendships WHERE user_id = :userA AND friend_id = :userB)")
    boolean friends(String userA, String userB);

    @Override
    @SqlUpdate("""
            INSERT INTO friendships (user_id, friend_id, created_at) VALUES (:userA, :userB, :now), (:userB, :userA, :now)
            ON CONFLICT DO NOTHING""")
    void insertFriendship(String userA, String userB, Instant now);

    @Override
    @SqlUpdate("""
            DELETE FROM friendships WHERE (user_id = :userA AND friend_id = :userB)
                                       OR (user_id = :userB AND friend_id = :userA)""")
    void deleteFriendship(String userA, String userB);

    @Override
    @SqlQuery("SELECT EXISTS (SELECT 1 FROM follows WHERE follower_id = :followerId AND followee_id = :followeeId)")
    boolean follows(String followerId, String followeeId);

    @Override
    @SqlUpdate("""
            INSERT INTO follows (follower_id, followee_id, created_at) VALUES (:followerId, :followeeId, :now)
            ON CONFLICT DO NOTHING""")
    void insertFollow(String followerId, String followeeId, Instant now);

    @Override
    @SqlUpdate("DELETE FROM follows WHERE follower_id = :followerId AND followee_id = :followeeId")
    void deleteFollow(String followerId, String followeeId);

    @Override
    default List<String> listing(String userId, RelationshipListing listing, String afterId, int limit) {
        return switch (listing) {
            case FRIENDS -> listOf("friendships", "user_id", "friend_id", userId, afterId, limit);
            case FOLLOWERS -> listOf("follows", "followee_id", "follower_id", userId, afterId, limit);
            case FOLLOWING -> listOf("follows", "follower_id", "followee_id", userId, afterId, limit);
        };
    }

    /** {@code table}, {@code self} and {@code other} are our own constants, never input. */
    @SqlQuery("""
            SELECT <other> FROM <table> WHERE <self> = :userId AND <other> > :afterId
            ORDER BY <other> LIMIT :limit""")
    List<String> listOf(@Define("table") String table, @Define("self") String self, @Define("other") String other,
            String userId, String afterId, int limit);

    @Override
    @SqlQuery("SELECT accept_direct_messages_from_anyone, require_follow_approval FROM users WHERE id = :userId")
    Optional<UserSettings> settings(String userId);

    @Override
    default void updateSettings(String userId, UserSettings settings, Instant now) {
        updateSettingsRow(userId, settings.acceptDirectMessagesFromAnyone(), settings.requireFollowApproval(), now);
    }

    @SqlUpdate("""
            UPDATE users SET accept_direct_messages_from_anyone = :acceptAnyone, require_follow_approval = :approval,
                   updated_at = :now
             WHERE id = :userId""")
    void updateSettingsRow(String userId, boolean acceptAnyone, boolean approval, Instant now);

    @Override
    @SqlQuery("SELECT friend_id FROM friendships WHERE user_id = :userId")
    List<String> friendIds(String userId);

    @Override
    @SqlQuery("""
            SELECT blocked_id FROM blocks WHERE blocker_id = :userId
            UNION
            SELECT blocker_id FROM blocks WHERE blocked_id = :userId""")
    List<String> blockedEitherWayIds(String userId);

    @Override
    default List<Relation> relations(String userId, Collection<String> otherIds) {
        return otherIds.isEmpty() ? List.of() : relationsOf(userId, otherIds);
    }

    @SqlQuery("""
            SELECT o.id AS other_user_id,
                   EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = :userId AND b.blocked_id = o.id)
                                                    OR (b.blocker_id = o.id AND b.blocked_id = :userId)) AS blocked,
                   EXISTS (SELECT 1 FROM friendships f WHERE f.user_id = :userId AND f.friend_id = o.id) AS friends,
                   o.accept_direct_messages_from_anyone AS other_accepts_direct_messages_from_anyone
              FROM users o
             WHERE o.id IN (<otherIds>)""")
    List<Relation> relationsOf(String userId, @BindList("otherIds") Collection<String> otherIds);
}

package io.chatmesh.chat.store;

import io.chatmesh.chat.domain.Member;
import io.chatmesh.chat.domain.MemberRole;
import io.chatmesh.chat.domain.Room;
import io.chatmesh.chat.domain.RoomKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.KeyColumn;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.config.ValueColumn;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL of rooms and members. */
@RegisterRowMapper(RoomDao.RoomMapper.class)
@RegisterRowMapper(RoomDao.MemberMapper.class)
public interface RoomDao {

    String SELECT_ROOM = "SELECT r.id, r.kind, r.name, r.topic, r.owner_id, r.direct_key,"
            + " o.published_seq AS last_message_seq, r.created_at, r.updated_at, r.last_activity_at,"
            + " (SELECT count(*) FROM members c WHERE c.room_id = r.id) AS member_count"
            + " FROM rooms r JOIN room_outbox o ON o.room_id = r.id";
    String SELECT_MEMBER = "SELECT room_id, user_id, role, joined_at FROM members";

    /**
     * Inserts a room and its outbox row (nothing published yet); for a DIRECT room whose pair
     * already has one, does nothing and returns false.
     */
    @SqlUpdate("WITH room AS (INSERT INTO rooms (id, kind, name, name_key, topic, owner_id, direct_key, created_at,"
            + " updated_at, last_activity_at)"
            + " VALUES (:id, :kind, :name, :nameKey, :topic, :ownerId, :directKey, :now, :now, :now)"
            + " ON CONFLICT (direct_key) DO NOTHING RETURNING id)"
            + " INSERT INTO room_outbox (room_id) SELECT id FROM room")
    boolean insertRoom(@Bind("id") String id, @Bind("kind") String kind, @Bind("name") String name,
            @Bind("nameKey") String nameKey, @Bind("topic") String topic, @Bind("ownerId") String ownerId,
            @Bind("directKey") String directKey, @Bind("now") Instant now);

    @SqlQuery(SELECT_ROOM + " WHERE r.id = :id")
    Optional<Room> find(@Bind("id") String id);

    @SqlQuery("SELECT id FROM rooms WHERE id = :id FOR UPDATE")
    Optional<String> lock(@Bind("id") String id);

    @SqlQuery(SELECT_ROOM + " WHERE r.direct_key = :directKey")
    Optional<Room> findByDirectKey(@Bind("directKey") String directKey);

    @SqlQuery(SELECT_MEMBER + " WHERE room_id = :roomId AND user_id = :userId")
    Optional<Member> member(@Bind("roomId") String roomId, @Bind("userId") String userId);

    @SqlUpdate("INSERT INTO members (room_id, user_id, role, joined_at) VALUES (:roomId, :userId, :role, :joinedAt)"
            + " ON CONFLICT (room_id, user_id) DO NOTHING")
    boolean insertMember(@Bind("roomId") String roomId, @Bind("userId") String userId, @Bind("role") String role,
            @Bind("joinedAt") Instant joinedAt);

    @SqlUpdate("DELETE FROM members WHERE room_id = :roomId AND user_id = :userId")
    boolean deleteMember(@Bind("roomId") String roomId, @Bind("userId") String userId);

    @SqlUpdate("UPDATE members SET role = :role WHERE room_id = :roomId AND user_id = :userId")
    void updateRole(@Bind("roomId") String roomId, @Bind("userId") String userId, @Bind("role") String role);

    @SqlQuery(SELECT_MEMBER + " WHERE room_id = :roomId AND role <> 'OWNER'"
            + " ORDER BY (role = 'ADMIN') DESC, joined_at, user_id LIMIT 1")
    Optional<Member> successor(@Bind("roomId") String roomId);

    @SqlUpdate("UPDATE rooms SET owner_id = :ownerId, updated_at = :now WHERE id = :roomId")
    void updateOwner(@Bind("roomId") String roomId, @Bind("ownerId") String ownerId, @Bind("now") Instant now);

    @SqlUpdate("UPDATE rooms SET name = :name, name_key = :nameKey, topic = :topic, updated_at = :now WHERE id = :roomId")
    void updateDetails(@Bind("roomId") String roomId, @Bind("name") String name, @Bind("nameKey") String nameKey,
            @Bind("topic") String topic, @Bind("now") Instant now);

    @SqlQuery(SELECT_ROOM + " JOIN members m ON m.room_id = r.id WHERE m.user_id = :userId"
            + " AND (r.last_activity_at, r.id) < (:afterActivity, :afterId)"
            + " ORDER BY r.last_activity_at DESC, r.id DESC LIMIT :limit")
    List<Room> roomsOf(@Bind("userId") String userId, @Bind("afterActivity") Instant afterActivity,
            @Bind("afterId") String afterId, @Bind("limit") int limit);

    @SqlQuery(SELECT_ROOM + " WHERE r.kind = 'PUBLIC' AND r.name_key LIKE :pattern"
            + " AND (r.name_key, r.id) > (:afterName, :afterId) ORDER BY r.name_key, r.id LIMIT :limit")
    List<Room> publicRooms(@Bind("pattern") String pattern, @Bind("afterName") String afterName,
            @Bind("afterId") String afterId, @Bind("limit") int limit);

    @SqlQuery(SELECT_MEMBER + " WHERE room_id = :roomId AND (joined_at, user_id) > (:afterJoin, :afterUserId)"
            + " ORDER BY joined_at, user_id LIMIT :limit")
    List<Member> members(@Bind("roomId") String roomId, @Bind("afterJoin") Instant afterJoin,
            @Bind("afterUserId") String afterUserId, @Bind("limit") int limit);

    @SqlQuery("SELECT room_id FROM members WHERE user_id = :userId")
    List<String> roomIdsOf(@Bind("userId") String userId);

    /** A room's members counted up to one past the limit: one short index range per room. */
    String AT_MOST_LIMIT_MEMBERS = "(SELECT count(*) FROM (SELECT 1 FROM members c WHERE c.room_id = m.room_id"
            + " LIMIT :memberLimit + 1) n) <= :memberLimit";

    @SqlQuery("SELECT m.room_id FROM members m WHERE m.user_id = :userId AND " + AT_MOST_LIMIT_MEMBERS)
    List<String> smallRoomIdsOf(@Bind("userId") String userId, @Bind("memberLimit") int memberLimit);

    @SqlQuery("SELECT DISTINCT o.user_id FROM members m JOIN members o ON o.room_id = m.room_id"
            + " WHERE m.user_id = :userId AND o.user_id IN (<otherIds>) AND " + AT_MOST_LIMIT_MEMBERS)
    List<String> smallRoomCoMembers(@Bind("userId") String userId, @BindList("otherIds") Collection<String> otherIds,
            @Bind("memberLimit") int memberLimit);

    @SqlQuery("SELECT room_id AS id, published_seq AS last_message_seq FROM room_outbox WHERE room_id IN (<ids>)")
    @KeyColumn("id")
    @ValueColumn("last_message_seq")
    Map<String, Long> lastMessageSeqs(@BindList("ids") Collection<String> ids);

    /** FOR SHARE waits for the relays in flight, which hold the row (FOR NO KEY UPDATE) while they publish. */
    @SqlQuery("SELECT room_id AS id, published_seq AS last_message_seq FROM room_outbox WHERE room_id IN (<ids>)"
            + " ORDER BY room_id FOR SHARE")
    @KeyColumn("id")
    @ValueColumn("last_message_seq")
    Map<String, Long> lastMessageSeqsAfterSendsInFlight(@BindList("ids") Collection<String> ids);

    final class RoomMapper implements RowMapper<Room> {
        @Override
        public Room map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Room(rs.getString("id"), RoomKind.valueOf(rs.getString("kind")), rs.getString("name"),
                    rs.getString("topic"), rs.getString("owner_id"), Room.directUserIds(rs.getString("direct_key")),
                    rs.getInt("member_count"), rs.getLong("last_message_seq"), instant(rs, "created_at"),
                    instant(rs, "updated_at"), instant(rs, "last_activity_at"));
        }
    }

    final class MemberMapper implements RowMapper<Member> {
        @Override
        public Member map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Member(rs.getString("room_id"), rs.getString("user_id"), MemberRole.valueOf(rs.getString("role")),
                    instant(rs, "joined_at"));
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}

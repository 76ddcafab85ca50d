package io.chatmesh.chat.store;

import io.chatmesh.chat.domain.Member;
import io.chatmesh.chat.domain.MemberRole;
import io.chatmesh.chat.domain.Room;
import io.chatmesh.chat.domain.RoomRepository;
import io.chatmesh.chat.domain.RoomStore;
import io.chatmesh.chat.domain.Rooms;
import io.chatmesh.platform.db.SqlObjects;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;

/** Rooms and members in PostgreSQL, through a {@link RoomDao} attached once. */
public final class JdbiRoomStore implements RoomStore {

    private final Jdbi jdbi;
    private final RoomRepository repository;

    public JdbiRoomStore(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.repository = new Repository(SqlObjects.attachOnce(jdbi, RoomDao.class));
    }

    /** READ COMMITTED: PostgreSQL's default, which pooled connections keep. */
    @Override
    public <T> T transaction(Function<RoomRepository, T> work) {
        return jdbi.inTransaction(handle -> work.apply(repository));
    }

    /** The DAO's calls join the transaction the calling thread has open. */
    private record Repository(RoomDao dao) implements RoomRepository {

        @Override
        public boolean insertRoom(Room room, String directKey) {
            return dao.insertRoom(room.id(), room.kind().name(), room.name(), Rooms.nameKey(room.name()), room.topic(),
                    room.ownerId(), directKey, room.createTime());
        }

        @Override
        public Optional<Room> findByDirectKey(String directKey) {
            return dao.findByDirectKey(directKey);
        }

        @Override
        public Optional<Room> find(String roomId) {
            return dao.find(roomId);
        }

        @Override
        public Optional<Room> findForUpdate(String roomId) {
            return dao.lock(roomId).flatMap(dao::find);
        }

        @Override
        public Optional<Member> member(String roomId, String userId) {
            return dao.member(roomId, userId);
        }

        @Override
        public boolean insertMember(Member member) {
            return dao.insertMember(member.roomId(), member.userId(), member.role().name(), member.joinTime());
        }

        @Override
        public boolean deleteMember(String roomId, String userId) {
            return dao.deleteMember(roomId, userId);
        }

        @Override
        public void updateRole(String roomId, String userId, MemberRole role) {
            dao.updateRole(roomId, userId, role.name());
        }

        @Override
        public Optional<Member> successor(String roomId) {
            return dao.successor(roomId);
        }

        @Override
        public void updateOwner(String roomId, String ownerId, Instant now) {
            dao.updateOwner(roomId, ownerId, now);
        }

        @Override
        public void updateDetails(String roomId, String name, String topic, Instant now) {
            dao.updateDetails(roomId, name, Rooms.nameKey(name), topic, now);
        }

        @Override
        public List<Room> roomsOf(String userId, Instant afterActivity, String afterId, int limit) {
            return dao.roomsOf(userId, afterActivity, afterId, limit);
        }

        @Override
        public List<Room> publicRooms(String lowerPrefix, String afterLowerName, String afterId, int limit) {
            return dao.publicRooms(likePrefix(lowerPrefix), afterLowerName, afterId, limit);
        }

        @Override
        public List<Member> members(String roomId, Instant afterJoin, String afterUserId, int limit) {
            return dao.members(roomId, afterJoin, afterUserId, limit);
        }

        @Override
        public List<String> roomIdsOf(String userId) {
            return dao.roomIdsOf(userId);
        }

        @Override
        public List<String> smallRoomIdsOf(String userId, int memberLimit) {
            return dao.smallRoomIdsOf(userId, memberLimit);
        }

        @Override
        public List<String> smallRoomCoMembers(String userId, Collection<String> otherIds, int memberLimit) {
            return otherIds.isEmpty() ? List.of() : dao.smallRoomCoMembers(userId, otherIds, memberLimit);
        }

        @Override
        public Map<String, Long> lastMessageSeqs(Collection<String> roomIds) {
            return roomIds.isEmpty() ? Map.of() : dao.lastMessageSeqs(roomIds);
        }

        @Override
        public Map<String, Long> lastMessageSeqsAfterSendsInFlight(Collection<String> roomIds) {
            return roomIds.isEmpty() ? Map.of() : dao.lastMessageSeqsAfterSendsInFlight(roomIds);
        }

        /** A LIKE pattern matching values that start with {@code prefix} literally. */
        private static String likePrefix(String prefix) {
            return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        }
    }
}

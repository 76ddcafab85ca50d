package io.chatmesh.chat.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatmesh.chat.domain.ChangeLog;
import io.chatmesh.chat.domain.Message;
import io.chatmesh.chat.domain.MessageChange;
import io.chatmesh.platform.db.SqlObjects;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;

/**
 * The {@link ChangeLog} in PostgreSQL (table message_changes; seqs from rooms.last_seq, like
 * the message log's). A batch of changes is one transaction of a few statements whatever its
 * size: lock the rooms, read the members' roles and the named messages, decide each change in
 * order, take the seqs, insert the changes, turn deleted messages into tombstones.
 */
public final class JdbiChangeLog implements ChangeLog {

    private final Jdbi jdbi;
    private final ChangeLogDao dao;

    public JdbiChangeLog(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.dao = SqlObjects.attachOnce(jdbi, ChangeLogDao.class);
    }

    @Override
    public List<Outcome> append(List<Request> requests) {
        return jdbi.inTransaction(handle -> {
            Map<String, String> kinds = new HashMap<>();
            dao.lockRooms(new TreeSet<>(requests.stream().map(Request::roomId).toList()).toArray(String[]::new))
                    .forEach(room -> kinds.put(room.id(), room.kind()));
            Map<String, String> roles = new HashMap<>();
            dao.roles(requests.stream().map(Request::roomId).toArray(String[]::new),
                            requests.stream().map(Request::actorId).toArray(String[]::new))
                    .forEach(role -> roles.put(role.roomId() + '\n' + role.userId(), role.role()));
            Map<String, ChangeLogDao.Target> targets = new HashMap<>();
            dao.targets(requests.stream().map(Request::messageId).distinct().toArray(String[]::new))
                    .forEach(target -> targets.put(target.messageId(), target));

            List<Outcome> outcomes = new ArrayList<>(requests.size());
            Set<String> deletedNow = new HashSet<>();
            Map<String, Long> countByRoom = new LinkedHashMap<>();
            for (Request request : requests) {
                Outcome refusal = refusal(request, kinds, roles.get(request.roomId() + '\n' + request.actorId()),
                        targets.get(request.messageId()), deletedNow);
                outcomes.add(refusal);
                if (refusal == null) {
                    countByRoom.merge(request.roomId(), 1L, Long::sum);
                    if (request.kind() == Kind.DELETE) {
                        deletedNow.add(request.messageId());
                    }
                }
            }
            if (countByRoom.isEmpty()) {
                return outcomes;
            }
            Map<String, Long> nextSeq = new HashMap<>();
            dao.takeSeqs(countByRoom.keySet().toArray(String[]::new),
                            countByRoom.values().stream().mapToLong(Long::longValue).toArray())
                    .forEach(taken -> nextSeq.put(taken.id(), taken.seqBefore() + 1));
            Rows rows = new Rows();
            for (int i = 0; i < requests.size(); i++) {
                if (outcomes.get(i) == null) {
                    Request request = requests.get(i);
                    long seq = nextSeq.merge(request.roomId(), 1L, Long::sum) - 1;
                    ChangeLogDao.Target target = targets.get(request.messageId());
                    outcomes.set(i, new Outcome.Logged(rows.add(request, seq, target)));
                }
            }
            rows.write(dao);
            return outcomes;
        });
    }

    /** Why the request is refused, or null when it may be logged. */
    private static Outcome refusal(Request request, Map<String, String> kinds, String role,
            ChangeLogDao.Target target, Set<String> deletedNow) {
        if (role == null) {
            return new Outcome.NotMember("PUBLIC".equals(kinds.get(request.roomId())));
        }
        if (target == null || !target.roomId().equals(request.roomId())) {
            return new Outcome.NoSuchMessage();
        }
        boolean sender = target.senderId().equals(request.actorId());
        boolean allowed = switch (request.kind()) {
            case EDIT -> sender;
            case DELETE -> sender || role.equals("OWNER") || role.equals("ADMIN");
            case REACT -> true;
        };
        if (!allowed) {
            return new Outcome.NotAllowed();
        }
        if (target.deleted() || deletedNow.contains(request.messageId())) {
            return new Outcome.AlreadyDeleted();
        }
        return null;
    }

    /** The columns of the changes to insert and the tombstones to write. */
    private static final class Rows {
        final List<String> roomIds = new ArrayList<>();
        final List<Long> seqs = new ArrayList<>();
        final List<String> changeIds = new ArrayList<>();
        final List<String> kinds = new ArrayList<>();
        final List<String> actorIds = new ArrayList<>();
        final List<String> messageIds = new ArrayList<>();
        final List<String> texts = new ArrayList<>();
        final List<String> emojis = new ArrayList<>();
        final List<Boolean> added = new ArrayList<>();
        final List<String> times = new ArrayList<>();
        final List<String> deletedIds = new ArrayList<>();
        final List<byte[]> tombstones = new ArrayList<>();
        final List<String> deleteTimes = new ArrayList<>();

        MessageChange add(Request request, long seq, ChangeLogDao.Target target) {
            roomIds.add(request.roomId());
            seqs.add(seq);
            changeIds.add(request.changeId());
            kinds.add(request.kind().name());
            actorIds.add(request.actorId());
            messageIds.add(request.messageId());
            texts.add(request.text());
            emojis.add(request.emoji());
            added.add(request.kind() == Kind.REACT && !request.remove());
            times.add(request.time().toString());
            if (request.kind() == Kind.DELETE) {
                deletedIds.add(request.messageId());
                tombstones.add(tombstone(target.message()));
                deleteTimes.add(request.time().toString());
            }
            return toDomain(new ChangeLogDao.ChangeRow(request.roomId(), seq, request.changeId(), request.kind().name(),
                    request.actorId(), request.messageId(), request.text(), request.emoji(), added.getLast(),
                    null, target.seq(), target.message()), request.time());
        }

        void write(ChangeLogDao dao) {
            dao.insert(roomIds, seqs, changeIds, kinds, actorIds, messageIds, texts, emojis, added, times);
            if (!deletedIds.isEmpty()) {
                dao.tombstone(deletedIds, tombstones, deleteTimes);
                dao.scrubEdits(deletedIds.toArray(String[]::new));
            }
        }
    }

    @Override
    public List<MessageChange> changes(String roomId, long afterSeq, long upToSeq, int limit) {
        return dao.changes(roomId, afterSeq, upToSeq, limit).stream()
                .map(row -> toDomain(row, row.createdAt().toInstant())).toList();
    }

    @Override
    public long newestMessageSeq(String roomId, long upToSeq) {
        return dao.newestMessageSeq(roomId, upToSeq);
    }

    /** A logged change as the relay publishes it and a resume replays it. */
    static MessageChange toDomain(ChangeLogDao.ChangeRow row, java.time.Instant time) {
        return switch (Kind.valueOf(row.kind())) {
            case EDIT -> {
                Message target = JdbiMessageLog.message(row.messageSeq(), row.message());
                // the event goes to every member: the sender's client_id stays the sender's
                yield new MessageChange.Edited(row.changeId(), row.seq(), new Message(target.id(), target.roomId(),
                        target.seq(), target.senderId(), "", row.text(), target.replyToId(), target.threadRootId(),
                        target.mentions(), target.createTime()), time);
            }
            case DELETE -> new MessageChange.Deleted(row.changeId(), row.seq(), row.roomId(), row.messageId(),
                    row.messageSeq(), row.actorId(), time);
            case REACT -> new MessageChange.Reacted(row.changeId(), row.seq(), row.roomId(), row.messageId(),
                    row.actorId(), row.emoji(), row.added(), time);
        };
    }

    /** The logged message without its text: what the log keeps of a deleted message. */
    private static byte[] tombstone(byte[] stored) {
        try {
            return io.chatmesh.proto.message.v1.Message.parseFrom(stored).toBuilder().clearText().build().toByteArray();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt row in message_log", e);
        }
    }
}

package io.chatmesh.chat.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatmesh.chat.bus.MessageProtos;
import io.chatmesh.chat.domain.LogEntry;
import io.chatmesh.chat.domain.Message;
import io.chatmesh.chat.domain.MessageLog;
import io.chatmesh.platform.db.DedicatedHandle;
import io.chatmesh.platform.db.HotStatements;
import io.chatmesh.platform.db.TakenKeys;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The {@link MessageLog} in PostgreSQL (table message_log, counters in rooms), used by the send
 * pipeline's one thread. It holds two connections of the pool for good: appends commit with
 * synchronous commit (an acknowledged message is on disk); relays commit without waiting for
 * the disk, since losing a relay's "published up to" mark in a crash only means the next relay
 * publishes those messages again, which consumers recognize.
 */
public final class JdbiMessageLog implements MessageLog, AutoCloseable {

    private record Attached(MessageLogStatements statements, MessageLogDao dao, ChangeLogDao changes) {}

    private final DedicatedHandle<Attached> appends;
    private final DedicatedHandle<Attached> relays;

    public JdbiMessageLog(Jdbi jdbi) {
        MessageLogStatements.Timers timers = MessageLogStatements.Timers.of(jdbi);
        TakenKeys takenKeys = new TakenKeys();
        Function<Handle, Attached> attach = handle ->
                new Attached(new MessageLogStatements(handle, timers, takenKeys), handle.attach(MessageLogDao.class),
                        handle.attach(ChangeLogDao.class));
        this.appends = new DedicatedHandle<>(jdbi, attach, HotStatements::setUpSession);
        this.relays = new DedicatedHandle<>(jdbi, attach, handle -> {
            HotStatements.setUpSession(handle);
            handle.execute("SET synchronous_commit = off");
        });
    }

    @Override
    public List<Appended> append(List<Post> posts) {
        int n = posts.size();
        String[] roomIds = new String[n];
        String[] senderIds = new String[n];
        String[] clientIds = new String[n];
        String[] messageIds = new String[n];
        byte[][] messages = new byte[n][];
        String[] createTimes = new String[n];
        String[] replyToIds = new String[n];
        String[] threadRootIds = new String[n];
        Boolean[] mentionRooms = new Boolean[n];
        List<Long> mentionPositions = new ArrayList<>();
        List<String> mentionUserIds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Post post = posts.get(i);
            roomIds[i] = post.message().roomId();
            senderIds[i] = post.senderId();
            clientIds[i] = post.message().clientId();
            messageIds[i] = post.messageId();
            // seq 0: the seq is not known before the statement takes it; its column holds it
            messages[i] = MessageProtos.toProto(post.withSeq(0)).toByteArray();
            createTimes[i] = post.createTime().toString();
            replyToIds[i] = post.message().replyToId();
            threadRootIds[i] = post.message().threadRootId();
            mentionRooms[i] = post.message().mentions().room();
            for (String userId : post.message().mentions().userIds()) {
                mentionPositions.add(i + 1L); // the statement's positions count from 1
                mentionUserIds.add(userId);
            }
        }
        List<MessageLogStatements.Appended> rows = appends.withAttached(log -> log.statements.append(roomIds,
                senderIds, clientIds, messageIds, messages, createTimes, replyToIds, threadRootIds, mentionRooms,
                mentionPositions.toArray(Long[]::new), mentionUserIds.toArray(String[]::new)));
        List<Appended> appended = new ArrayList<>(n);
        for (MessageLogStatements.Appended row : rows) {
            appended.add(switch (row.outcome()) {
                case "LOGGED" -> new Appended.Logged(row.seq());
                case "EARLIER" -> new Appended.Earlier(message(row.seq(), row.message()));
                case "NOT_MEMBER" -> new Appended.NotMember(true);
                case "NOT_MEMBER_HIDDEN_ROOM" -> new Appended.NotMember(false);
                case "RACED" -> new Appended.Raced();
                case "BAD_REPLY_TO" -> new Appended.BadReference("reply_to_id");
                case "BAD_THREAD_ROOT" -> new Appended.BadReference("thread_root_id");
                case "BAD_MENTION" -> new Appended.MentionOutsideRoom();
                case "ROOM_MENTION_NOT_ALLOWED" -> new Appended.RoomMentionNotAllowed();
                default -> throw new IllegalStateException("unknown append outcome " + row.outcome());
            });
        }
        return appended;
    }

    @Override
    public Optional<Message> find(String senderId, String clientId) {
        return appends.withAttached(log -> log.dao.find(senderId, clientId))
                .map(logged -> message(logged.seq(), logged.message()));
    }

    @Override
    public <T> T relay(Collection<String> roomIds, RelayWork<T> work) {
        String[] ids = roomIds.toArray(String[]::new);
        return relays.inTransaction(log -> {
            Map<String, Long> published = log.statements.lockPublishedSeqs(ids);
            return work.run(new RelayTransaction() {
                @Override
                public Map<String, Long> publishedSeqs() {
                    return published;
                }

                @Override
                public List<LogEntry> logged(String roomId, long afterSeq, long upToSeq, int limit) {
                    // the first `limit` entries of the room are among the first `limit` of each table
                    List<LogEntry> entries = new ArrayList<>();
                    log.dao.logged(roomId, afterSeq, upToSeq, limit)
                            .forEach(row -> entries.add(message(row.seq(), row.message())));
                    log.changes.changes(roomId, afterSeq, upToSeq, limit)
                            .forEach(row -> entries.add(JdbiChangeLog.toDomain(row, row.createdAt().toInstant())));
                    entries.sort(Comparator.comparingLong(LogEntry::seq));
                    return entries.size() > limit ? List.copyOf(entries.subList(0, limit)) : entries;
                }

                @Override
                public void markPublished(Map<String, Long> seqByRoom) {
                    if (!seqByRoom.isEmpty()) {
                        log.statements.markPublished(seqByRoom.keySet().toArray(String[]::new),
                                seqByRoom.values().toArray(Long[]::new));
                    }
                }
            });
        });
    }

    @Override
    public List<String> roomsWithUnpublishedMessages() {
        return relays.withAttached(log -> log.dao.roomsWithUnpublishedMessages());
    }

    @Override
    public void close() {
        appends.close();
        relays.close();
    }

    /** A logged message from its row: the stored bytes under the row's seq. */
    static Message message(long seq, byte[] stored) {
        try {
            return MessageProtos.fromProto(io.chatmesh.proto.message.v1.Message.parseFrom(stored).toBuilder()
                    .setSeq(seq).build());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt row in message_log", e);
        }
    }
}

package io.chatmesh.message.store;

import io.chatmesh.message.domain.Attachment;
import io.chatmesh.message.domain.Message;
import io.chatmesh.message.domain.MessageStore;
import io.chatmesh.message.domain.PageDirection;
import io.chatmesh.message.domain.ReactionSummary;
import io.chatmesh.message.domain.RoomUnread;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** {@link MessageStore} on PostgreSQL (schema: db/migration/message-service). */
public final class JdbiMessageStore implements MessageStore {

    private final Jdbi jdbi;

    public JdbiMessageStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public InsertOutcome insert(Message message) {
        Message stored = withMillisecondTimes(message);
        return jdbi.inTransaction(handle -> {
            MessageDao dao = handle.attach(MessageDao.class);
            if (dao.insertMessage(stored) == 0) {
                return dao.exists(stored.id()) ? InsertOutcome.DUPLICATE : InsertOutcome.SEQ_TAKEN;
            }
            if (!stored.attachments().isEmpty()) {
                List<Integer> positions = IntStream.range(0, stored.attachments().size()).boxed().toList();
                dao.insertAttachments(stored.id(), positions, stored.attachments());
            }
            return InsertOutcome.INSERTED;
        });
    }

    @Override
    public Optional<Message> get(String messageId) {
        return jdbi.withHandle(handle -> handle.attach(MessageDao.class).find(messageId)
                .map(row -> withDetails(handle, List.of(row)).getFirst()));
    }

    @Override
    public List<Message> page(String roomId, PageDirection direction, long fromSeq, int limit) {
        return jdbi.withHandle(handle -> {
            MessageDao dao = handle.attach(MessageDao.class);
            List<MessageRows.MessageRow> rows = switch (direction) {
                case FORWARD -> dao.pageForward(roomId, direction.exclusiveBound(fromSeq), limit);
                case BACKWARD -> dao.pageBackward(roomId, direction.exclusiveBound(fromSeq), limit);
            };
            return withDetails(handle, rows);
        });
    }

    @Override
    public long markRead(String roomId, String userId, long seq) {
        return jdbi.withExtension(MessageDao.class, dao -> dao.markRead(roomId, userId, seq));
    }

    @Override
    public List<RoomUnread> unread(String userId, List<String> roomIds) {
        if (roomIds.isEmpty()) {
            return List.of();
        }
        return jdbi.withExtension(MessageDao.class, dao -> dao.unread(userId, roomIds.toArray(String[]::new)));
    }

    @Override
    public Map<String, Long> lastSeqs(Collection<String> roomIds) {
        Map<String, Long> lastSeqs = new LinkedHashMap<>();
        if (roomIds.isEmpty()) {
            return lastSeqs;
        }
        roomIds.forEach(roomId -> lastSeqs.put(roomId, 0L));
        jdbi.useExtension(MessageDao.class, dao -> dao.lastSeqs(List.copyOf(lastSeqs.keySet()))
                .forEach(row -> lastSeqs.put(row.roomId(), row.lastSeq())));
        return lastSeqs;
    }

    /** Adds attachments and reaction summaries to a page of rows, two queries for the whole page. */
    private static List<Message> withDetails(Handle handle, List<MessageRows.MessageRow> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        MessageDao dao = handle.attach(MessageDao.class);
        List<String> ids = rows.stream().map(MessageRows.MessageRow::id).toList();
        Map<String, List<Attachment>> attachments = dao.attachments(ids).stream()
                .collect(Collectors.groupingBy(MessageRows.AttachmentRow::messageId,
                        Collectors.mapping(MessageRows.AttachmentRow::attachment, Collectors.toList())));
        Map<String, List<ReactionSummary>> reactions = dao.reactions(ids, ReactionSummary.MAX_SAMPLE_USERS).stream()
                .collect(Collectors.groupingBy(MessageRows.ReactionRow::messageId,
                        Collectors.mapping(MessageRows.ReactionRow::reaction, Collectors.toList())));
        return rows.stream()
                .map(row -> row.toMessage(attachments.getOrDefault(row.id(), List.of()),
                        reactions.getOrDefault(row.id(), List.of())))
                .toList();
    }

    /** PostgreSQL keeps microseconds, other stores milliseconds: store what every store can return. */
    private static Message withMillisecondTimes(Message m) {
        return new Message(m.id(), m.roomId(), m.seq(), m.senderId(), m.clientId(), m.text(), m.replyToId(),
                m.threadRootId(), m.threadReplyCount(), m.attachments(), m.reactions(),
                m.createTime().truncatedTo(ChronoUnit.MILLIS),
                m.editTime() == null ? null : m.editTime().truncatedTo(ChronoUnit.MILLIS),
                m.deleteTime() == null ? null : m.deleteTime().truncatedTo(ChronoUnit.MILLIS));
    }
}

package io.chatmesh.message.store;

import io.chatmesh.message.domain.Attachment;
import io.chatmesh.message.domain.Message;
import io.chatmesh.message.domain.MessageSearch;
import io.chatmesh.message.domain.MessageStore;
import io.chatmesh.message.domain.PageDirection;
import io.chatmesh.message.domain.ReactionSummary;
import io.chatmesh.message.domain.RoomUnread;
import io.chatmesh.platform.db.SqlObjects;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Jdbi;

/**
 * {@link MessageStore} on PostgreSQL (schema: db/migration/message-service), through a
 * {@link MessageDao} attached once.
 */
public final class JdbiMessageStore implements MessageStore {

    private final Jdbi jdbi;
    private final MessageDao dao;

    public JdbiMessageStore(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.dao = SqlObjects.attachOnce(jdbi, MessageDao.class);
    }

    /**
     * One INSERT for all messages; ids it did not insert are told apart (replay or seq clash) by
     * one more query. Messages with attachments go in with them in one transaction; without,
     * the INSERT commits on its own (one round trip for the whole run).
     */
    @Override
    public List<InsertOutcome> insertAll(List<Message> messages) {
        if (messages.isEmpty()) {
            return List.of();
        }
        boolean withAttachments = messages.stream().anyMatch(m -> !m.attachments().isEmpty());
        return withAttachments ? jdbi.inTransaction(handle -> insert(messages)) : insert(messages);
    }

    private List<InsertOutcome> insert(List<Message> messages) {
        MessageColumns columns = new MessageColumns(messages);
        Set<String> inserted = new HashSet<>(dao.insertMessages(columns.ids, columns.roomIds, columns.seqs,
                columns.senderIds, columns.clientIds, columns.texts, columns.replyToIds, columns.threadRootIds,
                columns.createTimes, columns.editTimes, columns.deleteTimes));
        Set<String> alreadyStored = inserted.size() == messages.size() ? Set.of()
                : new HashSet<>(dao.existingIds(columns.ids));
        List<InsertOutcome> outcomes = new ArrayList<>(messages.size());
        Set<String> seen = new HashSet<>();
        for (Message message : messages) {
            if (inserted.contains(message.id()) && seen.add(message.id())) {
                insertAttachments(message);
                outcomes.add(InsertOutcome.INSERTED);
            } else if (alreadyStored.contains(message.id()) || seen.contains(message.id())) {
                outcomes.add(InsertOutcome.DUPLICATE);
            } else {
                outcomes.add(InsertOutcome.SEQ_TAKEN);
            }
        }
        return outcomes;
    }

    private void insertAttachments(Message message) {
        if (!message.attachments().isEmpty()) {
            List<Integer> positions = IntStream.range(0, message.attachments().size()).boxed().toList();
            dao.insertAttachments(message.id(), positions, message.attachments());
        }
    }

    @Override
    public Optional<Message> get(String messageId) {
        // one handle for the message and its details
        return jdbi.withHandle(handle -> dao.find(messageId).map(row -> withDetails(List.of(row)).getFirst()));
    }

    @Override
    public List<Message> page(String roomId, PageDirection direction, long fromSeq, int limit,
            boolean withThreadReplies) {
        return jdbi.withHandle(handle -> { // one handle for the page and its details
            List<MessageRows.MessageRow> rows = switch (direction) {
                case FORWARD -> dao.pageForward(roomId, direction.exclusiveBound(fromSeq), limit, withThreadReplies);
                case BACKWARD -> dao.pageBackward(roomId, direction.exclusiveBound(fromSeq), limit, withThreadReplies);
            };
            return withDetails(rows);
        });
    }

    @Override
    public List<Message> threadPage(String roomId, String rootId, long afterSeq, int limit) {
        return jdbi.withHandle(handle -> withDetails(dao.threadPage(roomId, rootId, afterSeq, limit)));
    }

    @Override
    public List<Message> search(MessageSearch search, int limit) {
        String query = search.query().strip();
        MessageSearch.SearchCursor after = search.after();
        return jdbi.withHandle(handle -> withDetails(dao.search(search.roomIds().toArray(String[]::new), query,
                "%" + escapeLike(query) + "%", after == null ? null : after.createTime().toString(),
                after == null ? null : after.messageId(), limit)));
    }

    /** The text as a literal inside a LIKE pattern (escape character: backslash). */
    private static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    @Override
    public long markRead(String roomId, String userId, long seq) {
        return dao.markRead(roomId, userId, seq);
    }

    @Override
    public List<RoomUnread> unread(String userId, List<String> roomIds) {
        if (roomIds.isEmpty()) {
            return List.of();
        }
        return dao.unread(userId, roomIds.toArray(String[]::new));
    }

    @Override
    public Map<String, Long> lastSeqs(Collection<String> roomIds) {
        Map<String, Long> lastSeqs = new LinkedHashMap<>();
        if (roomIds.isEmpty()) {
            return lastSeqs;
        }
        roomIds.forEach(roomId -> lastSeqs.put(roomId, 0L));
        dao.lastSeqs(List.copyOf(lastSeqs.keySet())).forEach(row -> lastSeqs.put(row.roomId(), row.lastSeq()));
        return lastSeqs;
    }

    /** Adds attachments and reaction summaries to a page of rows, two queries for the whole page. */
    private List<Message> withDetails(List<MessageRows.MessageRow> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
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

    /**
     * Messages as one array per column, for a single INSERT ... SELECT FROM unnest(...). Times
     * are kept to the millisecond (what every store can return) and travel as ISO-8601 text.
     */
    private static final class MessageColumns {

        final String[] ids;
        final String[] roomIds;
        final Long[] seqs;
        final String[] senderIds;
        final String[] clientIds;
        final String[] texts;
        final String[] replyToIds;
        final String[] threadRootIds;
        final String[] createTimes;
        final String[] editTimes;
        final String[] deleteTimes;

        MessageColumns(List<Message> messages) {
            int n = messages.size();
            ids = new String[n];
            roomIds = new String[n];
            seqs = new Long[n];
            senderIds = new String[n];
            clientIds = new String[n];
            texts = new String[n];
            replyToIds = new String[n];
            threadRootIds = new String[n];
            createTimes = new String[n];
            editTimes = new String[n];
            deleteTimes = new String[n];
            for (int i = 0; i < n; i++) {
                Message m = messages.get(i);
                ids[i] = m.id();
                roomIds[i] = m.roomId();
                seqs[i] = m.seq();
                senderIds[i] = m.senderId();
                clientIds[i] = m.clientId();
                texts[i] = m.text();
                replyToIds[i] = m.replyToId();
                threadRootIds[i] = m.threadRootId();
                createTimes[i] = millis(m.createTime());
                editTimes[i] = millis(m.editTime());
                deleteTimes[i] = millis(m.deleteTime());
            }
        }

        private static String millis(Instant time) {
            return time == null ? null : time.truncatedTo(ChronoUnit.MILLIS).toString();
        }
    }
}

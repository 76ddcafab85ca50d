package io.chatmesh.message.store;

import io.chatmesh.message.domain.Attachment;
import io.chatmesh.message.domain.Mentions;
import io.chatmesh.message.domain.Message;
import io.chatmesh.message.domain.MessageChange;
import io.chatmesh.message.domain.MessageSearch;
import io.chatmesh.message.domain.MessageStore;
import io.chatmesh.message.domain.PageDirection;
import io.chatmesh.message.domain.ReactionSummary;
import io.chatmesh.message.domain.RoomUnread;
import io.chatmesh.platform.db.DedicatedHandle;
import io.chatmesh.platform.db.HotStatements;
import io.chatmesh.platform.db.SqlObjects;
import io.chatmesh.platform.db.TakenKeys;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;

/**
 * {@link MessageStore} on PostgreSQL (schema: db/migration/message-service), through a
 * {@link MessageDao} attached once.
 */
public final class JdbiMessageStore implements MessageStore, AutoCloseable {

    /** Words a search looks up in the trigram index; more would narrow the candidates little. */
    private static final int MAX_INDEXED_WORDS = 4;

    /** What the persister writes with: its prepared INSERT and the DAOs, on one connection. */
    private record Writer(MessageInserts inserts, MessageDao dao, MessageChangeDao changes) {}

    private final Jdbi jdbi;
    private final MessageDao dao;
    private final ReadStateDao readState;
    private final DedicatedHandle<Writer> writer;
    private final RoomFolds roomFolds;
    private final TakenKeys takenKeys = new TakenKeys();

    public JdbiMessageStore(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.dao = SqlObjects.attachOnce(jdbi, MessageDao.class);
        this.readState = SqlObjects.attachOnce(jdbi, ReadStateDao.class);
        Timer insertTimer = MessageInserts.timer(jdbi);
        this.writer = new DedicatedHandle<>(jdbi,
                handle -> new Writer(new MessageInserts(handle, insertTimer), handle.attach(MessageDao.class),
                        handle.attach(MessageChangeDao.class)),
                HotStatements::setUpSession);
        this.roomFolds = new RoomFolds(jdbi, readState, SqlObjects.attachOnce(jdbi, SearchIndexDao.class));
    }

    /**
     * Adds the messages stored and changed since the last call to the unread counters and the
     * search index. message-service runs it every {@code chatmesh.message.unread-fold-interval};
     * counts and searches are exact whether or not it ran.
     */
    public void foldNewMessages() {
        roomFolds.fold();
    }

    @Override
    public void applyChanges(List<MessageChange> changes) {
        storeRun(List.of(), changes);
    }

    /**
     * One INSERT for all messages (a second, skipping taken keys, when the first met one: {@link
     * TakenKeys}); ids it did not insert are told apart (replay or seq clash) by one more query.
     * Messages with attachments go in with them in one transaction; without, the INSERT commits
     * on its own (one round trip for the whole run). The persister is the one writer, on a
     * connection of its own (synchronized all the same).
     */
    @Override
    public List<InsertOutcome> insertAll(List<Message> messages) {
        return storeRun(messages, List.of());
    }

    /** The run's INSERT and its changes in one transaction on the persister's connection: one commit. */
    @Override
    public synchronized List<InsertOutcome> storeRun(List<Message> messages, List<MessageChange> changes) {
        if (messages.isEmpty() && changes.isEmpty()) {
            return List.of();
        }
        boolean oneStatement = changes.isEmpty() && messages.stream().allMatch(m -> m.attachments().isEmpty());
        // a run of messages published again fails the first attempt, which leaves nothing behind
        List<InsertOutcome> outcomes = takenKeys.insert(skipTakenKeys -> oneStatement
                ? writer.withAttached(w -> insert(w, messages, skipTakenKeys))
                : writer.inTransaction(w -> {
                    List<InsertOutcome> inserted = messages.isEmpty() ? List.of() : insert(w, messages, skipTakenKeys);
                    JdbiMessageChanges.applyWith(w.changes(), changes);
                    return inserted;
                }));
        // rooms with new messages (counters, search), or with edits and deletions (search)
        roomFolds.touched(Stream.concat(messages.stream().map(Message::roomId),
                        changes.stream().filter(change -> !(change instanceof MessageChange.Reacted))
                                .map(MessageChange::roomId))
                .collect(Collectors.toSet()));
        return outcomes;
    }

    private static List<InsertOutcome> insert(Writer writer, List<Message> messages, boolean skipTakenKeys) {
        Set<String> inserted = writer.inserts.insert(messages, skipTakenKeys);
        Set<String> alreadyStored = inserted.size() == messages.size() ? Set.of()
                : new HashSet<>(writer.dao.existingIds(messages.stream().map(Message::id).toArray(String[]::new)));
        List<InsertOutcome> outcomes = new ArrayList<>(messages.size());
        Set<String> seen = new HashSet<>();
        for (Message message : messages) {
            if (inserted.contains(message.id()) && seen.add(message.id())) {
                insertAttachments(writer.dao, message);
                outcomes.add(InsertOutcome.INSERTED);
            } else if (alreadyStored.contains(message.id()) || seen.contains(message.id())) {
                outcomes.add(InsertOutcome.DUPLICATE);
            } else {
                outcomes.add(InsertOutcome.SEQ_TAKEN);
            }
        }
        return outcomes;
    }

    private static void insertAttachments(MessageDao dao, Message message) {
        if (!message.attachments().isEmpty()) {
            List<Integer> positions = IntStream.range(0, message.attachments().size()).boxed().toList();
            dao.insertAttachments(message.id(), positions, message.attachments());
        }
    }

    @Override
    public void close() {
        writer.close();
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
        return jdbi.withHandle(handle -> {
            String[] wordPatterns = indexedWords(dao.searchWords(query)).stream()
                    .map(word -> "%" + escapeLike(word) + "%").toArray(String[]::new);
            String wordIndexMatch = IntStream.rangeClosed(1, wordPatterns.length)
                    .mapToObj(i -> "s.text ILIKE (CAST(:words AS text[]))[" + i + "] AND ")
                    .collect(Collectors.joining());
            return withDetails(dao.search(search.roomIds().toArray(String[]::new), query,
                    "%" + escapeLike(query) + "%", wordIndexMatch, wordPatterns,
                    after == null ? null : after.createTime().toString(), after == null ? null : after.messageId(),
                    limit));
        });
    }

    /**
     * The words a search looks up in the trigram index, each as a substring (a text holding all
     * the query's words holds each of them, lowercased or not): the longest few that have a
     * trigram (three characters or more); the full-text match rechecks every word.
     */
    static List<String> indexedWords(List<String> words) {
        return words.stream()
                .filter(word -> word.codePointCount(0, word.length()) >= 3)
                .sorted(Comparator.comparingInt((String word) -> word.codePointCount(0, word.length())).reversed())
                .limit(MAX_INDEXED_WORDS)
                .toList();
    }

    /** The text as a literal inside a LIKE pattern (backslash: LIKE's default escape character). */
    private static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    @Override
    public long markRead(String roomId, String userId, long seq) {
        return jdbi.inTransaction(handle -> {
            readState.createMarker(roomId, userId);
            return readState.moveMarker(roomId, userId, seq);
        });
    }

    @Override
    public List<RoomUnread> unread(String userId, List<String> roomIds) {
        if (roomIds.isEmpty()) {
            return List.of();
        }
        return readState.unread(userId, roomIds.toArray(String[]::new));
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

    /** Adds attachments, reaction summaries and mentions to a page of rows, three queries for the whole page. */
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
        Map<String, List<String>> mentioned = dao.mentions(ids).stream()
                .collect(Collectors.groupingBy(MessageRows.MentionRow::messageId,
                        Collectors.mapping(MessageRows.MentionRow::mentioned, Collectors.toList())));
        return rows.stream()
                .map(row -> row.toMessage(attachments.getOrDefault(row.id(), List.of()),
                        reactions.getOrDefault(row.id(), List.of()), mentions(mentioned.get(row.id()))))
                .toList();
    }

    private static Mentions mentions(List<String> mentioned) {
        if (mentioned == null) {
            return Mentions.NONE;
        }
        return new Mentions(mentioned.stream().filter(m -> !m.equals(MessageRows.ROOM_MENTION)).toList(),
                mentioned.contains(MessageRows.ROOM_MENTION));
    }
}

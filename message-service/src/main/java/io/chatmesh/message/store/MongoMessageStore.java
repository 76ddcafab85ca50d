package io.chatmesh.message.store;

import static io.chatmesh.message.store.MessageDocuments.CREATE_TIME;
import static io.chatmesh.message.store.MessageDocuments.DELETE_TIME;
import static io.chatmesh.message.store.MessageDocuments.ID;
import static io.chatmesh.message.store.MessageDocuments.ROOM_ID;
import static io.chatmesh.message.store.MessageDocuments.SEQ;
import static io.chatmesh.message.store.MessageDocuments.TEXT;
import static io.chatmesh.message.store.MessageDocuments.THREAD_LAST_REPLY_TIME;
import static io.chatmesh.message.store.MessageDocuments.THREAD_REPLY_COUNT;
import static io.chatmesh.message.store.MessageDocuments.THREAD_ROOT_ID;
import static io.chatmesh.message.store.MessageDocuments.USER_ID;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.chatmesh.message.domain.Message;
import io.chatmesh.message.domain.MessageSearch;
import io.chatmesh.message.domain.MessageStore;
import io.chatmesh.message.domain.PageDirection;
import io.chatmesh.message.domain.RoomUnread;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * {@link MessageStore} on MongoDB: one document per message with its attachments and reaction
 * summaries embedded, read markers in their own collection (docs/message-store.md). Uses single
 * document operations only, so it needs neither transactions nor a replica set.
 */
public final class MongoMessageStore implements MessageStore {

    static final String ROOM_SEQ_INDEX = "room_seq";
    static final String THREAD_INDEX = "thread_root_seq";
    static final String READ_MARKER_INDEX = "room_user";
    static final String TEXT_INDEX = "text_search";

    private static final String LAST_REPLY = "last_reply";

    private static final String GROUP_VALUE = "value";

    private final MongoCollection<Document> messages;
    private final MongoCollection<Document> readMarkers;
    private final MongoReadState readState;

    public MongoMessageStore(MongoDatabase database) {
        this.messages = database.getCollection(MessageDocuments.MESSAGES);
        this.readMarkers = database.getCollection(MessageDocuments.READ_MARKERS);
        this.readState = new MongoReadState(database);
    }

    /** Creates the indexes the store relies on; indexes that already exist as defined are left as they are. */
    public void createIndexes() {
        messages.createIndex(Indexes.ascending(ROOM_ID, SEQ), new IndexOptions().name(ROOM_SEQ_INDEX).unique(true));
        // Only replies carry a thread root, so the index holds replies only.
        messages.createIndex(Indexes.ascending(THREAD_ROOT_ID, SEQ), new IndexOptions().name(THREAD_INDEX)
                .partialFilterExpression(Filters.exists(THREAD_ROOT_ID)));
        readMarkers.createIndex(Indexes.ascending(ROOM_ID, USER_ID),
                new IndexOptions().name(READ_MARKER_INDEX).unique(true));
        // Language "none": no stemming or stop words, the same for every language (SearchMessages).
        messages.createIndex(Indexes.text(TEXT), new IndexOptions().name(TEXT_INDEX).defaultLanguage("none"));
        readState.createIndexes();
    }

    /**
     * Inserts all (one unordered bulk write), then counts the stored ones into the message
     * counters ({@link MongoReadState#count}) and recounts the replies of every stored message
     * and of the thread roots they reply to. Recounting (rather than incrementing) also after a
     * DUPLICATE makes the stored counts exact whatever was interrupted before: a replayed event
     * repairs them instead of counting twice, and a root stored after its replies counts them.
     */
    @Override
    public List<InsertOutcome> insertAll(List<Message> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        List<InsertOutcome> outcomes = insertDocuments(batch);
        Map<String, String> roomOfRoot = new LinkedHashMap<>();
        List<Message> stored = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Message message = batch.get(i);
            if (outcomes.get(i) != InsertOutcome.SEQ_TAKEN) {
                stored.add(message);
                roomOfRoot.put(message.id(), message.roomId());
                if (message.threadRootId() != null) {
                    roomOfRoot.put(message.threadRootId(), message.roomId());
                }
            }
        }
        readState.count(stored);
        recountReplies(roomOfRoot);
        return outcomes;
    }

    private List<InsertOutcome> insertDocuments(List<Message> batch) {
        List<InsertOutcome> outcomes = new ArrayList<>(Collections.nCopies(batch.size(), InsertOutcome.INSERTED));
        try {
            messages.insertMany(batch.stream().map(MessageDocuments::newMessage).toList(),
                    new InsertManyOptions().ordered(false));
            return outcomes;
        } catch (MongoBulkWriteException e) {
            List<Integer> refused = new ArrayList<>();
            for (BulkWriteError error : e.getWriteErrors()) {
                if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                refused.add(error.getIndex());
            }
            // Error 11000 from either unique index: _id (a replay) or room_seq. The server names the
            // index only in the error text, so ask which ids are stored, as the SQL adapter does.
            Set<String> storedIds = new HashSet<>();
            messages.find(Filters.in(ID, refused.stream().map(i -> batch.get(i).id()).toList()))
                    .projection(Projections.include(ID))
                    .forEach(doc -> storedIds.add(doc.getString(ID)));
            for (int index : refused) {
                outcomes.set(index, storedIds.contains(batch.get(index).id())
                        ? InsertOutcome.DUPLICATE : InsertOutcome.SEQ_TAKEN);
            }
            return outcomes;
        }
    }

    /**
     * Sets the stored reply count and last reply time of each root to those of the replies
     * stored now: one aggregation finds them all. {@code $max} keeps a concurrent, later recount
     * from being overwritten by an earlier, smaller one (replies are never removed, deletion
     * keeps the document).
     */
    private void recountReplies(Map<String, String> roomOfRoot) {
        if (roomOfRoot.isEmpty()) {
            return;
        }
        List<Bson> replies = roomOfRoot.entrySet().stream()
                .map(root -> Filters.and(Filters.eq(ROOM_ID, root.getValue()), Filters.eq(THREAD_ROOT_ID, root.getKey())))
                .toList();
        messages.aggregate(List.of(
                        Aggregates.match(Filters.or(replies)),
                        Aggregates.group("$" + THREAD_ROOT_ID, Accumulators.sum(GROUP_VALUE, 1),
                                Accumulators.max(LAST_REPLY, "$" + CREATE_TIME))))
                .forEach(group -> {
                    String rootId = group.getString(ID);
                    messages.updateOne(Filters.and(Filters.eq(ID, rootId), Filters.eq(ROOM_ID, roomOfRoot.get(rootId))),
                            Updates.combine(
                                    Updates.max(THREAD_REPLY_COUNT,
                                            Math.toIntExact(MessageDocuments.longValue(group, GROUP_VALUE))),
                                    Updates.max(THREAD_LAST_REPLY_TIME, group.getDate(LAST_REPLY))));
                });
    }

    @Override
    public Optional<Message> get(String messageId) {
        return Optional.ofNullable(messages.find(Filters.eq(ID, messageId)).first()).map(MessageDocuments::toMessage);
    }

    @Override
    public List<Message> page(String roomId, PageDirection direction, long fromSeq, int limit,
            boolean withThreadReplies) {
        long bound = direction.exclusiveBound(fromSeq);
        Bson filter = Filters.and(Filters.eq(ROOM_ID, roomId), switch (direction) {
            case FORWARD -> Filters.gt(SEQ, bound);
            case BACKWARD -> Filters.lt(SEQ, bound);
        }, withThreadReplies ? Filters.empty() : Filters.exists(THREAD_ROOT_ID, false));
        Bson order = switch (direction) {
            case FORWARD -> Sorts.ascending(SEQ);
            case BACKWARD -> Sorts.descending(SEQ);
        };
        return messages.find(filter).sort(order).limit(limit).map(MessageDocuments::toMessage).into(new ArrayList<>());
    }

    @Override
    public List<Message> threadPage(String roomId, String rootId, long afterSeq, int limit) {
        return messages.find(Filters.and(Filters.eq(THREAD_ROOT_ID, rootId), Filters.eq(ROOM_ID, roomId),
                        Filters.gt(SEQ, afterSeq)))
                .sort(Sorts.ascending(SEQ)).limit(limit).map(MessageDocuments::toMessage).into(new ArrayList<>());
    }

    /**
     * A {@code $text} query on the text index: whole words (any of the query's), case- and
     * diacritic-insensitive, no substrings (docs/message-store.md compares it with PostgreSQL).
     */
    @Override
    public List<Message> search(MessageSearch search, int limit) {
        List<Bson> filters = new ArrayList<>(List.of(
                Filters.text(search.query().strip()),
                Filters.in(ROOM_ID, search.roomIds()),
                Filters.exists(DELETE_TIME, false)));
        MessageSearch.SearchCursor after = search.after();
        if (after != null) {
            Date time = Date.from(after.createTime());
            filters.add(Filters.or(Filters.lt(CREATE_TIME, time),
                    Filters.and(Filters.eq(CREATE_TIME, time), Filters.lt(ID, after.messageId()))));
        }
        return messages.find(Filters.and(filters)).sort(Sorts.descending(CREATE_TIME, ID)).limit(limit)
                .map(MessageDocuments::toMessage).into(new ArrayList<>());
    }

    @Override
    public long markRead(String roomId, String userId, long seq) {
        return readState.markRead(roomId, userId, seq);
    }

    @Override
    public List<RoomUnread> unread(String userId, List<String> roomIds) {
        return roomIds.isEmpty() ? List.of() : readState.unread(userId, roomIds);
    }

    /**
     * One aggregation, sorted like the room_seq index and grouped with {@code $last}: the shape
     * recent MongoDB versions answer with a distinct scan of that index (one seek per room)
     * instead of reading every message of the rooms.
     */
    @Override
    public Map<String, Long> lastSeqs(Collection<String> roomIds) {
        Map<String, Long> lastSeqs = new LinkedHashMap<>();
        if (roomIds.isEmpty()) {
            return lastSeqs;
        }
        roomIds.forEach(roomId -> lastSeqs.put(roomId, 0L));
        messages.aggregate(List.of(
                        Aggregates.match(Filters.in(ROOM_ID, lastSeqs.keySet())),
                        Aggregates.sort(Sorts.ascending(ROOM_ID, SEQ)),
                        Aggregates.group("$" + ROOM_ID, Accumulators.last(GROUP_VALUE, "$" + SEQ))))
                .forEach(group -> lastSeqs.put(group.getString(ID), MessageDocuments.longValue(group, GROUP_VALUE)));
        return lastSeqs;
    }
}

package io.chatmesh.message.store;

import static io.chatmesh.message.store.MessageDocuments.ID;
import static io.chatmesh.message.store.MessageDocuments.LAST_READ_SEQ;
import static io.chatmesh.message.store.MessageDocuments.LAST_SEQ;
import static io.chatmesh.message.store.MessageDocuments.MENTIONED_USER_IDS;
import static io.chatmesh.message.store.MessageDocuments.MENTION_ROOM;
import static io.chatmesh.message.store.MessageDocuments.MESSAGE_COUNT;
import static io.chatmesh.message.store.MessageDocuments.OWN_READ_COUNT;
import static io.chatmesh.message.store.MessageDocuments.READ_COUNT;
import static io.chatmesh.message.store.MessageDocuments.ROOM_ID;
import static io.chatmesh.message.store.MessageDocuments.SENDER_ID;
import static io.chatmesh.message.store.MessageDocuments.SEQ;
import static io.chatmesh.message.store.MessageDocuments.USER_ID;
import static io.chatmesh.message.store.MessageDocuments.longValue;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.chatmesh.message.domain.Message;
import io.chatmesh.message.domain.RoomUnread;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Read markers, message counters and mention counts of {@link MongoMessageStore}
 * (docs/message-store.md, "Unread and mention counts"). A room's unread count is its message
 * count minus what its marker has counted, minus the user's own messages past the marker: a
 * few documents per room, whatever the room's size. Counters are raised with a high-water
 * mark (the newest seq counted), so a replayed run counts nothing twice and a run whose
 * counting a crash interrupted is counted when it is replayed.
 */
final class MongoReadState {

    static final String COUNTS_INDEX = "room_sender";
    static final String MENTIONED_INDEX = "room_mentioned_seq";
    static final String ROOM_MENTION_INDEX = "room_mention_room_seq";

    /** sender_id of a room's total counter. */
    private static final String ROOM_TOTAL = "";
    /** Optimistic writes that lost a race are tried again, this many times in all. */
    private static final int ATTEMPTS = 10;
    private static final String GROUP_VALUE = "value";

    private final MongoCollection<Document> messages;
    private final MongoCollection<Document> readMarkers;
    private final MongoCollection<Document> counts;

    MongoReadState(MongoDatabase database) {
        this.messages = database.getCollection(MessageDocuments.MESSAGES);
        this.readMarkers = database.getCollection(MessageDocuments.READ_MARKERS);
        this.counts = database.getCollection(MessageDocuments.MESSAGE_COUNTS);
    }

    void createIndexes() {
        counts.createIndex(Indexes.ascending(ROOM_ID, SENDER_ID), new IndexOptions().name(COUNTS_INDEX).unique(true));
        messages.createIndex(Indexes.ascending(ROOM_ID, MENTIONED_USER_IDS, SEQ), new IndexOptions()
                .name(MENTIONED_INDEX).partialFilterExpression(Filters.exists(MENTIONED_USER_IDS)));
        messages.createIndex(Indexes.ascending(ROOM_ID, MENTION_ROOM, SEQ), new IndexOptions()
                .name(ROOM_MENTION_INDEX).partialFilterExpression(Filters.exists(MENTION_ROOM)));
    }

    /**
     * Counts messages that are stored now (inserted by this run, or earlier: a replay) into their
     * room's and sender's counters, each counter only with seqs above the newest it counted.
     */
    void count(List<Message> stored) {
        Map<List<String>, List<Long>> seqsByCounter = new LinkedHashMap<>();
        for (Message message : stored) {
            seqsByCounter.computeIfAbsent(List.of(message.roomId(), ROOM_TOTAL), k -> new ArrayList<>()).add(message.seq());
            seqsByCounter.computeIfAbsent(List.of(message.roomId(), message.senderId()), k -> new ArrayList<>())
                    .add(message.seq());
        }
        seqsByCounter.forEach((counter, seqs) -> raise(counter.get(0), counter.get(1), seqs));
    }

    private void raise(String roomId, String senderId, List<Long> seqs) {
        Bson key = Filters.and(Filters.eq(ROOM_ID, roomId), Filters.eq(SENDER_ID, senderId));
        for (int attempt = 1; ; attempt++) {
            Document counter = counts.find(key).first();
            long counted = counter == null ? 0 : longValue(counter, LAST_SEQ);
            List<Long> fresh = seqs.stream().filter(seq -> seq > counted).toList();
            if (fresh.isEmpty()) {
                return;
            }
            long newest = fresh.stream().mapToLong(Long::longValue).max().orElseThrow();
            if (writeIfUnchanged(counts, Filters.and(key, counter == null ? Filters.exists(LAST_SEQ, false)
                            : Filters.eq(LAST_SEQ, counted)),
                    Updates.combine(Updates.set(LAST_SEQ, newest), Updates.inc(MESSAGE_COUNT, (long) fresh.size())),
                    attempt)) {
                return;
            }
        }
    }

    /**
     * Moves the marker forward to {@code seq}, never past the room's newest counted message,
     * counting the messages between the old and the new marker (two counts on room_seq).
     */
    long markRead(String roomId, String userId, long seq) {
        Bson key = Filters.and(Filters.eq(ROOM_ID, roomId), Filters.eq(USER_ID, userId));
        for (int attempt = 1; ; attempt++) {
            Document total = counts.find(Filters.and(Filters.eq(ROOM_ID, roomId), Filters.eq(SENDER_ID, ROOM_TOTAL))).first();
            long target = Math.min(seq, total == null ? 0 : longValue(total, LAST_SEQ));
            Document marker = readMarkers.find(key).first();
            long old = marker == null ? 0 : longValue(marker, LAST_READ_SEQ);
            if (target <= old) {
                return old;
            }
            Bson passed = Filters.and(Filters.eq(ROOM_ID, roomId), Filters.gt(SEQ, old), Filters.lte(SEQ, target));
            long read = messages.countDocuments(passed);
            long ownRead = messages.countDocuments(Filters.and(passed, Filters.eq(SENDER_ID, userId)));
            Bson unchanged = marker == null ? Filters.exists(LAST_READ_SEQ, false) : Filters.eq(LAST_READ_SEQ, old);
            if (writeIfUnchanged(readMarkers, Filters.and(key, unchanged), Updates.combine(
                    Updates.set(LAST_READ_SEQ, target), Updates.inc(READ_COUNT, read), Updates.inc(OWN_READ_COUNT, ownRead)),
                    attempt)) {
                return target;
            }
        }
    }

    /**
     * An upsert of the document the filter names, if it is still as read: false when another
     * writer changed it first (the filter then matches nothing and the upsert's insert meets the
     * unique index).
     */
    private static boolean writeIfUnchanged(MongoCollection<Document> collection, Bson filter, Bson update,
            int attempt) {
        try {
            collection.updateOne(filter, update, new UpdateOptions().upsert(true));
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY || attempt >= ATTEMPTS) {
                throw e;
            }
            return false;
        }
    }

    /** Three queries whatever the number of rooms: the markers, the counters, and the mentions past the markers. */
    List<RoomUnread> unread(String userId, List<String> roomIds) {
        Map<String, Document> markers = new HashMap<>();
        readMarkers.find(Filters.and(Filters.in(ROOM_ID, roomIds), Filters.eq(USER_ID, userId)))
                .forEach(marker -> markers.put(marker.getString(ROOM_ID), marker));
        Map<String, Document> totals = new HashMap<>();
        Map<String, Document> own = new HashMap<>();
        counts.find(Filters.and(Filters.in(ROOM_ID, roomIds), Filters.in(SENDER_ID, ROOM_TOTAL, userId)))
                .forEach(counter -> (ROOM_TOTAL.equals(counter.getString(SENDER_ID)) ? totals : own)
                        .put(counter.getString(ROOM_ID), counter));

        List<Bson> pastMarkers = new ArrayList<>();
        for (String room : roomIds) {
            long marker = longValue(markers.getOrDefault(room, new Document()), LAST_READ_SEQ);
            if (longValue(totals.getOrDefault(room, new Document()), LAST_SEQ) > marker) {
                pastMarkers.add(Filters.and(Filters.eq(ROOM_ID, room), Filters.eq(MENTIONED_USER_IDS, userId),
                        Filters.gt(SEQ, marker)));
                pastMarkers.add(Filters.and(Filters.eq(ROOM_ID, room), Filters.eq(MENTION_ROOM, true),
                        Filters.gt(SEQ, marker)));
            }
        }
        Map<String, Long> mentionCounts = new HashMap<>();
        if (!pastMarkers.isEmpty()) {
            messages.aggregate(List.of(
                            Aggregates.match(Filters.and(Filters.or(pastMarkers), Filters.ne(SENDER_ID, userId))),
                            Aggregates.group("$" + ROOM_ID, Accumulators.sum(GROUP_VALUE, 1))))
                    .forEach(group -> mentionCounts.put(group.getString(ID), longValue(group, GROUP_VALUE)));
        }
        return roomIds.stream().map(room -> {
            Document marker = markers.getOrDefault(room, new Document());
            Document total = totals.getOrDefault(room, new Document());
            long unread = longValue(total, MESSAGE_COUNT) - longValue(marker, READ_COUNT)
                    - (longValue(own.getOrDefault(room, new Document()), MESSAGE_COUNT) - longValue(marker, OWN_READ_COUNT));
            return new RoomUnread(room, unread, longValue(marker, LAST_READ_SEQ), longValue(total, LAST_SEQ),
                    mentionCounts.getOrDefault(room, 0L));
        }).toList();
    }
}

package io.chatmesh.message.store;

import static io.chatmesh.message.store.MessageDocuments.ATTACHMENTS;
import static io.chatmesh.message.store.MessageDocuments.COUNT;
import static io.chatmesh.message.store.MessageDocuments.DELETE_TIME;
import static io.chatmesh.message.store.MessageDocuments.EDIT_TIME;
import static io.chatmesh.message.store.MessageDocuments.EMOJI;
import static io.chatmesh.message.store.MessageDocuments.ID;
import static io.chatmesh.message.store.MessageDocuments.REACTIONS;
import static io.chatmesh.message.store.MessageDocuments.ROOM_ID;
import static io.chatmesh.message.store.MessageDocuments.SAMPLE_USER_IDS;
import static io.chatmesh.message.store.MessageDocuments.TEXT;
import static io.chatmesh.message.store.MessageDocuments.USER_ID;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.chatmesh.message.domain.MessageChange;
import io.chatmesh.message.domain.ReactionSummary;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Applies {@link MessageChange}s to MongoDB with single-document operations (no transactions,
 * like the rest of the adapter). Reactions: one document per (message, emoji, user) in
 * {@code message_reactions}, the source of truth; the message's embedded summaries are
 * recomputed from it for the messages a run touched (docs/message-store.md). Edits and
 * reactions leave deleted messages alone; a deletion empties text, attachments and reactions
 * and keeps the document (its seq) as a tombstone.
 */
final class MongoMessageChanges {

    static final String REACTIONS_COLLECTION = "message_reactions";
    static final String REACTIONS_BY_MESSAGE_INDEX = "message_time";
    static final String MESSAGE_ID = "message_id";
    static final String TIME = "time";

    private final MongoCollection<Document> messages;
    private final MongoCollection<Document> reactions;

    MongoMessageChanges(MongoDatabase database) {
        this.messages = database.getCollection(MessageDocuments.MESSAGES);
        this.reactions = database.getCollection(REACTIONS_COLLECTION);
    }

    void createIndexes() {
        reactions.createIndex(Indexes.ascending(MESSAGE_ID, TIME, USER_ID),
                new IndexOptions().name(REACTIONS_BY_MESSAGE_INDEX));
    }

    /** In order; the summaries of every message whose reactions changed are rewritten once at the end. */
    void apply(List<MessageChange> changes) {
        Map<String, String> touched = new LinkedHashMap<>();
        for (MessageChange change : changes) {
            Bson live = Filters.and(Filters.eq(ID, change.messageId()), Filters.eq(ROOM_ID, change.roomId()),
                    Filters.exists(DELETE_TIME, false));
            switch (change) {
                case MessageChange.Edited edited -> messages.updateOne(live, Updates.combine(
                        Updates.set(TEXT, edited.text()), Updates.set(EDIT_TIME, Date.from(edited.editTime()))));
                case MessageChange.Deleted deleted -> {
                    if (messages.updateOne(live, Updates.combine(Updates.set(TEXT, ""),
                            Updates.set(DELETE_TIME, Date.from(deleted.deleteTime())),
                            Updates.set(ATTACHMENTS, List.of()), Updates.set(REACTIONS, List.of())))
                            .getMatchedCount() > 0) {
                        reactions.deleteMany(Filters.eq(MESSAGE_ID, deleted.messageId()));
                        touched.remove(deleted.messageId());
                    }
                }
                case MessageChange.Reacted reacted -> {
                    if (messages.find(live).limit(1).first() == null) {
                        continue;
                    }
                    String key = reacted.messageId() + '\n' + reacted.emoji() + '\n' + reacted.userId();
                    if (reacted.added()) {
                        // an add of a reaction the user has keeps its first time (upsert on insert only)
                        if (reactions.find(Filters.eq(ID, key)).first() == null) {
                            reactions.replaceOne(Filters.eq(ID, key), new Document(ID, key)
                                    .append(MESSAGE_ID, reacted.messageId()).append(EMOJI, reacted.emoji())
                                    .append(USER_ID, reacted.userId()).append(TIME, Date.from(reacted.time())),
                                    new ReplaceOptions().upsert(true));
                        }
                    } else {
                        reactions.deleteOne(Filters.eq(ID, key));
                    }
                    touched.put(reacted.messageId(), reacted.roomId());
                }
            }
        }
        touched.forEach(this::rewriteSummaries);
    }

    /** Summaries as the SQL adapter aggregates them: emojis by first use, samples oldest first. */
    private void rewriteSummaries(String messageId, String roomId) {
        Map<String, List<String>> usersByEmoji = new LinkedHashMap<>();
        reactions.find(Filters.eq(MESSAGE_ID, messageId)).sort(Sorts.ascending(TIME, USER_ID, EMOJI))
                .forEach(doc -> usersByEmoji.computeIfAbsent(doc.getString(EMOJI), e -> new ArrayList<>())
                        .add(doc.getString(USER_ID)));
        List<Document> summaries = new ArrayList<>();
        usersByEmoji.forEach((emoji, users) -> summaries.add(new Document(EMOJI, emoji)
                .append(COUNT, users.size())
                .append(SAMPLE_USER_IDS, users.subList(0, Math.min(users.size(), ReactionSummary.MAX_SAMPLE_USERS)))));
        messages.updateOne(Filters.and(Filters.eq(ID, messageId), Filters.eq(ROOM_ID, roomId),
                Filters.exists(DELETE_TIME, false)), Updates.set(REACTIONS, summaries));
    }
}

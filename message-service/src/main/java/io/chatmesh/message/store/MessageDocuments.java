package io.chatmesh.message.store;

import io.chatmesh.message.domain.Attachment;
import io.chatmesh.message.domain.Mentions;
import io.chatmesh.message.domain.Message;
import io.chatmesh.message.domain.ReactionSummary;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * The MongoDB documents of {@link MongoMessageStore} (shape and reasons: docs/message-store.md).
 * Absent optional values are left out of a document rather than stored as null, which keeps the
 * partial thread index to replies only.
 */
final class MessageDocuments {

    static final String MESSAGES = "messages";
    static final String READ_MARKERS = "read_markers";
    static final String MESSAGE_COUNTS = "message_counts";

    static final String ID = "_id";
    static final String ROOM_ID = "room_id";
    static final String SEQ = "seq";
    static final String SENDER_ID = "sender_id";
    static final String CLIENT_ID = "client_id";
    static final String TEXT = "text";
    static final String REPLY_TO_ID = "reply_to_id";
    static final String THREAD_ROOT_ID = "thread_root_id";
    static final String THREAD_REPLY_COUNT = "thread_reply_count";
    static final String THREAD_LAST_REPLY_TIME = "thread_last_reply_time";
    static final String ATTACHMENTS = "attachments";
    static final String REACTIONS = "reactions";
    static final String CREATE_TIME = "create_time";
    static final String EDIT_TIME = "edit_time";
    static final String DELETE_TIME = "delete_time";
    static final String MENTIONED_USER_IDS = "mentioned_user_ids";
    static final String MENTION_ROOM = "mention_room";

    /** Fields of an embedded attachment. */
    static final String ATTACHMENT_ID = "id";
    static final String FILE_NAME = "file_name";
    static final String CONTENT_TYPE = "content_type";
    static final String SIZE_BYTES = "size_bytes";
    static final String SHA256 = "sha256";
    /** Images only, when declared: left out otherwise. */
    static final String WIDTH = "width";
    static final String HEIGHT = "height";

    /** Fields of an embedded per-emoji reaction summary. */
    static final String EMOJI = "emoji";
    static final String COUNT = "count";
    static final String SAMPLE_USER_IDS = "sample_user_ids";

    /** Fields of a read marker. */
    static final String USER_ID = "user_id";
    static final String LAST_READ_SEQ = "last_read_seq";
    static final String READ_COUNT = "read_count";
    static final String OWN_READ_COUNT = "own_read_count";

    /** Fields of a message counter (room_id, sender_id: "" for the room's total). */
    static final String MESSAGE_COUNT = "message_count";
    static final String LAST_SEQ = "last_seq";

    private MessageDocuments() {}

    /**
     * A new message as stored: no replies and no reactions yet (they come from later writes,
     * as in the SQL tables); times as BSON dates, i.e. to the millisecond.
     */
    static Document newMessage(Message m) {
        Document doc = new Document(ID, m.id())
                .append(ROOM_ID, m.roomId())
                .append(SEQ, m.seq())
                .append(SENDER_ID, m.senderId());
        putIfPresent(doc, CLIENT_ID, m.clientId());
        doc.append(TEXT, m.text());
        putIfPresent(doc, REPLY_TO_ID, m.replyToId());
        putIfPresent(doc, THREAD_ROOT_ID, m.threadRootId());
        doc.append(THREAD_REPLY_COUNT, 0)
                .append(ATTACHMENTS, m.attachments().stream().map(MessageDocuments::attachment).toList())
                .append(REACTIONS, List.of())
                .append(CREATE_TIME, Date.from(m.createTime()));
        putIfPresent(doc, EDIT_TIME, date(m.editTime()));
        putIfPresent(doc, DELETE_TIME, date(m.deleteTime()));
        // left out when empty or false, which keeps the partial mention indexes to mentions only
        putIfPresent(doc, MENTIONED_USER_IDS, m.mentions().userIds().isEmpty() ? null : m.mentions().userIds());
        putIfPresent(doc, MENTION_ROOM, m.mentions().room() ? true : null);
        return doc;
    }

    static Message toMessage(Document doc) {
        return new Message(
                doc.getString(ID),
                doc.getString(ROOM_ID),
                longValue(doc, SEQ),
                doc.getString(SENDER_ID),
                doc.getString(CLIENT_ID),
                doc.getString(TEXT),
                doc.getString(REPLY_TO_ID),
                doc.getString(THREAD_ROOT_ID),
                Math.toIntExact(longValue(doc, THREAD_REPLY_COUNT)),
                instant(doc.getDate(THREAD_LAST_REPLY_TIME)),
                doc.getList(ATTACHMENTS, Document.class, List.of()).stream().map(MessageDocuments::toAttachment).toList(),
                doc.getList(REACTIONS, Document.class, List.of()).stream().map(MessageDocuments::toReaction).toList(),
                doc.getDate(CREATE_TIME).toInstant(),
                instant(doc.getDate(EDIT_TIME)),
                instant(doc.getDate(DELETE_TIME)),
                new Mentions(doc.getList(MENTIONED_USER_IDS, String.class, List.of()), doc.getBoolean(MENTION_ROOM, false)));
    }

    /** A number field however it was stored (int32 or int64); 0 when absent. */
    static long longValue(Document doc, String field) {
        Number value = doc.get(field, Number.class);
        return value == null ? 0 : value.longValue();
    }

    private static Document attachment(Attachment a) {
        Document doc = new Document(ATTACHMENT_ID, a.id())
                .append(FILE_NAME, a.fileName())
                .append(CONTENT_TYPE, a.contentType())
                .append(SIZE_BYTES, a.sizeBytes())
                .append(SHA256, a.sha256());
        if (a.width() > 0) {
            doc.append(WIDTH, a.width()).append(HEIGHT, a.height());
        }
        return doc;
    }

    private static Attachment toAttachment(Document doc) {
        return new Attachment(doc.getString(ATTACHMENT_ID), doc.getString(FILE_NAME), doc.getString(CONTENT_TYPE),
                longValue(doc, SIZE_BYTES), doc.getString(SHA256), Math.toIntExact(longValue(doc, WIDTH)),
                Math.toIntExact(longValue(doc, HEIGHT)));
    }

    private static ReactionSummary toReaction(Document doc) {
        return new ReactionSummary(doc.getString(EMOJI), Math.toIntExact(longValue(doc, COUNT)),
                doc.getList(SAMPLE_USER_IDS, String.class, List.of()));
    }

    private static void putIfPresent(Document doc, String field, Object value) {
        if (value != null) {
            doc.append(field, value);
        }
    }

    private static Date date(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}

package io.chatmesh.message.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.chatmesh.message.domain.Attachment;
import io.chatmesh.message.domain.Mentions;
import io.chatmesh.message.domain.Message;
import io.chatmesh.message.domain.MessageStore;
import io.chatmesh.message.domain.MessageStoreContract;
import io.chatmesh.message.domain.PageDirection;
import io.chatmesh.message.domain.ReactionSummary;
import io.chatmesh.platform.id.Ids;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The MongoDB adapter against a server a subclass provides: the store contract plus what is
 * particular to documents. Every test gets a database of its own, dropped afterwards.
 */
abstract class MongoMessageStoreTestBase extends MessageStoreContract {

    private MongoDatabase database;
    private MongoMessageStore store;

    protected abstract MongoClient client();

    /** Called once per test, before it: opens a fresh database. */
    @Override
    protected MessageStore store() {
        database = client().getDatabase("chatmesh_test_" + Ids.newId().toLowerCase(Locale.ROOT));
        store = new MongoMessageStore(database);
        store.createIndexes();
        return store;
    }

    @AfterEach
    void dropDatabase() {
        if (database != null) { // null when the test was skipped before it opened one
            database.drop();
        }
    }

    @Test
    void aMessageIsOneDocumentOfTheDocumentedShape() {
        Attachment picture = new Attachment(Ids.newId(), "cat.png", "image/png", 1234, "ab".repeat(32));
        String root = Ids.newId();
        Message message = Message.created(Ids.newId(), Ids.newId(), 3, Ids.newId(), null, "hi", root, root,
                List.of(picture), time(3));
        store.insert(message);

        Document doc = database.getCollection("messages").find(Filters.eq("_id", message.id())).first();

        assertThat(doc).isNotNull();
        assertThat(doc.keySet()).containsExactlyInAnyOrder("_id", "room_id", "seq", "sender_id", "text", "reply_to_id",
                "thread_root_id", "thread_reply_count", "attachments", "reactions", "create_time");
        assertThat(doc.get("seq")).isEqualTo(3L);
        assertThat(doc.get("create_time")).isEqualTo(Date.from(message.createTime()));
        assertThat(doc.getList("attachments", Document.class)).containsExactly(new Document("id", picture.id())
                .append("file_name", "cat.png").append("content_type", "image/png").append("size_bytes", 1234L)
                .append("sha256", picture.sha256()));
        assertThat(doc.getList("reactions", Document.class)).isEmpty();
    }

    @Test
    void reactionSummariesOnTheDocumentAreReturnedInTheirOrder() {
        String room = Ids.newId();
        Message message = message(room, 1, Ids.newId(), "react to me");
        store.insert(message);
        List<String> thumbsUsers = IntStream.range(0, ReactionSummary.MAX_SAMPLE_USERS).mapToObj(i -> Ids.newId()).toList();
        String heartUser = Ids.newId();
        // summaries are written directly until the reaction feature adds them to the port
        database.getCollection("messages").updateOne(Filters.eq("_id", message.id()), Updates.set("reactions", List.of(
                new Document("emoji", "❤️").append("count", 1).append("sample_user_ids", List.of(heartUser)),
                new Document("emoji", "👍").append("count", 12).append("sample_user_ids", thumbsUsers))));

        List<ReactionSummary> expected = List.of(
                new ReactionSummary("❤️", 1, List.of(heartUser)), new ReactionSummary("👍", 12, thumbsUsers));
        assertThat(store.get(message.id()).orElseThrow().reactions()).isEqualTo(expected);
        assertThat(store.page(room, PageDirection.BACKWARD, 0, 5, true).getFirst().reactions()).isEqualTo(expected);
    }

    @Test
    void timesAreKeptToTheMillisecond() {
        Instant precise = Instant.parse("2026-03-04T05:06:07.123456789Z");
        Message message = new Message(Ids.newId(), Ids.newId(), 1, Ids.newId(), null, "t", null, null, 0, null, List.of(),
                List.of(), precise, precise.plusNanos(1_999_999), precise.plusSeconds(1), Mentions.NONE);
        store.insert(message);

        Message stored = store.get(message.id()).orElseThrow();
        assertThat(stored.createTime()).isEqualTo(Instant.parse("2026-03-04T05:06:07.123Z"));
        assertThat(stored.editTime()).isEqualTo(Instant.parse("2026-03-04T05:06:07.125Z"));
        assertThat(stored.deleteTime()).isEqualTo(Instant.parse("2026-03-04T05:06:08.123Z"));
    }

    @Test
    void indexesAreCreatedOnceAndAgainWithoutChange() {
        store.createIndexes();

        List<Document> messageIndexes = database.getCollection("messages").listIndexes().into(new ArrayList<>());
        assertThat(messageIndexes).extracting(index -> index.getString("name"))
                .containsExactlyInAnyOrder("_id_", "room_seq", "thread_root_seq", "text_search", "room_mentioned_seq",
                        "room_mention_room_seq");
        assertThat(index(messageIndexes, "room_seq").get("key", Document.class))
                .isEqualTo(new Document("room_id", 1).append("seq", 1));
        assertThat(index(messageIndexes, "room_seq").getBoolean("unique")).isTrue();
        assertThat(index(messageIndexes, "thread_root_seq").get("key", Document.class))
                .isEqualTo(new Document("thread_root_id", 1).append("seq", 1));
        assertThat(index(messageIndexes, "text_search").getString("default_language")).isEqualTo("none");
        assertThat(index(messageIndexes, "room_mentioned_seq").get("key", Document.class))
                .isEqualTo(new Document("room_id", 1).append("mentioned_user_ids", 1).append("seq", 1));

        List<Document> markerIndexes = database.getCollection("read_markers").listIndexes().into(new ArrayList<>());
        assertThat(markerIndexes).extracting(index -> index.getString("name"))
                .containsExactlyInAnyOrder("_id_", "room_user");
        assertThat(index(markerIndexes, "room_user").getBoolean("unique")).isTrue();

        List<Document> countIndexes = database.getCollection("message_counts").listIndexes().into(new ArrayList<>());
        assertThat(index(countIndexes, "room_sender").getBoolean("unique")).isTrue();
    }

    private static Document index(List<Document> indexes, String name) {
        return indexes.stream().filter(index -> name.equals(index.getString("name"))).findFirst().orElseThrow();
    }
}

package io.chatmesh.message;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.chatmesh.message.domain.MessageStore;
import io.chatmesh.message.store.MongoMessageStore;
import io.chatmesh.platform.http.HttpFace;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.message.v1.GetMessageRequest;
import io.chatmesh.proto.message.v1.GetUnreadCountsRequest;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.proto.message.v1.ListThreadRequest;
import io.chatmesh.proto.message.v1.ListMessagesResponse;
import io.chatmesh.proto.message.v1.MarkReadRequest;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.message.v1.RoomUnread;
import io.chatmesh.testkit.MetricsScrape;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * message-service with chatmesh.message.store=mongodb (mongo-java-server) and no SQL database at
 * all: events published on its EventBus come back over gRPC.
 */
@SpringBootTest(classes = MessageServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.config.name=" + MessageServiceApplication.CONFIG_NAME, "spring.grpc.server.port=0",
                "chatmesh.message.store=mongodb", "spring.datasource.url=", "chatmesh.http.port=0"})
@Import(MessageServiceClientSupport.TestBeans.class)
class MongoStoreServiceTest extends MessageServiceClientSupport {

    /** Lives as long as the test JVM, like the cached application context that uses it. */
    private static final MongoServer MONGO = startMongo();
    private static final String DATABASE = "chatmesh_" + Ids.newId().toLowerCase(Locale.ROOT);

    @DynamicPropertySource
    static void mongo(DynamicPropertyRegistry registry) {
        registry.add("chatmesh.message.mongodb.uri", () -> "mongodb://127.0.0.1:" + MONGO.getLocalAddress().getPort());
        registry.add("chatmesh.message.mongodb.database", () -> DATABASE);
    }

    private static MongoServer startMongo() {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        return server;
    }

    @Autowired
    ApplicationContext context;

    @Autowired
    HttpFace http;

    @Test
    void runsOnMongoDbWithoutAnySqlBeans() {
        assertThat(context.getBean(MessageStore.class)).isInstanceOf(MongoMessageStore.class);
        assertThat(context.getBeanNamesForType(DataSource.class)).isEmpty();
        assertThat(context.getBeanNamesForType(Flyway.class)).isEmpty();
        assertThat(context.getBeanNamesForType(Jdbi.class)).isEmpty();
    }

    @Test
    void publishedMessagesArePagedOverGrpc() {
        User alice = newUser();
        User bob = newUser();
        String room = newRoom(alice, bob);
        List<Message> posted = post(room, 5, alice, bob);
        publish(messageCreated(posted.get(2))); // a replay changes nothing

        ListMessagesResponse newest = messages(bob).listMessages(
                ListMessagesRequest.newBuilder().setRoomId(room).setPageSize(3).build());
        assertThat(newest.getMessagesList())
                .containsExactlyElementsOf(seenBy(bob, posted.get(4), posted.get(3), posted.get(2)));

        ListMessagesResponse older = messages(bob).listMessages(ListMessagesRequest.newBuilder()
                .setRoomId(room).setPageSize(3).setPageToken(newest.getNextPageToken()).build());
        assertThat(older.getMessagesList()).containsExactlyElementsOf(seenBy(bob, posted.get(1), posted.get(0)));
        assertThat(older.getNextPageToken()).isEmpty();
    }

    @Test
    void repliesThreadsAndAttachmentsComeBackAsPublished() {
        User alice = newUser();
        User bob = newUser();
        String room = newRoom(alice, bob);
        Message root = chatMessage(room, 1, alice, "root");
        Message reply = threadedReplyWithAttachment(root, 2, bob);
        publish(messageCreated(root));
        publish(messageCreated(reply));

        assertThat(messages(alice).getMessage(GetMessageRequest.newBuilder().setMessageId(reply.getId()).build())
                .getMessage()).isEqualTo(reply.toBuilder().clearClientId().build());
        Message rootWithThread = root.toBuilder().setThreadReplyCount(1).setThreadLastReplyTime(reply.getCreateTime())
                .build();
        assertThat(messages(alice).listMessages(ListMessagesRequest.newBuilder().setRoomId(room).build())
                .getMessagesList()).containsExactly(rootWithThread);
        assertThat(messages(alice).listMessages(ListMessagesRequest.newBuilder().setRoomId(room)
                .setIncludeThreadReplies(true).build())
                .getMessagesList()).containsExactly(reply.toBuilder().clearClientId().build(), rootWithThread);
        assertThat(messages(alice).listThread(ListThreadRequest.newBuilder().setThreadRootId(root.getId()).build())
                .getRepliesList()).containsExactly(reply.toBuilder().clearClientId().build());
    }

    @Test
    void markReadMovesTheMarkerForwardOnlyAndReceiptsOnTheBusDoNot() {
        User alice = newUser();
        User bob = newUser();
        String room = newRoom(alice, bob);
        post(room, 4, bob);

        assertThat(messages(alice).markRead(MarkReadRequest.newBuilder().setRoomId(room).setSeq(2).build()).getRoom())
                .isEqualTo(roomUnread(room, 2, 2, 4));
        assertThat(messages(alice).markRead(MarkReadRequest.newBuilder().setRoomId(room).setSeq(1).build()).getRoom())
                .isEqualTo(roomUnread(room, 2, 2, 4));
        publish(receiptUpdated(room, alice, 4));
        assertThat(messages(alice).getUnreadCounts(GetUnreadCountsRequest.newBuilder().addRoomIds(room).build())
                .getRoomsList()).containsExactly(roomUnread(room, 2, 2, 4));

        assertThat(messages(alice).markRead(MarkReadRequest.newBuilder().setRoomId(room).setSeq(3).build()).getRoom())
                .isEqualTo(roomUnread(room, 1, 3, 4));
        assertThat(messages(bob).getUnreadCounts(GetUnreadCountsRequest.getDefaultInstance()).getRoomsList())
                .containsExactly(roomUnread(room, 0, 0, 4));
    }

    @Test
    void commandsAreTimedByNameOnTheMetricsPort() {
        MetricsScrape before = MetricsScrape.of(http.port());
        User alice = newUser();
        User bob = newUser();
        String room = newRoom(alice, bob);
        post(room, 2, alice);
        assertThat(messages(bob).listMessages(ListMessagesRequest.newBuilder().setRoomId(room).build())
                .getMessagesCount()).isEqualTo(2);

        MetricsScrape after = MetricsScrape.of(http.port());
        // the driver reports a command once it has the answer, before the store method returns
        assertThat(MessageServiceMetricsTest.increase(before, after, "chatmesh_store_seconds_count",
                Map.of("store", "mongodb", "operation", "find"))).isGreaterThanOrEqualTo(1);
        assertThat(after.samples("chatmesh_store_seconds_count", Map.of("store", "mongodb")))
                .extracting(sample -> sample.labels().get("operation"))
                .allMatch(operation -> operation.matches("[a-zA-Z]+"));
        assertThat(after.samples("chatmesh_store_seconds_count", Map.of("store", "postgresql"))).isEmpty();
    }

    private static RoomUnread roomUnread(String room, long unread, long lastRead, long lastMessage) {
        return RoomUnread.newBuilder().setRoomId(room).setUnreadCount(unread).setLastReadSeq(lastRead)
                .setLastMessageSeq(lastMessage).build();
    }
}

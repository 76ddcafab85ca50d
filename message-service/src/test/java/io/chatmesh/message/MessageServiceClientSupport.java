package io.chatmesh.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.MessageCreated;
import io.chatmesh.proto.chat.v1.ReceiptUpdated;
import io.chatmesh.proto.chat.internal.v1.RoomEvent;
import io.chatmesh.proto.message.v1.Attachment;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.chatmesh.testkit.TestRoomService;
import io.chatmesh.testkit.TestTokens;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcPort;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Calling the whole service, whatever its store: test tokens, a TestRoomService standing in for
 * chat-service's RoomService, a channel to the service's random gRPC port, and events published
 * into the service's own EventBus, as chat-service would. A subclass starts the service
 * (@SpringBootTest importing {@link TestBeans}); tests of one subclass share one application
 * context, so every test works with users and rooms of its own.
 */
public abstract class MessageServiceClientSupport {

    protected static final TestTokens TOKENS = new TestTokens();
    /** Lives as long as the test JVM, like the cached application context that calls it. */
    protected static final TestRoomService ROOMS = new TestRoomService(TOKENS.verifier());

    @DynamicPropertySource
    static void roomService(DynamicPropertyRegistry registry) {
        registry.add("spring.grpc.client.channels.rooms.address", ROOMS::address);
    }

    @TestConfiguration(proxyBeanMethods = false)
    protected static class TestBeans {
        @Bean
        @Primary
        AccessTokenVerifier testTokenVerifier() {
            return TOKENS.verifier();
        }
    }

    /** A signed-in user. */
    protected record User(String id, String token) {}

    @Autowired
    protected EventBus bus;

    @LocalGrpcPort
    int port;

    protected ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    protected static User newUser() {
        String id = Ids.newId();
        return new User(id, TOKENS.issue(id, "user-" + id.toLowerCase()));
    }

    /** A new room with these members (in TestRoomService). */
    protected static String newRoom(User... members) {
        String room = Ids.newId();
        for (User member : members) {
            ROOMS.addMember(room, member.id());
        }
        return room;
    }

    protected MessageServiceGrpc.MessageServiceBlockingStub messages(User user) {
        return MessageServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(BearerCallCredentials.of(user.token()))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    protected MessageServiceGrpc.MessageServiceBlockingStub anonymous() {
        return MessageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /** A reply to {@code root} in its thread, carrying one attachment: every optional field set. */
    protected static Message threadedReplyWithAttachment(Message root, long seq, User sender) {
        return chatMessage(root.getRoomId(), seq, sender, "").toBuilder()
                .setReplyToId(root.getId())
                .setThreadRootId(root.getId())
                .addAttachments(Attachment.newBuilder().setId(Ids.newId()).setFileName("cat.png")
                        .setContentType("image/png").setSizeBytes(2048).setSha256("0f".repeat(32)))
                .build();
    }

    /** The messages as {@code viewer} gets them: a client_id is shown to its sender only. */
    protected static List<Message> seenBy(User viewer, Message... messages) {
        return Arrays.stream(messages)
                .map(m -> m.getSenderId().equals(viewer.id()) ? m : m.toBuilder().clearClientId().build())
                .toList();
    }

    /** A message as chat-service would create it. */
    protected static Message chatMessage(String room, long seq, User sender, String text) {
        return Message.newBuilder()
                .setId(Ids.newId())
                .setRoomId(room)
                .setSeq(seq)
                .setSenderId(sender.id())
                .setClientId("client-" + Ids.newId())
                .setText(text)
                .setCreateTime(timestamp(Instant.parse("2026-02-03T04:05:06.789Z").plusSeconds(seq)))
                .build();
    }

    protected static RoomEvent messageCreated(Message message) {
        return RoomEvent.newBuilder()
                .setEventId(Ids.newId())
                .setRoomId(message.getRoomId())
                .setTime(message.getCreateTime())
                .setMessageCreated(MessageCreated.newBuilder().setMessage(message))
                .build();
    }

    protected static RoomEvent receiptUpdated(String room, User user, long lastReadSeq) {
        return RoomEvent.newBuilder()
                .setEventId(Ids.newId())
                .setRoomId(room)
                .setTime(timestamp(Instant.now()))
                .setReceiptUpdated(ReceiptUpdated.newBuilder()
                        .setRoomId(room).setUserId(user.id()).setLastReadSeq(lastReadSeq))
                .build();
    }

    /** Publishes like chat-service and waits until every subscriber handled the event. */
    protected void publish(RoomEvent event) {
        bus.publish(Topics.ROOM_EVENTS, event.getRoomId(), event.toByteArray()).join();
    }

    /** Posts messages with seqs 1..count from the given senders in turn; returns them in seq order. */
    protected List<Message> post(String room, int count, User... senders) {
        List<Message> posted = new ArrayList<>();
        for (int seq = 1; seq <= count; seq++) {
            Message message = chatMessage(room, seq, senders[(seq - 1) % senders.length], "message " + seq);
            publish(messageCreated(message));
            posted.add(message);
        }
        return posted;
    }

    protected static Status.Code codeOf(Runnable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(e).as("the call should fail").isNotNull();
        return e.getStatus().getCode();
    }

    /** Asserts INVALID_ARGUMENT and returns the fields named in its BadRequest. */
    protected static List<String> violatedFields(Runnable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(e).as("the call should fail").isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        assertThat(status).isNotNull();
        return status.getDetailsList().stream()
                .filter(any -> any.is(BadRequest.class))
                .flatMap(any -> {
                    try {
                        return any.unpack(BadRequest.class).getFieldViolationsList().stream();
                    } catch (InvalidProtocolBufferException ex) {
                        throw new AssertionError(ex);
                    }
                })
                .map(BadRequest.FieldViolation::getField)
                .toList();
    }

    protected static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}

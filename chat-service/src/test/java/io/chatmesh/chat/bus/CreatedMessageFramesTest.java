package io.chatmesh.chat.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatmesh.chat.domain.Attachment;
import io.chatmesh.chat.domain.Mentions;
import io.chatmesh.chat.domain.Message;
import io.chatmesh.platform.bus.InProcessEventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.proto.chat.internal.v1.RoomEvent;
import io.chatmesh.proto.chat.v1.MessageCreated;
import io.chatmesh.proto.chat.v1.ServerEvent;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The frames of a new message, read from its room event's bytes, against protobuf's own encoding. */
class CreatedMessageFramesTest {

    private static final Instant CREATED = Instant.parse("2026-12-03T05:00:00.123Z");

    private final InProcessEventBus bus = new InProcessEventBus();
    private final BusRoomEventPublisher publisher = new BusRoomEventPublisher(bus, Clock.systemUTC(), Topics.ROOM_EVENTS);

    @AfterEach
    void close() {
        bus.close();
    }

    @Test
    void aMessageWithAClientIdGetsAFrameWithoutItForEveryoneAndOneWithItForItsSender() throws Exception {
        Message message = new Message("m-1", "room-1", 42, "alice", "client-7", "héllo wörld ✓ 👋", "m-0", "m-0",
                new Mentions(List.of("bob", "carol"), true), CREATED,
                List.of(new Attachment("a-1", "photo.png", "image/png", 2048, "ab".repeat(32), 640, 480)));

        CreatedMessageFrames.Read read = CreatedMessageFrames.read(publisher.messageCreated(message, 40).bytes());

        io.chatmesh.proto.message.v1.Message asSent = MessageProtos.toProto(message);
        assertThat(read.roomId()).isEqualTo("room-1");
        assertThat(read.createTime()).isEqualTo(CREATED);
        RoomDelivery delivery = read.delivery();
        assertThat(delivery.seq()).isEqualTo(42);
        assertThat(delivery.prevSeq()).isEqualTo(40);
        assertThat(delivery.order()).isEqualTo(RoomDelivery.Order.LOGGED);
        assertThat(delivery.senderId()).isEqualTo("alice");
        assertThat(delivery.frameFor("alice").bytes()).isEqualTo(serverEvent(asSent));
        assertThat(delivery.frameFor("bob").bytes()).isEqualTo(serverEvent(asSent.toBuilder().clearClientId().build()));
        assertThat(ServerEvent.parseFrom(delivery.frameFor("bob").bytes()).getMessageCreated().getMessage())
                .isEqualTo(asSent.toBuilder().clearClientId().build());
    }

    @Test
    void aMessageWithoutAClientIdGetsOneFrameForEveryone() throws Exception {
        Message message = new Message("m-2", "room-1", 3, "alice", "", "no key", "", "", Mentions.NONE, CREATED);

        RoomDelivery delivery = CreatedMessageFrames.read(publisher.messageCreated(message, 2).bytes()).delivery();

        assertThat(delivery.senderId()).isNull();
        assertThat(delivery.senderFrame()).isNull();
        assertThat(delivery.frame().bytes()).isEqualTo(serverEvent(MessageProtos.toProto(message)));
    }

    @Test
    void aMessageWithoutASeqIsReadButNotDelivered() throws Exception {
        Message message = new Message("m-3", "room-1", 0, "alice", "c", "text", "", "", Mentions.NONE, CREATED);

        CreatedMessageFrames.Read read = CreatedMessageFrames.read(publisher.messageCreated(message, 0).bytes());

        assertThat(read.roomId()).isEqualTo("room-1");
        assertThat(read.delivery()).isNull();
    }

    @Test
    void otherEventsAreLeftToTheParser() throws Exception {
        byte[] membership = RoomEvent.newBuilder().setRoomId("room-1")
                .setMembershipChanged(io.chatmesh.proto.chat.v1.MembershipChanged.newBuilder().setUserId("bob"))
                .build().toByteArray();
        assertThat(CreatedMessageFrames.read(membership)).isNull();
        // message_created followed by another member of the oneof: protobuf keeps the last one
        Message message = new Message("m-4", "room-1", 5, "alice", "c", "text", "", "", Mentions.NONE, CREATED);
        assertThat(CreatedMessageFrames.read(concat(publisher.messageCreated(message, 4).bytes(), membership))).isNull();
    }

    @Test
    void repeatedFieldsAreMergedAsProtobufMergesThem() throws Exception {
        Message message = new Message("m-5", "room-1", 6, "alice", "client-1", "first", "", "", Mentions.NONE, CREATED);
        byte[] later = RoomEvent.newBuilder().setPrevSeq(5).setMessageCreated(MessageCreated.newBuilder()
                .setMessage(io.chatmesh.proto.message.v1.Message.newBuilder().setText("second").setClientId("client-2")
                        .setSenderId("bob"))).build().toByteArray();
        byte[] payload = concat(publisher.messageCreated(message, 4).bytes(), later);

        RoomDelivery delivery = CreatedMessageFrames.read(payload).delivery();

        io.chatmesh.proto.message.v1.Message merged = RoomEvent.parseFrom(payload).getMessageCreated().getMessage();
        assertThat(merged.getText()).isEqualTo("second");
        assertThat(delivery.prevSeq()).isEqualTo(5);
        assertThat(delivery.senderId()).isEqualTo("bob");
        assertThat(delivery.frameFor("bob").bytes()).isEqualTo(serverEvent(merged));
        assertThat(delivery.frameFor("alice").bytes()).isEqualTo(serverEvent(merged.toBuilder().clearClientId().build()));
    }

    @Test
    void bytesThatAreNoRoomEventAreRefused() {
        assertThatThrownBy(() -> CreatedMessageFrames.read(new byte[] {0x52, 0x05, 0x01}))
                .isInstanceOf(InvalidProtocolBufferException.class);
    }

    private static byte[] serverEvent(io.chatmesh.proto.message.v1.Message message) {
        return ServerEvent.newBuilder().setMessageCreated(MessageCreated.newBuilder().setMessage(message)).build()
                .toByteArray();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(first);
        out.writeBytes(second);
        return out.toByteArray();
    }
}

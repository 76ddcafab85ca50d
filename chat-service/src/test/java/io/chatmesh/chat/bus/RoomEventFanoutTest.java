package io.chatmesh.chat.bus;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatmesh.chat.domain.MemberRole;
import io.chatmesh.chat.domain.MembershipChange;
import io.chatmesh.chat.domain.Mentions;
import io.chatmesh.chat.domain.Message;
import io.chatmesh.platform.bus.InProcessEventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The room → sessions index of the fan-out, on the in-process bus. */
class RoomEventFanoutTest {

    private final InProcessEventBus bus = new InProcessEventBus();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final BusRoomEventPublisher publisher = new BusRoomEventPublisher(bus, Clock.systemUTC(), Topics.ROOM_EVENTS);
    private final RoomEventFanout fanout = new RoomEventFanout(bus, Topics.ROOM_EVENTS, metrics);

    @BeforeEach
    void start() {
        fanout.start();
    }

    @AfterEach
    void close() {
        fanout.close();
        bus.close();
    }

    @Test
    void deliversARoomsEventsToEverySessionOfItsMembersOnly() {
        String room = Ids.newId();
        RecordingSession phone = new RecordingSession("alice");
        RecordingSession laptop = new RecordingSession("alice");
        RecordingSession outsider = new RecordingSession("carol");
        assertThat(fanout.register(phone, () -> List.of(room))).containsExactly(room);
        fanout.register(laptop, () -> List.of(room));
        fanout.register(outsider, () -> List.of(Ids.newId()));

        post(message(room, 1));

        assertThat(phone.seqs()).containsExactly(1L);
        assertThat(laptop.seqs()).containsExactly(1L);
        assertThat(outsider.events).isEmpty();
        assertThat(metrics.counter("chatmesh.chat.deliveries").count()).isEqualTo(2);
        assertThat(metrics.timer("chatmesh.chat.send.to.deliver").count()).isEqualTo(1);
    }

    @Test
    void aJoiningUserReceivesTheJoinAndWhatFollowsAndALeavingUserTheLeaveAndNothingAfter() {
        String room = Ids.newId();
        RecordingSession bob = new RecordingSession("bob");
        fanout.register(bob, List::of);

        post(message(room, 1));
        publisher.membershipChanged(room, "bob", MembershipChange.JOINED, "bob", MemberRole.MEMBER).join();
        post(message(room, 2));
        publisher.membershipChanged(room, "bob", MembershipChange.LEFT, "bob", MemberRole.MEMBER).join();
        post(message(room, 3));

        assertThat(bob.events).extracting(ServerEvent::getEventCase).containsExactly(
                ServerEvent.EventCase.MEMBERSHIP_CHANGED, ServerEvent.EventCase.MESSAGE_CREATED,
                ServerEvent.EventCase.MEMBERSHIP_CHANGED);
        assertThat(bob.seqs()).containsExactly(2L);
        assertThat(bob.joined).containsExactly(room);
    }

    @Test
    void anUnregisteredSessionReceivesNothingAndTheIndexEmpties() {
        String room = Ids.newId();
        RecordingSession bob = new RecordingSession("bob");
        fanout.register(bob, () -> Set.of(room));
        fanout.unregister(bob);
        fanout.unregister(bob);

        post(message(room, 1));
        publisher.membershipChanged(room, "bob", MembershipChange.INVITED, "alice", MemberRole.MEMBER).join();
        fannedOut();

        assertThat(bob.events).isEmpty();
        assertThat(fanout.sessionCount()).isZero();
    }

    @Test
    void anEventIsEncodedOnceForAllSessionsWithItsSeqsAndGarbageIsSkipped() {
        String room = Ids.newId();
        RecordingSession phone = new RecordingSession("bob");
        RecordingSession laptop = new RecordingSession("bob");
        fanout.register(phone, () -> List.of(room));
        fanout.register(laptop, () -> List.of(room));

        bus.publish(Topics.ROOM_EVENTS, room, new byte[] {0x0A, 0x05, 0x01}).join();
        publisher.publishAll(List.of(publisher.messageCreated(message(room, 7), 4))).join();
        fannedOut();

        assertThat(phone.deliveries).singleElement().satisfies(delivery -> {
            assertThat(delivery.roomId()).isEqualTo(room);
            assertThat(delivery.seq()).isEqualTo(7);
            assertThat(delivery.prevSeq()).isEqualTo(4);
        });
        assertThat(laptop.deliveries.getFirst().frame()).isSameAs(phone.deliveries.getFirst().frame());
    }

    private void post(Message message) {
        publisher.publishAll(List.of(publisher.messageCreated(message, message.seq() - 1))).join();
        fannedOut();
    }

    /** Returns once the fan-out handled everything published so far (a publication of nothing is a barrier). */
    private void fannedOut() {
        bus.publishAll(Topics.ROOM_EVENTS, List.of()).join();
    }

    private static Message message(String roomId, long seq) {
        return new Message(Ids.newId(), roomId, seq, "alice", "c" + seq, "text", "", "", Mentions.NONE, Instant.now());
    }

    private static final class RecordingSession implements LiveSession {
        private final String userId;
        final List<RoomDelivery> deliveries = new CopyOnWriteArrayList<>();
        final List<ServerEvent> events = new CopyOnWriteArrayList<>();
        final List<String> joined = new CopyOnWriteArrayList<>();

        RecordingSession(String userId) {
            this.userId = userId;
        }

        @Override
        public String userId() {
            return userId;
        }

        @Override
        public void deliver(RoomDelivery delivery) {
            deliveries.add(delivery);
            try {
                events.add(ServerEvent.parseFrom(delivery.frame().bytes()));
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void joined(String roomId) {
            joined.add(roomId);
        }

        List<Long> seqs() {
            return events.stream().filter(ServerEvent::hasMessageCreated)
                    .map(e -> e.getMessageCreated().getMessage().getSeq()).toList();
        }
    }
}

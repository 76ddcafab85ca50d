package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatmesh.chat.AckGatedEventBus;
import io.chatmesh.chat.ChatClient;
import io.chatmesh.chat.ChatServiceTestBase;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.MarkReadEvent;
import io.chatmesh.proto.chat.v1.RoomCursor;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.chat.v1.TypingEvent;
import io.chatmesh.proto.room.v1.InviteMemberRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.user.internal.v1.PresenceChanged;
import io.chatmesh.proto.user.v1.Presence;
import io.chatmesh.proto.user.v1.PresenceStatus;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Hello.resume_from against a MessageService on a real port: missed messages in order, then
 * live events, with no gap and no duplicate, also when messages arrive during the replay and
 * when message-service has not stored yet what the bus acknowledged (as with Kafka).
 * The test context's queue capacity of 64 makes replay pages of 32 messages.
 */
class ResumeTest extends ChatServiceTestBase {

    @Autowired
    AckGatedEventBus bus;

    @Autowired
    Jdbi jdbi;

    @Test
    void resumeReplaysEveryMissedMessageInOrderThenGoesLive() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        post(alice, room, 70);

        try (ChatClient bobClient = ChatClient.connect(channel, bob.token())) {
            bobClient.hello(resume(room, 3));
            assertThat(nextSeqs(bobClient, 67)).containsExactlyElementsOf(range(4, 70));
            post(alice, room, 1);
            assertThat(bobClient.next().getMessageCreated().getMessage().getSeq()).isEqualTo(71);
        }
    }

    @Test
    void messagesPostedWhileTheReplayRunsArriveOnceAfterIt() throws Exception {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        post(alice, room, 4);

        try (ChatClient bobClient = ChatClient.connect(channel, bob.token())) {
            resumeHoldingHistory(bobClient, room, 2, () -> {
                // stored before the held ListMessages reads: in the replay and in the live buffer
                post(alice, room, 2);
            });
            assertThat(nextSeqs(bobClient, 4)).containsExactly(3L, 4L, 5L, 6L);
            post(alice, room, 1);
            assertThat(bobClient.next().getMessageCreated().getMessage().getSeq()).isEqualTo(7);
        }
    }

    @Test
    void messagesNotYetInHistoryComeFromTheLiveBuffer() throws Exception {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        post(alice, room, 3);

        MESSAGES.lag(room.getId());
        try (ChatClient bobClient = ChatClient.connect(channel, bob.token())) {
            resumeHoldingHistory(bobClient, room, 1, () -> {
                // published (so buffered by the session) but not yet in history
                post(alice, room, 2);
            });
            assertThat(nextSeqs(bobClient, 4)).containsExactly(2L, 3L, 4L, 5L);
        } finally {
            MESSAGES.catchUp(room.getId());
        }
    }

    @Test
    void acknowledgedMessagesHistoryHasNotStoredYetAreReplayedOnceItHas() throws Exception {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        post(alice, room, 2);
        // the third ListMessages from now stores what waits; the first two miss it
        MESSAGES.lagUntilListing(room.getId(), 3);
        // acknowledged by the bus before bob connects, so not in his live buffer either
        post(alice, room, 3);

        int callsBefore = MESSAGES.listCalls();
        try (ChatClient bobClient = ChatClient.connect(channel, bob.token())) {
            resumeHoldingHistory(bobClient, room, 1, () -> {
                // live (buffered) and, once history catches up, stored too
                post(alice, room, 2);
            });
            assertThat(nextSeqs(bobClient, 6)).containsExactly(2L, 3L, 4L, 5L, 6L, 7L);
            post(alice, room, 1);
            assertThat(bobClient.next().getMessageCreated().getMessage().getSeq()).isEqualTo(8);
        } finally {
            MESSAGES.catchUp(room.getId());
        }
        assertThat(MESSAGES.listCalls() - callsBefore).isEqualTo(3);
    }

    /**
     * More live events arrive during the replay than the session's buffer holds (64 here): the
     * session skips them (and a typing indicator among them, which would be stale by then) and
     * reads on from history, and the client gets every message once, in order, on the same stream.
     */
    @Test
    void aResumeThatFallsBehindABusyRoomReadsOnFromHistoryUntilItHasCaughtUp() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        post(alice, room, 4);

        try (ChatClient aliceClient = ChatClient.ready(channel, alice.token());
                ChatClient bobClient = ChatClient.connect(channel, bob.token())) {
            resumeHoldingHistory(bobClient, room, 2, () -> {
                aliceClient.send(ClientEvent.newBuilder().setTyping(
                        TypingEvent.newBuilder().setRoomId(room.getId()).setTyping(true)).build());
                post(alice, room, 100);
            });
            assertThat(nextSeqs(bobClient, 102)).containsExactlyElementsOf(range(3, 104));
            post(alice, room, 1);
            assertThat(nextSeqs(bobClient, 1)).containsExactly(105L);
        }
    }

    /**
     * A presence change while the session skips is kept aside (it is not in history) and
     * arrives once the client has caught up, after the messages; the stream stays open.
     */
    @Test
    void aPresenceChangeWhileACatchUpSkipsArrivesOnceItHasCaughtUp() {
        assertAStateWhileSkippingArrivesAfterTheCatchUp(ServerEvent.EventCase.PRESENCE_CHANGED,
                event -> event.getPresenceChanged().getUserId(),
                (alice, room) -> bus.publish(Topics.PRESENCE_CHANGES, alice.id(), PresenceChanged.newBuilder()
                        .setPresence(Presence.newBuilder().setUserId(alice.id()).setStatus(PresenceStatus.PRESENCE_STATUS_ONLINE))
                        .build().toByteArray()).join());
    }

    /** The same for a read receipt: the newest marker of a member, which history does not replay. */
    @Test
    void aReadReceiptWhileACatchUpSkipsArrivesOnceItHasCaughtUp() {
        assertAStateWhileSkippingArrivesAfterTheCatchUp(ServerEvent.EventCase.RECEIPT_UPDATED,
                event -> event.getReceiptUpdated().getUserId(),
                (alice, room) -> {
                    try (ChatClient aliceClient = ChatClient.ready(channel, alice.token())) {
                        aliceClient.send(ClientEvent.newBuilder().setClientId("read").setMarkRead(
                                MarkReadEvent.newBuilder().setRoomId(room.getId()).setSeq(4)).build());
                        aliceClient.next(ServerEvent.EventCase.ACK);
                    }
                });
    }

    /**
     * Bob resumes while alice posts more than his buffer holds, then {@code change} makes a state
     * of alice's that every member gets: carol, live, gets it (so bob's skipping session did, in
     * the same hand-out); bob gets it after the caught-up messages, and his stream stays open.
     */
    private void assertAStateWhileSkippingArrivesAfterTheCatchUp(ServerEvent.EventCase kind,
            Function<ServerEvent, String> userOf, BiConsumer<TestUser, Room> change) {
        TestUser alice = newUser();
        TestUser bob = newUser();
        TestUser carol = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob, carol);
        post(alice, room, 4);

        try (ChatClient carolClient = ChatClient.ready(channel, carol.token());
                ChatClient bobClient = ChatClient.connect(channel, bob.token())) {
            resumeHoldingHistory(bobClient, room, 2, () -> {
                post(alice, room, 100); // bob's session skips from here on
                change.accept(alice, room);
                assertThat(userOf.apply(carolClient.next(kind))).isEqualTo(alice.id());
            });
            assertThat(nextSeqs(bobClient, 102)).containsExactlyElementsOf(range(3, 104));
            ServerEvent state = bobClient.next();
            assertThat(state.getEventCase()).isEqualTo(kind);
            assertThat(userOf.apply(state)).isEqualTo(alice.id());
            post(alice, room, 1);
            assertThat(nextSeqs(bobClient, 1)).containsExactly(105L);
        }
    }

    /** A catch-up round that starts more than twice as far behind as the first: the client loses ground, and is dropped. */
    @Test
    void aResumeThatLosesGroundOnItsRoomsIsDroppedAsASlowConsumer() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        post(alice, room, 4);

        int callsBefore = MESSAGES.listCalls();
        AtomicReference<CountDownLatch> roundListing = new AtomicReference<>(new CountDownLatch(0));
        try (ChatClient bobClient = ChatClient.connect(channel, bob.token())) {
            try {
                resumeHoldingHistory(bobClient, room, 2, () -> {
                    post(alice, room, 100); // the first catch-up round: 100 behind
                    roundListing.set(MESSAGES.holdListing()); // holds the round's ListMessages
                });
                await().atMost(Duration.ofSeconds(20)).until(() -> MESSAGES.listCalls() > callsBefore + 1);
                post(alice, room, 250); // the second would start 250 behind
            } finally {
                roundListing.get().countDown();
            }
            assertThat(nextSeqs(bobClient, 102)).containsExactlyElementsOf(range(3, 104));
            assertThat(bobClient.awaitClosed().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(bobClient.awaitClosedReason()).isEqualTo("SLOW_CONSUMER");
        }
        try (ChatClient retry = ChatClient.connect(channel, bob.token())) {
            retry.hello(resume(room, 104));
            assertThat(nextSeqs(retry, 250)).containsExactlyElementsOf(range(105, 354));
        }
    }

    /** A membership change is not in history: skipped, the client would never learn of it, so it must resume. */
    @Test
    void aResumeThatWouldHaveToSkipAMembershipChangeIsDroppedAsASlowConsumer() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        TestUser carol = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        post(alice, room, 4);

        try (ChatClient bobClient = ChatClient.connect(channel, bob.token())) {
            resumeHoldingHistory(bobClient, room, 2, () -> {
                post(alice, room, 100);
                rooms(alice).inviteMember(InviteMemberRequest.newBuilder().setRoomId(room.getId()).setUserId(carol.id()).build());
            });
            assertThat(bobClient.awaitClosed().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(bobClient.awaitClosedReason()).isEqualTo("SLOW_CONSUMER");
        }
    }

    @Test
    void aResumeWaitsForTheSendInFlightInTheRoomSoItsMessageIsNotMissed() throws Exception {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        post(alice, room, 1);

        ExecutorService sender = Executors.newSingleThreadExecutor();
        CountDownLatch ack = bus.holdAcks();
        try (ChatClient bobClient = ChatClient.connect(channel, bob.token())) {
            try {
                // delivered live before bob's session exists, acknowledged (committed) only later
                Future<?> inFlight = sender.submit(() -> post(alice, room, 1));
                await().atMost(Duration.ofSeconds(20)).until(() -> MESSAGES.stored(room.getId()) == 2);
                bobClient.send(ClientEvent.newBuilder().setHello(resume(room, 1)).build());
                await().atMost(Duration.ofSeconds(20)).until(() -> readsWaitingForARowLock() == 1);
                ack.countDown();
                inFlight.get(20, TimeUnit.SECONDS);
            } finally {
                ack.countDown();
                sender.shutdownNow();
            }
            assertThat(bobClient.next().getReady().getRoomsList()).containsExactly(
                    RoomCursor.newBuilder().setRoomId(room.getId()).setSeq(2).build());
            assertThat(nextSeqs(bobClient, 1)).containsExactly(2L);
            post(alice, room, 1);
            assertThat(nextSeqs(bobClient, 1)).containsExactly(3L);
        }
    }

    @Test
    void aResumeWhoseHistoryStaysBehindClosesTheStreamSoTheClientRetries() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        post(alice, room, 1);
        MESSAGES.lag(room.getId());
        post(alice, room, 1);
        try {
            try (ChatClient bobClient = ChatClient.connect(channel, bob.token())) {
                bobClient.hello(resume(room, 0));
                assertThat(nextSeqs(bobClient, 1)).containsExactly(1L);
                // seq 2 never shows up in history within the catch-up timeout: no silent skip
                assertThat(bobClient.awaitClosed().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(bobClient.awaitClosedReason()).isEqualTo("UNAVAILABLE");
            }
        } finally {
            MESSAGES.catchUp(room.getId());
        }
        try (ChatClient retry = ChatClient.connect(channel, bob.token())) {
            retry.hello(resume(room, 1));
            assertThat(nextSeqs(retry, 1)).containsExactly(2L);
        }
    }

    /**
     * A message stored but not published yet (its publish failed) is not waited for: the
     * resume goes up to the room's published seq, and the message arrives live, in seq order,
     * with the room's next publish.
     */
    @Test
    void anUnpublishedMessageIsNotWaitedForAndArrivesInSeqOrderWithTheRoomsNextPublish() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        post(alice, room, 1);
        MESSAGES.fail(room.getId());
        try {
            assertStatus(Status.Code.UNAVAILABLE, () -> send(alice, room, "stored, not published"));
        } finally {
            MESSAGES.recover(room.getId());
        }

        int callsBefore = MESSAGES.listCalls();
        try (ChatClient bobClient = ChatClient.connect(channel, bob.token())) {
            assertThat(bobClient.hello(resume(room, 0)).getRoomsList()).containsExactly(
                    RoomCursor.newBuilder().setRoomId(room.getId()).setSeq(1).build());
            assertThat(nextSeqs(bobClient, 1)).containsExactly(1L);
            assertThat(MESSAGES.listCalls() - callsBefore).isEqualTo(1);

            post(alice, room, 1);
            assertThat(nextSeqs(bobClient, 2)).containsExactly(2L, 3L);
        }
        try (ChatClient bobClient = ChatClient.connect(channel, bob.token())) {
            bobClient.hello(resume(room, 0));
            assertThat(nextSeqs(bobClient, 3)).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void cursorsOfOtherRoomsAreIgnored() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room alicesRoom = createRoom(alice, RoomKind.ROOM_KIND_PRIVATE);
        Room shared = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        post(alice, alicesRoom, 2);

        int callsBefore = MESSAGES.listCalls();
        try (ChatClient bobClient = ChatClient.connect(channel, bob.token())) {
            bobClient.hello(Hello.newBuilder()
                    .addResumeFrom(RoomCursor.newBuilder().setRoomId(alicesRoom.getId()).setSeq(0))
                    .addResumeFrom(RoomCursor.newBuilder().setRoomId(Ids.newId()).setSeq(0))
                    .build());
            post(alice, shared, 1);
            assertThat(bobClient.next().getMessageCreated().getMessage().getRoomId()).isEqualTo(shared.getId());
        }
        assertThat(MESSAGES.listCalls()).isEqualTo(callsBefore);
    }

    @Test
    void invalidCursorsAreRejectedAndHelloCanBeRetried() {
        TestUser bob = newUser();
        Room room = createRoom(bob, RoomKind.ROOM_KIND_GROUP);
        try (ChatClient bobClient = ChatClient.connect(channel, bob.token())) {
            Hello.Builder tooMany = Hello.newBuilder();
            IntStream.range(0, 501).forEach(i -> tooMany.addResumeFrom(RoomCursor.newBuilder().setRoomId(room.getId())));
            bobClient.send(ClientEvent.newBuilder().setHello(tooMany).build());
            assertThat(bobClient.next().getError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());

            bobClient.send(ClientEvent.newBuilder().setHello(Hello.newBuilder()
                    .addResumeFrom(RoomCursor.newBuilder().setRoomId("x").setSeq(-1))).build());
            assertThat(bobClient.next().getError().getFieldViolationsCount()).isEqualTo(2);

            assertThat(bobClient.hello(resume(room, 0)).getUserId()).isEqualTo(bob.id());
        }
    }

    @Test
    void aResumeThatCannotReadHistoryClosesTheStreamSoTheClientRetries() {
        TestUser bob = newUser();
        Room room = createRoom(bob, RoomKind.ROOM_KIND_GROUP);
        post(bob, room, 1);
        MESSAGES.fail(room.getId());
        try (ChatClient bobClient = ChatClient.connect(channel, bob.token())) {
            bobClient.hello(resume(room, 0));
            assertThat(bobClient.awaitClosed().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(bobClient.awaitClosedReason()).isEqualTo("UNAVAILABLE");
        } finally {
            MESSAGES.recover(room.getId());
        }
    }

    /**
     * The client resumes the room from {@code cursor}; {@code meanwhile} runs while the replay's
     * first ListMessages waits, so the live events it causes reach the session's buffer.
     */
    private static void resumeHoldingHistory(ChatClient client, Room room, long cursor, Runnable meanwhile) {
        int callsBefore = MESSAGES.listCalls();
        CountDownLatch listing = MESSAGES.holdListing();
        try {
            client.hello(resume(room, cursor));
            await().atMost(Duration.ofSeconds(20)).until(() -> MESSAGES.listCalls() > callsBefore);
            meanwhile.run();
        } finally {
            listing.countDown();
        }
    }

    /** Statements of this database waiting for a row lock with FOR SHARE: a resume waiting for a send. */
    private int readsWaitingForARowLock() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT count(*) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FOR SHARE%'")
                .mapTo(Integer.class).one());
    }

    private void post(TestUser sender, Room room, int count) {
        for (int i = 0; i < count; i++) {
            chat(sender).sendMessage(SendMessageRequest.newBuilder().setClientId(Ids.newId())
                    .setMessage(SendMessageEvent.newBuilder().setRoomId(room.getId()).setText("message")).build());
        }
    }

    private io.chatmesh.proto.message.v1.Message send(TestUser sender, Room room, String clientId) {
        return chat(sender).sendMessage(SendMessageRequest.newBuilder().setClientId(clientId)
                .setMessage(SendMessageEvent.newBuilder().setRoomId(room.getId()).setText("message")).build())
                .getMessage();
    }

    private static Hello resume(Room room, long seq) {
        return Hello.newBuilder().addResumeFrom(RoomCursor.newBuilder().setRoomId(room.getId()).setSeq(seq)).build();
    }

    /** The seqs of the next {@code count} events, which must all be MessageCreated. */
    private static List<Long> nextSeqs(ChatClient client, int count) {
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ServerEvent event = client.next();
            assertThat(event.getEventCase()).as("%s", event).isEqualTo(ServerEvent.EventCase.MESSAGE_CREATED);
            seqs.add(event.getMessageCreated().getMessage().getSeq());
        }
        return seqs;
    }

    private static List<Long> range(long from, long to) {
        return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
    }
}

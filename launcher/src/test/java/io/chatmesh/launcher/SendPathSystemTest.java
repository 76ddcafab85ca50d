package io.chatmesh.launcher;

import static io.chatmesh.launcher.Accounts.as;
import static io.chatmesh.launcher.Accounts.signUpAndLogIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chatmesh.launcher.ChatLoad.Acked;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.JoinRoomRequest;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The send path through the whole embedded stack over real gRPC, where a unit of it cannot show
 * it: the sends of many rooms appended and published together, and a store refusing every write
 * for a while (history's, or chat-service's own log). Each ends with every room's history and a
 * member's live stream holding each acked message once, at the seq its ack named, in order.
 */
class SendPathSystemTest {

    @RegisterExtension
    static final LaunchedStack STACK = new LaunchedStack();

    /**
     * One sender per room, all sending at once: the pipeline takes whatever waits as one batch, so
     * batches hold posts of many rooms, each numbered after its own room's last seq.
     */
    @Test
    void sendsToManyRoomsAtOnceAreNumberedPerRoomAndReachHistoryAndTheStreamInOrder() throws Exception {
        int rooms = 30;
        int sendsPerRoom = 20;
        String suffix = suffix();
        String reader = signUpAndLogIn(STACK.edge(), "reader" + suffix);
        Map<String, String> senderOfRoom = new LinkedHashMap<>();
        Map<String, String> tokens = new LinkedHashMap<>();
        for (int i = 0; i < rooms; i++) {
            String user = "sender" + i + suffix;
            tokens.put(user, signUpAndLogIn(STACK.edge(), user));
            senderOfRoom.put(publicRoom(tokens.get(user), reader), user);
        }
        StreamRecorder<ServerEvent> readerEvents = new StreamRecorder<>();
        StreamObserver<ClientEvent> readerStream = STACK.connectChat(reader, readerEvents);

        Map<String, Acked> acked = new ConcurrentHashMap<>();
        try (ExecutorService senders = Executors.newFixedThreadPool(rooms)) {
            List<Future<?>> sending = new ArrayList<>();
            senderOfRoom.forEach((roomId, user) -> sending.add(senders.submit(() -> {
                RoomAudit room = new RoomAudit(STACK.edge(), roomId, Map.of(user, tokens.get(user)));
                for (int n = 0; n < sendsPerRoom; n++) {
                    String clientId = user + "-" + n;
                    acked.put(clientId, room.send(user, clientId));
                }
            })));
            for (Future<?> sent : sending) {
                sent.get();
            }
        }

        List<ServerEvent> created = readerEvents.awaitCount(ServerEvent::hasMessageCreated, rooms * sendsPerRoom);
        Map<String, List<Long>> streamedSeqs = created.stream().map(e -> e.getMessageCreated().getMessage())
                .collect(Collectors.groupingBy(Message::getRoomId, Collectors.mapping(Message::getSeq, Collectors.toList())));
        List<String> problems = new ArrayList<>();
        senderOfRoom.forEach((roomId, user) -> {
            RoomAudit room = new RoomAudit(STACK.edge(), roomId, Map.of(user, tokens.get(user)));
            Map<String, Acked> roomAcks = acked.entrySet().stream().filter(e -> e.getValue().user().equals(user))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            problems.addAll(roomProblems(room, roomAcks, streamedSeqs.get(roomId), sendsPerRoom, "many rooms"));
        });
        assertThat(problems).as("%d rooms, %d sends each", rooms, sendsPerRoom).isEmpty();
        readerStream.onCompleted();
    }

    /**
     * message-service's PostgreSQL refuses every new message (a constraint no row meets) while
     * sends go on in two rooms: each send is answered UNAVAILABLE (its outcome unknown to the
     * client), history stays empty, and the failures do not fill the log. Once the store takes
     * writes again, chat-service publishes what it logged without any further send (its relay's
     * retry): history gets every message once, in order; the member's live stream, which may have
     * seen the failed publishes already, shows each once; a retry of each send returns the message
     * stored; the next send follows.
     */
    @Test
    void whileHistorysStoreRefusesWritesSendsAreUnavailableAndAfterwardsEachIsStoredOnce() throws SQLException {
        Outage outage = new Outage();
        Map<String, RoomAudit> roomOfSend = outage.sendWhileRefused("chatmesh_messages", "messages");

        await().atMost(StreamRecorder.PATIENCE).until(() -> outage.rooms.stream()
                .allMatch(room -> room.history().size() == Outage.SENDS_PER_ROOM));
        outage.assertEachStoredOnceAfterRetries(roomOfSend);
    }

    /**
     * chat-service's own PostgreSQL refuses every new message of its log: each send is answered
     * UNAVAILABLE, nothing is logged, published or stored, and the failures do not fill the log.
     * Resent once the log takes writes again, each is posted once, in order.
     */
    @Test
    void whileTheMessageLogRefusesWritesSendsAreUnavailableAndResendsPostEachOnce() throws SQLException {
        Outage outage = new Outage();
        Map<String, RoomAudit> roomOfSend = outage.sendWhileRefused("chatmesh_chat", "message_log");

        outage.rooms.forEach(room -> assertThat(room.history()).as("history after the outage").isEmpty());
        outage.assertEachStoredOnceAfterRetries(roomOfSend);
    }

    /** A sender's two rooms, a member of both with a stream open, and what a store outage does to them. */
    private static final class Outage {

        static final int SENDS_PER_ROOM = 10;

        final String sender = "outage-sender" + suffix();
        final String senderToken = signUpAndLogIn(STACK.edge(), sender);
        final String reader = signUpAndLogIn(STACK.edge(), "outage-reader" + suffix());
        final List<RoomAudit> rooms = IntStream.range(0, 2).mapToObj(i -> publicRoom(senderToken, reader))
                .map(roomId -> new RoomAudit(STACK.edge(), roomId, Map.of(sender, senderToken))).toList();
        final StreamRecorder<ServerEvent> readerEvents = new StreamRecorder<>();
        final StreamObserver<ClientEvent> readerStream = STACK.connectChat(reader, readerEvents);

        /**
         * Sends to both rooms while {@code table} of {@code database} refuses every new row; each
         * send must be UNAVAILABLE, history must stay empty and the log get at most one line per
         * 10 s (clients decide how often a send fails). Returns each send's room, in sending order.
         */
        Map<String, RoomAudit> sendWhileRefused(String database, String table) throws SQLException {
            Map<String, RoomAudit> roomOfSend = new LinkedHashMap<>();
            try (Connection connection = DriverManager.getConnection(STACK.postgresJdbcUrl(database));
                    Statement sql = connection.createStatement();
                    ErrorLogRecorder errors = ErrorLogRecorder.attachToRoot()) {
                long outageStart = System.nanoTime();
                sql.execute("ALTER TABLE " + table + " ADD CONSTRAINT outage CHECK (false) NOT VALID");
                try {
                    for (int n = 0; n < SENDS_PER_ROOM; n++) {
                        for (RoomAudit room : rooms) {
                            String clientId = "outage-" + rooms.indexOf(room) + "-" + n;
                            roomOfSend.put(clientId, room);
                            SendMessageRequest request = SendMessageRequest.newBuilder().setClientId(clientId)
                                    .setMessage(ChatLoad.message(room.roomId(), clientId)).build();
                            assertThatThrownBy(() -> as(ChatServiceGrpc.newBlockingStub(STACK.edge()), senderToken)
                                    .sendMessage(request)).as(clientId).isInstanceOfSatisfying(StatusRuntimeException.class,
                                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
                        }
                    }
                    rooms.forEach(room -> assertThat(room.history()).as("history during the outage").isEmpty());
                } finally {
                    sql.execute("ALTER TABLE " + table + " DROP CONSTRAINT outage");
                }
                long tenSecondsPassed = (System.nanoTime() - outageStart) / 10_000_000_000L;
                assertThat(errors.lines()).as("errors and stack traces logged during the outage")
                        .hasSizeLessThanOrEqualTo((int) (1 + tenSecondsPassed));
            }
            return roomOfSend;
        }

        /**
         * Resends every send of the outage (a client whose outcome is unknown does) and checks that
         * each room's history and the reader's stream hold each once, at seqs 1 to
         * {@link #SENDS_PER_ROOM} in sending order, as the answers say; then that the next send follows.
         */
        void assertEachStoredOnceAfterRetries(Map<String, RoomAudit> roomOfSend) {
            Map<String, Acked> acked = new LinkedHashMap<>();
            roomOfSend.forEach((clientId, room) -> acked.put(clientId, room.send(sender, clientId)));
            List<String> problems = new ArrayList<>();
            for (RoomAudit room : rooms) {
                Map<String, Acked> roomAcks = new LinkedHashMap<>(acked);
                roomAcks.keySet().removeIf(clientId -> roomOfSend.get(clientId) != room);
                List<Long> streamed = readerEvents.awaitCount(e -> e.hasMessageCreated()
                                && e.getMessageCreated().getMessage().getRoomId().equals(room.roomId()), SENDS_PER_ROOM)
                        .stream().map(e -> e.getMessageCreated().getMessage().getSeq()).toList();
                problems.addAll(roomProblems(room, roomAcks, streamed, SENDS_PER_ROOM, "retried after the outage"));
                Acked next = room.send(sender, "after-the-outage-" + rooms.indexOf(room));
                if (next.seq() != SENDS_PER_ROOM + 1) {
                    problems.add(room.roomId() + ": the next send got seq " + next.seq());
                }
            }
            assertThat(problems).isEmpty();
            assertThat(readerEvents.ended()).as("the reader's stream stayed open").isFalse();
            readerStream.onCompleted();
        }
    }

    /**
     * What is wrong with one room after {@code sends} acked sends ({@code acks}): its history and
     * the reader's stream ({@code streamed} seqs) must hold seqs 1 to {@code sends}, each once, each
     * message where its ack named it. One line per problem.
     */
    private static List<String> roomProblems(RoomAudit room, Map<String, Acked> acks, List<Long> streamed, int sends,
            String when) {
        List<Long> everySeq = LongStream.rangeClosed(1, sends).boxed().toList();
        List<Message> history = room.history();
        List<String> problems = new ArrayList<>(room.duplicateProblems(history));
        problems.addAll(room.ackProblems(history, acks, when));
        List<Long> stored = history.stream().map(Message::getSeq).toList();
        if (!stored.equals(everySeq)) {
            problems.add(room.roomId() + ": history's seqs " + stored);
        }
        if (!everySeq.equals(streamed)) {
            problems.add(room.roomId() + ": the reader's stream got seqs " + streamed);
        }
        return problems;
    }

    /** A new PUBLIC room of the owner's, which {@code member} joined; its id. */
    private static String publicRoom(String ownerToken, String memberToken) {
        String roomId = as(RoomServiceGrpc.newBlockingStub(STACK.edge()), ownerToken).createRoom(CreateRoomRequest.newBuilder()
                .setKind(RoomKind.ROOM_KIND_PUBLIC).setName("send path " + Ids.newId().substring(20)).build()).getRoom().getId();
        as(RoomServiceGrpc.newBlockingStub(STACK.edge()), memberToken).joinRoom(JoinRoomRequest.newBuilder().setRoomId(roomId).build());
        return roomId;
    }

    private static String suffix() {
        return Ids.newId().substring(20).toLowerCase();
    }
}

package io.chatmesh.launcher;

import static io.chatmesh.launcher.Accounts.as;
import static io.chatmesh.launcher.Accounts.signUpAndLogIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatmesh.launcher.ChatEventFuzzer.Targets;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.proto.chat.v1.Ack;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.message.v1.Direction;
import io.chatmesh.proto.message.v1.GetUnreadCountsRequest;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.proto.message.v1.ListMessagesResponse;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.chatmesh.proto.message.v1.RoomUnread;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.proto.user.v1.GetMeRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The people around the chat fuzzer: a bystander in its shared room holding a chat stream, a
 * sender posting well-formed messages there, and rooms the fuzzer is not a member of (one
 * private, one public), each with one message. Checks afterwards what they saw and what is stored.
 */
final class ChatFuzzScene {

    final Targets targets;
    private final Channel edge;
    private final String bystanderToken;
    private final String senderToken;
    private final List<Message> senderAcked = new CopyOnWriteArrayList<>();
    private StreamRecorder<ServerEvent> bystander;
    private StreamObserver<ClientEvent> bystanderOut;

    private ChatFuzzScene(Channel edge, Targets targets, String bystanderToken, String senderToken) {
        this.edge = edge;
        this.targets = targets;
        this.bystanderToken = bystanderToken;
        this.senderToken = senderToken;
    }

    static ChatFuzzScene create(Channel edge) {
        String fuzzer = signUpAndLogIn(edge, "chat-fuzzer");
        String bystander = signUpAndLogIn(edge, "chat-bystander");
        String sender = signUpAndLogIn(edge, "chat-sender");
        String shared = createRoom(edge, sender, RoomKind.ROOM_KIND_GROUP, userId(edge, fuzzer), userId(edge, bystander));
        String own = createRoom(edge, fuzzer, RoomKind.ROOM_KIND_PRIVATE);
        String foreign = createRoom(edge, bystander, RoomKind.ROOM_KIND_PRIVATE, userId(edge, sender));
        String publicRoom = createRoom(edge, sender, RoomKind.ROOM_KIND_PUBLIC);
        Targets targets = new Targets(shared, own, foreign, publicRoom,
                post(edge, sender, shared, "before-shared").getId(), post(edge, fuzzer, own, "before-own").getId(),
                post(edge, bystander, foreign, "before-foreign").getId(),
                post(edge, sender, publicRoom, "before-public").getId(), fuzzer);
        return new ChatFuzzScene(edge, targets, bystander, sender);
    }

    /** The bystander connects its chat stream and waits for Ready. */
    void connectBystander() {
        bystander = new StreamRecorder<>();
        bystanderOut = ChatServiceGrpc.newStub(edge)
                .withCallCredentials(BearerCallCredentials.of(bystanderToken)).connect(bystander);
        bystanderOut.onNext(ClientEvent.newBuilder().setHello(Hello.newBuilder().setDeviceId("bystander")).build());
        bystander.awaitFirst(ServerEvent::hasReady);
    }

    void disconnectBystander() {
        bystanderOut.onCompleted();
    }

    /** One well-formed message of the sender, resent with its client_id while the answer says to wait. */
    void senderPosts(int n) {
        senderAcked.add(post(edge, senderToken, targets.sharedRoom(), "sender-" + n));
    }

    /** The bystander is still connected, untouched, and got each of the sender's messages once, in order. */
    void assertBystanderUndisturbed(FuzzSeed seed, List<Message> sharedHistory) {
        Set<String> stored = ids(sharedHistory);
        stored.remove(targets.sharedMessage()); // posted before the bystander connected
        await(seed + ": the bystander receives every stored message of the shared room")
                .atMost(StreamRecorder.PATIENCE)
                .until(() -> bystander.ended() || ids(bystanderMessages()).containsAll(stored));
        assertThat(bystander.ended()).as("%s: the bystander's stream is open (%s)", seed, bystander.error()).isFalse();
        assertThat(bystander.all(ServerEvent::hasError)).as("%s: StreamErrors on the bystander's stream", seed).isEmpty();
        List<Message> received = bystanderMessages();
        assertThat(received).extracting(Message::getRoomId).as("%s: rooms of the bystander's messages", seed)
                .containsOnly(targets.sharedRoom());
        assertThat(received).extracting(Message::getId).as("%s: the bystander got each message once", seed)
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(stored);
        assertThat(received).extracting(Message::getSeq).as("%s: the bystander got them in seq order", seed).isSorted();
        Set<String> senderIds = ids(senderAcked);
        assertThat(received.stream().map(Message::getId).filter(senderIds::contains).toList())
                .as("%s: the sender's messages at the bystander, in the order they were acked", seed)
                .containsExactlyElementsOf(senderAcked.stream().map(Message::getId).toList());
    }

    /** History holds exactly what was acked: nothing of refused sends, nothing in rooms not the fuzzer's. */
    void assertStoredExactlyWhatWasAcked(FuzzSeed seed, Map<String, Ack> fuzzerAcks, List<Message> sharedHistory) {
        Set<String> expectedShared = ackedIn(fuzzerAcks, targets.sharedRoom());
        expectedShared.addAll(ids(senderAcked));
        expectedShared.add(targets.sharedMessage());
        assertThat(sharedHistory).extracting(Message::getId).as("%s: history of the shared room", seed)
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expectedShared);
        assertThat(sharedHistory).extracting(Message::getSeq).as("%s: seqs of the shared room", seed).doesNotHaveDuplicates();
        Set<String> expectedOwn = ackedIn(fuzzerAcks, targets.ownRoom());
        expectedOwn.add(targets.ownMessage());
        assertThat(history(targets.token(), targets.ownRoom())).extracting(Message::getId)
                .as("%s: history of the fuzzer's own room", seed).containsExactlyInAnyOrderElementsOf(expectedOwn);
        assertThat(history(bystanderToken, targets.foreignRoom())).extracting(Message::getId)
                .as("%s: history of a private room the fuzzer is not a member of", seed)
                .containsExactly(targets.foreignMessage());
        assertThat(history(senderToken, targets.publicRoom())).extracting(Message::getId)
                .as("%s: history of a public room the fuzzer did not join", seed).containsExactly(targets.publicMessage());
    }

    /** The fuzzer's read markers are where its Acks said, and nobody else's moved. */
    void assertReadMarkers(FuzzSeed seed, Map<String, Long> ackedMarkers) {
        for (String room : List.of(targets.sharedRoom(), targets.ownRoom())) {
            assertThat(lastReadSeq(targets.token(), room)).as("%s: the fuzzer's read marker in %s", seed, room)
                    .isEqualTo(ackedMarkers.getOrDefault(room, 0L));
        }
        assertThat(lastReadSeq(bystanderToken, targets.sharedRoom())).as("%s: the bystander's read marker", seed).isZero();
    }

    List<Message> sharedHistory() {
        return history(senderToken, targets.sharedRoom());
    }

    private List<Message> bystanderMessages() {
        return bystander.all(ServerEvent::hasMessageCreated).stream().map(e -> e.getMessageCreated().getMessage()).toList();
    }

    private long lastReadSeq(String token, String room) {
        RoomUnread unread = as(MessageServiceGrpc.newBlockingStub(edge), token)
                .getUnreadCounts(GetUnreadCountsRequest.newBuilder().addRoomIds(room).build()).getRooms(0);
        return unread.getLastReadSeq();
    }

    private List<Message> history(String token, String room) {
        List<Message> history = new ArrayList<>();
        // thread replies too: the fuzzer's sends may name a thread root, and every acked one counts
        ListMessagesRequest.Builder request = ListMessagesRequest.newBuilder().setRoomId(room)
                .setDirection(Direction.DIRECTION_FORWARD).setPageSize(50).setIncludeThreadReplies(true);
        do {
            ListMessagesResponse page = as(MessageServiceGrpc.newBlockingStub(edge), token).listMessages(request.build());
            history.addAll(page.getMessagesList());
            request.setPageToken(page.getNextPageToken());
        } while (!request.getPageToken().isEmpty());
        return history;
    }

    private static Set<String> ackedIn(Map<String, Ack> acks, String room) {
        Set<String> ids = new HashSet<>();
        acks.values().stream().filter(ack -> ack.getRoomId().equals(room)).forEach(ack -> ids.add(ack.getMessageId()));
        return ids;
    }

    private static Set<String> ids(List<Message> messages) {
        Set<String> ids = new HashSet<>();
        messages.forEach(m -> ids.add(m.getId()));
        return ids;
    }

    static String userId(Channel edge, String token) {
        return as(UserServiceGrpc.newBlockingStub(edge), token).getMe(GetMeRequest.getDefaultInstance()).getUser().getId();
    }

    static String createRoom(Channel edge, String token, RoomKind kind, String... members) {
        return as(RoomServiceGrpc.newBlockingStub(edge), token).createRoom(CreateRoomRequest.newBuilder().setKind(kind)
                .setName("fuzz " + kind).addAllMemberIds(List.of(members)).build()).getRoom().getId();
    }

    /** Posts with unary SendMessage; resends with the same client_id while told to wait (rate limit, overload). */
    static Message post(Channel edge, String token, String room, String clientId) {
        SendMessageRequest request = SendMessageRequest.newBuilder().setClientId(clientId)
                .setMessage(SendMessageEvent.newBuilder().setRoomId(room).setText("text of " + clientId)).build();
        for (int attempt = 1; ; attempt++) {
            try {
                return as(ChatServiceGrpc.newBlockingStub(edge), token).sendMessage(request).getMessage();
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                if (attempt == 100 || (code != Status.Code.RESOURCE_EXHAUSTED && code != Status.Code.UNAVAILABLE)) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(interrupted);
                }
            }
        }
    }
}

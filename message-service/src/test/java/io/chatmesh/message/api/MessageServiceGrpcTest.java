package io.chatmesh.message.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatmesh.message.MessageServiceTestSupport;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.ReceiptUpdated;
import io.chatmesh.proto.chat.internal.v1.RoomEvent;
import io.chatmesh.proto.message.v1.Direction;
import io.chatmesh.proto.message.v1.GetMessageRequest;
import io.chatmesh.proto.message.v1.GetUnreadCountsRequest;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.proto.message.v1.ListMessagesResponse;
import io.chatmesh.proto.message.v1.MarkReadRequest;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.message.v1.RoomUnread;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** MessageService over a real socket: history paging, single messages, unread counts, read markers. */
class MessageServiceGrpcTest extends MessageServiceTestSupport {

    @Test
    void listMessagesOpensWithTheNewestMessagesFirst() {
        User alice = newUser();
        User bob = newUser();
        String room = newRoom(alice, bob);
        List<Message> posted = post(room, 5, alice, bob);

        ListMessagesResponse page = messages(alice).listMessages(ListMessagesRequest.newBuilder().setRoomId(room).build());

        assertThat(page.getMessagesList()).containsExactlyElementsOf(
                seenBy(alice, posted.get(4), posted.get(3), posted.get(2), posted.get(1), posted.get(0)));
        assertThat(page.getNextPageToken()).isEmpty();
    }

    @Test
    void pagesBackwardWithPageTokensUntilTheStart() {
        User alice = newUser();
        String room = newRoom(alice);
        List<Message> posted = post(room, 5, alice);

        ListMessagesResponse first = messages(alice).listMessages(request(room).setPageSize(2).build());
        assertThat(seqs(first)).containsExactly(5L, 4L);
        assertThat(first.getNextPageToken()).isNotEmpty();

        ListMessagesResponse second = messages(alice).listMessages(
                request(room).setPageSize(2).setPageToken(first.getNextPageToken()).build());
        assertThat(seqs(second)).containsExactly(3L, 2L);

        ListMessagesResponse last = messages(alice).listMessages(
                request(room).setPageSize(2).setPageToken(second.getNextPageToken()).build());
        assertThat(last.getMessagesList()).containsExactly(posted.get(0));
        assertThat(last.getNextPageToken()).isEmpty();
    }

    @Test
    void pagesForwardFromASeqWithPageTokensUntilTheEnd() {
        User alice = newUser();
        String room = newRoom(alice);
        post(room, 5, alice);

        ListMessagesResponse first = messages(alice).listMessages(
                request(room).setDirection(Direction.DIRECTION_FORWARD).setFromSeq(1).setPageSize(2).build());
        assertThat(seqs(first)).containsExactly(2L, 3L);

        // the token carries the direction: continuing without repeating it stays FORWARD
        ListMessagesResponse second = messages(alice).listMessages(
                request(room).setPageSize(2).setPageToken(first.getNextPageToken()).build());
        assertThat(seqs(second)).containsExactly(4L, 5L);
        assertThat(second.getNextPageToken()).isEmpty();
    }

    @Test
    void fromSeqIsAnExclusiveCursorInBothDirections() {
        User alice = newUser();
        String room = newRoom(alice);
        post(room, 5, alice);

        assertThat(seqs(messages(alice).listMessages(
                request(room).setDirection(Direction.DIRECTION_BACKWARD).setFromSeq(4).build())))
                .containsExactly(3L, 2L, 1L);
        assertThat(seqs(messages(alice).listMessages(
                request(room).setDirection(Direction.DIRECTION_FORWARD).build())))
                .containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(seqs(messages(alice).listMessages(
                request(room).setDirection(Direction.DIRECTION_FORWARD).setFromSeq(5).build())))
                .isEmpty();
    }

    @Test
    void getMessageReturnsAStoredMessageToMembers() {
        User alice = newUser();
        String room = newRoom(alice);
        Message message = post(room, 1, alice).getFirst();

        assertThat(messages(alice).getMessage(GetMessageRequest.newBuilder().setMessageId(message.getId()).build())
                .getMessage()).isEqualTo(message);
    }

    @Test
    void unknownMessageIsNotFound() {
        User alice = newUser();

        assertThat(codeOf(() -> messages(alice).getMessage(
                GetMessageRequest.newBuilder().setMessageId(Ids.newId()).build())))
                .isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void nonMembersAreDeniedEverywhere() {
        User alice = newUser();
        User mallory = newUser();
        String room = newRoom(alice);
        Message message = post(room, 1, alice).getFirst();
        // the test rooms are GROUP rooms: hidden from non-members, NOT_FOUND as if missing

        assertThat(codeOf(() -> messages(mallory).listMessages(request(room).build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(codeOf(() -> messages(mallory).getMessage(
                GetMessageRequest.newBuilder().setMessageId(message.getId()).build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(codeOf(() -> messages(mallory).markRead(
                MarkReadRequest.newBuilder().setRoomId(room).setSeq(1).build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(codeOf(() -> messages(mallory).getUnreadCounts(
                GetUnreadCountsRequest.newBuilder().addRoomIds(room).build())))
                .isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void unreadCountsNamingOneForeignRoomAreDeniedAsAWhole() {
        User alice = newUser();
        String mine = newRoom(alice);
        String foreign = newRoom(newUser());

        assertThat(codeOf(() -> messages(alice).getUnreadCounts(
                GetUnreadCountsRequest.newBuilder().addRoomIds(mine).addRoomIds(foreign).build())))
                .isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void callsWithoutATokenAreUnauthenticated() {
        assertThat(codeOf(() -> anonymous().listMessages(request(Ids.newId()).build())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void invalidListMessagesRequestsNameEveryBadField() {
        User alice = newUser();
        String room = newRoom(alice);

        assertThat(violatedFields(() -> messages(alice).listMessages(ListMessagesRequest.newBuilder()
                .setRoomId("not-an-id").setFromSeq(-1).setPageSize(201).setDirectionValue(7).build())))
                .containsExactlyInAnyOrder("room_id", "from_seq", "page_size", "direction");
        assertThat(violatedFields(() -> messages(alice).listMessages(request(room).setPageSize(-1).build())))
                .containsExactly("page_size");
        assertThat(violatedFields(() -> messages(alice).listMessages(request("").build())))
                .containsExactly("room_id");
    }

    @Test
    void malformedOrMismatchedPageTokensAreInvalid() {
        User alice = newUser();
        String room = newRoom(alice);
        post(room, 3, alice);
        String backwardToken = messages(alice).listMessages(request(room).setPageSize(1).build()).getNextPageToken();
        String base64Garbage = Base64.getUrlEncoder().encodeToString("X:12".getBytes(StandardCharsets.US_ASCII));

        for (String token : List.of("!!not base64!!", base64Garbage, backwardToken + "A")) {
            assertThat(violatedFields(() -> messages(alice).listMessages(request(room).setPageToken(token).build())))
                    .as(token).containsExactly("page_token");
        }
        assertThat(violatedFields(() -> messages(alice).listMessages(request(room)
                .setDirection(Direction.DIRECTION_FORWARD).setPageToken(backwardToken).build())))
                .containsExactly("page_token");
    }

    @Test
    void invalidIdsAndSeqsElsewhereAreInvalid() {
        User alice = newUser();
        String room = newRoom(alice);

        assertThat(violatedFields(() -> messages(alice).getMessage(GetMessageRequest.getDefaultInstance())))
                .containsExactly("message_id");
        assertThat(violatedFields(() -> messages(alice).markRead(
                MarkReadRequest.newBuilder().setRoomId("nope").setSeq(-5).build())))
                .containsExactlyInAnyOrder("room_id", "seq");
        assertThat(violatedFields(() -> messages(alice).getUnreadCounts(
                GetUnreadCountsRequest.newBuilder().addRoomIds(room).addRoomIds("bad").build())))
                .containsExactly("room_ids[1]");
        List<String> tooMany = IntStream.range(0, 201).mapToObj(i -> Ids.newId()).toList();
        assertThat(violatedFields(() -> messages(alice).getUnreadCounts(
                GetUnreadCountsRequest.newBuilder().addAllRoomIds(tooMany).build())))
                .containsExactly("room_ids");
    }

    @Test
    void markReadMovesForwardOnlyAndCountsOnlyOthersMessages() {
        User alice = newUser();
        User bob = newUser();
        String room = newRoom(alice, bob);
        // seqs 1..5 from bob, alice, bob, alice, bob
        post(room, 5, bob, alice);

        assertThat(unread(alice, room)).isEqualTo(roomUnread(room, 3, 0, 5));

        assertThat(markRead(alice, room, 3)).isEqualTo(roomUnread(room, 1, 3, 5));
        assertThat(markRead(alice, room, 1)).isEqualTo(roomUnread(room, 1, 3, 5));
        assertThat(unread(alice, room)).isEqualTo(roomUnread(room, 1, 3, 5));
        assertThat(unread(bob, room)).isEqualTo(roomUnread(room, 2, 0, 5));

        assertThat(markRead(alice, room, 5)).isEqualTo(roomUnread(room, 0, 5, 5));
    }

    @Test
    void aMarkerNeverPointsPastTheNewestMessageAndThatIsTheOnlyReceipt() {
        User alice = newUser();
        User bob = newUser();
        String room = newRoom(alice, bob);
        post(room, 3, bob);
        List<ReceiptUpdated> receipts = new CopyOnWriteArrayList<>();
        try (EventBus.Subscription ignored = bus.subscribe(Topics.ROOM_EVENTS, "test-receipts-" + Ids.newId(),
                (key, payload) -> {
                    RoomEvent event = RoomEvent.parseFrom(payload);
                    if (event.hasReceiptUpdated() && event.getRoomId().equals(room)) {
                        receipts.add(event.getReceiptUpdated());
                    }
                })) {
            assertThat(markRead(alice, room, 1003)).isEqualTo(roomUnread(room, 0, 3, 3));
            assertThat(markRead(alice, room, 1_000_000_000_000_000L)).isEqualTo(roomUnread(room, 0, 3, 3));
            assertThat(markRead(bob, room, 0)).isEqualTo(roomUnread(room, 0, 0, 3));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(receipts).isNotEmpty());
            assertThat(receipts).allSatisfy(receipt -> assertThat(receipt.getLastReadSeq()).isEqualTo(3))
                    .allSatisfy(receipt -> assertThat(receipt.getUserId()).isEqualTo(alice.id()));
        }
        post(room, 4, bob);
        assertThat(unread(alice, room)).as("the next message is unread").isEqualTo(roomUnread(room, 1, 3, 4));
    }

    @Test
    void invalidMarkReadChangesNothing() {
        User alice = newUser();
        User bob = newUser();
        String room = newRoom(alice, bob);
        post(room, 2, bob);
        markRead(alice, room, 1);

        violatedFields(() -> messages(alice).markRead(MarkReadRequest.newBuilder().setRoomId(room).setSeq(-1).build()));

        assertThat(unread(alice, room)).isEqualTo(roomUnread(room, 1, 1, 2));
    }

    @Test
    void markReadPublishesAReceiptWhenTheMarkerReachesTheSeq() {
        User alice = newUser();
        String room = newRoom(alice);
        post(room, 3, alice);
        List<ReceiptUpdated> receipts = new CopyOnWriteArrayList<>();
        try (EventBus.Subscription ignored = bus.subscribe(Topics.ROOM_EVENTS, "test-receipts-" + Ids.newId(),
                (key, payload) -> {
                    RoomEvent event = RoomEvent.parseFrom(payload);
                    if (event.hasReceiptUpdated() && event.getRoomId().equals(room)) {
                        assertThat(key).isEqualTo(room);
                        receipts.add(event.getReceiptUpdated());
                    }
                })) {
            markRead(alice, room, 2);
            markRead(alice, room, 1);
            markRead(alice, room, 3);

            ReceiptUpdated expectedFirst = ReceiptUpdated.newBuilder()
                    .setRoomId(room).setUserId(alice.id()).setLastReadSeq(2).build();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(receipts)
                    .containsExactly(expectedFirst, expectedFirst.toBuilder().setLastReadSeq(3).build()));
        }
    }

    @Test
    void unreadCountsWithoutRoomsCoverEveryRoomOfTheCaller() {
        User alice = newUser();
        User bob = newUser();
        String quiet = newRoom(alice);
        String busy = newRoom(alice, bob);
        newRoom(bob);
        post(busy, 2, bob);

        List<RoomUnread> rooms = messages(alice).getUnreadCounts(GetUnreadCountsRequest.getDefaultInstance()).getRoomsList();

        assertThat(rooms).containsExactlyInAnyOrder(roomUnread(quiet, 0, 0, 0), roomUnread(busy, 2, 0, 2));
    }

    @Test
    void unreadCountsAnswerEachNamedRoomOnce() {
        User alice = newUser();
        User bob = newUser();
        String first = newRoom(alice, bob);
        String second = newRoom(alice);
        post(first, 1, bob);

        assertThat(messages(alice).getUnreadCounts(GetUnreadCountsRequest.newBuilder()
                .addRoomIds(second).addRoomIds(first).addRoomIds(second).build()).getRoomsList())
                .containsExactly(roomUnread(second, 0, 0, 0), roomUnread(first, 1, 0, 1));
    }

    @Test
    void membershipAnswersAreCachedAcrossRequests() {
        User alice = newUser();
        String room = newRoom(alice);
        Message message = post(room, 2, alice).getFirst();
        int before = ROOMS.calls();

        for (int i = 0; i < 5; i++) {
            messages(alice).listMessages(request(room).build());
        }
        messages(alice).getMessage(GetMessageRequest.newBuilder().setMessageId(message.getId()).build());
        markRead(alice, room, 1);
        unread(alice, room);

        assertThat(ROOMS.calls() - before).isEqualTo(1);
    }

    private static ListMessagesRequest.Builder request(String room) {
        return ListMessagesRequest.newBuilder().setRoomId(room);
    }

    private static List<Long> seqs(ListMessagesResponse response) {
        return response.getMessagesList().stream().map(Message::getSeq).toList();
    }

    private RoomUnread markRead(User user, String room, long seq) {
        return messages(user).markRead(MarkReadRequest.newBuilder().setRoomId(room).setSeq(seq).build()).getRoom();
    }

    private RoomUnread unread(User user, String room) {
        return messages(user).getUnreadCounts(GetUnreadCountsRequest.newBuilder().addRoomIds(room).build())
                .getRooms(0);
    }

    private static RoomUnread roomUnread(String room, long unread, long lastRead, long lastMessage) {
        return RoomUnread.newBuilder().setRoomId(room).setUnreadCount(unread).setLastReadSeq(lastRead)
                .setLastMessageSeq(lastMessage).build();
    }
}

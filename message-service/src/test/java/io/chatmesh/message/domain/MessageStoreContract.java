package io.chatmesh.message.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chatmesh.platform.id.Ids;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageStore} adapter must do. A subclass per adapter supplies the store;
 * stores may be shared between tests, which is why every test works in rooms of its own.
 */
public abstract class MessageStoreContract {

    /** A ready store (schema in place). */
    protected abstract MessageStore store();

    private MessageStore store;
    private String room;
    private String alice;
    private String bob;

    /**
     * What the store does in the background to keep unread counts and search cheap (the SQL store
     * folds new messages into its counters and search index); both must be exact before and
     * after. Nothing by default.
     */
    protected void foldNewMessages() {
    }

    /** Whether the store under test can search; false only for test servers without text search. */
    protected boolean searches() {
        return true;
    }

    @Nested
    class Threads extends MessageThreadContract {
        @Override
        protected MessageStore store() {
            return store;
        }
    }

    @Nested
    class Changes extends MessageChangeContract {
        @Override
        protected MessageStore store() {
            return store;
        }

        @Override
        protected boolean searches() {
            return MessageStoreContract.this.searches();
        }

        @Override
        protected void foldNewMessages() {
            MessageStoreContract.this.foldNewMessages();
        }
    }

    @Nested
    class Search extends MessageSearchContract {
        @Override
        protected MessageStore store() {
            assumeTrue(searches(), "this test server has no text search");
            return store;
        }

        @Override
        protected void foldNewMessages() {
            MessageStoreContract.this.foldNewMessages();
        }
    }

    @BeforeEach
    void setUpContract() {
        store = store();
        room = Ids.newId();
        alice = Ids.newId();
        bob = Ids.newId();
    }

    @Test
    void insertedMessageIsReturnedByIdWithEveryField() {
        Attachment picture = new Attachment(Ids.newId(), "cat.png", "image/png", 1234, "ab".repeat(32));
        Attachment notes = new Attachment(Ids.newId(), "notes.txt", "text/plain", 5, "cd".repeat(32));
        String replyTo = Ids.newId();
        Message message = Message.created(Ids.newId(), room, 7, alice, "client-1", "hello, world", replyTo, null,
                List.of(picture, notes), time(1));

        assertThat(store.insert(message)).isEqualTo(MessageStore.InsertOutcome.INSERTED);

        assertThat(store.get(message.id())).contains(message);
    }

    @Test
    void optionalFieldsStayAbsent() {
        Message message = Message.created(Ids.newId(), room, 1, alice, null, "plain", null, null, List.of(), time(1));
        store.insert(message);

        Message stored = store.get(message.id()).orElseThrow();
        assertThat(stored.clientId()).isNull();
        assertThat(stored.replyToId()).isNull();
        assertThat(stored.threadRootId()).isNull();
        assertThat(stored.editTime()).isNull();
        assertThat(stored.deleteTime()).isNull();
        assertThat(stored.attachments()).isEmpty();
        assertThat(stored.reactions()).isEmpty();
    }

    @Test
    void insertingTheSameIdAgainIsADuplicateAndChangesNothing() {
        Message first = message(room, 1, alice, "first");
        store.insert(first);
        Message replay = new Message(first.id(), room, 1, alice, first.clientId(), "changed", null, null, 0, null,
                List.of(), List.of(), time(2), null, null, Mentions.NONE);

        assertThat(store.insert(replay)).isEqualTo(MessageStore.InsertOutcome.DUPLICATE);
        assertThat(store.insert(first)).isEqualTo(MessageStore.InsertOutcome.DUPLICATE);

        assertThat(store.get(first.id())).contains(first);
        assertThat(store.page(room, PageDirection.FORWARD, 0, 10, true)).containsExactly(first);
    }

    @Test
    void aSecondMessageWithATakenSeqIsRefused() {
        Message first = message(room, 1, alice, "first");
        store.insert(first);
        Message clash = message(room, 1, bob, "same seq");

        assertThat(store.insert(clash)).isEqualTo(MessageStore.InsertOutcome.SEQ_TAKEN);

        assertThat(store.get(clash.id())).isEmpty();
        assertThat(store.page(room, PageDirection.FORWARD, 0, 10, true)).containsExactly(first);
    }

    @Test
    void theSameSeqInAnotherRoomIsFine() {
        store.insert(message(room, 1, alice, "here"));
        Message elsewhere = message(Ids.newId(), 1, alice, "there");

        assertThat(store.insert(elsewhere)).isEqualTo(MessageStore.InsertOutcome.INSERTED);
    }

    @Test
    void aBatchIsStoredAtOnceWithEachMessagesOutcomeInOrder() {
        Message stored = message(room, 1, alice, "stored before");
        store.insert(stored);
        Message fresh = message(room, 2, bob, "new");
        Message clash = message(room, 1, bob, "takes a taken seq");
        Message withAttachment = Message.created(Ids.newId(), room, 3, alice, "c-3", "see file", null, null,
                List.of(new Attachment(Ids.newId(), "a.txt", "text/plain", 3, "ef".repeat(32))), time(3));

        assertThat(store.insertAll(List.of(fresh, stored, clash, withAttachment, fresh))).containsExactly(
                MessageStore.InsertOutcome.INSERTED, MessageStore.InsertOutcome.DUPLICATE,
                MessageStore.InsertOutcome.SEQ_TAKEN, MessageStore.InsertOutcome.INSERTED,
                MessageStore.InsertOutcome.DUPLICATE);

        assertThat(store.page(room, PageDirection.FORWARD, 0, 10, true)).containsExactly(stored, fresh, withAttachment);
        assertThat(store.insertAll(List.of())).isEmpty();
    }

    @Test
    void aBatchOfRepliesCountsThemOnItsRoots() {
        Message root = message(room, 1, alice, "root");
        List<Message> batch = new ArrayList<>(List.of(root));
        for (long seq = 2; seq <= 4; seq++) {
            batch.add(Message.created(Ids.newId(), room, seq, bob, null, "reply " + seq, null, root.id(), List.of(),
                    time(seq)));
        }
        store.insertAll(batch);
        store.insertAll(batch.subList(1, 3)); // replayed: counted once

        assertThat(store.get(root.id()).orElseThrow().threadReplyCount()).isEqualTo(3);
    }

    @Test
    void unknownIdIsEmpty() {
        assertThat(store.get(Ids.newId())).isEmpty();
    }

    @Test
    void pagesForwardFromTheStartAndFromAnExclusiveCursor() {
        List<Message> messages = insertSeqs(room, 5);

        assertThat(store.page(room, PageDirection.FORWARD, 0, 3, true)).containsExactly(
                messages.get(0), messages.get(1), messages.get(2));
        assertThat(store.page(room, PageDirection.FORWARD, 3, 3, true)).containsExactly(messages.get(3), messages.get(4));
        assertThat(store.page(room, PageDirection.FORWARD, 5, 3, true)).isEmpty();
    }

    @Test
    void pagesBackwardFromTheEndAndFromAnExclusiveCursor() {
        List<Message> messages = insertSeqs(room, 5);

        assertThat(store.page(room, PageDirection.BACKWARD, 0, 2, true)).containsExactly(messages.get(4), messages.get(3));
        assertThat(store.page(room, PageDirection.BACKWARD, 4, 2, true)).containsExactly(messages.get(2), messages.get(1));
        assertThat(store.page(room, PageDirection.BACKWARD, 2, 2, true)).containsExactly(messages.get(0));
        assertThat(store.page(room, PageDirection.BACKWARD, 1, 2, true)).isEmpty();
    }

    @Test
    void pagesFollowSeqNotArrivalAndSkipGaps() {
        Message third = message(room, 30, alice, "third");
        Message first = message(room, 10, alice, "first");
        Message second = message(room, 20, bob, "second");
        store.insert(third);
        store.insert(first);
        store.insert(second);

        assertThat(store.page(room, PageDirection.FORWARD, 0, 10, true)).containsExactly(first, second, third);
        assertThat(store.page(room, PageDirection.BACKWARD, 0, 10, true)).containsExactly(third, second, first);
        assertThat(store.page(room, PageDirection.FORWARD, 15, 1, true)).containsExactly(second);
        assertThat(store.page(room, PageDirection.BACKWARD, 25, 1, true)).containsExactly(second);
    }

    @Test
    void pagesStayInTheirRoom() {
        Message mine = message(room, 1, alice, "mine");
        store.insert(mine);
        store.insert(message(Ids.newId(), 2, alice, "other room"));

        assertThat(store.page(room, PageDirection.FORWARD, 0, 10, true)).containsExactly(mine);
        assertThat(store.page(room, PageDirection.BACKWARD, 0, 10, true)).containsExactly(mine);
        assertThat(store.page(Ids.newId(), PageDirection.BACKWARD, 0, 10, true)).isEmpty();
    }

    @Test
    void threadRootsCountTheirReplies() {
        Message root = message(room, 1, alice, "root");
        store.insert(root);
        for (int seq = 2; seq <= 4; seq++) {
            store.insert(Message.created(Ids.newId(), room, seq, bob, null, "reply " + seq, null, root.id(),
                    List.of(), time(seq)));
        }

        assertThat(store.get(root.id()).orElseThrow().threadReplyCount()).isEqualTo(3);
        assertThat(store.page(room, PageDirection.FORWARD, 0, 1, true).getFirst().threadReplyCount()).isEqualTo(3);
        assertThat(store.page(room, PageDirection.BACKWARD, 0, 1, true).getFirst())
                .satisfies(reply -> {
                    assertThat(reply.threadRootId()).isEqualTo(root.id());
                    assertThat(reply.threadReplyCount()).isZero();
                });
    }

    @Test
    void aReplayedReplyIsCountedOnce() {
        Message root = message(room, 1, alice, "root");
        Message reply = Message.created(Ids.newId(), room, 2, bob, null, "reply", null, root.id(), List.of(), time(2));
        store.insert(root);
        store.insert(reply);

        assertThat(store.insert(reply)).isEqualTo(MessageStore.InsertOutcome.DUPLICATE);

        assertThat(store.get(root.id()).orElseThrow().threadReplyCount()).isEqualTo(1);
    }

    @Test
    void aRootStoredAfterItsRepliesCountsThem() {
        Message root = message(room, 1, alice, "root, stored late");
        store.insert(Message.created(Ids.newId(), room, 2, bob, null, "early reply", null, root.id(), List.of(), time(2)));
        store.insert(Message.created(Ids.newId(), room, 3, bob, null, "early reply", null, root.id(), List.of(), time(3)));

        store.insert(root);

        assertThat(store.get(root.id()).orElseThrow().threadReplyCount()).isEqualTo(2);
    }

    @Test
    void readMarkerMovesForwardOnly() {
        insertSeqs(room, 8);
        assertThat(store.markRead(room, alice, 5)).isEqualTo(5);
        assertThat(store.markRead(room, alice, 3)).isEqualTo(5);
        assertThat(store.markRead(room, alice, 0)).isEqualTo(5);
        assertThat(store.markRead(room, alice, 8)).isEqualTo(8);

        assertThat(store.unread(alice, List.of(room)).getFirst().lastReadSeq()).isEqualTo(8);
    }

    @Test
    void readMarkersArePerUserAndRoom() {
        String otherRoom = Ids.newId();
        insertSeqs(room, 4);
        insertSeqs(otherRoom, 9);
        store.markRead(room, alice, 4);
        store.markRead(otherRoom, alice, 9);
        store.markRead(room, bob, 2);

        assertThat(store.unread(alice, List.of(room, otherRoom)))
                .extracting(RoomUnread::lastReadSeq).containsExactly(4L, 9L);
        assertThat(store.unread(bob, List.of(room, otherRoom)))
                .extracting(RoomUnread::lastReadSeq).containsExactly(2L, 0L);
    }

    @Test
    void unreadCountsOthersMessagesAfterTheMarker() {
        store.insert(message(room, 1, bob, "b1"));
        store.insert(message(room, 2, alice, "a2"));
        store.insert(message(room, 3, bob, "b3"));
        store.insert(message(room, 4, alice, "a4"));
        store.insert(message(room, 5, bob, "b5"));

        assertThat(store.unread(alice, List.of(room))).containsExactly(new RoomUnread(room, 3, 0, 5, 0));
        assertThat(store.unread(bob, List.of(room))).containsExactly(new RoomUnread(room, 2, 0, 5, 0));

        store.markRead(room, alice, 3);
        assertThat(store.unread(alice, List.of(room))).containsExactly(new RoomUnread(room, 1, 3, 5, 0));

        store.markRead(room, alice, 5);
        assertThat(store.unread(alice, List.of(room))).containsExactly(new RoomUnread(room, 0, 5, 5, 0));
    }

    @Test
    void unreadKeepsTheRequestedOrderAndAnswersForEmptyRooms() {
        String empty = Ids.newId();
        String busy = room;
        store.insert(message(busy, 1, bob, "hi"));
        store.insert(message(busy, 2, bob, "there"));

        assertThat(store.unread(alice, List.of(empty, busy)))
                .containsExactly(new RoomUnread(empty, 0, 0, 0, 0), new RoomUnread(busy, 2, 0, 2, 0));
        assertThat(store.unread(alice, List.of(busy, empty)))
                .containsExactly(new RoomUnread(busy, 2, 0, 2, 0), new RoomUnread(empty, 0, 0, 0, 0));
    }

    @Test
    void aMarkerNeverPassesTheNewestStoredMessage() {
        assertThat(store.markRead(room, alice, 3)).isZero();
        store.insert(message(room, 1, bob, "b1"));
        assertThat(store.markRead(room, alice, 3)).isEqualTo(1);
        assertThat(store.unread(alice, List.of(room))).containsExactly(new RoomUnread(room, 0, 1, 1, 0));

        store.insert(message(room, 3, bob, "b3"));
        store.insert(message(room, 4, bob, "b4"));
        assertThat(store.unread(alice, List.of(room))).containsExactly(new RoomUnread(room, 2, 1, 4, 0));
    }

    @Test
    void unreadCountsStayExactAcrossBatchesReplaysAndManyMarkerMoves() {
        List<Message> batch = new ArrayList<>();
        for (int seq = 1; seq <= 20; seq++) {
            batch.add(message(room, seq, seq % 3 == 0 ? alice : bob, "m" + seq));
        }
        store.insertAll(batch.subList(0, 12));
        store.insertAll(batch); // a replay of the first twelve with eight new ones
        store.insert(batch.get(5));

        // alice sent seqs 3, 6, ..., 18: six of twenty
        assertThat(store.unread(alice, List.of(room))).containsExactly(new RoomUnread(room, 14, 0, 20, 0));
        for (long marker = 2; marker <= 20; marker += 5) {
            store.markRead(room, alice, marker);
        }
        // marker at 17: 18 (alice), 19, 20 (bob) are after it
        assertThat(store.unread(alice, List.of(room))).containsExactly(new RoomUnread(room, 2, 17, 20, 0));
        store.markRead(room, bob, 20);
        assertThat(store.unread(bob, List.of(room))).containsExactly(new RoomUnread(room, 0, 20, 20, 0));
    }

    @Test
    void unreadCountsAreTheSameBeforeAndAfterTheStoreFoldsItsCounters() {
        String carol = Ids.newId();
        store.insertAll(List.of(message(room, 1, bob, "b1"), message(room, 2, alice, "a2"), message(room, 4, bob, "b4")));
        store.markRead(room, carol, 2);
        List<RoomUnread> beforeFold = store.unread(alice, List.of(room));
        foldNewMessages();
        assertThat(store.unread(alice, List.of(room))).isEqualTo(beforeFold)
                .containsExactly(new RoomUnread(room, 2, 0, 4, 0));

        // messages after a fold, a replay of folded ones, markers on both sides of the fold
        store.insertAll(List.of(message(room, 2, alice, "a2"), message(room, 5, alice, "a5"),
                message(room, 7, carol, "c7")));
        store.markRead(room, alice, 4);
        assertThat(store.unread(alice, List.of(room))).containsExactly(new RoomUnread(room, 1, 4, 7, 0));
        assertThat(store.unread(carol, List.of(room))).containsExactly(new RoomUnread(room, 2, 2, 7, 0));
        foldNewMessages();
        foldNewMessages(); // nothing new: changes nothing
        assertThat(store.unread(alice, List.of(room))).containsExactly(new RoomUnread(room, 1, 4, 7, 0));
        assertThat(store.unread(carol, List.of(room))).containsExactly(new RoomUnread(room, 2, 2, 7, 0));
        assertThat(store.unread(bob, List.of(room))).containsExactly(new RoomUnread(room, 3, 0, 7, 0));

        store.markRead(room, carol, 7);
        store.insert(message(room, 8, bob, "b8"));
        assertThat(store.unread(carol, List.of(room))).containsExactly(new RoomUnread(room, 1, 7, 8, 0));
        foldNewMessages();
        assertThat(store.unread(carol, List.of(room))).containsExactly(new RoomUnread(room, 1, 7, 8, 0));
    }

    @Test
    void mentionsAreStoredAndCountedPastTheMarker() {
        String carol = Ids.newId();
        Message toAlice = message(room, 1, bob, "@alice look").withMentions(new Mentions(List.of(alice, carol), false));
        Message toRoom = message(room, 2, bob, "@room lunch").withMentions(new Mentions(List.of(), true));
        Message toBoth = message(room, 3, bob, "@room @alice").withMentions(new Mentions(List.of(alice), true));
        Message byAlice = message(room, 4, alice, "@room from me").withMentions(new Mentions(List.of(alice), true));
        store.insertAll(List.of(toAlice, toRoom, toBoth, byAlice));
        store.insert(toAlice); // a replay counts nothing twice

        assertThat(store.get(toAlice.id()).orElseThrow().mentions()).isEqualTo(new Mentions(List.of(alice, carol), false));
        assertThat(store.page(room, PageDirection.FORWARD, 0, 10, false)).extracting(Message::mentions)
                .containsExactly(toAlice.mentions(), toRoom.mentions(), toBoth.mentions(), byAlice.mentions());
        // each message counts once however often it names alice; her own never
        assertThat(store.unread(alice, List.of(room))).containsExactly(new RoomUnread(room, 3, 0, 4, 3));
        assertThat(store.unread(carol, List.of(room))).containsExactly(new RoomUnread(room, 4, 0, 4, 4));
        assertThat(store.unread(bob, List.of(room))).containsExactly(new RoomUnread(room, 1, 0, 4, 1));

        store.markRead(room, alice, 2);
        assertThat(store.unread(alice, List.of(room))).containsExactly(new RoomUnread(room, 1, 2, 4, 1));
        store.markRead(room, carol, 4);
        assertThat(store.unread(carol, List.of(room))).containsExactly(new RoomUnread(room, 0, 4, 4, 0));
    }

    @Test
    void lastSeqPerRoom() {
        String other = Ids.newId();
        String empty = Ids.newId();
        insertSeqs(room, 3);
        store.insert(message(other, 42, alice, "far"));

        assertThat(store.lastSeqs(List.of(room, other, empty)))
                .isEqualTo(Map.of(room, 3L, other, 42L, empty, 0L));
        assertThat(store.lastSeqs(List.of())).isEmpty();
    }

    private List<Message> insertSeqs(String roomId, int count) {
        List<Message> messages = new ArrayList<>();
        for (int seq = 1; seq <= count; seq++) {
            Message message = message(roomId, seq, seq % 2 == 0 ? bob : alice, "message " + seq);
            assertThat(store.insert(message)).isEqualTo(MessageStore.InsertOutcome.INSERTED);
            messages.add(message);
        }
        return messages;
    }

    protected static Message message(String roomId, long seq, String senderId, String text) {
        return Message.created(Ids.newId(), roomId, seq, senderId, "c-" + Ids.newId(), text, null, null, List.of(),
                time(seq));
    }

    /** Millisecond times: what every store keeps. */
    protected static Instant time(long offsetSeconds) {
        return Instant.parse("2026-01-02T03:04:05.678Z").plusSeconds(offsetSeconds).truncatedTo(ChronoUnit.MILLIS);
    }
}

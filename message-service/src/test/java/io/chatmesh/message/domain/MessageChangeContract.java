package io.chatmesh.message.domain;

import static io.chatmesh.message.domain.MessageStoreContract.message;
import static io.chatmesh.message.domain.MessageStoreContract.time;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chatmesh.platform.id.Ids;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Edits, deletions and reactions ({@link MessageStore#applyChanges}) for every adapter (run
 * nested in {@link MessageStoreContract}); search over changed messages where the store searches.
 */
abstract class MessageChangeContract {

    protected abstract MessageStore store();

    /** Whether the store under test can search (see MessageStoreContract#searches). */
    protected abstract boolean searches();

    /** The store's background work (see MessageStoreContract#foldNewMessages). */
    protected abstract void foldNewMessages();

    private MessageStore store;
    private String room;
    private String alice;
    private String bob;
    private String carol;

    @BeforeEach
    void setUpChanges() {
        store = store();
        room = Ids.newId();
        alice = Ids.newId();
        bob = Ids.newId();
        carol = Ids.newId();
    }

    @Test
    void editReplacesTheTextAndSetsTheEditTime() {
        Message original = stored(message(room, 1, alice, "helo"));

        store.applyChanges(List.of(new MessageChange.Edited(room, original.id(), "hello", time(5))));

        Message edited = store.get(original.id()).orElseThrow();
        assertThat(edited.text()).isEqualTo("hello");
        assertThat(edited.editTime()).isEqualTo(time(5));
        assertThat(edited.seq()).isEqualTo(1);
        assertThat(edited.createTime()).isEqualTo(original.createTime());
        assertThat(store.page(room, PageDirection.FORWARD, 0, 10, false)).containsExactly(edited);
    }

    @Test
    void deletionLeavesATombstoneAtTheSameSeqWithoutTextAttachmentsOrReactions() {
        Attachment picture = new Attachment(Ids.newId(), "cat.png", "image/png", 10, "ab".repeat(32));
        Message original = stored(Message.created(Ids.newId(), room, 3, alice, "c-1", "secret", null, null,
                List.of(picture), time(1)));
        Message next = stored(message(room, 4, bob, "after"));
        store.applyChanges(List.of(new MessageChange.Reacted(room, original.id(), bob, "👍", true, time(2)),
                new MessageChange.Deleted(room, original.id(), time(3))));

        Message tombstone = store.get(original.id()).orElseThrow();
        assertThat(tombstone.text()).isEmpty();
        assertThat(tombstone.attachments()).isEmpty();
        assertThat(tombstone.reactions()).isEmpty();
        assertThat(tombstone.deleteTime()).isEqualTo(time(3));
        assertThat(tombstone.seq()).isEqualTo(3);
        assertThat(store.page(room, PageDirection.FORWARD, 0, 10, false)).containsExactly(tombstone, next);
    }

    @Test
    void editsAndReactionsNeverTouchADeletedMessage() {
        Message original = stored(message(room, 1, alice, "gone soon"));
        store.applyChanges(List.of(new MessageChange.Deleted(room, original.id(), time(2)),
                new MessageChange.Edited(room, original.id(), "back again", time(3)),
                new MessageChange.Reacted(room, original.id(), bob, "😀", true, time(4))));

        Message tombstone = store.get(original.id()).orElseThrow();
        assertThat(tombstone.text()).isEmpty();
        assertThat(tombstone.editTime()).isNull();
        assertThat(tombstone.reactions()).isEmpty();
    }

    @Test
    void changesNamingAnotherRoomOrAnUnknownMessageChangeNothing() {
        Message original = stored(message(room, 1, alice, "mine"));
        store.applyChanges(List.of(new MessageChange.Edited(Ids.newId(), original.id(), "hijacked", time(2)),
                new MessageChange.Deleted(Ids.newId(), original.id(), time(2)),
                new MessageChange.Reacted(Ids.newId(), original.id(), bob, "👍", true, time(2)),
                new MessageChange.Edited(room, Ids.newId(), "nobody", time(2))));

        assertThat(store.get(original.id())).contains(original);
    }

    @Test
    void reactionsAreCountedPerEmojiInFirstUseOrderWithTheOldestUsersAsSamples() {
        Message m = stored(message(room, 1, alice, "vote"));
        store.applyChanges(List.of(
                new MessageChange.Reacted(room, m.id(), bob, "👍", true, time(2)),
                new MessageChange.Reacted(room, m.id(), carol, "🎉", true, time(3)),
                new MessageChange.Reacted(room, m.id(), alice, "👍", true, time(4)),
                new MessageChange.Reacted(room, m.id(), carol, "👍", true, time(5))));

        assertThat(store.get(m.id()).orElseThrow().reactions()).containsExactly(
                new ReactionSummary("👍", 3, List.of(bob, alice, carol)),
                new ReactionSummary("🎉", 1, List.of(carol)));
    }

    @Test
    void aRunStoresItsMessagesThenItsChangesWhichMayNameThem() {
        Message stored = stored(message(room, 1, alice, "stored before"));
        Message first = message(room, 2, alice, "first");
        Message second = message(room, 3, bob, "second");
        List<MessageStore.InsertOutcome> outcomes = store.storeRun(List.of(first, second, stored), List.of(
                new MessageChange.Edited(room, first.id(), "first, edited", time(4)),
                new MessageChange.Deleted(room, second.id(), time(5)),
                new MessageChange.Reacted(room, stored.id(), carol, "👍", true, time(6))));

        assertThat(outcomes).containsExactly(MessageStore.InsertOutcome.INSERTED, MessageStore.InsertOutcome.INSERTED,
                MessageStore.InsertOutcome.DUPLICATE);
        assertThat(store.get(first.id()).orElseThrow().text()).isEqualTo("first, edited");
        assertThat(store.get(second.id()).orElseThrow().deleteTime()).isEqualTo(time(5));
        assertThat(store.get(stored.id()).orElseThrow().reactions())
                .containsExactly(new ReactionSummary("👍", 1, List.of(carol)));
        assertThat(store.storeRun(List.of(), List.of())).isEmpty();
    }

    @Test
    void aRunMixingKindsAndMessagesEndsAsIfAppliedOneByOne() {
        Message first = stored(message(room, 1, alice, "first"));
        Message second = stored(message(room, 2, alice, "second"));
        Message third = stored(message(room, 3, alice, "third"));
        store.applyChanges(List.of(
                new MessageChange.Reacted(room, first.id(), bob, "👍", true, time(4)),
                new MessageChange.Edited(room, second.id(), "second, edited", time(5)),
                new MessageChange.Reacted(room, first.id(), bob, "👍", false, time(6)),
                new MessageChange.Reacted(room, third.id(), carol, "🎉", true, time(7)),
                new MessageChange.Edited(room, second.id(), "second, edited again", time(8)),
                new MessageChange.Deleted(room, third.id(), time(9)),
                new MessageChange.Reacted(room, first.id(), carol, "🎉", true, time(10)),
                new MessageChange.Reacted(room, third.id(), bob, "👍", true, time(11))));

        assertThat(store.get(first.id()).orElseThrow().reactions())
                .containsExactly(new ReactionSummary("🎉", 1, List.of(carol)));
        assertThat(store.get(second.id()).orElseThrow().text()).isEqualTo("second, edited again");
        Message deleted = store.get(third.id()).orElseThrow();
        assertThat(deleted.deleteTime()).isNotNull();
        assertThat(deleted.text()).isEmpty();
        assertThat(deleted.reactions()).isEmpty();
    }

    @Test
    void addingTwiceOrRemovingWhatIsNotThereIsIdempotent() {
        Message m = stored(message(room, 1, alice, "hi"));
        store.applyChanges(List.of(
                new MessageChange.Reacted(room, m.id(), bob, "👍", true, time(2)),
                new MessageChange.Reacted(room, m.id(), bob, "👍", true, time(3)),
                new MessageChange.Reacted(room, m.id(), carol, "🎉", false, time(4))));
        assertThat(store.get(m.id()).orElseThrow().reactions())
                .containsExactly(new ReactionSummary("👍", 1, List.of(bob)));

        store.applyChanges(List.of(new MessageChange.Reacted(room, m.id(), bob, "👍", false, time(5)),
                new MessageChange.Reacted(room, m.id(), bob, "👍", false, time(6))));
        assertThat(store.get(m.id()).orElseThrow().reactions()).isEmpty();
    }

    @Test
    void samplesKeepTheTenOldestReactors() {
        Message m = stored(message(room, 1, alice, "popular"));
        List<MessageChange> adds = new ArrayList<>();
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String user = Ids.newId();
            users.add(user);
            adds.add(new MessageChange.Reacted(room, m.id(), user, "❤️", true, time(10 + i)));
        }
        store.applyChanges(adds);
        store.applyChanges(List.of(new MessageChange.Reacted(room, m.id(), users.getFirst(), "❤️", false, time(30))));

        assertThat(store.get(m.id()).orElseThrow().reactions())
                .containsExactly(new ReactionSummary("❤️", 11, users.subList(1, 11)));
    }

    @Test
    void replayingARoomsChangesInOrderEndsInTheSameState() {
        Message m = stored(message(room, 1, alice, "draft"));
        List<MessageChange> changes = List.of(
                new MessageChange.Edited(room, m.id(), "first", time(2)),
                new MessageChange.Reacted(room, m.id(), bob, "👍", true, time(3)),
                new MessageChange.Reacted(room, m.id(), bob, "👍", false, time(4)),
                new MessageChange.Reacted(room, m.id(), carol, "🎉", true, time(5)),
                new MessageChange.Edited(room, m.id(), "second", time(6)));
        store.applyChanges(changes);
        Message once = store.get(m.id()).orElseThrow();

        store.applyChanges(changes);
        store.applyChanges(changes.subList(2, changes.size()));

        assertThat(store.get(m.id())).contains(once);
        assertThat(once.text()).isEqualTo("second");
        assertThat(once.reactions()).containsExactly(new ReactionSummary("🎉", 1, List.of(carol)));
    }

    @Test
    void searchFindsTheEditedTextOnlyAndNeverDeletedText() {
        assumeTrue(searches(), "this test server has no text search");
        Message edited = stored(message(room, 1, alice, "meet at noon"));
        Message deleted = stored(message(room, 2, alice, "password hunter2"));
        foldNewMessages(); // the original texts are in the store's search index, where it keeps one
        store.applyChanges(List.of(new MessageChange.Edited(room, edited.id(), "meet at dusk", time(3)),
                new MessageChange.Deleted(room, deleted.id(), time(4))));

        assertSearchFindsOnlyTheEditedText(edited);
        foldNewMessages();
        assertSearchFindsOnlyTheEditedText(edited);
    }

    private void assertSearchFindsOnlyTheEditedText(Message edited) {
        assertThat(store.search(new MessageSearch("noon", List.of(room), null), 10)).isEmpty();
        assertThat(store.search(new MessageSearch("dusk", List.of(room), null), 10)).extracting(Message::id)
                .containsExactly(edited.id());
        assertThat(store.search(new MessageSearch("hunter2", List.of(room), null), 10)).isEmpty();
        assertThat(store.search(new MessageSearch("password", List.of(room), null), 10)).isEmpty();
    }

    private Message stored(Message message) {
        assertThat(store.insert(message)).isEqualTo(MessageStore.InsertOutcome.INSERTED);
        return message;
    }
}

package io.chatmesh.message.domain;

import static io.chatmesh.message.domain.MessageStoreContract.message;
import static io.chatmesh.message.domain.MessageStoreContract.time;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.platform.id.Ids;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Threads and the main timeline, for every {@link MessageStore} adapter (run nested in {@link MessageStoreContract}). */
abstract class MessageThreadContract {

    protected abstract MessageStore store();

    private MessageStore store;
    private String room;
    private Message root;
    private final List<Message> replies = new ArrayList<>();

    /** A root at seq 1, replies at 2, 4 and 5, a top-level message at 3. */
    @BeforeEach
    void setUpThread() {
        store = store();
        room = Ids.newId();
        root = message(room, 1, Ids.newId(), "root");
        store.insert(root);
        for (long seq : new long[] {2, 4, 5}) {
            Message reply = reply(seq);
            store.insert(reply);
            replies.add(reply);
        }
        store.insert(message(room, 3, Ids.newId(), "top level"));
    }

    @Test
    void threadPagesAreTheRepliesOldestFirstFromAnExclusiveCursor() {
        assertThat(store.threadPage(room, root.id(), 0, 2)).containsExactly(replies.get(0), replies.get(1));
        assertThat(store.threadPage(room, root.id(), 4, 2)).containsExactly(replies.get(2));
        assertThat(store.threadPage(room, root.id(), 5, 2)).isEmpty();
    }

    @Test
    void threadPagesStayInTheRootsRoomAndThread() {
        Message otherRoot = message(room, 6, Ids.newId(), "another root");
        store.insert(otherRoot);
        store.insert(Message.created(Ids.newId(), room, 7, Ids.newId(), null, "other thread", null, otherRoot.id(),
                List.of(), time(7)));
        String otherRoom = Ids.newId();
        store.insert(Message.created(Ids.newId(), otherRoom, 1, Ids.newId(), null, "same root id, other room", null,
                root.id(), List.of(), time(8)));

        assertThat(store.threadPage(room, root.id(), 0, 10)).containsExactlyElementsOf(replies);
        assertThat(store.threadPage(otherRoom, root.id(), 0, 10)).hasSize(1);
        assertThat(store.threadPage(room, Ids.newId(), 0, 10)).isEmpty();
    }

    @Test
    void theRootCarriesItsReplyCountAndLastReplyTime() {
        Message stored = store.get(root.id()).orElseThrow();
        assertThat(stored.threadReplyCount()).isEqualTo(3);
        assertThat(stored.threadLastReplyTime()).isEqualTo(time(5));
        assertThat(store.page(room, PageDirection.FORWARD, 0, 1, false).getFirst().threadLastReplyTime())
                .isEqualTo(time(5));
        assertThat(store.get(replies.getFirst().id()).orElseThrow().threadLastReplyTime()).isNull();
    }

    @Test
    void theMainTimelineLeavesThreadRepliesOut() {
        List<Long> forward = store.page(room, PageDirection.FORWARD, 0, 10, false).stream().map(Message::seq).toList();
        List<Long> backward = store.page(room, PageDirection.BACKWARD, 0, 10, false).stream().map(Message::seq).toList();
        List<Long> everything = store.page(room, PageDirection.FORWARD, 0, 10, true).stream().map(Message::seq).toList();

        assertThat(forward).containsExactly(1L, 3L);
        assertThat(backward).containsExactly(3L, 1L);
        assertThat(everything).containsExactly(1L, 2L, 3L, 4L, 5L);
        // a cursor inside a run of replies still finds the next top-level message
        assertThat(store.page(room, PageDirection.FORWARD, 1, 1, false)).extracting(Message::seq).containsExactly(3L);
        assertThat(store.page(room, PageDirection.BACKWARD, 5, 1, false)).extracting(Message::seq).containsExactly(3L);
    }

    private Message reply(long seq) {
        return Message.created(Ids.newId(), room, seq, Ids.newId(), null, "reply " + seq, null, root.id(), List.of(),
                time(seq));
    }
}

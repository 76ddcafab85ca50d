package io.chatmesh.message.domain;

import static io.chatmesh.message.domain.MessageStoreContract.message;
import static io.chatmesh.message.domain.MessageStoreContract.time;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.platform.id.Ids;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Search, for every {@link MessageStore} adapter (run nested in {@link MessageStoreContract}).
 * Queries here are single words, which every store matches alike; how stores differ beyond
 * that (substrings, several words) is tested per adapter.
 */
abstract class MessageSearchContract {

    protected abstract MessageStore store();

    /** The store's background work (see MessageStoreContract#foldNewMessages): searches are exact before and after. */
    protected abstract void foldNewMessages();

    private MessageStore store;
    private String room;
    private String otherRoom;

    @BeforeEach
    void setUpSearch() {
        store = store();
        room = Ids.newId();
        otherRoom = Ids.newId();
    }

    @Test
    void findsWordsCaseInsensitivelyNewestFirstAcrossTheGivenRooms() {
        Message older = store(message(room, 1, Ids.newId(), "Lunch at noon?"));
        store(message(room, 2, Ids.newId(), "something else"));
        Message newer = store(message(otherRoom, 7, Ids.newId(), "LUNCH is ready"));

        assertThat(store.search(search("lunch", room, otherRoom), 10)).containsExactly(newer, older);
        assertThat(store.search(search("Lunch", room), 10)).containsExactly(older);
        assertThat(store.search(search("dinner", room, otherRoom), 10)).isEmpty();
    }

    @Test
    void findsMessagesStoredBeforeAndAfterTheBackgroundWorkAlike() {
        Message older = store(message(room, 1, Ids.newId(), "lunch at noon?"));
        foldNewMessages();
        Message newer = store(message(room, 2, Ids.newId(), "lunch is ready"));

        assertThat(store.search(search("lunch", room), 10)).containsExactly(newer, older);
        foldNewMessages();
        assertThat(store.search(search("lunch", room), 10)).containsExactly(newer, older);
        assertThat(store.search(search("ready", room, otherRoom), 10)).containsExactly(newer);
    }

    @Test
    void neverFindsMessagesOfRoomsNotGiven() {
        store(message(otherRoom, 1, Ids.newId(), "secret plans"));

        assertThat(store.search(search("secret", room), 10)).isEmpty();
    }

    @Test
    void neverFindsDeletedMessages() {
        Message kept = store(message(room, 1, Ids.newId(), "launch day"));
        Message deleted = new Message(Ids.newId(), room, 2, Ids.newId(), null, "launch codes", null, null, 0, null,
                List.of(), List.of(), time(2), null, time(3), Mentions.NONE);
        store.insert(deleted);

        assertThat(store.search(search("launch", room), 10)).containsExactly(kept);
        foldNewMessages();
        assertThat(store.search(search("launch", room), 10)).containsExactly(kept);
    }

    @Test
    void findsThreadRepliesToo() {
        Message root = store(message(room, 1, Ids.newId(), "plans"));
        Message reply = store(Message.created(Ids.newId(), room, 2, Ids.newId(), null, "picnic plans", null,
                root.id(), List.of(), time(2)));

        assertThat(store.search(search("plans", room), 10)).extracting(Message::id)
                .containsExactly(reply.id(), root.id());
    }

    @Test
    void findsKoreanWordsSeparatedBySpaces() {
        Message weather = store(message(room, 1, Ids.newId(), "오늘 서울 날씨 어때요?"));
        store(message(room, 2, Ids.newId(), "부산 날씨"));

        assertThat(store.search(search("서울", room), 10)).containsExactly(weather);
    }

    @Test
    void pagesContinueStrictlyAfterTheCursorIncludingTiesOnTheCreateTime() {
        // seqs 1-5 at two create times: the id breaks ties
        Message a = store(messageAt(1, time(1)));
        Message b = store(messageAt(2, time(2)));
        Message c = store(messageAt(3, time(2)));
        Message d = store(messageAt(4, time(2)));
        Message e = store(messageAt(5, time(3)));
        List<Message> newestFirst = List.of(e, d, c, b, a).stream()
                .sorted((x, y) -> x.createTime().equals(y.createTime())
                        ? y.id().compareTo(x.id()) : y.createTime().compareTo(x.createTime()))
                .toList();

        List<Message> first = store.search(search("match", room), 2);
        List<Message> second = store.search(after(first.getLast()), 2);
        List<Message> third = store.search(after(second.getLast()), 2);

        assertThat(first).containsExactlyElementsOf(newestFirst.subList(0, 2));
        assertThat(second).containsExactlyElementsOf(newestFirst.subList(2, 4));
        assertThat(third).containsExactlyElementsOf(newestFirst.subList(4, 5));
    }

    private Message messageAt(long seq, Instant createTime) {
        return Message.created(Ids.newId(), room, seq, Ids.newId(), null, "match " + seq, null, null, List.of(),
                createTime);
    }

    private MessageSearch after(Message last) {
        return new MessageSearch("match", List.of(room), new MessageSearch.SearchCursor(last.createTime(), last.id()));
    }

    private Message store(Message message) {
        assertThat(store.insert(message)).isEqualTo(MessageStore.InsertOutcome.INSERTED);
        return message;
    }

    private static MessageSearch search(String query, String... roomIds) {
        return new MessageSearch(query, List.of(roomIds), null);
    }
}

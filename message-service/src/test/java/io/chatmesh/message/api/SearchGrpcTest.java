package io.chatmesh.message.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.message.MessageServiceTestSupport;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.message.v1.SearchMessagesRequest;
import io.chatmesh.proto.message.v1.SearchMessagesResponse;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SearchMessages over a real socket, on the SQL store. */
class SearchGrpcTest extends MessageServiceTestSupport {

    @Test
    void searchesEveryRoomOfTheCallerNewestFirstAndNoOtherRoom() {
        User alice = newUser();
        User bob = newUser();
        String shared = newRoom(alice, bob);
        String alicesOnly = newRoom(alice);
        String bobsOnly = newRoom(bob);
        Message older = postMessage(chatMessage(shared, 1, bob, "Lunch at noon?"));
        Message newer = postMessage(chatMessage(alicesOnly, 2, alice, "lunch is ready"));
        postMessage(chatMessage(bobsOnly, 3, bob, "lunch without alice"));
        postMessage(chatMessage(shared, 4, bob, "something else"));

        SearchMessagesResponse response = messages(alice).searchMessages(search("LUNCH").build());

        assertThat(ids(response)).containsExactly(newer.getId(), older.getId());
        assertThat(response.getMessagesList()).containsExactlyElementsOf(seenBy(alice, newer, older));
        assertThat(response.getNextPageToken()).isEmpty();
    }

    @Test
    void oneRoomOnlyWhenNamed() {
        User alice = newUser();
        String first = newRoom(alice);
        String second = newRoom(alice);
        Message inFirst = postMessage(chatMessage(first, 1, alice, "budget draft"));
        postMessage(chatMessage(second, 1, alice, "budget final"));

        assertThat(ids(messages(alice).searchMessages(search("budget").setRoomId(first).build())))
                .containsExactly(inFirst.getId());
    }

    @Test
    void findsKoreanInsideWords() {
        User alice = newUser();
        String room = newRoom(alice);
        Message seoul = postMessage(chatMessage(room, 1, alice, "내일 서울에서 만나요"));

        assertThat(ids(messages(alice).searchMessages(search("서울").build()))).containsExactly(seoul.getId());
    }

    @Test
    void pagesWithPageTokens() {
        User alice = newUser();
        String room = newRoom(alice);
        List<Message> posted = List.of(
                postMessage(chatMessage(room, 1, alice, "note one")),
                postMessage(chatMessage(room, 2, alice, "note two")),
                postMessage(chatMessage(room, 3, alice, "note three")));

        SearchMessagesResponse first = messages(alice).searchMessages(search("note").setPageSize(2).build());
        SearchMessagesResponse second = messages(alice).searchMessages(
                search("note").setPageSize(2).setPageToken(first.getNextPageToken()).build());

        assertThat(ids(first)).containsExactly(posted.get(2).getId(), posted.get(1).getId());
        assertThat(ids(second)).containsExactly(posted.get(0).getId());
        assertThat(second.getNextPageToken()).isEmpty();
    }

    @Test
    void aCallerInNoRoomsFindsNothing() {
        User loner = newUser();
        postMessage(chatMessage(newRoom(newUser()), 1, newUser(), "anything"));

        assertThat(messages(loner).searchMessages(search("anything").build()).getMessagesList()).isEmpty();
    }

    @Test
    void aNamedRoomOfOthersIsNotFoundAndAnonymousCallersAreUnauthenticated() {
        User mallory = newUser();
        String room = newRoom(newUser());

        assertThat(codeOf(() -> messages(mallory).searchMessages(search("secret").setRoomId(room).build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(codeOf(() -> anonymous().searchMessages(search("secret").build())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void invalidRequestsNameEveryBadField() {
        User alice = newUser();
        String notOurs = Base64.getUrlEncoder().encodeToString("F:12".getBytes(StandardCharsets.US_ASCII));

        assertThat(violatedFields(() -> messages(alice).searchMessages(SearchMessagesRequest.newBuilder()
                .setQuery("").setRoomId("nope").setPageSize(101).setPageToken(notOurs).build())))
                .containsExactlyInAnyOrder("query", "room_id", "page_size", "page_token");
        assertThat(violatedFields(() -> messages(alice).searchMessages(search(" \t ").build())))
                .containsExactly("query");
        assertThat(violatedFields(() -> messages(alice).searchMessages(search("x".repeat(257)).build())))
                .containsExactly("query");
        assertThat(violatedFields(() -> messages(alice).searchMessages(search("ok").setPageSize(-1).build())))
                .containsExactly("page_size");
        assertThat(violatedFields(() -> messages(alice).searchMessages(search("ok").setPageToken("!!").build())))
                .containsExactly("page_token");
    }

    @Test
    void theLongestQueryIsAccepted() {
        User alice = newUser();
        String room = newRoom(alice);
        String longest = "가".repeat(256);
        Message message = postMessage(chatMessage(room, 1, alice, longest + " " + Ids.newId()));

        assertThat(ids(messages(alice).searchMessages(search(longest).build()))).containsExactly(message.getId());
    }

    private Message postMessage(Message message) {
        publish(messageCreated(message));
        return message;
    }

    private static SearchMessagesRequest.Builder search(String query) {
        return SearchMessagesRequest.newBuilder().setQuery(query);
    }

    private static List<String> ids(SearchMessagesResponse response) {
        return response.getMessagesList().stream().map(Message::getId).toList();
    }
}

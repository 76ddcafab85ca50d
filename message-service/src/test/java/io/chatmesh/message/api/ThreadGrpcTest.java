package io.chatmesh.message.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.message.MessageServiceTestSupport;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.message.v1.Direction;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.proto.message.v1.ListThreadRequest;
import io.chatmesh.proto.message.v1.ListThreadResponse;
import io.chatmesh.proto.message.v1.Message;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ListThread, and the main timeline of ListMessages without thread replies, over a real socket. */
class ThreadGrpcTest extends MessageServiceTestSupport {

    @Test
    void aThreadIsItsRootAndItsRepliesOldestFirstInPages() {
        User alice = newUser();
        User bob = newUser();
        String room = newRoom(alice, bob);
        Message root = postMessage(chatMessage(room, 1, alice, "root"));
        Message first = postMessage(reply(root, 2, bob));
        postMessage(chatMessage(room, 3, alice, "top level"));
        Message second = postMessage(reply(root, 4, alice));
        Message third = postMessage(reply(root, 5, bob));

        ListThreadResponse page1 = messages(bob).listThread(thread(root).setPageSize(2).build());
        ListThreadResponse page2 = messages(bob).listThread(
                thread(root).setPageSize(2).setPageToken(page1.getNextPageToken()).build());

        assertThat(page1.getRoot().getId()).isEqualTo(root.getId());
        assertThat(page1.getRoot().getThreadReplyCount()).isEqualTo(3);
        assertThat(page1.getRoot().getThreadLastReplyTime()).isEqualTo(third.getCreateTime());
        assertThat(page1.getRepliesList()).containsExactlyElementsOf(seenBy(bob, first, second));
        assertThat(page1.getNextPageToken()).isNotEmpty();
        assertThat(page2.getRepliesList()).containsExactlyElementsOf(seenBy(bob, third));
        assertThat(page2.getNextPageToken()).isEmpty();
    }

    @Test
    void listMessagesIsTheMainTimelineUnlessRepliesAreAskedFor() {
        User alice = newUser();
        String room = newRoom(alice);
        Message root = postMessage(chatMessage(room, 1, alice, "root"));
        postMessage(reply(root, 2, alice));
        postMessage(chatMessage(room, 3, alice, "top level"));

        List<Long> timeline = seqs(messages(alice).listMessages(ListMessagesRequest.newBuilder().setRoomId(room)
                .setDirection(Direction.DIRECTION_FORWARD).build()).getMessagesList());
        List<Long> everything = seqs(messages(alice).listMessages(ListMessagesRequest.newBuilder().setRoomId(room)
                .setDirection(Direction.DIRECTION_FORWARD).setIncludeThreadReplies(true).build()).getMessagesList());

        assertThat(timeline).containsExactly(1L, 3L);
        assertThat(everything).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aThreadWithoutRepliesIsJustItsRoot() {
        User alice = newUser();
        Message root = postMessage(chatMessage(newRoom(alice), 1, alice, "lonely"));

        ListThreadResponse response = messages(alice).listThread(thread(root).build());

        assertThat(response.getRoot().getThreadReplyCount()).isZero();
        assertThat(response.getRoot().hasThreadLastReplyTime()).isFalse();
        assertThat(response.getRepliesList()).isEmpty();
        assertThat(response.getNextPageToken()).isEmpty();
    }

    @Test
    void nonMembersAndUnknownRootsAreNotFound() {
        User alice = newUser();
        User mallory = newUser();
        Message root = postMessage(chatMessage(newRoom(alice), 1, alice, "private"));

        assertThat(codeOf(() -> messages(mallory).listThread(thread(root).build()))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(codeOf(() -> messages(alice).listThread(
                ListThreadRequest.newBuilder().setThreadRootId(Ids.newId()).build()))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(codeOf(() -> anonymous().listThread(thread(root).build()))).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void invalidRequestsNameEveryBadField() {
        User alice = newUser();
        String room = newRoom(alice);
        Message root = postMessage(chatMessage(room, 1, alice, "root"));
        postMessage(chatMessage(room, 2, alice, "more"));
        String listMessagesBackwardToken = messages(alice).listMessages(ListMessagesRequest.newBuilder()
                .setRoomId(room).setPageSize(1).build()).getNextPageToken();

        assertThat(violatedFields(() -> messages(alice).listThread(ListThreadRequest.newBuilder()
                .setThreadRootId("nope").setPageSize(201).setPageToken("!!").build())))
                .containsExactlyInAnyOrder("thread_root_id", "page_size", "page_token");
        assertThat(violatedFields(() -> messages(alice).listThread(thread(root).setPageSize(-1).build())))
                .containsExactly("page_size");
        assertThat(listMessagesBackwardToken).isNotEmpty();
        assertThat(violatedFields(() -> messages(alice).listThread(
                thread(root).setPageToken(listMessagesBackwardToken).build()))).containsExactly("page_token");
    }

    private Message postMessage(Message message) {
        publish(messageCreated(message));
        return message;
    }

    private static Message reply(Message root, long seq, User sender) {
        return chatMessage(root.getRoomId(), seq, sender, "reply " + seq).toBuilder()
                .setThreadRootId(root.getId())
                .build();
    }

    private static ListThreadRequest.Builder thread(Message root) {
        return ListThreadRequest.newBuilder().setThreadRootId(root.getId());
    }

    private static List<Long> seqs(List<Message> messages) {
        return messages.stream().map(Message::getSeq).toList();
    }
}

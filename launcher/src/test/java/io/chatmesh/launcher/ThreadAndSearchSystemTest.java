package io.chatmesh.launcher;

import static io.chatmesh.launcher.Accounts.as;
import static io.chatmesh.launcher.Accounts.signUpAndLogIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.DeleteMessageEvent;
import io.chatmesh.proto.chat.v1.DeleteMessageRequest;
import io.chatmesh.proto.chat.v1.EditMessageEvent;
import io.chatmesh.proto.chat.v1.EditMessageRequest;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.RoomCursor;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.proto.message.v1.ListThreadRequest;
import io.chatmesh.proto.message.v1.ListThreadResponse;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.chatmesh.proto.message.v1.SearchMessagesRequest;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.JoinRoomRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Threads and search through the whole embedded stack (edge, chat-service, the event bus,
 * message-service on PostgreSQL): a thread reply stays out of the main timeline but is in its
 * thread, in search, and in what a resumed chat stream replays; search follows edits and
 * deletions.
 */
class ThreadAndSearchSystemTest {

    /** One stack for the class: the tests use accounts and rooms of their own. */
    @RegisterExtension
    static final LaunchedStack STACK = new LaunchedStack();

    @Test
    void aThreadReplyIsInItsThreadInSearchAndInAResumedStreamButNotInTheMainTimeline() {
        String alice = signUpAndLogIn(STACK.edge(), "alice");
        String bob = signUpAndLogIn(STACK.edge(), "bob");
        Room room = as(RoomServiceGrpc.newBlockingStub(STACK.edge()), alice).createRoom(CreateRoomRequest.newBuilder()
                .setKind(RoomKind.ROOM_KIND_PUBLIC).setName("threads").build()).getRoom();
        as(RoomServiceGrpc.newBlockingStub(STACK.edge()), bob).joinRoom(
                JoinRoomRequest.newBuilder().setRoomId(room.getId()).build());

        Message root = send(STACK.edge(), alice, SendMessageEvent.newBuilder().setRoomId(room.getId())
                .setText("who brings the snacks?"));
        Message reply = send(STACK.edge(), bob, SendMessageEvent.newBuilder().setRoomId(room.getId())
                .setText("I bring 떡볶이").setThreadRootId(root.getId()));
        Message after = send(STACK.edge(), alice, SendMessageEvent.newBuilder().setRoomId(room.getId())
                .setText("meeting at noon"));

        MessageServiceGrpc.MessageServiceBlockingStub messages = as(MessageServiceGrpc.newBlockingStub(STACK.edge()), bob);
        await().atMost(StreamRecorder.PATIENCE).untilAsserted(() -> assertThat(messages.listMessages(
                        ListMessagesRequest.newBuilder().setRoomId(room.getId()).build()).getMessagesList())
                .extracting(Message::getId).containsExactly(after.getId(), root.getId()));
        ListThreadResponse thread = messages.listThread(
                ListThreadRequest.newBuilder().setThreadRootId(root.getId()).build());
        assertThat(thread.getRoot().getThreadReplyCount()).isEqualTo(1);
        assertThat(thread.getRoot().getThreadLastReplyTime()).isEqualTo(reply.getCreateTime());
        assertThat(thread.getRepliesList()).extracting(Message::getId).containsExactly(reply.getId());
        assertThat(messages.searchMessages(SearchMessagesRequest.newBuilder().setQuery("떡볶").build())
                .getMessagesList()).extracting(Message::getId).containsExactly(reply.getId());

        // a stream resumed from the root replays every message after it, the reply included
        StreamRecorder<ServerEvent> events = new StreamRecorder<>();
        StreamObserver<ClientEvent> out = ChatServiceGrpc.newStub(STACK.edge())
                .withCallCredentials(BearerCallCredentials.of(bob)).connect(events);
        out.onNext(ClientEvent.newBuilder().setHello(Hello.newBuilder().setDeviceId("bob-phone")
                .addResumeFrom(RoomCursor.newBuilder().setRoomId(room.getId()).setSeq(root.getSeq()))).build());
        List<ServerEvent> replayed = events.awaitCount(ServerEvent::hasMessageCreated, 2);
        assertThat(replayed).extracting(e -> e.getMessageCreated().getMessage().getId())
                .containsExactly(reply.getId(), after.getId());
        out.onCompleted();
    }

    /**
     * Search follows edits and deletions made on chat-service, through the bus, the persister
     * and message-service's background fold of its search index: the new text is found and never
     * the old or a deleted one, before and after the fold (every second) takes the changes in.
     */
    @Test
    void searchFindsAnEditedMessageByItsNewTextOnlyAndNeverADeletedOne() throws InterruptedException {
        String carol = signUpAndLogIn(STACK.edge(), "carol");
        Room room = as(RoomServiceGrpc.newBlockingStub(STACK.edge()), carol).createRoom(CreateRoomRequest.newBuilder()
                .setKind(RoomKind.ROOM_KIND_GROUP).setName("plans").build()).getRoom();
        Message edited = send(STACK.edge(), carol, SendMessageEvent.newBuilder().setRoomId(room.getId())
                .setText("picnic at noon"));
        Message deleted = send(STACK.edge(), carol, SendMessageEvent.newBuilder().setRoomId(room.getId())
                .setText("the password is hunter2"));
        MessageServiceGrpc.MessageServiceBlockingStub messages = as(MessageServiceGrpc.newBlockingStub(STACK.edge()), carol);
        await().atMost(StreamRecorder.PATIENCE).untilAsserted(
                () -> assertThat(found(messages, "hunter2")).containsExactly(deleted.getId()));
        TimeUnit.SECONDS.sleep(2); // past a fold: both are in the search index now

        ChatServiceGrpc.ChatServiceBlockingStub chat = as(ChatServiceGrpc.newBlockingStub(STACK.edge()), carol);
        chat.editMessage(EditMessageRequest.newBuilder().setEdit(EditMessageEvent.newBuilder()
                .setRoomId(room.getId()).setMessageId(edited.getId()).setText("picnic at dusk")).build());
        chat.deleteMessage(DeleteMessageRequest.newBuilder().setDelete(DeleteMessageEvent.newBuilder()
                .setRoomId(room.getId()).setMessageId(deleted.getId())).build());
        await().atMost(StreamRecorder.PATIENCE).untilAsserted(
                () -> assertThat(found(messages, "hunter2")).isEmpty());
        for (int fold = 0; fold < 2; fold++) { // as the persister applied them, then folded
            assertThat(found(messages, "dusk")).containsExactly(edited.getId());
            assertThat(found(messages, "noon")).isEmpty();
            assertThat(found(messages, "password")).isEmpty();
            TimeUnit.SECONDS.sleep(2);
        }
    }

    private static List<String> found(MessageServiceGrpc.MessageServiceBlockingStub messages, String query) {
        return messages.searchMessages(SearchMessagesRequest.newBuilder().setQuery(query).build()).getMessagesList()
                .stream().map(Message::getId).toList();
    }

    private static Message send(ManagedChannel channel, String token, SendMessageEvent.Builder message) {
        return as(ChatServiceGrpc.newBlockingStub(channel), token).sendMessage(SendMessageRequest.newBuilder()
                .setClientId(Ids.newId()).setMessage(message).build()).getMessage();
    }
}

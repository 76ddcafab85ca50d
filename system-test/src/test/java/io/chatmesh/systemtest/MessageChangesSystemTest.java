package io.chatmesh.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.DeleteMessageEvent;
import io.chatmesh.proto.chat.v1.DeleteMessageRequest;
import io.chatmesh.proto.chat.v1.EditMessageEvent;
import io.chatmesh.proto.chat.v1.EditMessageRequest;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.ReactEvent;
import io.chatmesh.proto.chat.v1.ReactToMessageRequest;
import io.chatmesh.proto.chat.v1.RoomCursor;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.message.v1.Direction;
import io.chatmesh.proto.message.v1.GetMessageRequest;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.proto.message.v1.ListMessagesResponse;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.chatmesh.proto.message.v1.ReactionSummary;
import io.chatmesh.proto.message.v1.SearchMessagesRequest;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.JoinRoomRequest;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.proto.user.v1.LogInRequest;
import io.chatmesh.proto.user.v1.LogInResponse;
import io.chatmesh.proto.user.v1.SignUpRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.systemtest.ProductionStack.Instance;
import io.chatmesh.systemtest.ProductionStack.MessageStore;
import io.chatmesh.systemtest.ProductionStack.Options;
import io.chatmesh.testkit.RoomTimeline;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edits, deletions, reactions and replies on the production path ({@link ProductionStack}): a
 * Kafka broker in its own JVM, two chat-service instances, message-service storing in
 * PostgreSQL (which searches), real user-service tokens. Changes made through either instance
 * reach every member's stream in one order, reach history and search, and a client that
 * disconnects during a burst of 500 mixed events and resumes ends in the state of one that
 * stayed.
 */
class MessageChangesSystemTest {

    private static final String PASSWORD = "correct horse battery";
    private static final List<String> EMOJIS = List.of("👍", "🎉", "❤️");

    @TempDir
    static Path dataDir;

    private static ProductionStack stack;
    private static final Map<Instance, ManagedChannel> channels = new EnumMap<>(Instance.class);

    @BeforeAll
    static void startStack() {
        Options tests = Options.forTests();
        stack = ProductionStack.start(dataDir, new Options(
                List.of(Instance.USER, Instance.MESSAGE, Instance.CHAT_1, Instance.CHAT_2), tests.serviceArgs(),
                tests.ports(), tests.brokerPort(), tests.controllerPort(), tests.brokerJvm(), MessageStore.POSTGRESQL,
                tests.newDatabase()));
        for (Instance instance : List.of(Instance.USER, Instance.MESSAGE, Instance.CHAT_1, Instance.CHAT_2)) {
            channels.put(instance, NettyChannelBuilder.forAddress("127.0.0.1", stack.port(instance)).usePlaintext().build());
        }
    }

    @AfterAll
    static void stopStack() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        if (stack != null) {
            stack.close();
        }
    }

    private record User(String id, String token) {}

    @Test
    void changesThroughTwoInstancesReachBothStreamsInOneOrderAndHistoryAndSearch() {
        User alice = signUp();
        User bob = signUp();
        String room = roomOf(alice, bob);
        ChatClient aliceChat = ChatClient.connect(channels.get(Instance.CHAT_1), alice.token(), "alice-phone");
        ChatClient bobChat = ChatClient.connect(channels.get(Instance.CHAT_2), bob.token(), "bob-phone");

        Message question = send(Instance.CHAT_1, alice, room, "lunch at noon?", "");
        Message secret = send(Instance.CHAT_1, alice, room, "the password is swordfish", "");
        Message reply = send(Instance.CHAT_2, bob, room, "yes", question.getId());
        edit(Instance.CHAT_1, alice, room, question, "lunch at one?");
        // reactions of both users through both instances at once
        List<CompletableFuture<Void>> reacting = new ArrayList<>();
        for (String emoji : EMOJIS) {
            reacting.add(CompletableFuture.runAsync(() -> react(Instance.CHAT_1, alice, room, question, emoji, false)));
            reacting.add(CompletableFuture.runAsync(() -> react(Instance.CHAT_2, bob, room, question, emoji, false)));
        }
        CompletableFuture.allOf(reacting.toArray(CompletableFuture[]::new)).join();
        react(Instance.CHAT_2, bob, room, question, "🎉", true);
        delete(Instance.CHAT_2, alice, room, secret);
        Message last = send(Instance.CHAT_2, bob, room, "see you", "");

        RoomTimeline aliceSaw = timeline(room, aliceChat.awaitEvent(createdWithText(room, "see you")));
        RoomTimeline bobSaw = timeline(room, bobChat.awaitEvent(createdWithText(room, "see you")));
        assertThat(aliceSaw.seqs()).isSorted().doesNotHaveDuplicates().last().isEqualTo(last.getSeq());
        assertThat(bobSaw.seqs()).containsExactlyElementsOf(aliceSaw.seqs());
        assertThat(bobSaw.messages()).containsExactlyElementsOf(aliceSaw.messages());
        assertThat(aliceSaw.messages()).extracting(RoomTimeline.Shown::text)
                .containsExactly("lunch at one?", "", "yes", "see you");
        assertThat(aliceSaw.messages().getFirst().reactions()).containsExactlyInAnyOrder(
                "👍 " + alice.id(), "👍 " + bob.id(), "🎉 " + alice.id(), "❤️ " + alice.id(), "❤️ " + bob.id());

        // history (message-service, from Kafka) shows the same, with counts and sample users
        await().atMost(StreamRecorder.PATIENCE).untilAsserted(() ->
                assertThat(timeline(room, historyAsEvents(bob, room)).messages())
                        .containsExactlyElementsOf(aliceSaw.messages()));
        List<Message> history = history(bob, room);
        Message storedQuestion = history.getFirst();
        assertThat(storedQuestion.hasEditTime()).isTrue();
        assertThat(storedQuestion.getReactionsList()).extracting(ReactionSummary::getEmoji, ReactionSummary::getCount)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("👍", 2),
                        org.assertj.core.groups.Tuple.tuple("🎉", 1), org.assertj.core.groups.Tuple.tuple("❤️", 2));
        Message tombstone = history.get(1);
        assertThat(tombstone.getSeq()).isEqualTo(secret.getSeq());
        assertThat(tombstone.hasDeleteTime()).isTrue();
        assertThat(tombstone.getText()).isEmpty();
        // the reply still names its original; the original is shown as deleted if it is
        assertThat(history.get(2).getReplyToId()).isEqualTo(question.getId());
        assertThat(messages(bob).getMessage(GetMessageRequest.newBuilder().setMessageId(secret.getId()).build())
                .getMessage().hasDeleteTime()).isTrue();
        assertThat(reply.getReplyToId()).isEqualTo(question.getId());

        // search: the edited text and never deleted text
        assertThat(search(bob, room, "noon")).isEmpty();
        assertThat(search(bob, room, "one")).extracting(Message::getId).containsExactly(question.getId());
        assertThat(search(bob, room, "swordfish")).isEmpty();
        assertThat(search(alice, room, "password")).isEmpty();
    }

    @Test
    void aClientThatDisconnectsDuringABurstOf500MixedEventsAndResumesEndsInTheStateOfOneThatStayed() throws Exception {
        List<User> senders = List.of(signUp(), signUp(), signUp());
        User dave = signUp();
        String room = roomOf(senders.getFirst(), senders.get(1), senders.get(2), dave);
        ChatClient stayed = ChatClient.connect(channels.get(Instance.CHAT_1), dave.token(), "dave-laptop");
        ChatClient dropped = ChatClient.connect(channels.get(Instance.CHAT_2), dave.token(), "dave-phone");

        int total = 500;
        AtomicInteger done = new AtomicInteger();
        List<Message> posted = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(senders.size());
        List<CompletableFuture<Void>> bursts = new ArrayList<>();
        for (int i = 0; i < senders.size(); i++) {
            User sender = senders.get(i);
            Instance instance = i % 2 == 0 ? Instance.CHAT_1 : Instance.CHAT_2;
            long seed = 42 + i;
            bursts.add(CompletableFuture.runAsync(() -> burst(sender, instance, room, seed, total, done, posted), pool));
        }
        await().atMost(StreamRecorder.PATIENCE).until(() -> done.get() >= 150);
        dropped.disconnect();
        CompletableFuture.allOf(bursts.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        pool.shutdown();
        Message end = send(Instance.CHAT_1, senders.getFirst(), room, "the end", "");

        RoomTimeline before = timeline(room, dropped.events());
        long cursor = before.seqs().isEmpty() ? 0 : before.seqs().getLast();
        assertThat(cursor).as("the drop happened mid-burst").isLessThan(end.getSeq());
        ChatClient resumed = ChatClient.connect(channels.get(Instance.CHAT_2), dave.token(), Hello.newBuilder()
                .setDeviceId("dave-phone").addResumeFrom(RoomCursor.newBuilder().setRoomId(room).setSeq(cursor)).build());
        List<ServerEvent> afterResume = resumed.awaitEvent(createdWithText(room, "the end"));
        RoomTimeline resumedView = timeline(room, dropped.events());
        afterResume.forEach(resumedView::apply);
        RoomTimeline stayedView = timeline(room, stayed.awaitEvent(createdWithText(room, "the end")));

        assertThat(resumedView.seqs()).containsExactlyElementsOf(stayedView.seqs());
        assertThat(stayedView.seqs()).isSorted().doesNotHaveDuplicates();
        assertThat(stayedView.seqs().size()).isGreaterThanOrEqualTo(total);
        assertThat(resumedView.messages()).containsExactlyElementsOf(stayedView.messages());
        assertThat(stayedView.messages()).hasSize(posted.size() + 1);
        // and history agrees once message-service has stored everything
        await().atMost(StreamRecorder.PATIENCE).untilAsserted(() ->
                assertThat(timeline(room, historyAsEvents(dave, room)).messages())
                        .containsExactlyElementsOf(stayedView.messages()));
    }

    /**
     * One sender's part of the burst, until the senders together made {@code total} events:
     * sends, edits and deletions of its own messages, reactions added and removed on anyone's.
     * A refusal that races make legitimate (a reaction to a message another sender just
     * deleted: FAILED_PRECONDITION) is no event; a rate-limit refusal is retried.
     */
    private void burst(User sender, Instance instance, String room, long seed, int total, AtomicInteger done,
            List<Message> posted) {
        Random random = new Random(seed);
        List<Message> mine = new ArrayList<>();
        for (int i = 0; done.get() < total; i++) {
            double dice = random.nextDouble();
            while (true) {
                try {
                    if (mine.isEmpty() || dice < 0.3) {
                        Message message = send(instance, sender, room, "m" + i + " from " + sender.id(), "");
                        mine.add(message);
                        posted.add(message);
                    } else if (dice < 0.5) {
                        edit(instance, sender, room, mine.get(random.nextInt(mine.size())), "edit " + i);
                    } else if (dice < 0.6) {
                        delete(instance, sender, room, mine.remove(random.nextInt(mine.size())));
                    } else {
                        Message target;
                        synchronized (posted) {
                            target = posted.get(random.nextInt(posted.size()));
                        }
                        react(instance, sender, room, target, EMOJIS.get(random.nextInt(EMOJIS.size())),
                                random.nextBoolean());
                    }
                    done.incrementAndGet();
                    break;
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
                        break;
                    }
                    if (e.getStatus().getCode() != Status.Code.RESOURCE_EXHAUSTED) {
                        throw e;
                    }
                    sleep(100);
                }
            }
        }
    }

    private static RoomTimeline timeline(String room, List<ServerEvent> events) {
        RoomTimeline timeline = new RoomTimeline(room);
        events.forEach(timeline::apply);
        return timeline;
    }

    private static Predicate<ServerEvent> createdWithText(String room, String text) {
        return e -> e.hasMessageCreated() && e.getMessageCreated().getMessage().getRoomId().equals(room)
                && e.getMessageCreated().getMessage().getText().equals(text);
    }

    /** The room's whole history as a client replaying it would see it. */
    private static List<ServerEvent> historyAsEvents(User reader, String room) {
        return history(reader, room).stream().map(m -> ServerEvent.newBuilder()
                .setMessageCreated(io.chatmesh.proto.chat.v1.MessageCreated.newBuilder().setMessage(m)).build()).toList();
    }

    private static List<Message> history(User reader, String room) {
        List<Message> all = new ArrayList<>();
        String token = "";
        do {
            ListMessagesResponse page = messages(reader).listMessages(ListMessagesRequest.newBuilder().setRoomId(room)
                    .setDirection(Direction.DIRECTION_FORWARD).setPageSize(200).setPageToken(token).build());
            all.addAll(page.getMessagesList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return all;
    }

    private static List<Message> search(User reader, String room, String query) {
        return messages(reader).searchMessages(SearchMessagesRequest.newBuilder().setRoomId(room).setQuery(query).build())
                .getMessagesList();
    }

    private static Message send(Instance instance, User user, String room, String text, String replyTo) {
        return chat(instance, user).sendMessage(SendMessageRequest.newBuilder().setClientId(UUID.randomUUID().toString())
                .setMessage(SendMessageEvent.newBuilder().setRoomId(room).setText(text).setReplyToId(replyTo)).build())
                .getMessage();
    }

    private static void edit(Instance instance, User user, String room, Message message, String text) {
        chat(instance, user).editMessage(EditMessageRequest.newBuilder().setEdit(EditMessageEvent.newBuilder()
                .setRoomId(room).setMessageId(message.getId()).setText(text)).build());
    }

    private static void delete(Instance instance, User user, String room, Message message) {
        chat(instance, user).deleteMessage(DeleteMessageRequest.newBuilder().setDelete(DeleteMessageEvent.newBuilder()
                .setRoomId(room).setMessageId(message.getId())).build());
    }

    private static void react(Instance instance, User user, String room, Message message, String emoji, boolean remove) {
        chat(instance, user).reactToMessage(ReactToMessageRequest.newBuilder().setReact(ReactEvent.newBuilder()
                .setRoomId(room).setMessageId(message.getId()).setEmoji(emoji).setRemove(remove)).build());
    }

    private static ChatServiceGrpc.ChatServiceBlockingStub chat(Instance instance, User user) {
        return as(ChatServiceGrpc.newBlockingStub(channels.get(instance)), user.token());
    }

    private static MessageServiceGrpc.MessageServiceBlockingStub messages(User user) {
        return as(MessageServiceGrpc.newBlockingStub(channels.get(Instance.MESSAGE)), user.token());
    }

    private static User signUp() {
        String username = "u" + UUID.randomUUID().toString().substring(0, 8);
        UserServiceGrpc.UserServiceBlockingStub users = UserServiceGrpc.newBlockingStub(channels.get(Instance.USER))
                .withDeadlineAfter(15, TimeUnit.SECONDS);
        users.signUp(SignUpRequest.newBuilder().setUsername(username).setPassword(PASSWORD).build());
        LogInResponse login = users.logIn(LogInRequest.newBuilder().setUsername(username).setPassword(PASSWORD).build());
        return new User(login.getUser().getId(), login.getTokens().getAccessToken());
    }

    /** A PUBLIC room of the first user, created on instance 1; the others join through instance 2. */
    private static String roomOf(User owner, User... others) {
        String roomId = as(RoomServiceGrpc.newBlockingStub(channels.get(Instance.CHAT_1)), owner.token())
                .createRoom(CreateRoomRequest.newBuilder().setKind(RoomKind.ROOM_KIND_PUBLIC).setName("changes").build())
                .getRoom().getId();
        for (User other : others) {
            as(RoomServiceGrpc.newBlockingStub(channels.get(Instance.CHAT_2)), other.token())
                    .joinRoom(JoinRoomRequest.newBuilder().setRoomId(roomId).build());
        }
        return roomId;
    }

    private static <S extends AbstractStub<S>> S as(S stub, String token) {
        return stub.withCallCredentials(BearerCallCredentials.of(token)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package io.chatmesh.systemtest;

import io.chatmesh.testkit.StreamRecorder;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.proto.chat.v1.Ack;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.message.v1.Message;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.function.Predicate;

/** One ChatService.Connect stream of one user's device. */
final class ChatClient {

    private final StreamObserver<ClientEvent> out;
    final StreamRecorder<ServerEvent> events;

    private ChatClient(StreamObserver<ClientEvent> out, StreamRecorder<ServerEvent> events) {
        this.out = out;
        this.events = events;
    }

    /** Opens the stream with Hello and waits for Ready. */
    static ChatClient connect(Channel channel, String token, String device) {
        StreamRecorder<ServerEvent> events = new StreamRecorder<>();
        StreamObserver<ClientEvent> out = ChatServiceGrpc.newStub(channel)
                .withCallCredentials(BearerCallCredentials.of(token)).connect(events);
        ChatClient client = new ChatClient(out, events);
        client.write(ClientEvent.newBuilder().setHello(Hello.newBuilder().setDeviceId(device)).build());
        events.awaitFirst(ServerEvent::hasReady);
        return client;
    }

    /** Sends a message without waiting; its answer comes later ({@link #awaitAnswers}). */
    void sendAsync(String clientId, String roomId, String text) {
        write(ClientEvent.newBuilder().setClientId(clientId)
                .setSend(SendMessageEvent.newBuilder().setRoomId(roomId).setText(text)).build());
    }

    /** Sends a message and returns its answer: the Ack or StreamError naming the client id that follows this send. */
    ServerEvent send(String clientId, String roomId, String text) {
        int earlier = events.all(answerTo(clientId)).size();
        sendAsync(clientId, roomId, text);
        return events.awaitCount(answerTo(clientId), earlier + 1).get(earlier);
    }

    /** Sends a message that must be acked. */
    Ack sendAcked(String clientId, String roomId, String text) {
        ServerEvent answer = send(clientId, roomId, text);
        assertThat(answer.hasAck()).as("answer to %s: %s", clientId, answer).isTrue();
        return answer.getAck();
    }

    /** The answers so far (Acks and StreamErrors) naming the client id, at least {@code count}. */
    List<ServerEvent> awaitAnswers(String clientId, int count) {
        return events.awaitCount(answerTo(clientId), count);
    }

    List<ServerEvent> answers(String clientId) {
        return events.all(answerTo(clientId));
    }

    /** The messages of the room received so far, in the order they arrived. */
    List<Message> messages(String roomId) {
        return events.all(ServerEvent::hasMessageCreated).stream()
                .map(e -> e.getMessageCreated().getMessage())
                .filter(m -> m.getRoomId().equals(roomId))
                .toList();
    }

    /** Waits for a message with this text in the room and returns the room's messages received up to then. */
    List<Message> awaitMessage(String roomId, String text) {
        events.awaitFirst(e -> e.hasMessageCreated() && e.getMessageCreated().getMessage().getRoomId().equals(roomId)
                && e.getMessageCreated().getMessage().getText().equals(text));
        return messages(roomId);
    }

    boolean ended() {
        return events.ended();
    }

    private void write(ClientEvent event) {
        synchronized (out) {
            out.onNext(event);
        }
    }

    private static Predicate<ServerEvent> answerTo(String clientId) {
        return e -> (e.hasAck() && e.getAck().getClientId().equals(clientId))
                || (e.hasError() && e.getError().getClientId().equals(clientId));
    }
}

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
import io.chatmesh.proto.user.v1.Presence;
import io.chatmesh.proto.user.v1.PresenceStatus;
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
        return connect(channel, token, Hello.newBuilder().setDeviceId(device).build());
    }

    /** Opens the stream with this Hello (e.g. with resume cursors) and waits for Ready. */
    static ChatClient connect(Channel channel, String token, Hello hello) {
        StreamRecorder<ServerEvent> events = new StreamRecorder<>();
        StreamObserver<ClientEvent> out = ChatServiceGrpc.newStub(channel)
                .withCallCredentials(BearerCallCredentials.of(token)).connect(events);
        ChatClient client = new ChatClient(out, events);
        client.write(ClientEvent.newBuilder().setHello(hello).build());
        events.awaitFirst(ServerEvent::hasReady);
        return client;
    }

    /** Every event received so far, in order. */
    List<ServerEvent> events() {
        return events.all(e -> true);
    }

    /** Waits for an event matching {@code until} and returns every event received up to then. */
    List<ServerEvent> awaitEvent(Predicate<ServerEvent> until) {
        events.awaitFirst(until);
        return events();
    }

    /** Drops the connection as a client that loses its network would (the call is cancelled). */
    void disconnect() {
        synchronized (out) {
            out.onError(new IllegalStateException("network gone"));
        }
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

    /** The presence changes of the user received so far, in the order they arrived. */
    List<Presence> presences(String userId) {
        return events.all(e -> e.hasPresenceChanged() && e.getPresenceChanged().getUserId().equals(userId)).stream()
                .map(ServerEvent::getPresenceChanged)
                .toList();
    }

    /** Waits for a presence change of the user with this status and returns it. */
    Presence awaitPresence(String userId, PresenceStatus status) {
        return events.awaitFirst(e -> e.hasPresenceChanged() && e.getPresenceChanged().getUserId().equals(userId)
                && e.getPresenceChanged().getStatus() == status).getPresenceChanged();
    }

    /** Ends the stream from the client's side (as a device closing the app), and waits for the server's end. */
    void close() {
        synchronized (out) {
            out.onCompleted();
        }
        events.awaitEnd();
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

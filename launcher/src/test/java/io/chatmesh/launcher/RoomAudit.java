package io.chatmesh.launcher;

import static io.chatmesh.launcher.Accounts.as;

import io.chatmesh.launcher.ChatLoad.Acked;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.message.v1.Direction;
import io.chatmesh.proto.message.v1.ListMessagesRequest;
import io.chatmesh.proto.message.v1.ListMessagesResponse;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.message.v1.MessageServiceGrpc;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Checks one room's history against the sends its sender saw acked, through the public API
 * only. Each check returns the problems it found, one line each, so a failure lists them all.
 */
final class RoomAudit {

    /** How often a send answered RESOURCE_EXHAUSTED or UNAVAILABLE is resent, a pause apart. */
    private static final int ATTEMPTS = 100;
    private static final long PAUSE_MILLIS = 100;

    private final Channel channel;
    private final String roomId;
    private final Map<String, String> tokens;

    /** {@code tokens}: username → access token of every sender. */
    RoomAudit(Channel channel, String roomId, Map<String, String> tokens) {
        this.channel = channel;
        this.roomId = roomId;
        this.tokens = Map.copyOf(tokens);
    }

    String roomId() {
        return roomId;
    }

    /**
     * Sends (or resends) {@code clientId} as {@code user} with unary SendMessage and returns
     * what the answer named; resends, as a client would, while the answer says to.
     */
    Acked send(String user, String clientId) {
        SendMessageRequest request = SendMessageRequest.newBuilder()
                .setClientId(clientId).setMessage(ChatLoad.message(roomId, clientId)).build();
        for (int attempt = 1; ; attempt++) {
            try {
                Message message = as(ChatServiceGrpc.newBlockingStub(channel), tokens.get(user)).sendMessage(request).getMessage();
                return new Acked(user, message.getId(), message.getSeq());
            } catch (StatusRuntimeException e) {
                if (attempt == ATTEMPTS || !ChatLoad.retryable(e.getStatus().getCode())) {
                    throw e;
                }
                pause();
            }
        }
    }

    /** The whole room, oldest first, page by page. */
    List<Message> history() {
        List<Message> history = new ArrayList<>();
        ListMessagesRequest.Builder request = ListMessagesRequest.newBuilder()
                .setRoomId(roomId).setDirection(Direction.DIRECTION_FORWARD).setPageSize(200).setIncludeThreadReplies(true);
        do {
            ListMessagesResponse page = as(MessageServiceGrpc.newBlockingStub(channel), tokens.values().iterator().next())
                    .listMessages(request.build());
            history.addAll(page.getMessagesList());
            request.setPageToken(page.getNextPageToken());
        } while (!request.getPageToken().isEmpty());
        return history;
    }

    /** No seq, message id or send (client id, hence text) stored twice. */
    List<String> duplicateProblems(List<Message> history) {
        List<String> problems = new ArrayList<>();
        duplicates(history, Message::getSeq).forEach((seq, messages) ->
                problems.add("seq reused: " + seq + " held by " + describe(messages)));
        duplicates(history, Message::getId).forEach((id, messages) ->
                problems.add("duplicate id: " + id + " stored " + messages.size() + " times"));
        duplicates(history, Message::getText).forEach((text, messages) ->
                problems.add("posted twice: " + describe(messages)));
        return problems;
    }

    /** Every acked message in history, at the seq its ack named ({@code when}: which acks, for the report). */
    List<String> ackProblems(List<Message> history, Map<String, Acked> acked, String when) {
        List<String> problems = new ArrayList<>();
        Map<String, Message> byId = history.stream().collect(Collectors.toMap(Message::getId, m -> m, (a, b) -> a));
        Map<Long, Message> bySeq = history.stream().collect(Collectors.toMap(Message::getSeq, m -> m, (a, b) -> a));
        new TreeMap<>(acked).forEach((clientId, ack) -> {
            Message stored = byId.get(ack.messageId());
            if (stored == null) {
                Message atSeq = bySeq.get(ack.seq());
                problems.add("lost (" + when + "): " + clientId + " acked as " + ack.messageId() + "@" + ack.seq()
                        + "; history at that seq: " + (atSeq == null ? "nothing" : describe(List.of(atSeq))));
            } else if (stored.getSeq() != ack.seq() || !stored.getText().equals(ChatLoad.text(clientId))) {
                problems.add("changed (" + when + "): " + clientId + " acked as " + ack.messageId() + "@" + ack.seq()
                        + ", stored as " + describe(List.of(stored)));
            }
        });
        return problems;
    }

    /** Resending an acked client id returns the message its ack named. */
    List<String> retryProblems(Map<String, Acked> acked, String when) {
        List<String> problems = new ArrayList<>();
        new TreeMap<>(acked).forEach((clientId, ack) -> {
            try {
                Acked retried = send(ack.user(), clientId);
                if (!retried.equals(ack)) {
                    problems.add("retry differs (" + when + "): " + clientId + " acked as " + ack.messageId() + "@" + ack.seq()
                            + ", retry answered " + retried.messageId() + "@" + retried.seq());
                }
            } catch (StatusRuntimeException e) {
                problems.add("retry failed (" + when + "): " + clientId + " with " + e.getStatus().getCode());
            }
        });
        return problems;
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static <K> Map<K, List<Message>> duplicates(List<Message> history, Function<Message, K> key) {
        Map<K, List<Message>> byKey = history.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.toList()));
        byKey.values().removeIf(messages -> messages.size() < 2);
        return byKey;
    }

    private static String describe(List<Message> messages) {
        return messages.stream().map(m -> m.getId() + "@" + m.getSeq() + " '" + m.getText() + "'")
                .collect(Collectors.joining(", "));
    }
}

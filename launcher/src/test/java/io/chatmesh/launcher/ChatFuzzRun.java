package io.chatmesh.launcher;

import io.chatmesh.launcher.ChatEventFuzzer.Targets;
import io.chatmesh.proto.chat.v1.Ack;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.Ping;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.common.v1.StreamError;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The chat fuzzer: one user sending random {@link ChatEventFuzzer} frames over
 * ChatService.Connect, through the edge or straight to chat-service, reconnecting whenever
 * the server ends its stream (or it chooses to). Records what was acked, so the state can be
 * checked afterwards; sends and read markers a stream end left unanswered are resent at the
 * end with the same client_id, as a client would, so every stored message has its Ack.
 */
final class ChatFuzzRun extends StreamFuzzRun<ServerEvent> {

    static final FuzzStream.Protocol<ServerEvent> PROTOCOL = new FuzzStream.Protocol<>() {
        @Override
        public byte[] ping(String clientId, long nonce) {
            return ClientEvent.newBuilder().setClientId(clientId).setPing(Ping.newBuilder().setNonce(nonce)).build()
                    .toByteArray();
        }

        @Override
        public OptionalLong pongNonce(ServerEvent event) {
            return event.hasPong() ? OptionalLong.of(event.getPong().getNonce()) : OptionalLong.empty();
        }

        @Override
        public StreamError error(ServerEvent event) {
            return event.hasError() ? event.getError() : null;
        }
    };

    /** Barriers every 32 events; settle after a Hello (a bad token ends the stream). */
    private static final FuzzStream.Rules RULES = new FuzzStream.Rules(32, Set.of(Status.Code.OK),
            Set.of(), e -> e.kind().equals("hello"));
    private static final Set<String> STATEFUL_KINDS = Set.of("send", "mark_read");
    private static final int RECONCILE_ROUNDS = 30;

    private final Targets targets;
    private final ChatEventFuzzer fuzzer;
    private final Map<String, Ack> sendAcks = new ConcurrentHashMap<>();
    private final Map<String, Long> markers = new ConcurrentHashMap<>();
    private final Map<String, Integer> lastErrors = new ConcurrentHashMap<>();
    private final Map<String, FuzzEvent> unanswered = new LinkedHashMap<>();

    /** @param freshEdgeConnection opens a new connection to the edge, of the fuzzer's alone */
    ChatFuzzRun(FuzzSeed seed, FuzzTally tally, Targets targets, Channel edge, Channel chatService,
            Supplier<ManagedChannel> freshEdgeConnection) {
        super(tally, new FuzzValues(new Random(~seed.value())), edge, chatService, "chat-service", 85,
                freshEdgeConnection);
        this.targets = targets;
        this.fuzzer = new ChatEventFuzzer(new FuzzValues(new Random(seed.value())), targets);
    }

    @Override
    FuzzEvent next() {
        return fuzzer.next();
    }

    @Override
    FuzzEvent opening(boolean headerToken) {
        return fuzzer.hello(headerToken, connections);
    }

    @Override
    String token() {
        return targets.token();
    }

    @Override
    FuzzStream<ServerEvent> open(Channel channel, String header) {
        return new FuzzStream<>(channel, ChatServiceGrpc.getConnectMethod(), header, PROTOCOL, RULES, tally, byClientId,
                this::onAnswer);
    }

    /** Keeps what the stream left unanswered for {@link #reconcile}. */
    @Override
    void retired(FuzzStream<ServerEvent> stream) {
        for (FuzzEvent event : stream.unanswered()) {
            // what must be refused changes nothing whether it was read or not (else the state checks fail)
            if (STATEFUL_KINDS.contains(event.kind()) && !event.mustBeRefused()) {
                unanswered.putIfAbsent(event.clientId(), withoutUnknownFields(event));
            }
        }
    }

    /** The same event as a well-behaved client resends it: unknown fields dropped. */
    private static FuzzEvent withoutUnknownFields(FuzzEvent event) {
        try {
            byte[] frame = ClientEvent.parseFrom(event.frame()).toBuilder()
                    .setUnknownFields(com.google.protobuf.UnknownFieldSet.getDefaultInstance()).build().toByteArray();
            return new FuzzEvent(event.kind(), frame, event.clientId(), event.answered(), event.mustBeRefused(),
                    event.description());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("a stateful event is a ClientEvent: " + event.input(), e);
        }
    }

    private void onAnswer(FuzzStream<ServerEvent> stream, ServerEvent event) {
        switch (event.getEventCase()) {
            case ACK -> onAck(stream, event.getAck());
            case ERROR -> lastErrors.put(event.getError().getClientId(), event.getError().getCode());
            case READY -> tally.answered("hello", "Ready");
            case PONG -> tally.answered("ping", "Pong");
            case MESSAGE_CREATED -> {
                tally.count("delivered MessageCreated");
                if (!targets.isMember(event.getMessageCreated().getMessage().getRoomId())) {
                    tally.problem("the fuzzer got a message of a room it is not a member of: " + event);
                }
            }
            default -> tally.count("delivered " + event.getEventCase());
        }
    }

    private void onAck(FuzzStream<ServerEvent> stream, Ack ack) {
        FuzzEvent event = byClientId.get(ack.getClientId());
        if (event == null) {
            tally.problem("an Ack naming no event the fuzzer sent: " + ack);
            return;
        }
        tally.answered(event.kind(), "Ack");
        if (!event.answered()) {
            tally.problem("an Ack for an event that is never acked: " + event.input());
            return;
        }
        stream.resolve(event);
        if (event.mustBeRefused()) {
            tally.problem("an Ack for an event breaking a documented rule: " + event.input());
        }
        if (!targets.isMember(ack.getRoomId())) {
            tally.problem("an Ack in room " + ack.getRoomId() + ", not the fuzzer's: " + event.input());
        }
        if (event.kind().equals("mark_read")) {
            markers.merge(ack.getRoomId(), ack.getSeq(), Math::max);
        } else if (event.kind().equals("send")) {
            Ack first = sendAcks.putIfAbsent(ack.getClientId(), ack);
            if (first != null && !first.getMessageId().equals(ack.getMessageId())) {
                tally.problem("client_id " + ack.getClientId() + " acked with two messages, " + first.getMessageId()
                        + " and " + ack.getMessageId() + ": " + event.input());
            }
        }
    }

    /**
     * Resends, with their client_id, the sends and read markers whose streams ended before their
     * answer, until each has one (an Ack, or a refusal other than RESOURCE_EXHAUSTED).
     */
    void reconcile() {
        List<FuzzEvent> todo = new ArrayList<>(unanswered.values());
        unanswered.clear();
        for (int round = 1; !todo.isEmpty(); round++) {
            if (round > RECONCILE_ROUNDS) {
                tally.problem("still unanswered after " + RECONCILE_ROUNDS + " resends: "
                        + todo.stream().map(FuzzEvent::input).toList());
                return;
            }
            if (round > 1) {
                pause(); // what RESOURCE_EXHAUSTED asks for
            }
            FuzzStream<ServerEvent> stream = open(edge, token());
            stream.sendProbe(ClientEvent.newBuilder().setHello(Hello.getDefaultInstance()).build().toByteArray());
            todo.forEach(event -> lastErrors.remove(event.clientId()));
            todo.forEach(stream::resend);
            stream.finish();
            stream.close();
            List<FuzzEvent> left = stream.unanswered();
            List<FuzzEvent> next = new ArrayList<>(left);
            for (FuzzEvent event : todo) {
                Integer code = lastErrors.get(event.clientId());
                if (!left.contains(event) && code != null && code == Status.Code.RESOURCE_EXHAUSTED.value()) {
                    next.add(event);
                }
            }
            todo = next;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The fuzzer's acked sends by client_id (the first Ack of each). */
    Map<String, Ack> sendAcks() {
        return Map.copyOf(sendAcks);
    }

    /** Per room, the highest read marker an Ack named. */
    Map<String, Long> markers() {
        return Map.copyOf(markers);
    }
}

package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.RetryInfo;
import io.chatmesh.chat.ChatClient;
import io.chatmesh.chat.ChatServiceTestBase;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Ping;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.common.v1.StreamError;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Each user may send {@code send-rate} messages per second on average, bursts of
 * {@code send-burst}: beyond that a send is refused with RESOURCE_EXHAUSTED (RATE_LIMITED)
 * saying how long to wait, and stores nothing. Retries of answered sends and other users are
 * not affected. After a refusal, a stream reads only the events it had already asked for (fewer
 * than ClientEventDemand.READ_AHEAD) until the refusal's retry delay has passed.
 */
@TestPropertySource(properties = {"chatmesh.chat.send-rate=0.5", "chatmesh.chat.send-burst=3"})
class SendLimitTest extends ChatServiceTestBase {

    @Test
    void aSenderOverItsLimitIsRefusedWithARetryDelayAndOthersAreNot() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        try (ChatClient aliceClient = ChatClient.ready(channel, alice.token())) {
            for (int i = 1; i <= 4; i++) {
                aliceClient.sendMessage("burst-" + i, room.getId(), "message " + i);
            }
            // the refusal comes at once, the acks once their batch is stored
            List<String> acked = new ArrayList<>();
            StreamError refused = null;
            while (acked.size() < 3 || refused == null) {
                ServerEvent event = aliceClient.next();
                if (event.hasAck()) {
                    acked.add(event.getAck().getClientId());
                } else if (event.hasError()) {
                    refused = event.getError();
                }
            }
            assertThat(acked).containsExactly("burst-1", "burst-2", "burst-3");
            assertThat(refused.getClientId()).isEqualTo("burst-4");
            assertThat(refused.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
            assertThat(refused.getReason()).isEqualTo("RATE_LIMITED");
            assertThat(refused.getRetryDelay().getSeconds() * 1_000_000_000L + refused.getRetryDelay().getNanos())
                    .isPositive();

            StatusRuntimeException unary = catchThrowableOfType(StatusRuntimeException.class,
                    () -> send(alice, room, "unary"));
            assertThat(unary.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(StatusProto.fromThrowable(unary).getDetailsList()).anyMatch(detail -> detail.is(RetryInfo.class));

            // an answered send is answered again, limit or not; another sender has a limit of its own
            assertThat(send(alice, room, "burst-1").getSeq()).isEqualTo(1);
            assertThat(send(bob, room, Ids.newId()).getSeq()).isEqualTo(4);
        }
        assertThat(MESSAGES.stored(room.getId())).isEqualTo(4);
    }

    @Test
    void aStreamThatWasRefusedIsNotReadAgainBeforeItsRetryDelay() {
        TestUser alice = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, newUser());
        try (ChatClient aliceClient = ChatClient.ready(channel, alice.token())) {
            for (int i = 1; i <= 3; i++) {
                aliceClient.sendMessage("burst-" + i, room.getId(), "message " + i);
            }
            for (int i = 1; i <= 3; i++) {
                aliceClient.next(ServerEvent.EventCase.ACK);
            }
            long sent = System.nanoTime();
            aliceClient.sendMessage("over", room.getId(), "one too many");
            // fewer than READ_AHEAD events were asked for when the refused send was read
            for (int nonce = 1; nonce <= ClientEventDemand.READ_AHEAD; nonce++) {
                aliceClient.send(ClientEvent.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)).build());
            }

            StreamError refused = aliceClient.next(ServerEvent.EventCase.ERROR).getError();
            List<Long> nonces = new ArrayList<>();
            while (nonces.size() < ClientEventDemand.READ_AHEAD) {
                nonces.add(aliceClient.next(ServerEvent.EventCase.PONG).getPong().getNonce());
            }
            long answered = System.nanoTime();

            assertThat(refused.getReason()).isEqualTo("RATE_LIMITED");
            assertThat(nonces).isSorted().doesNotHaveDuplicates().hasSize(ClientEventDemand.READ_AHEAD);
            // the last ping was read only after the delay the refusal named
            Duration delay = Duration.ofSeconds(refused.getRetryDelay().getSeconds(), refused.getRetryDelay().getNanos());
            assertThat(Duration.ofNanos(answered - sent)).isGreaterThanOrEqualTo(delay);
        }
    }

    /**
     * A flooding stream is read one event per retry delay; what it sends meanwhile stops on the
     * client once chat-service's HTTP/2 window (64 KB) is full, instead of piling up in the server.
     */
    @Test
    void aFloodingStreamStopsOnTheClientOnceTheServersWindowIsFull() throws InterruptedException {
        TestUser alice = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, newUser());
        String text = "x".repeat(1000);
        try (ChatClient aliceClient = ChatClient.ready(channel, alice.token())) {
            long sent = 0;
            long giveUpAt = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (sent < 4 * 1024 * 1024 && System.nanoTime() < giveUpAt) {
                if (aliceClient.isReady()) {
                    aliceClient.sendMessage("flood-" + sent, room.getId(), text);
                    sent += text.length();
                } else {
                    Thread.sleep(200);
                    if (!aliceClient.isReady()) {
                        break;
                    }
                }
            }
            // the window plus what gRPC queues on the client before it is not ready (32 KB); gRPC's
            // default window of 1 MB would let it past 1 MB
            assertThat(sent).isBetween(64L * 1024, 512L * 1024);
            assertThat(aliceClient.next(ServerEvent.EventCase.ERROR).getError().getReason()).isEqualTo("RATE_LIMITED");
        }
    }

    private Message send(TestUser sender, Room room, String clientId) {
        return chat(sender).sendMessage(SendMessageRequest.newBuilder().setClientId(clientId)
                .setMessage(SendMessageEvent.newBuilder().setRoomId(room.getId()).setText("text")).build()).getMessage();
    }
}

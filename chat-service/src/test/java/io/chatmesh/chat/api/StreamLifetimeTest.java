package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.chat.ChatClient;
import io.chatmesh.chat.ChatServiceTestBase;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.Ping;
import io.chatmesh.proto.chat.v1.Ready;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.common.v1.Reauthenticate;
import io.chatmesh.proto.common.v1.Reauthenticated;
import io.chatmesh.proto.common.v1.StreamError;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * A chat stream lives as long as its credentials: it must say Hello soon after opening, and it
 * ends when its access token expires, unless the client hands it a fresh token in-band.
 */
@TestPropertySource(properties = "chatmesh.chat.hello-timeout=1s")
class StreamLifetimeTest extends ChatServiceTestBase {

    @Test
    void aStreamThatNeverSaysHelloIsClosed() {
        try (ChatClient silent = ChatClient.connect(channel, null)) {
            StreamError why = silent.next().getError();
            assertThat(why.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED.value());
            assertThat(why.getClientId()).isEmpty();
            assertThat(silent.awaitClosed().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        }
    }

    @Test
    void aStreamEndsWhenItsTokenExpires() {
        TestUser alice = newUser();
        String shortLived = TOKENS.issue(alice.id(), "alice", Duration.ofSeconds(2));
        try (ChatClient client = ChatClient.connect(channel, null)) {
            Ready ready = client.hello(Hello.newBuilder().setAccessToken(shortLived).build());
            Instant expiry = ApiTimes.instant(ready.getTokenExpireTime());
            assertThat(expiry).isBetween(Instant.now().minusSeconds(1), Instant.now().plusSeconds(3));

            StreamError why = client.next(ServerEvent.EventCase.ERROR).getError();
            assertThat(why.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED.value());
            assertThat(client.awaitClosed().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        }
    }

    @Test
    void aFreshTokenOfTheSameUserKeepsTheStreamGoingAndOthersAreRefused() throws InterruptedException {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP);
        try (ChatClient client = ChatClient.connect(channel, null)) {
            client.hello(Hello.newBuilder().setAccessToken(TOKENS.issue(alice.id(), "alice", Duration.ofSeconds(2))).build());

            client.send(reauthenticate("bob's", bob.token()));
            assertError(client.next(), "bob's", Status.Code.PERMISSION_DENIED);
            client.send(reauthenticate("forged", "not-a-token"));
            assertError(client.next(), "forged", Status.Code.UNAUTHENTICATED);

            String fresh = TOKENS.issue(alice.id(), "alice", Duration.ofHours(1));
            client.send(reauthenticate("fresh", fresh));
            Reauthenticated reauthenticated = client.next().getReauthenticated();
            assertThat(reauthenticated.getClientId()).isEqualTo("fresh");
            assertThat(ApiTimes.instant(reauthenticated.getTokenExpireTime())).isAfter(Instant.now().plusSeconds(3000));

            Thread.sleep(3_000); // past the first token's expiry: the stream runs on the fresh one
            client.send(ClientEvent.newBuilder().setPing(Ping.newBuilder().setNonce(7)).build());
            assertThat(client.next().getPong().getNonce()).isEqualTo(7);
            client.sendMessage("after", room.getId(), "still here");
            assertThat(client.next(ServerEvent.EventCase.ACK).getAck().getClientId()).isEqualTo("after");
        }
    }

    private static ClientEvent reauthenticate(String clientId, String token) {
        return ClientEvent.newBuilder().setClientId(clientId)
                .setReauthenticate(Reauthenticate.newBuilder().setAccessToken(token)).build();
    }

    private static void assertError(ServerEvent event, String clientId, Status.Code code) {
        assertThat(event.hasError()).as("expected an error, got %s", event).isTrue();
        assertThat(event.getError().getClientId()).isEqualTo(clientId);
        assertThat(event.getError().getCode()).isEqualTo(code.value());
    }
}

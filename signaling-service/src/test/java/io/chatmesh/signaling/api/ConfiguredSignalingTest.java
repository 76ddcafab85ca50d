package io.chatmesh.signaling.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.common.v1.StreamError;
import io.chatmesh.proto.signaling.v1.ClientEvent;
import io.chatmesh.proto.signaling.v1.GetIceServersRequest;
import io.chatmesh.proto.signaling.v1.GetIceServersResponse;
import io.chatmesh.proto.signaling.v1.IceServer;
import io.chatmesh.proto.signaling.v1.Joined;
import io.chatmesh.proto.signaling.v1.Leave;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** ICE servers with TURN credentials and the participant limit, as configured. */
@TestPropertySource(properties = {
        "chatmesh.signaling.max-participants=2",
        "chatmesh.signaling.ice.stun-urls=stun:stun.example.org:3478",
        "chatmesh.signaling.ice.turn-urls=turn:turn.example.org:3478?transport=udp,turns:turn.example.org:5349",
        "chatmesh.signaling.ice.turn-secret=" + ConfiguredSignalingTest.TURN_SECRET,
        "chatmesh.signaling.ice.turn-ttl=10m"})
class ConfiguredSignalingTest extends SignalingApiTest {

    static final String TURN_SECRET = "test-turn-secret";

    private final List<SignalClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(SignalClient::close);
    }

    @Test
    void turnCredentialsAreTimeLimitedAndVerifiableWithTheSharedSecret() throws Exception {
        String userId = Ids.newId();
        Instant before = Instant.now();

        GetIceServersResponse response = SignalingServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .withCallCredentials(BearerCallCredentials.of(TOKENS.issue(userId, "alice")))
                .getIceServers(GetIceServersRequest.getDefaultInstance());

        assertThat(response.getIceServersList()).hasSize(2);
        IceServer stun = response.getIceServers(0);
        assertThat(stun.getUrlsList()).containsExactly("stun:stun.example.org:3478");
        assertThat(stun.getUsername()).isEmpty();
        IceServer turn = response.getIceServers(1);
        assertThat(turn.getUrlsList())
                .containsExactly("turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349");
        long expiry = response.getExpireTime().getSeconds();
        assertThat(expiry).isBetween(before.plusSeconds(600).getEpochSecond() - 1,
                Instant.now().plusSeconds(600).getEpochSecond());
        assertThat(turn.getUsername()).isEqualTo(expiry + ":" + userId);
        assertThat(turn.getCredential()).isEqualTo(hmacSha1Base64(TURN_SECRET, turn.getUsername()));
    }

    @Test
    void joinedCarriesTheSameServersWithTheJoinersCredentials() throws Exception {
        String room = Ids.newId();
        String userId = member(room);

        Joined joined = client(userId).joined(room);

        assertThat(joined.getIceServersList()).hasSize(2);
        IceServer turn = joined.getIceServers(1);
        assertThat(turn.getUsername()).endsWith(":" + userId);
        assertThat(turn.getCredential()).isEqualTo(hmacSha1Base64(TURN_SECRET, turn.getUsername()));
    }

    @Test
    void aFullCallRefusesTheNextJoinUntilSomeoneLeaves() {
        String room = Ids.newId();
        SignalClient alice = client(member(room));
        SignalClient bob = client(member(room));
        SignalClient carol = client(member(room));
        alice.joined(room);
        String b = bob.joined(room).getParticipantId();
        alice.next(); // bob joined

        carol.join(room);
        StreamError full = carol.nextError();
        assertThat(full.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
        assertThat(full.getClientId()).isEqualTo("join");
        assertThat(full.getReason()).isEqualTo("LIMIT_REACHED");
        assertThat(alice.drainUntilPong()).isEmpty();

        bob.send("bye", ClientEvent.newBuilder().setLeave(Leave.getDefaultInstance()));
        assertThat(alice.next().getParticipantLeft().getParticipantId()).isEqualTo(b);
        assertThat(carol.joined(room).getParticipantsList()).hasSize(1);
    }

    private static String hmacSha1Base64(String secret, String username) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    }

    private static String member(String roomId) {
        String userId = Ids.newId();
        ROOMS.addMember(roomId, userId);
        return userId;
    }

    private SignalClient client(String userId) {
        SignalClient client = SignalClient.withHeader(channel, TOKENS.issue(userId, "user-" + userId));
        clients.add(client);
        return client;
    }
}

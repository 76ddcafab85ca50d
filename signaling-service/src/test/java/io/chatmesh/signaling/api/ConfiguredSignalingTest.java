package io.chatmesh.signaling.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.platform.auth.AccessTokenVerifier;
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
import io.chatmesh.signaling.SignalingServiceApplication;
import io.chatmesh.testkit.TestRoomService;
import io.chatmesh.testkit.TestTokens;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.grpc.test.autoconfigure.LocalGrpcPort;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** ICE servers with TURN credentials and the participant limit, as configured. */
@SpringBootTest(classes = {SignalingServiceApplication.class, ConfiguredSignalingTest.TestTokenVerifier.class}, properties = {
        "spring.config.name=signaling-service",
        "spring.grpc.server.port=0",
        "chatmesh.signaling.max-participants=2",
        "chatmesh.signaling.ice.stun-urls=stun:stun.example.org:3478",
        "chatmesh.signaling.ice.turn-urls=turn:turn.example.org:3478?transport=udp,turns:turn.example.org:5349",
        "chatmesh.signaling.ice.turn-secret=" + ConfiguredSignalingTest.TURN_SECRET,
        "chatmesh.signaling.ice.turn-ttl=10m"})
class ConfiguredSignalingTest {

    static final String TURN_SECRET = "test-turn-secret";
    private static final TestTokens TOKENS = new TestTokens();
    private static final TestRoomService ROOMS = new TestRoomService(TOKENS.verifier());

    @DynamicPropertySource
    static void roomService(DynamicPropertyRegistry registry) {
        registry.add("spring.grpc.client.channels.rooms.address", ROOMS::address);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class TestTokenVerifier {
        @Bean
        @Primary
        AccessTokenVerifier testAccessTokenVerifier() {
            return TOKENS.verifier();
        }
    }

    @LocalGrpcPort
    int port;

    private ManagedChannel channel;
    private final List<SignalClient> clients = new ArrayList<>();

    @BeforeEach
    void setUp() {
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        clients.forEach(SignalClient::close);
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopRoomService() throws InterruptedException {
        ROOMS.close();
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

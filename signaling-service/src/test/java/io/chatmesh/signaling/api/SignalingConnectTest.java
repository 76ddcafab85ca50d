package io.chatmesh.signaling.api;

import static io.chatmesh.signaling.api.Signals.SDP;
import static io.chatmesh.signaling.api.Signals.sdp;
import static io.chatmesh.signaling.api.Signals.candidate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.grpc.MalformedRequests;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.common.v1.FieldViolation;
import io.chatmesh.proto.common.v1.Reauthenticate;
import io.chatmesh.proto.common.v1.StreamError;
import io.chatmesh.proto.signaling.v1.ClientEvent;
import io.chatmesh.proto.signaling.v1.GetIceServersRequest;
import io.chatmesh.proto.signaling.v1.GetIceServersResponse;
import io.chatmesh.proto.signaling.v1.Join;
import io.chatmesh.proto.signaling.v1.Joined;
import io.chatmesh.proto.signaling.v1.Leave;
import io.chatmesh.proto.signaling.v1.MediaState;
import io.chatmesh.proto.signaling.v1.MediaStateChanged;
import io.chatmesh.proto.signaling.v1.Participant;
import io.chatmesh.proto.signaling.v1.ParticipantLeft;
import io.chatmesh.proto.signaling.v1.Ping;
import io.chatmesh.proto.signaling.v1.ServerEvent;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.chatmesh.signaling.domain.CallRelay;
import io.chatmesh.signaling.domain.InMemoryCallRelay;
import io.chatmesh.testkit.TestTokens;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** Connect over a real socket, against a RoomService double on a real port. */
// short, for the test that never joins; every other stream joins at once
@TestPropertySource(properties = "chatmesh.signaling.join-timeout=3s")
class SignalingConnectTest extends SignalingApiTest {

    @Autowired
    CallRelay relay;

    private final List<SignalClient> clients = new ArrayList<>();
    private String room;

    @BeforeEach
    void setUp() {
        room = Ids.newId();
    }

    @AfterEach
    void tearDown() {
        clients.forEach(SignalClient::close);
    }

    @Test
    void twoMembersSeeEachOtherAndNegotiateWithSenderIds() {
        String aliceId = member(room);
        String bobId = member(room);
        SignalClient alice = client(aliceId);
        SignalClient bob = client(bobId);

        alice.send("join", ClientEvent.newBuilder().setJoin(Join.newBuilder().setRoomId(room)
                .setMedia(MediaState.newBuilder().setAudio(true))));
        Joined aliceJoined = alice.next().getJoined();
        assertThat(aliceJoined.getRoomId()).isEqualTo(room);
        assertThat(aliceJoined.getParticipantsList()).isEmpty();
        assertThat(aliceJoined.getHeartbeatInterval().getSeconds()).isEqualTo(25);
        String a = aliceJoined.getParticipantId();
        assertThat(a).matches("[0-9A-HJKMNP-TV-Z]{26}");

        Joined bobJoined = bob.joined(room);
        String b = bobJoined.getParticipantId();
        assertThat(b).isNotEqualTo(a);
        assertThat(bobJoined.getParticipantsList()).singleElement().satisfies(p -> {
            assertThat(p.getParticipantId()).isEqualTo(a);
            assertThat(p.getUserId()).isEqualTo(aliceId);
            assertThat(p.getMedia()).isEqualTo(MediaState.newBuilder().setAudio(true).build());
            assertThat(p.hasJoinTime()).isTrue();
        });
        Participant bobSeenByAlice = alice.next().getParticipantJoined().getParticipant();
        assertThat(bobSeenByAlice.getParticipantId()).isEqualTo(b);
        assertThat(bobSeenByAlice.getUserId()).isEqualTo(bobId);

        Signals.exchangeOfferAnswerAndCandidates(alice, a, bob, b);

        assertThat(alice.drainUntilPong()).isEmpty();
        assertThat(bob.drainUntilPong()).isEmpty();
    }

    @Test
    void mediaChangesReachTheOthersAndLaterJoiners() {
        SignalClient alice = client(member(room));
        SignalClient bob = client(member(room));
        String a = alice.joined(room).getParticipantId();
        bob.joined(room);
        alice.next(); // bob joined

        MediaState sharing = MediaState.newBuilder().setAudio(true).setVideo(true).setScreen(true).build();
        alice.send("m1", ClientEvent.newBuilder().setMediaState(sharing));

        ServerEvent changed = bob.next();
        assertThat(changed.getMediaStateChanged().getParticipantId()).isEqualTo(a);
        assertThat(changed.getMediaStateChanged().getMedia()).isEqualTo(sharing);
        assertThat(alice.drainUntilPong()).isEmpty();
        Joined carol = client(member(room)).joined(room);
        assertThat(carol.getParticipantsList()).filteredOn(p -> p.getParticipantId().equals(a))
                .singleElement().extracting(Participant::getMedia).isEqualTo(sharing);
    }

    @Test
    void nonMemberIsDeniedNeverSeenAndMayJoinAnotherRoomOnTheSameStream() {
        SignalClient alice = client(member(room));
        alice.joined(room);
        String carolId = Ids.newId();
        SignalClient carol = client(carolId);

        carol.join(room);
        StreamError denied = carol.nextError();
        // the test rooms are GROUP rooms: hidden from non-members, NOT_FOUND as if missing
        assertThat(denied.getCode()).isEqualTo(Status.Code.NOT_FOUND.value());
        assertThat(denied.getClientId()).isEqualTo("join");
        assertThat(denied.getReason()).isEqualTo("NOT_FOUND");
        assertThat(alice.drainUntilPong()).isEmpty();
        assertThat(((InMemoryCallRelay) relay).participants(room)).hasSize(1);

        String carolsRoom = Ids.newId();
        ROOMS.addMember(carolsRoom, carolId);
        assertThat(carol.joined(carolsRoom).getRoomId()).isEqualTo(carolsRoom);
        assertThat(alice.drainUntilPong()).isEmpty();
    }

    @Test
    void theFirstRequestMustBeJoinAndOnlyOneJoinSucceeds() {
        SignalClient alice = client(member(room));

        alice.send("o1", ClientEvent.newBuilder().setOffer(sdp(Ids.newId(), SDP)));
        assertThat(alice.nextError()).satisfies(error -> {
            assertThat(error.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION.value());
            assertThat(error.getClientId()).isEqualTo("o1");
        });
        alice.send("p1", ClientEvent.newBuilder().setPing(Ping.newBuilder().setNonce(7)));
        assertThat(alice.nextError().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION.value());

        alice.join("not-an-id");
        StreamError badRoom = alice.nextError();
        assertThat(badRoom.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        assertThat(badRoom.getFieldViolationsList()).extracting(FieldViolation::getField).containsExactly("join.room_id");

        alice.joined(room);
        alice.join(room);
        assertThat(alice.nextError().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION.value());
        assertThat(((InMemoryCallRelay) relay).participants(room)).hasSize(1);
    }

    @Test
    void badFramesGetInvalidArgumentAndLeaveTheStreamAndTheOthersAlone() {
        SignalClient alice = client(member(room));
        SignalClient bob = client(member(room));
        String a = alice.joined(room).getParticipantId();
        String b = bob.joined(room).getParticipantId();
        alice.next(); // bob joined

        expectInvalid(alice, ClientEvent.newBuilder().setOffer(sdp(b, "hello")), "offer.sdp");
        expectInvalid(alice, ClientEvent.newBuilder().setOffer(sdp(b, "")), "offer.sdp");
        expectInvalid(alice, ClientEvent.newBuilder().setAnswer(sdp(b, "v=0" + "x".repeat(64 * 1024))), "answer.sdp");
        expectInvalid(alice, ClientEvent.newBuilder().setOffer(sdp("not-an-id", SDP)), "offer.participant_id");
        expectInvalid(alice, ClientEvent.newBuilder().setOffer(sdp(a, SDP)), "offer.participant_id");
        expectInvalid(alice, ClientEvent.newBuilder().setIceCandidate(candidate(b, "c".repeat(1025))),
                "ice_candidate.candidate");
        expectInvalid(alice, ClientEvent.newBuilder().setIceCandidate(candidate(b, "c").setSdpMid("m".repeat(65))),
                "ice_candidate.sdp_mid");
        expectInvalid(alice, ClientEvent.newBuilder().setIceCandidate(
                candidate(b, "c").setUsernameFragment("u".repeat(257))), "ice_candidate.username_fragment");
        expectInvalid(alice, ClientEvent.newBuilder().setIceCandidate(candidate(b, "c").setSdpMLineIndex(-1)),
                "ice_candidate.sdp_m_line_index");
        expectInvalid(alice, ClientEvent.newBuilder().setIceCandidate(candidate("", "c")),
                "ice_candidate.participant_id");
        expectInvalid(alice, ClientEvent.newBuilder(), "event");

        alice.send(ClientEvent.newBuilder().setClientId("x".repeat(65)).setOffer(sdp(b, SDP)).build());
        StreamError longClientId = alice.nextError();
        assertThat(longClientId.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        assertThat(longClientId.getClientId()).isEmpty();
        assertThat(longClientId.getFieldViolationsList()).extracting(FieldViolation::getField).containsExactly("client_id");

        // not a ClientEvent at all: a field 1 string whose length runs past the frame
        alice.sendRaw(new byte[] {0x0A, 0x05, 0x01});
        StreamError garbage = alice.nextError();
        assertThat(garbage.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        assertThat(garbage.getClientId()).isEmpty();

        alice.send("ok", ClientEvent.newBuilder().setOffer(sdp(b, SDP)));
        assertThat(bob.next().getOffer()).isEqualTo(sdp(a, SDP).build());
        assertThat(bob.drainUntilPong()).isEmpty();
        assertThat(alice.drainUntilPong()).isEmpty();
    }

    @Test
    void aTargetOutsideTheCallIsNotFound() {
        SignalClient alice = client(member(room));
        alice.joined(room);
        String otherRoom = Ids.newId();
        SignalClient daveClient = client(member(otherRoom));
        String d = daveClient.joined(otherRoom).getParticipantId();

        alice.send("o1", ClientEvent.newBuilder().setOffer(sdp(Ids.newId(), SDP)));
        StreamError unknown = alice.nextError();
        assertThat(unknown.getCode()).isEqualTo(Status.Code.NOT_FOUND.value());
        assertThat(unknown.getClientId()).isEqualTo("o1");
        alice.send("c1", ClientEvent.newBuilder().setIceCandidate(
                candidate(d, "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host")));
        assertThat(alice.nextError().getCode()).isEqualTo(Status.Code.NOT_FOUND.value());
        assertThat(daveClient.drainUntilPong()).isEmpty();
    }

    @Test
    void leaveCompletionAndCancellationEachTellTheOthersExactlyOnce() {
        SignalClient bob = client(member(room));
        String b = bob.joined(room).getParticipantId();
        String leaverId = member(room);
        String completerId = member(room);
        String cancellerId = member(room);
        SignalClient leaver = client(leaverId);
        SignalClient completer = client(completerId);
        SignalClient canceller = client(cancellerId);
        String l = leaver.joined(room).getParticipantId();
        String co = completer.joined(room).getParticipantId();
        String ca = canceller.joined(room).getParticipantId();
        assertThat(List.of(bob.next(), bob.next(), bob.next()))
                .extracting(response -> response.getParticipantJoined().getParticipant().getParticipantId())
                .containsExactly(l, co, ca);

        leaver.send("bye", ClientEvent.newBuilder().setLeave(Leave.getDefaultInstance()));
        assertThat(leaver.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(bob.next().getParticipantLeft().getParticipantId()).isEqualTo(l);

        completer.send(ClientEvent.newBuilder().setOffer(sdp(b, SDP)).build());
        assertThat(bob.next().getOffer().getParticipantId()).isEqualTo(co);
        // a stream that ends without Leave is a dropped one: reconnecting first, left once the
        // grace period (15 s) is over
        completer.closeRequests();
        assertThat(completer.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        assertThat(bob.next().getParticipantReconnecting().getParticipantId()).isEqualTo(co);
        canceller.cancel();
        assertThat(bob.next().getParticipantReconnecting().getParticipantId()).isEqualTo(ca);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(((InMemoryCallRelay) relay)
                .participants(room)).extracting(p -> p.participantId()).containsExactly(b));
        List<ParticipantLeft> lefts = List.of(bob.next().getParticipantLeft(), bob.next().getParticipantLeft());
        assertThat(lefts).extracting(ParticipantLeft::getParticipantId).containsExactlyInAnyOrder(co, ca);
        assertThat(lefts).extracting(ParticipantLeft::getUserId).containsExactlyInAnyOrder(completerId, cancellerId);
        assertThat(bob.drainUntilPong()).isEmpty();
    }

    @Test
    void theTokenMayComeInJoinWhenThereIsNoHeader() {
        SignalClient bob = client(member(room));
        bob.joined(room);
        String aliceId = member(room);
        SignalClient alice = track(SignalClient.withoutHeader(channel));

        alice.send("join", ClientEvent.newBuilder().setJoin(Join.newBuilder().setRoomId(room)
                .setAccessToken(TOKENS.issue(aliceId, "alice"))));

        assertThat(alice.next().getJoined().getParticipantsList()).hasSize(1);
        assertThat(bob.next().getParticipantJoined().getParticipant().getUserId()).isEqualTo(aliceId);
    }

    @Test
    void aBadOrMissingInBandTokenEndsTheStreamUnauthenticated() {
        SignalClient bob = client(member(room));
        bob.joined(room);
        String aliceId = member(room);
        for (String token : List.of("not-a-jwt", "", TOKENS.issue(aliceId, "alice", Duration.ofMinutes(-5)),
                new TestTokens().issue(aliceId, "alice"))) {
            SignalClient alice = track(SignalClient.withoutHeader(channel));
            alice.send("join", ClientEvent.newBuilder().setJoin(Join.newBuilder().setRoomId(room).setAccessToken(token)));

            StreamError error = alice.nextError();
            assertThat(error.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED.value());
            assertThat(error.getClientId()).isEqualTo("join");
            assertThat(alice.awaitClose().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(alice.awaitCloseReason()).isEqualTo("UNAUTHENTICATED");
        }
        assertThat(bob.drainUntilPong()).isEmpty();
    }

    @Test
    void aBadHeaderTokenIsRejectedBeforeTheStreamStarts() {
        SignalClient alice = track(SignalClient.withHeader(channel, "not-a-jwt"));
        alice.join(room);
        assertThat(alice.awaitClose().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void aStreamThatKeepsSendingGarbageIsCutOff() {
        SignalClient alice = client(member(room));
        alice.joined(room);
        for (int i = 0; i <= MalformedRequests.STREAM_FRAMES_MAX; i++) {
            alice.sendRaw(new byte[] {0x0A, 0x05, 0x01});
            assertThat(alice.nextError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        }
        assertThat(alice.awaitClose().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(((InMemoryCallRelay) relay).participants(room)).isEmpty();
    }

    @Test
    void aStreamThatNeverJoinsIsClosed() {
        SignalClient silent = track(SignalClient.withoutHeader(channel));
        StreamError why = silent.nextError();
        assertThat(why.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED.value());
        assertThat(why.getClientId()).isEmpty();
        assertThat(silent.awaitClose().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void aStreamEndsWhenItsTokenExpiresUnlessReauthenticatedByTheSameUser() {
        String aliceId = member(room);
        SignalClient expiring = track(SignalClient.withoutHeader(channel));
        expiring.send("join", ClientEvent.newBuilder().setJoin(Join.newBuilder().setRoomId(room)
                .setAccessToken(TOKENS.issue(aliceId, "alice", Duration.ofSeconds(2)))));
        Joined joined = expiring.next().getJoined();
        assertThat(ApiTimes.instant(joined.getTokenExpireTime())).isBefore(Instant.now().plusSeconds(3));
        assertThat(expiring.nextError().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED.value());
        assertThat(expiring.awaitClose().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(((InMemoryCallRelay) relay).participants(room)).as("the expired participant left").isEmpty();

        SignalClient renewed = track(SignalClient.withoutHeader(channel));
        renewed.send("join", ClientEvent.newBuilder().setJoin(Join.newBuilder().setRoomId(room)
                .setAccessToken(TOKENS.issue(aliceId, "alice", Duration.ofSeconds(2)))));
        renewed.next().getJoined();
        renewed.send("bob's", ClientEvent.newBuilder().setReauthenticate(Reauthenticate.newBuilder()
                .setAccessToken(TOKENS.issue(Ids.newId(), "bob"))));
        assertThat(renewed.nextError().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED.value());
        renewed.send("fresh", ClientEvent.newBuilder().setReauthenticate(Reauthenticate.newBuilder()
                .setAccessToken(TOKENS.issue(aliceId, "alice", Duration.ofHours(1)))));
        assertThat(renewed.next().getReauthenticated().getClientId()).isEqualTo("fresh");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> ((InMemoryCallRelay) relay).participants(room).size() == 1);
        assertThat(renewed.drainUntilPong()).isEmpty();
    }

    @Test
    void getIceServersNeedsATokenAndIsEmptyByDefault() {
        SignalingServiceGrpc.SignalingServiceBlockingStub stub = SignalingServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS);

        GetIceServersResponse servers = stub.withCallCredentials(BearerCallCredentials.of(TOKENS.issue(Ids.newId(), "u")))
                .getIceServers(GetIceServersRequest.getDefaultInstance());

        assertThat(servers.getIceServersList()).isEmpty();
        assertThat(servers.hasExpireTime()).isFalse();
        assertThatThrownBy(() -> stub.getIceServers(GetIceServersRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    }

    @Test
    void sdpAndCandidatesThatDoNotParseAreRefusedAndReachNobody() {
        SignalClient alice = client(member(room));
        SignalClient bob = client(member(room));
        String a = alice.joined(room).getParticipantId();
        String b = bob.joined(room).getParticipantId();
        alice.next(); // bob joined

        expectInvalid(alice, ClientEvent.newBuilder().setOffer(sdp(b, "v=0\r\nhello world\r\n")), "offer.sdp");
        expectInvalid(alice, ClientEvent.newBuilder().setOffer(sdp(b, "v=0\r\ns=-\r\nt=0 0\r\n")), "offer.sdp"); // no o=
        expectInvalid(alice, ClientEvent.newBuilder().setAnswer(sdp(b, SDP + "a=bad\u0001control\r\n")), "answer.sdp");
        expectInvalid(alice, ClientEvent.newBuilder().setAnswer(sdp(b, "v=1\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n")),
                "answer.sdp");
        expectInvalid(alice, ClientEvent.newBuilder().setIceCandidate(candidate(b, "candidate:garbage")),
                "ice_candidate.candidate");
        expectInvalid(alice, ClientEvent.newBuilder().setIceCandidate(
                candidate(b, "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ wormhole")), "ice_candidate.candidate");
        assertThat(bob.drainUntilPong()).isEmpty();

        // what browsers send passes: mDNS host candidates, extensions
        String mdns = "candidate:3 1 udp 2113937151 0b4a5f1c-7d0e-4c2b-9c7e-1f2a3b4c5d6e.local 54321 typ host"
                + " generation 0 ufrag abcd network-cost 999";
        alice.send("c", ClientEvent.newBuilder().setIceCandidate(candidate(b, mdns)));
        assertThat(bob.next().getIceCandidate().getCandidate()).isEqualTo(mdns);
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void offersCrossingInGlareBothArriveAndTheRolesFollowTheParticipantIds() {
        SignalClient alice = client(member(room));
        SignalClient bob = client(member(room));
        String a = alice.joined(room).getParticipantId();
        String b = bob.joined(room).getParticipantId();
        alice.next(); // bob joined

        alice.send("oa", ClientEvent.newBuilder().setOffer(sdp(b, SDP + "a=from-alice\r\n")));
        bob.send("ob", ClientEvent.newBuilder().setOffer(sdp(a, SDP + "a=from-bob\r\n")));
        // the server relays both; the polite side (the smaller id) rolls back and answers
        assertThat(bob.next().getOffer()).isEqualTo(sdp(a, SDP + "a=from-alice\r\n").build());
        assertThat(alice.next().getOffer()).isEqualTo(sdp(b, SDP + "a=from-bob\r\n").build());
        SignalClient polite = a.compareTo(b) < 0 ? alice : bob;
        SignalClient impolite = polite == alice ? bob : alice;
        String politeId = polite == alice ? a : b;
        String impoliteId = polite == alice ? b : a;
        polite.send("answer", ClientEvent.newBuilder().setAnswer(sdp(impoliteId, SDP + "a=polite-answer\r\n")));
        assertThat(impolite.next().getAnswer()).isEqualTo(sdp(politeId, SDP + "a=polite-answer\r\n").build());
        assertThat(polite.drainUntilPong()).isEmpty();
    }

    @Test
    void aDroppedStreamRejoinsWithinTheGracePeriodKeepingItsParticipantId() {
        String bobId = member(room);
        SignalClient alice = client(member(room));
        SignalClient bob = client(bobId);
        alice.joined(room);
        String b = bob.joined(room).getParticipantId();
        alice.next(); // bob joined

        bob.cancel(); // the network dropped, no Leave
        ServerEvent reconnecting = alice.next();
        assertThat(reconnecting.getParticipantReconnecting().getParticipantId()).isEqualTo(b);
        assertThat(reconnecting.getParticipantReconnecting().getUserId()).isEqualTo(bobId);

        SignalClient bobAgain = client(bobId);
        bobAgain.send("join", ClientEvent.newBuilder().setJoin(Join.newBuilder().setRoomId(room).setParticipantId(b)));
        Joined resumed = bobAgain.next().getJoined();
        assertThat(resumed.getParticipantId()).isEqualTo(b);
        assertThat(resumed.getResumed()).isTrue();
        ServerEvent back = alice.next();
        assertThat(back.getParticipantJoined().getParticipant().getParticipantId()).isEqualTo(b);
        assertThat(back.getParticipantJoined().getResumed()).isTrue();
        assertThat(alice.drainUntilPong()).isEmpty(); // no ParticipantLeft
        assertThat(((InMemoryCallRelay) relay).participants(room)).hasSize(2);
    }

    @Test
    void theNinthParticipantIsRefusedWithTheReason() {
        for (int i = 0; i < 8; i++) {
            client(member(room)).joined(room);
        }
        SignalClient ninth = client(member(room));
        ninth.join(room);
        StreamError full = ninth.nextError();
        assertThat(full.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
        assertThat(full.getReason()).isEqualTo("LIMIT_REACHED");
        assertThat(((InMemoryCallRelay) relay).participants(room)).hasSize(8);
    }

    @Test
    void speakingIsBroadcastAndTheLastLeaveLeavesACallEndedNote() {
        SignalClient alice = client(member(room));
        SignalClient bob = client(member(room));
        alice.joined(room);
        String b = bob.joined(room).getParticipantId();
        alice.next(); // bob joined

        MediaState speaking = MediaState.newBuilder().setAudio(true).setSpeaking(true).build();
        bob.send("s", ClientEvent.newBuilder().setMediaState(speaking));
        assertThat(alice.next().getMediaStateChanged())
                .isEqualTo(MediaStateChanged.newBuilder().setParticipantId(b).setMedia(speaking).build());

        alice.send("bye", ClientEvent.newBuilder().setLeave(Leave.getDefaultInstance()));
        bob.send("bye", ClientEvent.newBuilder().setLeave(Leave.getDefaultInstance()));
        await().atMost(Duration.ofSeconds(60)).until(() -> !ROOMS.messages(room).isEmpty());
        assertThat(ROOMS.messages(room)).containsExactly("Call ended, less than a minute");
    }

    private static void expectInvalid(SignalClient client, ClientEvent.Builder request, String field) {
        client.send("bad", request);
        StreamError error = client.nextError();
        assertThat(error.getCode()).as("code for %s", field).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        assertThat(error.getClientId()).isEqualTo("bad");
        assertThat(error.getFieldViolationsList()).extracting(FieldViolation::getField).contains(field);
    }

    /** A new user who is a member of the room. */
    private static String member(String roomId) {
        String userId = Ids.newId();
        ROOMS.addMember(roomId, userId);
        return userId;
    }

    private SignalClient client(String userId) {
        return track(SignalClient.withHeader(channel, TOKENS.issue(userId, "user-" + userId)));
    }

    private SignalClient track(SignalClient client) {
        clients.add(client);
        return client;
    }
}

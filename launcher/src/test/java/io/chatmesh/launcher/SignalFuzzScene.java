package io.chatmesh.launcher;

import static io.chatmesh.launcher.Accounts.signUpAndLogIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatmesh.launcher.SignalEventFuzzer.Targets;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.signaling.v1.ClientEvent;
import io.chatmesh.proto.signaling.v1.IceCandidate;
import io.chatmesh.proto.signaling.v1.Join;
import io.chatmesh.proto.signaling.v1.Leave;
import io.chatmesh.proto.signaling.v1.Joined;
import io.chatmesh.proto.signaling.v1.MediaState;
import io.chatmesh.proto.signaling.v1.Participant;
import io.chatmesh.proto.signaling.v1.Ping;
import io.chatmesh.proto.signaling.v1.ServerEvent;
import io.chatmesh.proto.signaling.v1.SessionDescription;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * The people around the signaling fuzzer: a bystander and a peer joined to the call of the
 * room they share with it; while the fuzz runs the peer keeps sending the bystander offers and
 * ICE candidates, and the bystander keeps pinging. Checks afterwards that both stayed in the
 * call, undisturbed, and got everything meant for them, once and in order.
 */
final class SignalFuzzScene {

    private static final MediaState BYSTANDER_MEDIA = MediaState.newBuilder().setAudio(true).setVideo(true).build();

    final Targets targets;
    private final Channel edge;
    private final Call bystander;
    private final Call peer;

    /** One participant's stream, sent on by one thread at a time. */
    private record Call(StreamObserver<ClientEvent> out, StreamRecorder<ServerEvent> events, Joined joined) {

        /** Leaves at once (a stream that only ends is a drop: reconnecting for the grace period). */
        void leave() {
            out.onNext(ClientEvent.newBuilder().setLeave(Leave.getDefaultInstance()).build());
            out.onCompleted();
        }

        static Call join(Channel channel, String token, String room, MediaState media) {
            StreamRecorder<ServerEvent> events = new StreamRecorder<>();
            StreamObserver<ClientEvent> out = SignalingServiceGrpc.newStub(channel)
                    .withCallCredentials(BearerCallCredentials.of(token)).connect(events);
            out.onNext(ClientEvent.newBuilder().setClientId("join")
                    .setJoin(Join.newBuilder().setRoomId(room).setMedia(media)).build());
            return new Call(out, events, events.awaitFirst(ServerEvent::hasJoined).getJoined());
        }

        String participantId() {
            return joined.getParticipantId();
        }
    }

    private SignalFuzzScene(Channel edge, Targets targets, Call bystander, Call peer) {
        this.edge = edge;
        this.targets = targets;
        this.bystander = bystander;
        this.peer = peer;
    }

    static SignalFuzzScene create(Channel edge) {
        String fuzzer = signUpAndLogIn(edge, "signal-fuzzer");
        String bystanderToken = signUpAndLogIn(edge, "signal-bystander");
        String peerToken = signUpAndLogIn(edge, "signal-peer");
        String room = ChatFuzzScene.createRoom(edge, peerToken, RoomKind.ROOM_KIND_GROUP,
                ChatFuzzScene.userId(edge, fuzzer), ChatFuzzScene.userId(edge, bystanderToken));
        String foreign = ChatFuzzScene.createRoom(edge, bystanderToken, RoomKind.ROOM_KIND_PRIVATE,
                ChatFuzzScene.userId(edge, peerToken));
        Call bystander = Call.join(edge, bystanderToken, room, BYSTANDER_MEDIA);
        Call peer = Call.join(edge, peerToken, room, MediaState.newBuilder().setAudio(true).build());
        return new SignalFuzzScene(edge, new Targets(room, foreign, bystander.participantId(), peer.participantId(),
                fuzzer), bystander, peer);
    }

    /** The peer's n-th signal to the bystander: offers and ICE candidates in turn, each recognisable. */
    void peerSignals(int n) {
        ClientEvent.Builder signal = ClientEvent.newBuilder().setClientId("peer-" + n);
        if (n % 2 == 0) {
            signal.setOffer(SessionDescription.newBuilder().setParticipantId(bystander.participantId())
                    .setSdp(peerSdp(n)));
        } else {
            signal.setIceCandidate(IceCandidate.newBuilder().setParticipantId(bystander.participantId())
                    .setCandidate(peerCandidate(n)).setSdpMid("0"));
        }
        peer.out().onNext(signal.build());
    }

    void bystanderPings(int n) {
        bystander.out().onNext(ClientEvent.newBuilder().setPing(Ping.newBuilder().setNonce(n)).build());
    }

    /**
     * Both stayed joined, got no StreamError, and the bystander got each of the peer's
     * {@code signals} signals and a Pong for each of its {@code pings} pings, once, in order.
     */
    void assertUndisturbed(FuzzSeed seed, int signals, int pings) {
        await(seed + ": the bystander receives every signal and pong").atMost(StreamRecorder.PATIENCE)
                .until(() -> bystander.events().ended() || (fromPeer().size() >= signals
                        && bystander.events().all(ServerEvent::hasPong).size() >= pings));
        for (Call call : List.of(bystander, peer)) {
            assertThat(call.events().ended()).as("%s: %s's stream is open (%s)", seed, call.participantId(),
                    call.events().error()).isFalse();
            assertThat(call.events().all(ServerEvent::hasError)).as("%s: StreamErrors of a well-behaved participant", seed)
                    .isEmpty();
            assertThat(call.events().all(e -> e.hasParticipantLeft()
                    && List.of(bystander.participantId(), peer.participantId()).contains(e.getParticipantLeft().getParticipantId())))
                    .as("%s: a well-behaved participant left the call", seed).isEmpty();
        }
        List<String> expected = IntStream.range(0, signals)
                .mapToObj(n -> n % 2 == 0 ? "offer " + peerSdp(n) : "ice " + peerCandidate(n)).toList();
        assertThat(fromPeer()).as("%s: the peer's signals at the bystander", seed).containsExactlyElementsOf(expected);
        assertThat(bystander.events().all(ServerEvent::hasPong)).extracting(e -> e.getPong().getNonce())
                .as("%s: the bystander's pongs", seed)
                .containsExactlyElementsOf(LongStream.range(0, pings).boxed().toList());
    }

    /**
     * Once the server processed the fuzzer's last leave (its streams end asynchronously), a new
     * participant finds exactly the bystander and the peer in the call, the bystander's media as it joined.
     */
    void assertCallHoldsOnlyTheWellBehaved(FuzzSeed seed) {
        await(seed + ": every fuzzer participant left, as the bystander sees it").atMost(StreamRecorder.PATIENCE)
                .until(() -> othersInCallAsTheBystanderSeesIt().equals(Set.of(peer.participantId())));
        Call newcomer = Call.join(edge, targets.token(), targets.callRoom(), MediaState.getDefaultInstance());
        try {
            assertThat(newcomer.joined().getParticipantsList()).extracting(Participant::getParticipantId)
                    .as("%s: the call's participants after the fuzz", seed)
                    .containsExactlyInAnyOrder(bystander.participantId(), peer.participantId());
            assertThat(newcomer.joined().getParticipantsList()).filteredOn(p -> p.getParticipantId()
                    .equals(bystander.participantId())).extracting(Participant::getMedia)
                    .as("%s: the bystander's media", seed).containsExactly(BYSTANDER_MEDIA);
        } finally {
            newcomer.leave();
        }
    }

    void leave() {
        bystander.leave();
        peer.leave();
    }

    private Set<String> othersInCallAsTheBystanderSeesIt() {
        Set<String> inCall = new HashSet<>();
        for (ServerEvent event : bystander.events().all(e -> e.hasParticipantJoined() || e.hasParticipantLeft())) {
            if (event.hasParticipantJoined()) {
                inCall.add(event.getParticipantJoined().getParticipant().getParticipantId());
            } else {
                inCall.remove(event.getParticipantLeft().getParticipantId());
            }
        }
        return inCall;
    }

    private List<String> fromPeer() {
        return bystander.events().all(e -> (e.hasOffer() && e.getOffer().getParticipantId().equals(peer.participantId()))
                || (e.hasIceCandidate() && e.getIceCandidate().getParticipantId().equals(peer.participantId())))
                .stream().map(e -> e.hasOffer() ? "offer " + e.getOffer().getSdp() : "ice " + e.getIceCandidate().getCandidate())
                .toList();
    }

    private static String peerSdp(int n) {
        return "v=0\r\no=peer " + n + " 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    }

    private static String peerCandidate(int n) {
        return "candidate:" + n + " 1 udp 2122260223 127.0.0.1 " + (40_000 + n) + " typ host";
    }
}

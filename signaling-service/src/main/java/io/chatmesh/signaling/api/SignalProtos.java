package io.chatmesh.signaling.api;

import com.google.protobuf.Duration;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.signaling.v1.IceServer;
import io.chatmesh.proto.signaling.v1.Joined;
import io.chatmesh.proto.signaling.v1.MediaState;
import io.chatmesh.proto.signaling.v1.MediaStateChanged;
import io.chatmesh.proto.signaling.v1.Participant;
import io.chatmesh.proto.signaling.v1.ParticipantJoined;
import io.chatmesh.proto.signaling.v1.ParticipantLeft;
import io.chatmesh.proto.signaling.v1.ParticipantReconnecting;
import io.chatmesh.proto.signaling.v1.ServerEvent;
import io.chatmesh.proto.signaling.v1.SessionDescription;
import io.chatmesh.signaling.domain.CallEvent;
import io.chatmesh.signaling.domain.IceServerDirectory;
import io.chatmesh.signaling.domain.Media;
import io.chatmesh.signaling.domain.Signal;
import java.util.List;

/** Translation between the signaling protos and the domain (for the Connect stream and the bus). */
public final class SignalProtos {

    private SignalProtos() {}

    public static Media media(MediaState state) {
        return new Media(state.getAudio(), state.getVideo(), state.getScreen(), state.getSpeaking());
    }

    public static MediaState mediaState(Media media) {
        return MediaState.newBuilder().setAudio(media.audio()).setVideo(media.video()).setScreen(media.screen())
                .setSpeaking(media.speaking()).build();
    }

    static Signal.Offer offer(SessionDescription offer) {
        return new Signal.Offer(offer.getSdp());
    }

    static Signal.Answer answer(SessionDescription answer) {
        return new Signal.Answer(answer.getSdp());
    }

    static Signal.IceCandidate iceCandidate(io.chatmesh.proto.signaling.v1.IceCandidate candidate) {
        return new Signal.IceCandidate(candidate.getCandidate(), candidate.getSdpMid(),
                candidate.getSdpMLineIndex(), candidate.getUsernameFragment());
    }

    public static Participant participant(io.chatmesh.signaling.domain.Participant participant) {
        return Participant.newBuilder()
                .setParticipantId(participant.participantId())
                .setUserId(participant.userId())
                .setMedia(mediaState(participant.media()))
                .setJoinTime(ApiTimes.timestamp(participant.joinTime()))
                .setReconnecting(participant.reconnecting())
                .build();
    }

    public static io.chatmesh.signaling.domain.Participant participant(Participant participant) {
        return new io.chatmesh.signaling.domain.Participant(participant.getParticipantId(), participant.getUserId(),
                media(participant.getMedia()), ApiTimes.instant(participant.getJoinTime()), participant.getReconnecting());
    }

    static List<IceServer> iceServers(IceServerDirectory.IceServers servers) {
        return servers.servers().stream()
                .map(server -> IceServer.newBuilder().addAllUrls(server.urls())
                        .setUsername(server.username()).setCredential(server.credential()).build())
                .toList();
    }

    /** What only the joining participant's {@link CallEvent.Joined} tells it. */
    record JoinDetails(String roomId, IceServerDirectory.IceServers iceServers, java.time.Duration heartbeat,
            java.time.Instant tokenExpireTime) {}

    /** The frame for an event; relayed signals name their sender in participant_id. */
    static ServerEvent response(CallEvent event, JoinDetails join) {
        ServerEvent.Builder response = ServerEvent.newBuilder();
        switch (event) {
            case CallEvent.Joined joined -> response.setJoined(Joined.newBuilder()
                    .setRoomId(join.roomId())
                    .setParticipantId(joined.self().participantId())
                    .addAllParticipants(joined.others().stream().map(SignalProtos::participant).toList())
                    .addAllIceServers(iceServers(join.iceServers()))
                    .setHeartbeatInterval(duration(join.heartbeat()))
                    .setTokenExpireTime(ApiTimes.timestamp(join.tokenExpireTime()))
                    .setResumed(joined.resumed()));
            case CallEvent.ParticipantJoined joined -> response.setParticipantJoined(ParticipantJoined.newBuilder()
                    .setParticipant(participant(joined.participant())).setResumed(joined.resumed()));
            case CallEvent.ParticipantReconnecting reconnecting -> response.setParticipantReconnecting(
                    ParticipantReconnecting.newBuilder().setParticipantId(reconnecting.participantId())
                            .setUserId(reconnecting.userId()));
            case CallEvent.ParticipantLeft left -> response.setParticipantLeft(ParticipantLeft.newBuilder()
                    .setParticipantId(left.participantId()).setUserId(left.userId()));
            case CallEvent.MediaChanged changed -> response.setMediaStateChanged(MediaStateChanged.newBuilder()
                    .setParticipantId(changed.participantId()).setMedia(mediaState(changed.media())));
            case CallEvent.SignalReceived received -> {
                String from = received.fromParticipantId();
                switch (received.signal()) {
                    case Signal.Offer offer -> response.setOffer(
                            SessionDescription.newBuilder().setParticipantId(from).setSdp(offer.sdp()));
                    case Signal.Answer answer -> response.setAnswer(
                            SessionDescription.newBuilder().setParticipantId(from).setSdp(answer.sdp()));
                    case Signal.IceCandidate candidate -> response.setIceCandidate(
                            io.chatmesh.proto.signaling.v1.IceCandidate.newBuilder()
                                    .setParticipantId(from)
                                    .setCandidate(candidate.candidate())
                                    .setSdpMid(candidate.sdpMid())
                                    .setSdpMLineIndex(candidate.sdpMLineIndex())
                                    .setUsernameFragment(candidate.usernameFragment()));
                }
            }
            case CallEvent.CallEnded ended -> throw new IllegalArgumentException("CallEnded is not sent to clients");
            case CallEvent.Replaced replaced -> throw new IllegalArgumentException("Replaced is not sent to clients");
        }
        return response.build();
    }

    static Duration duration(java.time.Duration duration) {
        return Duration.newBuilder().setSeconds(duration.getSeconds()).setNanos(duration.getNano()).build();
    }
}

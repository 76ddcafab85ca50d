package io.chatmesh.launcher;

import io.chatmesh.launcher.FuzzValues.Value;
import io.chatmesh.proto.signaling.v1.ClientEvent;
import io.chatmesh.proto.signaling.v1.IceCandidate;
import io.chatmesh.proto.signaling.v1.Join;
import io.chatmesh.proto.signaling.v1.Leave;
import io.chatmesh.proto.signaling.v1.MediaState;
import io.chatmesh.proto.signaling.v1.Ping;
import io.chatmesh.proto.signaling.v1.SessionDescription;
import java.util.List;

/**
 * Random signaling ClientEvents (as frames) with edge-case fields, and frames that are no
 * ClientEvent at all. The sequence depends on the seed only, not on the server's answers.
 */
final class SignalEventFuzzer {

    /** The call's room, a room the fuzzer is not a member of, and the participants already in the call. */
    record Targets(String callRoom, String foreignRoom, String bystanderParticipant, String peerParticipant,
            String token) {}

    /** The highest field number ClientEvent defines: numbers above it are unknown to the server. */
    private static final int MAX_KNOWN_FIELD = ClientEvent.getDescriptor().getFields().stream()
            .mapToInt(com.google.protobuf.Descriptors.FieldDescriptor::getNumber).max().orElseThrow();
    static final int SDP_MAX_BYTES = 64 * 1024;
    private static final int SIGNALING_FRAME_LIMIT = 128 * 1024;
    private static final int EDGE_FRAME_LIMIT = 8 * 1024 * 1024;
    static final String SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    private final FuzzValues values;
    private final Targets targets;
    private long n;

    SignalEventFuzzer(FuzzValues values, Targets targets) {
        this.values = values;
        this.targets = targets;
    }

    FuzzEvent next() {
        n++;
        if (n % 250 == 125) {
            return oversized(); // each costs a stream: a few per run, at fixed places
        }
        int roll = values.random().nextInt(10_000);
        if (roll < 100) {
            return new FuzzEvent("reconnect", new byte[0], "", false, false, "client cancels and reconnects");
        } else if (roll < 450) {
            Value<byte[]> garbage = values.garbage(join(values).frame());
            return new FuzzEvent("garbage", garbage.value(), "", false, true, "garbage: " + garbage.label());
        } else if (roll < 600) {
            return leave();
        }
        FuzzEvent event;
        if (roll < 1_400) {
            event = join(values);
        } else if (roll < 4_000) {
            event = description(values.chance(0.5) ? "offer" : "answer");
        } else if (roll < 6_300) {
            event = iceCandidate();
        } else if (roll < 7_300) {
            event = mediaState();
        } else if (roll < 8_500) {
            event = ping();
        } else {
            event = noEvent();
        }
        return values.chance(0.08) ? values.withUnknownFields(event, MAX_KNOWN_FIELD) : event;
    }

    /** A Join: of the call's room (valid, unless the token in it is bad and there is no header), or of rooms not the fuzzer's. */
    FuzzEvent join(FuzzValues from) {
        Value<String> clientId = from.clientId("j", n);
        int roll = from.random().nextInt(100);
        Value<String> room = roll < 60 ? new Value<>(targets.callRoom(), false, "call room")
                : roll < 75 ? new Value<>(targets.foreignRoom(), true, "foreign room") : from.badId();
        Join.Builder join = Join.newBuilder().setRoomId(room.value()).setMedia(media(from));
        int token = from.random().nextInt(100);
        String tokenLabel = token < 70 ? "no token" : token < 85 ? "valid token" : "bad token";
        if (token >= 70) {
            join.setAccessToken(token < 85 ? targets.token() : from.badToken(targets.token()));
        }
        return event("join", clientId, ClientEvent.newBuilder().setJoin(join),
                "join client_id=" + clientId.label() + " room=" + room.label() + " " + tokenLabel);
    }

    private FuzzEvent description(String kind) {
        Value<String> clientId = values.clientId(kind.substring(0, 1), n);
        Value<String> target = participant();
        Value<String> sdp = sdp();
        SessionDescription description = SessionDescription.newBuilder().setParticipantId(target.value())
                .setSdp(sdp.value()).build();
        ClientEvent.Builder event = kind.equals("offer") ? ClientEvent.newBuilder().setOffer(description)
                : ClientEvent.newBuilder().setAnswer(description);
        return event(kind, clientId, event, kind + " client_id=" + clientId.label() + " to=" + target.label()
                + " sdp=" + sdp.label());
    }

    private FuzzEvent iceCandidate() {
        Value<String> clientId = values.clientId("i", n);
        Value<String> target = participant();
        Value<String> candidate = values.pick(List.of(
                new Value<>("", false, "end of candidates"),
                new Value<>("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", false, "host"),
                new Value<>("c".repeat(1024), false, "1024 bytes"),
                new Value<>("c".repeat(1025), true, "1025 bytes"),
                new Value<>(values.text(300, true), true, "unicode over 1 KiB"),
                new Value<>(values.text(200, false), false, "junk")));
        Value<String> mid = values.pick(List.of(new Value<>("0", false, "0"), new Value<>("", false, "empty"),
                new Value<>(values.text(64, true), false, "64 cp"), new Value<>(values.text(65, false), true, "65 cp")));
        Value<Integer> index = values.pick(List.of(new Value<>(0, false, "0"), new Value<>(65_535, false, "65535"),
                new Value<>(65_536, true, "65536"), new Value<>(-1, true, "-1"), new Value<>(Integer.MIN_VALUE, true, "MIN")));
        Value<String> fragment = values.pick(List.of(new Value<>("", false, "empty"),
                new Value<>(values.text(256, false), false, "256"), new Value<>(values.text(257, true), true, "257")));
        return event("ice_candidate", clientId, ClientEvent.newBuilder().setIceCandidate(IceCandidate.newBuilder()
                .setParticipantId(target.value()).setCandidate(candidate.value()).setSdpMid(mid.value())
                .setSdpMLineIndex(index.value()).setUsernameFragment(fragment.value())),
                "ice client_id=" + clientId.label() + " to=" + target.label() + " candidate=" + candidate.label()
                        + " mid=" + mid.label() + " index=" + index.label() + " ufrag=" + fragment.label());
    }

    private FuzzEvent mediaState() {
        Value<String> clientId = values.clientId("s", n);
        return event("media_state", clientId, ClientEvent.newBuilder().setMediaState(media(values)),
                "media_state client_id=" + clientId.label());
    }

    private FuzzEvent ping() {
        Value<String> clientId = values.chance(0.5) ? values.clientId("p", n) : new Value<>("", false, "none");
        long nonce = values.nonce();
        return event("ping", clientId, ClientEvent.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)),
                "ping client_id=" + clientId.label() + " nonce=" + nonce);
    }

    private FuzzEvent leave() {
        Value<String> clientId = values.clientId("l", n);
        return event("leave", clientId, ClientEvent.newBuilder().setLeave(Leave.getDefaultInstance()),
                "leave client_id=" + clientId.label());
    }

    /** No event: only a client_id, nothing at all, or an event number ClientEvent does not have. */
    private FuzzEvent noEvent() {
        Value<String> clientId = values.clientId("n", n);
        ClientEvent.Builder event = ClientEvent.newBuilder();
        boolean unknownKind = values.chance(0.5);
        if (unknownKind) {
            event.setUnknownFields(FuzzValues.unknownEvent(MAX_KNOWN_FIELD + 1));
        }
        return event("no-event", clientId, event, "no event, client_id=" + clientId.label()
                + (unknownKind ? ", an unknown event field " + (MAX_KNOWN_FIELD + 1) : ""));
    }

    /** A frame past signaling-service's limit, or the edge's. */
    private FuzzEvent oversized() {
        boolean beyondEdge = values.chance(0.3);
        byte[] frame = ClientEvent.newBuilder().setOffer(SessionDescription.newBuilder()
                .setParticipantId(targets.bystanderParticipant())
                .setSdp("v=0" + "x".repeat(beyondEdge ? EDGE_FRAME_LIMIT : SIGNALING_FRAME_LIMIT))).build().toByteArray();
        return new FuzzEvent(beyondEdge ? "oversized-edge" : "oversized", frame, "", false, true, "oversized frame past the "
                + (beyondEdge ? "edge's 8 MiB" : "signaling-service's 128 KiB") + " limit");
    }

    /** Signaling acks nothing: an event is answered only when refused, so none is "answered" for sure. */
    private static FuzzEvent event(String kind, Value<String> clientId, ClientEvent.Builder event, String description) {
        byte[] frame = event.setClientId(clientId.value()).build().toByteArray();
        return new FuzzEvent(kind, frame, clientId.value(), false, false, description);
    }

    private MediaState media(FuzzValues from) {
        return MediaState.newBuilder().setAudio(from.chance(0.5)).setVideo(from.chance(0.5)).setScreen(from.chance(0.2))
                .build();
    }

    private Value<String> participant() {
        int roll = values.random().nextInt(100);
        if (roll < 30) {
            return new Value<>(targets.bystanderParticipant(), false, "bystander");
        } else if (roll < 45) {
            return new Value<>(targets.peerParticipant(), false, "peer");
        }
        Value<String> bad = values.badId();
        return new Value<>(bad.value(), true, bad.label());
    }

    private Value<String> sdp() {
        int roll = values.random().nextInt(100);
        if (roll < 35) {
            return new Value<>(SDP, false, "valid");
        } else if (roll < 45) {
            return new Value<>("", true, "empty");
        } else if (roll < 55) {
            return new Value<>("o=- 1 2 IN IP4 127.0.0.1\r\n", true, "not starting v=0");
        } else if (roll < 60) {
            return new Value<>("v=0" + "a".repeat(SDP_MAX_BYTES - 3), false, "64 KiB");
        } else if (roll < 67) {
            return new Value<>("v=0" + "a".repeat(SDP_MAX_BYTES - 2), true, "64 KiB + 1");
        } else if (roll < 74) {
            return new Value<>("v=0" + values.text(SDP_MAX_BYTES / 2, true), true, "unicode past 64 KiB of UTF-8");
        } else if (roll < 80) {
            return new Value<>("v=0\u0000" + values.text(20, true), false, "NUL and unicode");
        }
        return new Value<>(values.text(1 + values.random().nextInt(200), values.chance(0.5)), true, "junk");
    }
}

package io.chatmesh.launcher;

import io.chatmesh.launcher.FuzzValues.Value;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.DeleteMessageEvent;
import io.chatmesh.proto.chat.v1.EditMessageEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.MarkReadEvent;
import io.chatmesh.proto.chat.v1.Ping;
import io.chatmesh.proto.chat.v1.ReactEvent;
import io.chatmesh.proto.chat.v1.RoomCursor;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.TypingEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Random chat ClientEvents (as frames) with edge-case fields, and frames that are no
 * ClientEvent at all. The sequence depends on the seed only, not on the server's answers.
 */
final class ChatEventFuzzer {

    /** The fuzzer's rooms, rooms it does not belong to, and a message of each. */
    record Targets(String sharedRoom, String ownRoom, String foreignRoom, String publicRoom, String sharedMessage,
            String ownMessage, String foreignMessage, String publicMessage, String token) {

        boolean isMember(String roomId) {
            return roomId.equals(sharedRoom) || roomId.equals(ownRoom);
        }
    }

    /** The highest field number ClientEvent defines: numbers above it are unknown to the server. */
    private static final int MAX_KNOWN_FIELD = ClientEvent.getDescriptor().getFields().stream()
            .mapToInt(com.google.protobuf.Descriptors.FieldDescriptor::getNumber).max().orElseThrow();
    static final int TEXT_MAX = 4000;
    private static final int CHAT_FRAME_LIMIT = 1024 * 1024;
    private static final int EDGE_FRAME_LIMIT = 8 * 1024 * 1024;

    private final FuzzValues values;
    private final Targets targets;
    private final List<String> wellFormedSendIds = new ArrayList<>();
    private long n;

    ChatEventFuzzer(FuzzValues values, Targets targets) {
        this.values = values;
        this.targets = targets;
    }

    FuzzEvent next() {
        n++;
        if (n % 1000 == 500) {
            return oversized(); // each costs a stream: a few per run, at fixed places
        }
        int roll = values.random().nextInt(10_000);
        if (roll < 40) {
            return new FuzzEvent("reconnect", new byte[0], "", false, false, "client cancels and reconnects");
        } else if (roll < 700) {
            return garbage();
        }
        FuzzEvent event;
        if (roll < 3_400) {
            event = send();
        } else if (roll < 4_000) {
            event = wellFormedSend();
        } else if (roll < 4_200) {
            event = reusedSend();
        } else if (roll < 5_400) {
            event = markRead();
        } else if (roll < 6_300) {
            event = typing();
        } else if (roll < 6_900) {
            event = ping();
        } else if (roll < 7_300) {
            event = hello(true, values);
        } else if (roll < 8_300) {
            event = editDeleteReact();
        } else if (roll < 9_200) {
            event = noEvent();
        } else {
            event = twoEventsInOneFrame();
        }
        return values.chance(0.08) ? values.withUnknownFields(event, MAX_KNOWN_FIELD) : event;
    }

    /** The Hello opening a connection: usually valid, sometimes not (then events meet no session). */
    FuzzEvent hello(boolean headerToken, FuzzValues from) {
        Hello.Builder hello = Hello.newBuilder();
        List<String> faults = new ArrayList<>();
        if (!headerToken) {
            boolean valid = from.chance(0.85);
            hello.setAccessToken(valid ? targets.token() : from.badToken(targets.token()));
            if (!valid) {
                faults.add("bad access_token");
            }
        } else if (from.chance(0.1)) {
            hello.setAccessToken(from.badToken(targets.token())); // ignored: the header wins
        }
        if (from.chance(0.3)) {
            Value<String> device = from.pick(List.of(new Value<>("phone", false, "device"),
                    new Value<>(from.text(64, true), false, "64-cp device_id"),
                    new Value<>(from.text(65, false), true, "65-cp device_id")));
            hello.setDeviceId(device.value());
            if (device.invalid()) {
                faults.add(device.label());
            }
        }
        int cursors = from.chance(0.02) ? 501 : from.chance(0.3) ? 1 + from.random().nextInt(3) : 0;
        for (int i = 0; i < cursors; i++) {
            Value<String> room = i > 3 ? new Value<>(targets.sharedRoom(), false, "shared room") : roomId(from);
            Value<Long> seq = from.seq(n / 10);
            hello.addResumeFrom(RoomCursor.newBuilder().setRoomId(room.value()).setSeq(seq.value()));
            // a cursor of a room that is not the user's is ignored; a malformed one is refused
            if (!FuzzValues.isWellFormedId(room.value()) || seq.invalid()) {
                faults.add("cursor " + room.label() + " " + seq.label());
            }
        }
        if (cursors > 500) {
            faults.add("501 cursors");
        }
        String clientId = from.chance(0.5) ? "h" + n : "";
        byte[] frame = ClientEvent.newBuilder().setClientId(clientId).setHello(hello).build().toByteArray();
        return new FuzzEvent("hello", frame, clientId, false, !faults.isEmpty(),
                "hello " + (faults.isEmpty() ? "valid" : faults) + " cursors=" + cursors);
    }

    private FuzzEvent send() {
        Value<String> clientId = values.clientId("s", n);
        Value<String> room = roomId(values);
        Value<String> text = text();
        Value<String> reply = reference(room.value());
        Value<String> thread = values.chance(0.5) ? new Value<>("", false, "none") : reference(room.value());
        SendMessageEvent.Builder send = SendMessageEvent.newBuilder().setRoomId(room.value()).setText(text.value())
                .setReplyToId(reply.value()).setThreadRootId(thread.value());
        boolean attachment = values.chance(0.05);
        if (attachment) {
            send.addAttachmentIds(values.chance(0.5) ? targets.sharedMessage() : values.badId().value());
        }
        boolean refused = clientId.invalid() || room.invalid() || text.invalid() || reply.invalid() || thread.invalid()
                || attachment;
        return event("send", clientId, ClientEvent.newBuilder().setSend(send), refused,
                "send client_id=" + clientId.label() + " room=" + room.label() + " text=" + text.label()
                        + " reply_to=" + reply.label() + " thread_root=" + thread.label() + (attachment ? " +attachment" : ""));
    }

    /** A send that is valid in every field: it is posted (unless over the rate limit). */
    private FuzzEvent wellFormedSend() {
        String clientId = "w" + n;
        wellFormedSendIds.add(clientId);
        boolean shared = values.chance(0.7);
        String room = shared ? targets.sharedRoom() : targets.ownRoom();
        Value<String> text = values.chance(0.9) ? new Value<>("fuzz " + n + " " + values.text(10, true), false, "short")
                : new Value<>(values.text(TEXT_MAX, values.chance(0.5)), false, "4000 cp");
        return event("send", new Value<>(clientId, false, "plain"), ClientEvent.newBuilder().setSend(SendMessageEvent
                .newBuilder().setRoomId(room).setText(text.value())), false,
                "well-formed send to " + (shared ? "shared" : "own") + " room, text " + text.label());
    }

    /** A client_id used before by a well-formed send, with other content: posts nothing new. */
    private FuzzEvent reusedSend() {
        if (wellFormedSendIds.isEmpty()) {
            return wellFormedSend();
        }
        String clientId = values.pick(wellFormedSendIds);
        Value<String> text = text();
        Value<String> room = values.chance(0.8) ? new Value<>(targets.sharedRoom(), false, "shared room") : roomId(values);
        // a well-formed resend of a stored message returns it, whatever the room: only malformed fields must fail
        boolean refused = !FuzzValues.isWellFormedId(room.value()) || text.invalid();
        return event("send", new Value<>(clientId, false, "reused"), ClientEvent.newBuilder().setSend(SendMessageEvent
                .newBuilder().setRoomId(room.value()).setText(text.value())), refused,
                "send reusing client_id " + clientId + " room=" + room.label() + " text=" + text.label());
    }

    private FuzzEvent markRead() {
        Value<String> clientId = values.clientId("m", n);
        Value<String> room = roomId(values);
        Value<Long> seq = values.seq(n / 10);
        return event("mark_read", clientId, ClientEvent.newBuilder().setMarkRead(MarkReadEvent.newBuilder()
                .setRoomId(room.value()).setSeq(seq.value())), clientId.invalid() || room.invalid() || seq.invalid(),
                "mark_read client_id=" + clientId.label() + " room=" + room.label() + " " + seq.label());
    }

    private FuzzEvent typing() {
        Value<String> clientId = values.clientId("t", n);
        Value<String> room = roomId(values);
        byte[] frame = ClientEvent.newBuilder().setClientId(clientId.value()).setTyping(TypingEvent.newBuilder()
                .setRoomId(room.value()).setTyping(values.chance(0.5))).build().toByteArray();
        return new FuzzEvent("typing", frame, clientId.value(), false, true,
                "typing client_id=" + clientId.label() + " room=" + room.label());
    }

    private FuzzEvent ping() {
        long nonce = values.nonce();
        String clientId = values.chance(0.3) ? values.clientId("p", n).value() : "";
        byte[] frame = ClientEvent.newBuilder().setClientId(clientId)
                .setPing(Ping.newBuilder().setNonce(nonce)).build().toByteArray();
        return new FuzzEvent("ping", frame, clientId, false, true, "ping nonce=" + nonce);
    }

    /**
     * Edit, delete and react (docs/chat.md, "Edits, deletions and reactions"); each is answered.
     * One with a bad client_id, naming no message, a bad room or a message of another room is
     * always refused; one naming a message of its own room may be accepted (whose message it is,
     * whether it is deleted already and the random text decide), so either answer is right.
     */
    private FuzzEvent editDeleteReact() {
        Value<String> clientId = values.clientId("e", n);
        Value<String> room = roomId(values);
        Value<String> message = reference(room.value());
        ClientEvent.Builder event = ClientEvent.newBuilder();
        String kind = values.pick(List.of("edit", "delete", "react"));
        switch (kind) {
            case "edit" -> event.setEdit(EditMessageEvent.newBuilder().setRoomId(room.value())
                    .setMessageId(message.value()).setText(text().value()));
            case "delete" -> event.setDelete(DeleteMessageEvent.newBuilder().setRoomId(room.value())
                    .setMessageId(message.value()));
            default -> event.setReact(ReactEvent.newBuilder().setRoomId(room.value()).setMessageId(message.value())
                    .setEmoji(values.text(values.random().nextInt(40), true)).setRemove(values.chance(0.5)));
        }
        boolean refused = clientId.invalid() || room.invalid() || message.invalid() || message.value().isEmpty();
        return event(kind, clientId, event, refused, kind + " client_id=" + clientId.label() + " room=" + room.label()
                + " message=" + message.label());
    }

    /** No event in the oneof: only a client_id, nothing at all, or an event number ClientEvent does not have. */
    private FuzzEvent noEvent() {
        Value<String> clientId = values.clientId("n", n);
        ClientEvent.Builder event = ClientEvent.newBuilder();
        boolean unknownKind = values.chance(0.5);
        if (unknownKind) {
            event.setUnknownFields(FuzzValues.unknownEvent(MAX_KNOWN_FIELD + 1));
        }
        return event("no-event", clientId, event, true, "no event, client_id=" + clientId.label()
                + (unknownKind ? ", an unknown event field 18" : ""));
    }

    /** A send and a typing concatenated: protobuf merges them into one typing event, which is never acked. */
    private FuzzEvent twoEventsInOneFrame() {
        String clientId = "c" + n;
        byte[] send = ClientEvent.newBuilder().setClientId(clientId).setSend(SendMessageEvent.newBuilder()
                .setRoomId(targets.sharedRoom()).setText("merged " + n)).build().toByteArray();
        byte[] typing = ClientEvent.newBuilder().setTyping(TypingEvent.newBuilder()
                .setRoomId(roomId(values).value())).build().toByteArray();
        return new FuzzEvent("two-in-one", FuzzValues.concat(send, typing), clientId, false, true,
                "send then typing in one frame");
    }

    private FuzzEvent garbage() {
        byte[] sample = ClientEvent.newBuilder().setClientId("g" + n).setSend(SendMessageEvent.newBuilder()
                .setRoomId(targets.sharedRoom()).setText("garbage " + n)).build().toByteArray();
        Value<byte[]> garbage = values.garbage(sample);
        return new FuzzEvent("garbage", garbage.value(), "", false, true, "garbage: " + garbage.label());
    }

    /** A send with a text past the chat-service's frame limit, or the edge's. */
    private FuzzEvent oversized() {
        boolean beyondEdge = values.chance(0.3);
        int size = (beyondEdge ? EDGE_FRAME_LIMIT : CHAT_FRAME_LIMIT) + 1;
        byte[] frame = ClientEvent.newBuilder().setClientId("o" + n).setSend(SendMessageEvent.newBuilder()
                .setRoomId(targets.sharedRoom()).setText("x".repeat(size))).build().toByteArray();
        return new FuzzEvent(beyondEdge ? "oversized-edge" : "oversized", frame, "", false, true, "oversized frame past the "
                + (beyondEdge ? "edge's 8 MiB" : "chat-service's 1 MiB") + " limit");
    }

    private FuzzEvent event(String kind, Value<String> clientId, ClientEvent.Builder event, boolean refused,
            String description) {
        byte[] frame = event.setClientId(clientId.value()).build().toByteArray();
        return new FuzzEvent(kind, frame, clientId.value(), !clientId.value().isEmpty(), refused, description);
    }

    private Value<String> roomId(FuzzValues from) {
        int roll = from.random().nextInt(100);
        if (roll < 35) {
            return new Value<>(targets.sharedRoom(), false, "shared room");
        } else if (roll < 50) {
            return new Value<>(targets.ownRoom(), false, "own room");
        } else if (roll < 60) {
            return new Value<>(targets.foreignRoom(), true, "foreign room");
        } else if (roll < 70) {
            return new Value<>(targets.publicRoom(), true, "public room not joined");
        }
        Value<String> bad = from.badId();
        return new Value<>(bad.value(), true, bad.label()); // valid-looking or not, no room of the fuzzer's
    }

    private Value<String> text() {
        int roll = values.random().nextInt(1000);
        if (roll < 300) {
            return new Value<>("fuzz " + n, false, "short");
        } else if (roll < 420) {
            return new Value<>(values.text(1 + values.random().nextInt(50), true), false, "unicode");
        } else if (roll < 520) {
            return new Value<>("", true, "empty");
        } else if (roll < 600) {
            return new Value<>(values.text(TEXT_MAX, values.chance(0.5)), false, "4000 cp");
        } else if (roll < 700) {
            return new Value<>(values.text(TEXT_MAX + 1, values.chance(0.5)), true, "4001 cp");
        } else if (roll < 780) {
            return new Value<>("a\u0000b", true, "NUL");
        } else if (roll < 860) {
            return new Value<>(" \t\n", false, "whitespace");
        } else if (roll < 995) {
            return new Value<>(values.text(TEXT_MAX * 3, true), true, "12000 cp");
        }
        return new Value<>(values.text(200_000, false), true, "200000 cp");
    }

    /** A message id for reply_to / thread_root / edit: of this room, of another, none, or malformed. */
    private Value<String> reference(String roomId) {
        int roll = values.random().nextInt(100);
        if (roll < 50) {
            return new Value<>("", false, "none");
        } else if (roll < 65) {
            return new Value<>(targets.sharedMessage(), !roomId.equals(targets.sharedRoom()), "shared-room message");
        } else if (roll < 72) {
            return new Value<>(targets.ownMessage(), !roomId.equals(targets.ownRoom()), "own-room message");
        } else if (roll < 80) {
            return new Value<>(targets.foreignMessage(), true, "foreign-room message");
        } else if (roll < 85) {
            return new Value<>(targets.publicMessage(), true, "public-room message");
        }
        Value<String> bad = values.badId();
        return new Value<>(bad.value(), !bad.value().isEmpty(), bad.label()); // empty: no reference, which is fine
    }
}

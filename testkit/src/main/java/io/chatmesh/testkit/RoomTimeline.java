package io.chatmesh.testkit;

import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.message.v1.Message;
import io.chatmesh.proto.message.v1.ReactionSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A client's view of one room, built from the stream's events as a client would (docs/chat.md,
 * "Edits, deletions and reactions"): messages by seq with their text, deletion and reactions,
 * and the seqs of every sequenced event received. Changes of messages it never got (older than
 * where it started) only count as received.
 */
public final class RoomTimeline {

    /** What a client shows of a message. */
    public record Shown(String id, String text, boolean deleted, TreeSet<String> reactions) {}

    private final String roomId;
    private final Map<String, Shown> byId = new TreeMap<>();
    private final Map<Long, String> idBySeq = new TreeMap<>();
    private final List<Long> seqs = new ArrayList<>();

    public RoomTimeline(String roomId) {
        this.roomId = roomId;
    }

    /** Applies the event when it is about this room; returns its seq in the room's sequence (0: none). */
    public long apply(ServerEvent event) {
        switch (event.getEventCase()) {
            case MESSAGE_CREATED -> {
                Message m = event.getMessageCreated().getMessage();
                if (!m.getRoomId().equals(roomId)) {
                    return 0;
                }
                TreeSet<String> reactions = new TreeSet<>();
                for (ReactionSummary summary : m.getReactionsList()) {
                    summary.getSampleUserIdsList().forEach(user -> reactions.add(summary.getEmoji() + " " + user));
                }
                byId.put(m.getId(), new Shown(m.getId(), m.getText(), m.hasDeleteTime(), reactions));
                idBySeq.put(m.getSeq(), m.getId());
                return sequenced(m.getSeq());
            }
            case MESSAGE_EDITED -> {
                Message m = event.getMessageEdited().getMessage();
                if (!m.getRoomId().equals(roomId)) {
                    return 0;
                }
                Shown shown = byId.get(m.getId());
                if (shown != null && !shown.deleted()) {
                    byId.put(m.getId(), new Shown(m.getId(), m.getText(), false, shown.reactions()));
                }
                return sequenced(event.getMessageEdited().getEventSeq());
            }
            case MESSAGE_DELETED -> {
                if (!event.getMessageDeleted().getRoomId().equals(roomId)) {
                    return 0;
                }
                String id = event.getMessageDeleted().getMessageId();
                if (byId.containsKey(id)) {
                    byId.put(id, new Shown(id, "", true, new TreeSet<>()));
                }
                return sequenced(event.getMessageDeleted().getEventSeq());
            }
            case REACTION_CHANGED -> {
                var r = event.getReactionChanged();
                if (!r.getRoomId().equals(roomId)) {
                    return 0;
                }
                Shown shown = byId.get(r.getMessageId());
                if (shown != null && !shown.deleted()) {
                    if (r.getAdded()) {
                        shown.reactions().add(r.getEmoji() + " " + r.getUserId());
                    } else {
                        shown.reactions().remove(r.getEmoji() + " " + r.getUserId());
                    }
                }
                return sequenced(r.getEventSeq());
            }
            default -> {
                return 0;
            }
        }
    }

    private long sequenced(long seq) {
        seqs.add(seq);
        return seq;
    }

    /** The messages in seq order. */
    public List<Shown> messages() {
        return idBySeq.values().stream().map(byId::get).toList();
    }

    public List<Long> seqs() {
        return seqs;
    }
}

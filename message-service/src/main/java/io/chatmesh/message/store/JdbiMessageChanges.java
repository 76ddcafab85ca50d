package io.chatmesh.message.store;

import io.chatmesh.message.domain.MessageChange;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies {@link MessageChange}s to the SQL tables, in the persister's transaction, as a
 * few JDBC batches whatever its size and however its kinds interleave. Changes of one message
 * keep the run's order; changes of different messages touch different rows and commute. So the
 * run is applied in rounds, each holding at most one change per message, and within a round
 * each kind is one batch: a run naming each message once (the usual case) is at most four
 * round trips. (Batching only stretches of one kind cost a round trip per two or three changes
 * in a mixed run, and kept the persister, which the send path's acks wait for, busy.)
 */
final class JdbiMessageChanges {

    private enum Kind { EDIT, DELETE, ADD_REACTION, REMOVE_REACTION }

    private JdbiMessageChanges() {}

    /** Applies the changes through {@code dao}, in the transaction of the handle it is attached to. */
    static void applyWith(MessageChangeDao dao, List<MessageChange> changes) {
        for (List<MessageChange> round : rounds(changes)) {
            Map<Kind, List<MessageChange>> byKind = new EnumMap<>(Kind.class);
            round.forEach(change -> byKind.computeIfAbsent(kindOf(change), k -> new ArrayList<>()).add(change));
            byKind.forEach((kind, batch) -> applyBatch(dao, kind, batch));
        }
    }

    /** The run in rounds: a message's first change in the first round, its second in the second, and so on. */
    static List<List<MessageChange>> rounds(List<MessageChange> changes) {
        Map<String, Integer> changesSoFar = new HashMap<>();
        List<List<MessageChange>> rounds = new ArrayList<>();
        for (MessageChange change : changes) {
            int round = changesSoFar.merge(change.messageId(), 1, Integer::sum) - 1;
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(change);
        }
        return rounds;
    }

    private static void applyBatch(MessageChangeDao dao, Kind kind, List<MessageChange> batch) {
        List<String> roomIds = new ArrayList<>();
        List<String> messageIds = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<String> users = new ArrayList<>();
        List<String> emojis = new ArrayList<>();
        List<String> times = new ArrayList<>();
        for (MessageChange change : batch) {
            roomIds.add(change.roomId());
            messageIds.add(change.messageId());
            switch (change) {
                case MessageChange.Edited edited -> {
                    texts.add(edited.text());
                    times.add(millis(edited.editTime()));
                }
                case MessageChange.Deleted deleted -> times.add(millis(deleted.deleteTime()));
                case MessageChange.Reacted reacted -> {
                    users.add(reacted.userId());
                    emojis.add(reacted.emoji());
                    times.add(millis(reacted.time()));
                }
            }
        }
        switch (kind) {
            case EDIT -> dao.edit(roomIds, messageIds, texts, times);
            case DELETE -> dao.delete(roomIds, messageIds, times);
            case ADD_REACTION -> dao.addReaction(roomIds, messageIds, users, emojis, times);
            case REMOVE_REACTION -> dao.removeReaction(roomIds, messageIds, users, emojis);
        }
    }

    private static Kind kindOf(MessageChange change) {
        return switch (change) {
            case MessageChange.Edited e -> Kind.EDIT;
            case MessageChange.Deleted d -> Kind.DELETE;
            case MessageChange.Reacted r -> r.added() ? Kind.ADD_REACTION : Kind.REMOVE_REACTION;
        };
    }

    /** Both stores keep milliseconds. */
    private static String millis(Instant time) {
        return time.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}

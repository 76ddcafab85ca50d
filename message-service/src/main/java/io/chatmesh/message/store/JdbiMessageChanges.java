package io.chatmesh.message.store;

import io.chatmesh.message.domain.MessageChange;
import io.chatmesh.platform.db.SqlObjects;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Applies {@link MessageChange}s to the SQL tables: a run of changes in one transaction, each
 * stretch of consecutive changes of one kind as one JDBC batch (so the persister's run of
 * events costs a few round trips, not one per change), in the run's order.
 */
final class JdbiMessageChanges {

    private enum Kind { EDIT, DELETE, ADD_REACTION, REMOVE_REACTION }

    private final Jdbi jdbi;
    private final MessageChangeDao dao;

    JdbiMessageChanges(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.dao = SqlObjects.attachOnce(jdbi, MessageChangeDao.class);
    }

    void apply(List<MessageChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        jdbi.useTransaction(handle -> {
            int from = 0;
            while (from < changes.size()) {
                Kind kind = kindOf(changes.get(from));
                int to = from + 1;
                while (to < changes.size() && kindOf(changes.get(to)) == kind) {
                    to++;
                }
                applyStretch(kind, changes.subList(from, to));
                from = to;
            }
        });
    }

    private void applyStretch(Kind kind, List<MessageChange> stretch) {
        List<String> roomIds = new ArrayList<>();
        List<String> messageIds = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<String> users = new ArrayList<>();
        List<String> emojis = new ArrayList<>();
        List<String> times = new ArrayList<>();
        for (MessageChange change : stretch) {
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

package io.chatmesh.chat.api;

import io.chatmesh.chat.bus.ChangeProtos;
import io.chatmesh.chat.bus.ServerFrame;
import io.chatmesh.chat.domain.ChangeLog;
import io.chatmesh.chat.domain.MessageChange;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.stream.OutboundQueue;
import io.chatmesh.proto.chat.v1.MessageCreated;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.message.v1.ListMessagesResponse;
import io.chatmesh.proto.message.v1.Message;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The replay of one resume: each resumed room's stored messages after the client's cursor,
 * read from message-service a page at a time and written to the stream, up to the room's seq
 * as of Ready, with the room's changes of messages (edits, deletions, reactions: chat-service's
 * own log, {@link ChangeLog}) in between, in seq order. With Kafka, message-service may not have stored the newest of them
 * yet: while history ends below that seq it asks again after short pauses that grow, for at
 * most the catch-up timeout in all (then UNAVAILABLE: the client resumes again).
 */
final class HistoryReplay {

    private static final long FIRST_PAUSE_MILLIS = 20;
    private static final long MAX_PAUSE_MILLIS = 500;

    private final MessageHistoryClient history;
    private final ChangeLog changeLog;
    private final StreamSettings settings;
    private final OutboundQueue<ServerFrame> queue;
    private final Principal principal;
    private long giveUpAt;
    private long pauseMillis;

    HistoryReplay(MessageHistoryClient history, ChangeLog changeLog, StreamSettings settings,
            OutboundQueue<ServerFrame> queue, Principal principal) {
        this.history = history;
        this.changeLog = changeLog;
        this.settings = settings;
        this.queue = queue;
        this.principal = principal;
    }

    /**
     * Sends the room's stored messages and logged changes with seqs in ({@code afterSeq},
     * {@code upTo}] in seq order, waiting for the client to read when the queue fills up. Later
     * ones come from the session's buffer of live events.
     *
     * @return {@code upTo} (everything up to it was sent), or less when the stream closed meanwhile
     */
    long replay(String roomId, long afterSeq, long upTo) {
        long messagesUpTo = changeLog.newestMessageSeq(roomId, upTo);
        Changes changes = new Changes(roomId, afterSeq, upTo);
        long last = afterSeq;
        long lastMessage = afterSeq;
        while (lastMessage < messagesUpTo) {
            awaitRoomFor(settings::replayPageSize);
            if (queue.isClosed()) {
                return last;
            }
            ListMessagesResponse page = history.forward(principal, roomId, lastMessage, settings.replayPageSize());
            for (Message message : page.getMessagesList()) {
                if (message.getSeq() > lastMessage && message.getSeq() <= upTo) {
                    changes.sendBefore(message.getSeq());
                    queue.offer(ServerFrame.of(ServerEvent.newBuilder()
                            .setMessageCreated(MessageCreated.newBuilder().setMessage(message)).build()));
                    lastMessage = message.getSeq();
                    last = lastMessage;
                }
            }
            boolean moreStored = page.getMessagesCount() > 0 && !page.getNextPageToken().isEmpty();
            if (!moreStored && lastMessage < messagesUpTo) {
                pause();
            }
        }
        changes.sendBefore(upTo + 1);
        return queue.isClosed() ? last : upTo;
    }

    /** A room's logged changes in (afterSeq, upTo], read a page at a time as the replay reaches them. */
    private final class Changes {
        private final String roomId;
        private final long upTo;
        private final Deque<MessageChange> page = new ArrayDeque<>();
        private long readUpTo;

        Changes(String roomId, long afterSeq, long upTo) {
            this.roomId = roomId;
            this.readUpTo = afterSeq;
            this.upTo = upTo;
        }

        /** Sends every change with a seq below {@code seq}. */
        void sendBefore(long seq) {
            while (true) {
                if (page.isEmpty() && readUpTo < upTo) {
                    awaitRoomFor(settings::replayPageSize);
                    List<MessageChange> read = changeLog.changes(roomId, readUpTo, upTo, settings.replayPageSize());
                    page.addAll(read);
                    readUpTo = read.size() < settings.replayPageSize() ? upTo : read.getLast().seq();
                }
                if (page.isEmpty() || page.peekFirst().seq() >= seq) {
                    return;
                }
                queue.offer(ServerFrame.of(frame(page.removeFirst())));
            }
        }
    }

    private static ServerEvent frame(MessageChange change) {
        ServerEvent.Builder event = ServerEvent.newBuilder();
        return switch (change) {
            case MessageChange.Edited edited -> event.setMessageEdited(ChangeProtos.edited(edited)).build();
            case MessageChange.Deleted deleted -> event.setMessageDeleted(ChangeProtos.deleted(deleted)).build();
            case MessageChange.Reacted reacted -> event.setReactionChanged(ChangeProtos.reacted(reacted)).build();
        };
    }

    /** Pauses before the next look at history; UNAVAILABLE once the catch-up time is up. */
    private void pause() {
        if (pauseMillis == 0) {
            giveUpAt = System.nanoTime() + settings.historyCatchUpTimeout().toNanos();
            pauseMillis = FIRST_PAUSE_MILLIS;
        }
        long left = giveUpAt - System.nanoTime();
        if (left <= 0) {
            throw ChatmeshException.unavailable("message history is behind; resume again");
        }
        sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(pauseMillis)));
        pauseMillis = Math.min(MAX_PAUSE_MILLIS, pauseMillis * 2);
    }

    /**
     * Waits until {@code events} more fit into the queue (the client reads meanwhile; the number
     * may change while it waits), for at most the replay stall timeout.
     */
    void awaitRoomFor(IntSupplier events) {
        long giveUpAt = System.nanoTime() + settings.replayStallTimeout().toNanos();
        while (queue.queued() + events.getAsInt() > settings.queueCapacity() && !queue.isClosed()
                && System.nanoTime() < giveUpAt) {
            sleep(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private static void sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ChatmeshException.unavailable("interrupted while resuming");
        }
    }
}

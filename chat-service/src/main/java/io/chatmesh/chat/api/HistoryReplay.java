package io.chatmesh.chat.api;

import io.chatmesh.chat.bus.ServerFrame;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.stream.OutboundQueue;
import io.chatmesh.proto.chat.v1.MessageCreated;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.message.v1.ListMessagesResponse;
import io.chatmesh.proto.message.v1.Message;
import java.util.concurrent.TimeUnit;

/**
 * The replay of one resume: each resumed room's stored messages after the client's cursor,
 * read from message-service a page at a time and written to the stream, at least up to the
 * room's seq as of Ready. With Kafka, message-service may not have stored the newest of them
 * yet: while history ends below that seq it asks again after short pauses that grow, for at
 * most the catch-up timeout in all (then UNAVAILABLE: the client resumes again).
 */
final class HistoryReplay {

    private static final long FIRST_PAUSE_MILLIS = 20;
    private static final long MAX_PAUSE_MILLIS = 500;

    private final MessageHistoryClient history;
    private final StreamSettings settings;
    private final OutboundQueue<ServerFrame> queue;
    private final Principal principal;
    private long giveUpAt;
    private long pauseMillis;

    HistoryReplay(MessageHistoryClient history, StreamSettings settings, OutboundQueue<ServerFrame> queue,
            Principal principal) {
        this.history = history;
        this.settings = settings;
        this.queue = queue;
        this.principal = principal;
    }

    /**
     * Sends the room's stored messages after {@code afterSeq} in order, waiting for the client to
     * read when the queue fills up, until it has sent seq {@code upTo} or later.
     *
     * @return the seq of the last message sent (afterSeq when none)
     */
    long replay(String roomId, long afterSeq, long upTo) {
        long last = afterSeq;
        while (true) {
            awaitQueueRoom();
            if (queue.isClosed()) {
                return last;
            }
            ListMessagesResponse page = history.forward(principal, roomId, last, settings.replayPageSize());
            for (Message message : page.getMessagesList()) {
                if (message.getSeq() > last) {
                    queue.offer(ServerFrame.of(ServerEvent.newBuilder()
                            .setMessageCreated(MessageCreated.newBuilder().setMessage(message)).build()));
                    last = message.getSeq();
                }
            }
            boolean moreStored = page.getMessagesCount() > 0 && !page.getNextPageToken().isEmpty();
            if (!moreStored) {
                if (last >= upTo) {
                    return last;
                }
                pause();
            }
        }
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

    /** Waits until a page fits into the queue, for at most the replay stall timeout. */
    private void awaitQueueRoom() {
        int threshold = Math.max(0, settings.queueCapacity() - settings.replayPageSize());
        long giveUpAt = System.nanoTime() + settings.replayStallTimeout().toNanos();
        while (queue.queued() > threshold && !queue.isClosed() && System.nanoTime() < giveUpAt) {
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

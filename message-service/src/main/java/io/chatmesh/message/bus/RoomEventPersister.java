package io.chatmesh.message.bus;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.chatmesh.message.domain.Attachment;
import io.chatmesh.message.domain.Attachments;
import io.chatmesh.message.domain.Mentions;
import io.chatmesh.message.domain.Message;
import io.chatmesh.message.domain.MessageChange;
import io.chatmesh.message.domain.MessageStore;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.error.Validation;
import io.chatmesh.proto.chat.internal.v1.RoomEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Persists what chat-service publishes on the room-events topic (durable group
 * chatmesh.message.persister-group, default message-persister): MessageCreated inserts the
 * message (a replay is a no-op); MessageEdited, MessageDeleted and ReactionChanged are applied
 * to the stored message (in their order, after the run's inserts: a change always follows the
 * message it changes in the room's sequence). The bus hands over runs of events; a run's
 * messages and changes are stored together ({@link MessageStore#storeRun}: one transaction on
 * PostgreSQL, so one commit for the run, which the send path's acks wait for).
 *
 * <p>Every other kind is ignored: typing is never stored; membership lives in chat-service; read markers have
 * one writer, MessageService.MarkRead, whose ReceiptUpdated events only tell live sessions. A
 * payload that cannot be parsed or misses required fields is logged and skipped, since no
 * retry could ever store it and it must not block the topic. A store failure propagates, so the bus reports the event
 * as not handled (the in-process bus fails the sender's publish; a broker redelivers).
 */
public final class RoomEventPersister implements SmartLifecycle, EventBus.RunHandler {

    private static final Logger log = LoggerFactory.getLogger(RoomEventPersister.class);

    private final EventBus bus;
    private final MessageStore store;
    private final Attachments attachments;
    private final String topic;
    private final String group;
    private volatile EventBus.Subscription subscription;

    /** @param group the durable consumer group; every message-service instance uses the same one */
    public RoomEventPersister(EventBus bus, MessageStore store, Attachments attachments, String topic, String group) {
        this.bus = bus;
        this.store = store;
        this.attachments = attachments;
        this.topic = topic;
        this.group = group;
    }

    @Override
    public void start() {
        subscription = bus.subscribe(topic, group, this);
    }

    @Override
    public void stop() {
        EventBus.Subscription current = subscription;
        subscription = null;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public boolean isRunning() {
        return subscription != null;
    }

    /** Just below the gRPC server's phase: subscribed before the first call, unsubscribed after the last. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1;
    }

    /** Stores a run of events: its new messages and its changes in one {@link MessageStore#storeRun}. */
    @Override
    public void handleAll(List<EventBus.Event> events) {
        List<Message> created = new ArrayList<>();
        List<MessageChange> changes = new ArrayList<>();
        for (EventBus.Event raw : events) {
            RoomEvent event;
            try {
                event = RoomEvent.parseFrom(raw.payload());
            } catch (InvalidProtocolBufferException e) {
                log.warn("skipping an unparseable room event (key {}, {} bytes)", raw.key(), raw.payload().length);
                continue;
            }
            try {
                switch (event.getEventCase()) {
                    case MESSAGE_CREATED -> created.add(toDomain(event));
                    case MESSAGE_EDITED, MESSAGE_DELETED, REACTION_CHANGED -> changes.add(RoomEventChanges.toDomain(event));
                    default -> {
                        // not stored (yet): see the class comment
                    }
                }
            } catch (ChatmeshException invalid) {
                log.warn("skipping room event {} of room {}: {}", event.getEventId(), event.getRoomId(), invalid.getMessage());
            }
        }
        // a deleted message's files go with it, content and metadata: looked up before the deletion
        // removes its references, or, for a message of this very run, taken from the message
        Map<String, Message> createdById = new HashMap<>();
        created.forEach(message -> createdById.put(message.id(), message));
        for (MessageChange change : changes) {
            if (change instanceof MessageChange.Deleted deleted) {
                Message inRun = createdById.get(deleted.messageId());
                attachments.deleteAttachmentsOf(deleted.messageId(),
                        inRun == null ? List.of() : inRun.attachments().stream().map(Attachment::id).toList());
            }
        }
        persist(created, changes);
    }

    private void persist(List<Message> created, List<MessageChange> changes) {
        List<MessageStore.InsertOutcome> outcomes = store.storeRun(created, changes);
        for (int i = 0; i < created.size(); i++) {
            Message message = created.get(i);
            // chat-service assigns each seq once, so a clash is a bug upstream; retrying cannot fix it
            if (outcomes.get(i) == MessageStore.InsertOutcome.SEQ_TAKEN) {
                log.error("dropping message {}: room {} already has another message with seq {}",
                        message.id(), message.roomId(), message.seq());
            }
        }
    }

    /** The stored form of a MessageCreated; INVALID_ARGUMENT when fields it needs are missing. */
    static Message toDomain(RoomEvent event) {
        io.chatmesh.proto.message.v1.Message m = event.getMessageCreated().getMessage();
        Timestamp created = m.hasCreateTime() ? m.getCreateTime() : event.getTime();
        Validation validation = new Validation()
                .id("message.id", m.getId())
                .id("message.room_id", m.getRoomId())
                .id("message.sender_id", m.getSenderId())
                .range("message.seq", m.getSeq(), 1, Long.MAX_VALUE)
                .optionalId("message.reply_to_id", m.getReplyToId())
                .optionalId("message.thread_root_id", m.getThreadRootId())
                .require(created.getSeconds() > 0, "message.create_time", "is required")
                .require(event.getRoomId().isEmpty() || event.getRoomId().equals(m.getRoomId()),
                        "message.room_id", "differs from the event's room");
        for (int i = 0; i < m.getMentionedUserIdsCount(); i++) {
            validation.id("message.mentioned_user_ids[" + i + "]", m.getMentionedUserIds(i));
        }
        for (int i = 0; i < m.getAttachmentsCount(); i++) {
            validation.id("message.attachments[" + i + "].id", m.getAttachments(i).getId());
        }
        validation.check();
        List<Attachment> attachments = m.getAttachmentsList().stream()
                .map(a -> new Attachment(a.getId(), a.getFileName(), a.getContentType(), a.getSizeBytes(), a.getSha256(),
                        a.getWidth(), a.getHeight()))
                .toList();
        return Message.created(m.getId(), m.getRoomId(), m.getSeq(), m.getSenderId(), emptyToNull(m.getClientId()),
                m.getText(), emptyToNull(m.getReplyToId()), emptyToNull(m.getThreadRootId()), attachments,
                Instant.ofEpochSecond(created.getSeconds(), created.getNanos()))
                .withMentions(new Mentions(m.getMentionedUserIdsList().stream().distinct().toList(), m.getMentionRoom()));
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}

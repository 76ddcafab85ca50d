package io.chatmesh.chat.bus;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatmesh.chat.bus.RoomDelivery.Order;
import io.chatmesh.chat.domain.StripedLocks;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.proto.chat.internal.v1.RoomEvent;
import io.chatmesh.proto.chat.v1.MembershipChange;
import io.chatmesh.proto.chat.v1.MembershipChanged;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers every room event from the bus to the local live sessions of the room's members,
 * as the matching ServerEvent, encoded once per event ({@link ServerFrame}). The subscription is live (every instance gets every event from
 * now on, nothing is replayed after a restart): clients of a restarted instance reconnect and
 * resume on their own.
 *
 * <p>The index room → sessions is built from the database when a session registers and kept
 * current by MembershipChanged events: a user who joins or is added starts receiving the room
 * with that event; one who leaves or is removed still receives that event, then nothing more.
 * A user's registration and the membership events about that user are serialized by a lock
 * per user, so a registration reading memberships concurrently with a change cannot end up
 * with a stale room set.
 */
public final class RoomEventFanout implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RoomEventFanout.class);

    private final EventBus bus;
    private final Map<String, Set<LiveSession>> sessionsByRoom = new ConcurrentHashMap<>();
    private final Map<String, Set<LiveSession>> sessionsByUser = new ConcurrentHashMap<>();
    private final Map<LiveSession, Set<String>> roomsBySession = new ConcurrentHashMap<>();
    private final StripedLocks userLocks = new StripedLocks(256);
    private final String topic;
    /** Room events handed to this instance's live streams. */
    private final Counter deliveries;
    /** From a message's creation to its fan-out here: what a reader waits, less the last hop. */
    private final Timer sendToDeliver;
    private volatile EventBus.Subscription subscription;

    public RoomEventFanout(EventBus bus, String topic, MeterRegistry metrics) {
        this.bus = bus;
        this.topic = topic;
        this.deliveries = Counter.builder("chatmesh.chat.deliveries")
                .description("room events handed to live chat streams on this instance").register(metrics);
        this.sendToDeliver = Timer.builder("chatmesh.chat.send.to.deliver")
                .description("from a message's creation to its fan-out on this instance")
                .publishPercentileHistogram().register(metrics);
    }

    public void start() {
        subscription = bus.subscribeLive(topic, this::handle);
    }

    @Override
    public void close() {
        EventBus.Subscription current = subscription;
        if (current != null) {
            current.close();
        }
    }

    /**
     * Starts delivering the events of the user's rooms to the session.
     *
     * @param roomsOfUser reads the user's rooms; called under the user's lock
     * @return the rooms the session was registered for
     */
    public Set<String> register(LiveSession session, Supplier<? extends Collection<String>> roomsOfUser) {
        ReentrantLock lock = userLocks.lockFor(session.userId());
        lock.lock();
        try {
            Set<String> rooms = ConcurrentHashMap.newKeySet();
            rooms.addAll(roomsOfUser.get());
            roomsBySession.put(session, rooms);
            add(sessionsByUser, session.userId(), session);
            rooms.forEach(roomId -> add(sessionsByRoom, roomId, session));
            return Set.copyOf(rooms);
        } finally {
            lock.unlock();
        }
    }

    /** Stops all delivery to the session; idempotent. */
    public void unregister(LiveSession session) {
        ReentrantLock lock = userLocks.lockFor(session.userId());
        lock.lock();
        try {
            Set<String> rooms = roomsBySession.remove(session);
            if (rooms == null) {
                return;
            }
            remove(sessionsByUser, session.userId(), session);
            rooms.forEach(roomId -> remove(sessionsByRoom, roomId, session));
        } finally {
            lock.unlock();
        }
    }

    /** The user's live sessions on this instance (a live view). */
    public Collection<LiveSession> sessionsOf(String userId) {
        return sessionsByUser.getOrDefault(userId, Set.of());
    }

    /** The live sessions on this instance that receive the room (a live view). */
    public Collection<LiveSession> sessionsIn(String roomId) {
        return sessionsByRoom.getOrDefault(roomId, Set.of());
    }

    /** Number of registered sessions. */
    public int sessionCount() {
        return roomsBySession.size();
    }

    void handle(String key, byte[] payload) {
        RoomEvent event;
        try {
            CreatedMessageFrames.Read created = CreatedMessageFrames.read(payload);
            if (created != null) {
                if (created.delivery() != null) {
                    sendToDeliver.record(Duration.between(created.createTime(), Instant.now()));
                    deliver(created.roomId(), created.delivery());
                }
                return;
            }
            event = RoomEvent.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            log.warn("dropping an unparseable room event (key {})", key);
            return;
        }
        RoomDelivery out = toDelivery(event);
        if (out == null) {
            return;
        }
        String roomId = event.getRoomId();
        if (!event.hasMembershipChanged()) {
            deliver(roomId, out);
            return;
        }
        MembershipChanged change = event.getMembershipChanged();
        if (change.getChange() == MembershipChange.MEMBERSHIP_CHANGE_JOINED
                || change.getChange() == MembershipChange.MEMBERSHIP_CHANGE_INVITED) {
            addRoom(change.getUserId(), roomId);
            deliver(roomId, out);
        } else if (change.getChange() == MembershipChange.MEMBERSHIP_CHANGE_LEFT
                || change.getChange() == MembershipChange.MEMBERSHIP_CHANGE_REMOVED) {
            deliver(roomId, out);
            removeRoom(change.getUserId(), roomId);
        } else {
            deliver(roomId, out);
        }
    }

    private void deliver(String roomId, RoomDelivery event) {
        Set<LiveSession> sessions = sessionsByRoom.get(roomId);
        if (sessions == null) {
            return;
        }
        int delivered = 0;
        for (LiveSession session : sessions) {
            try {
                session.deliver(event);
                delivered++;
            } catch (RuntimeException e) {
                log.warn("failed to deliver a room event to a session of {}", session.userId(), e);
            }
        }
        deliveries.increment(delivered);
    }

    /**
     * Hands an event to this instance's sessions of {@code userIds} that are registered for the
     * room (the users' membership as the fan-out knows it), not to the room's other members.
     */
    void deliverToUsers(String roomId, Set<String> userIds, RoomDelivery event) {
        for (LiveSession session : sessionsByRoom.getOrDefault(roomId, Set.of())) {
            if (userIds.contains(session.userId())) {
                try {
                    session.deliver(event);
                    deliveries.increment();
                } catch (RuntimeException e) {
                    log.warn("failed to deliver an event to a session of {}", session.userId(), e);
                }
            }
        }
    }

    private void addRoom(String userId, String roomId) {
        ReentrantLock lock = userLocks.lockFor(userId);
        lock.lock();
        try {
            for (LiveSession session : sessionsByUser.getOrDefault(userId, Set.of())) {
                Set<String> rooms = roomsBySession.get(session);
                if (rooms != null && rooms.add(roomId)) {
                    session.joined(roomId);
                    add(sessionsByRoom, roomId, session);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void removeRoom(String userId, String roomId) {
        ReentrantLock lock = userLocks.lockFor(userId);
        lock.lock();
        try {
            for (LiveSession session : sessionsByUser.getOrDefault(userId, Set.of())) {
                Set<String> rooms = roomsBySession.get(session);
                if (rooms != null && rooms.remove(roomId)) {
                    remove(sessionsByRoom, roomId, session);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Adds to the set under {@code key}, creating it atomically with respect to {@link #remove}. */
    private static <K> void add(Map<K, Set<LiveSession>> index, K key, LiveSession session) {
        index.compute(key, (k, sessions) -> {
            Set<LiveSession> set = sessions == null ? ConcurrentHashMap.newKeySet() : sessions;
            set.add(session);
            return set;
        });
    }

    /** Removes from the set under {@code key}, dropping the set when it becomes empty. */
    private static <K> void remove(Map<K, Set<LiveSession>> index, K key, LiveSession session) {
        index.computeIfPresent(key, (k, sessions) -> {
            sessions.remove(session);
            return sessions.isEmpty() ? null : sessions;
        });
    }

    /**
     * The event as every session gets it, encoded once; null for an event sessions do not get.
     * New messages, the bulk of the events, are read without parsing them ({@link CreatedMessageFrames}).
     */
    private static RoomDelivery toDelivery(RoomEvent event) {
        ServerEvent.Builder out = ServerEvent.newBuilder();
        switch (event.getEventCase()) {
            case MESSAGE_CREATED -> throw new IllegalStateException("read by CreatedMessageFrames");
            // changes are in the room's sequence like messages: repeats dropped, gaps detected
            case MESSAGE_EDITED -> {
                return new RoomDelivery(event.getRoomId(), event.getMessageEdited().getEventSeq(), event.getPrevSeq(),
                        ServerFrame.of(out.setMessageEdited(event.getMessageEdited()).build()));
            }
            case MESSAGE_DELETED -> {
                return new RoomDelivery(event.getRoomId(), event.getMessageDeleted().getEventSeq(), event.getPrevSeq(),
                        ServerFrame.of(out.setMessageDeleted(event.getMessageDeleted()).build()));
            }
            case REACTION_CHANGED -> {
                return new RoomDelivery(event.getRoomId(), event.getReactionChanged().getEventSeq(),
                        event.getPrevSeq(), ServerFrame.of(out.setReactionChanged(event.getReactionChanged()).build()));
            }
            case TYPING_CHANGED -> {
                return RoomDelivery.unlogged(event.getRoomId(),
                        ServerFrame.of(out.setTypingChanged(event.getTypingChanged()).build()), Order.EPHEMERAL);
            }
            case RECEIPT_UPDATED -> {
                return RoomDelivery.unlogged(event.getRoomId(),
                        ServerFrame.of(out.setReceiptUpdated(event.getReceiptUpdated()).build()), Order.STATE);
            }
            case MEMBERSHIP_CHANGED -> out.setMembershipChanged(event.getMembershipChanged());
            case EVENT_NOT_SET -> {
                return null;
            }
        }
        return new RoomDelivery(event.getRoomId(), 0, 0, ServerFrame.of(out.build()));
    }
}

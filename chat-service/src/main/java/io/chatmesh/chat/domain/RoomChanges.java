package io.chatmesh.chat.domain;

import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.platform.logging.LogThrottle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link Rooms} and {@link Memberships} share: the store, the checks every change makes,
 * and the announcement of committed membership changes on the bus, which live sessions follow.
 * A change whose event the bus does not accept still stands (it is committed); live sessions
 * then learn about it at their next Hello, which reads memberships from the database.
 */
final class RoomChanges {

    private static final Logger log = LoggerFactory.getLogger(RoomChanges.class);
    /** While the bus is down, every join, leave or invite fails to announce. */
    private static final LogThrottle UNANNOUNCED_LOG = new LogThrottle(Duration.ofSeconds(10));

    /** A membership event to announce once its transaction committed. */
    record Change(String roomId, String userId, MembershipChange change, String actorId, MemberRole role) {}

    final RoomStore store;
    private final UserDirectory users;
    private final RoomEventPublisher events;
    private final Clock clock;
    private final Duration publishTimeout;

    RoomChanges(RoomStore store, UserDirectory users, RoomEventPublisher events, Clock clock, Duration publishTimeout) {
        this.store = store;
        this.users = users;
        this.events = events;
        this.clock = clock;
        this.publishTimeout = publishTimeout;
    }

    /** NOT_FOUND for unknown rooms; for non-members see {@link ChatmeshException#outsideRoom}. */
    static void requireMember(RoomRepository repo, String userId, String roomId) {
        requireMember(repo, userId, repo.find(roomId).orElseThrow(() -> ChatmeshException.notFound("room")));
    }

    static Member requireMember(RoomRepository repo, String userId, Room room) {
        return repo.member(room.id(), userId)
                .orElseThrow(() -> ChatmeshException.outsideRoom(room.id(), room.kind() == RoomKind.PUBLIC));
    }

    /**
     * The users the caller may put into a room: NOT_FOUND naming the first that user-service
     * does not know, PERMISSION_DENIED (BLOCKED) for one who blocked the caller or whom the
     * caller blocked.
     */
    void requireReachable(Principal caller, Collection<String> userIds) {
        if (userIds.isEmpty()) {
            return;
        }
        Map<String, UserDirectory.Relation> relations = users.relations(caller, userIds);
        for (String userId : userIds) {
            UserDirectory.Relation relation = relations.get(userId);
            if (relation == null) {
                throw ChatmeshException.notFound("user " + userId);
            }
            if (relation.blocked()) {
                throw ChatmeshException.blocked("you and user " + userId + " cannot share a room: one blocked the other");
            }
        }
    }

    /**
     * Whether the caller may have a direct room with {@code peerId}: never across a block, and
     * only with a friend unless the peer accepts direct messages from anyone. NOT_FOUND for an
     * unknown peer, PERMISSION_DENIED otherwise (reason BLOCKED or NOT_ALLOWED).
     */
    void requireDirectAllowed(Principal caller, String peerId) {
        UserDirectory.Relation relation = users.relations(caller, List.of(peerId)).get(peerId);
        if (relation == null) {
            throw ChatmeshException.notFound("user " + peerId);
        }
        if (relation.blocked()) {
            throw ChatmeshException.blocked("one of you blocked the other");
        }
        if (!relation.friends() && !relation.otherAcceptsDirectMessagesFromAnyone()) {
            throw ChatmeshException.notAllowed("direct messages with this user need their friendship");
        }
    }

    /**
     * The pair's DIRECT room inside a transaction, created (with both members) when it does not
     * exist; the unique key settles races: after losing one the winner has committed (the insert
     * waited for it), and the next statement's fresh snapshot sees its room.
     */
    Rooms.DirectRoom directRoomIn(RoomRepository repo, String openerId, String peerId) {
        String key = Room.directKey(openerId, peerId);
        Instant now = now();
        Room candidate = new Room(Ids.newId(), RoomKind.DIRECT, "", "", null, Room.directUserIds(key), 0, 0, now, now, now);
        boolean created = repo.insertRoom(candidate, key);
        if (created) {
            repo.insertMember(new Member(candidate.id(), openerId, MemberRole.MEMBER, now));
            repo.insertMember(new Member(candidate.id(), peerId, MemberRole.MEMBER, now));
        }
        return new Rooms.DirectRoom(repo.findByDirectKey(key).orElseThrow(), created);
    }

    /** What to announce about a direct room: its two members, if this call created it. */
    List<Change> directRoomChanges(Rooms.DirectRoom opened, String openerId, String peerId) {
        if (!opened.created()) {
            return List.of();
        }
        String roomId = opened.room().id();
        return List.of(new Change(roomId, openerId, MembershipChange.JOINED, openerId, MemberRole.MEMBER),
                new Change(roomId, peerId, MembershipChange.INVITED, openerId, MemberRole.MEMBER));
    }

    /** Publishes the events; a failure is logged, never reported: the change is committed. */
    void announce(List<Change> changes) {
        List<CompletableFuture<Void>> published = changes.stream()
                .map(c -> events.membershipChanged(c.roomId(), c.userId(), c.change(), c.actorId(), c.role()))
                .toList();
        try {
            CompletableFuture.allOf(published.toArray(CompletableFuture[]::new))
                    .get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            UNANNOUNCED_LOG.warn(log, "membership change committed but not announced on the bus: {}", changes, e);
        }
    }

    /** Microseconds: what PostgreSQL stores, so what callers get back equals what is stored. */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}

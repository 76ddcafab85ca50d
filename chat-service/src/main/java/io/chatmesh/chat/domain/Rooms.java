package io.chatmesh.chat.domain;

import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.id.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of rooms and memberships. Every membership change is committed first, then
 * announced on the bus so live sessions start or stop receiving the room.
 *
 * <p>Membership changes of one room are serialized by locking its row. A change whose event
 * the bus does not accept still stands (it is committed); live sessions then learn about it
 * at their next Hello, which reads memberships from the database.
 */
public final class Rooms {

    private static final Logger log = LoggerFactory.getLogger(Rooms.class);

    private final RoomStore store;
    private final UserDirectory users;
    private final RoomEventPublisher events;
    private final Clock clock;
    private final Duration publishTimeout;

    public Rooms(RoomStore store, UserDirectory users, RoomEventPublisher events, Clock clock, Duration publishTimeout) {
        this.store = store;
        this.users = users;
        this.events = events;
        this.clock = clock;
        this.publishTimeout = publishTimeout;
    }

    /** The result of OpenDirectRoom. */
    public record DirectRoom(Room room, boolean created) {}

    /** A membership event to announce once its transaction committed. */
    private record Change(String roomId, String userId, MembershipChange change, String actorId, MemberRole role) {}

    public RoomView create(Principal caller, RoomKind kind, String name, String topic, List<String> memberIds) {
        if (kind == RoomKind.DIRECT) {
            throw ChatmeshException.invalid("kind", "must be PUBLIC, PRIVATE or GROUP");
        }
        Set<String> others = new LinkedHashSet<>(memberIds);
        others.remove(caller.userId());
        requireExisting(caller, others);
        Instant now = now();
        String roomId = Ids.newId();
        Room room = store.transaction(repo -> {
            repo.insertRoom(new Room(roomId, kind, name, topic, caller.userId(), List.of(), 0, 0, now, now, now), null);
            repo.insertMember(new Member(roomId, caller.userId(), MemberRole.OWNER, now));
            others.forEach(userId -> repo.insertMember(new Member(roomId, userId, MemberRole.MEMBER, now)));
            return repo.find(roomId).orElseThrow();
        });
        List<Change> changes = new ArrayList<>();
        changes.add(new Change(roomId, caller.userId(), MembershipChange.JOINED, caller.userId(), MemberRole.OWNER));
        others.forEach(userId -> changes.add(
                new Change(roomId, userId, MembershipChange.INVITED, caller.userId(), MemberRole.MEMBER)));
        announce(changes);
        return new RoomView(room, MemberRole.OWNER);
    }

    /** The pair's DIRECT room; the first call creates it (the unique key settles races). */
    public DirectRoom openDirect(Principal caller, String peerId) {
        if (peerId.equals(caller.userId())) {
            throw ChatmeshException.invalid("user_id", "cannot open a direct room with yourself");
        }
        String key = Room.directKey(caller.userId(), peerId);
        Optional<Room> existing = store.transaction(repo -> repo.findByDirectKey(key));
        if (existing.isPresent()) {
            return new DirectRoom(existing.get(), false);
        }
        requireExisting(caller, List.of(peerId));
        Instant now = now();
        Room candidate = new Room(Ids.newId(), RoomKind.DIRECT, "", "", null, Room.directUserIds(key), 0, 0, now, now, now);
        DirectRoom opened = store.transaction(repo -> {
            boolean created = repo.insertRoom(candidate, key);
            if (created) {
                repo.insertMember(new Member(candidate.id(), caller.userId(), MemberRole.MEMBER, now));
                repo.insertMember(new Member(candidate.id(), peerId, MemberRole.MEMBER, now));
            }
            // After losing a race the winner has committed (the insert waited for it), and
            // this statement's fresh snapshot sees its room.
            return new DirectRoom(repo.findByDirectKey(key).orElseThrow(), created);
        });
        if (opened.created()) {
            String roomId = opened.room().id();
            announce(List.of(
                    new Change(roomId, caller.userId(), MembershipChange.JOINED, caller.userId(), MemberRole.MEMBER),
                    new Change(roomId, peerId, MembershipChange.INVITED, caller.userId(), MemberRole.MEMBER)));
        }
        return opened;
    }

    /** Members see any room; others only PUBLIC ones (NOT_FOUND otherwise, revealing nothing). */
    public RoomView get(String callerId, String roomId) {
        return store.transaction(repo -> {
            Room room = repo.find(roomId).orElseThrow(() -> ChatmeshException.notFound("room"));
            MemberRole role = repo.member(roomId, callerId).map(Member::role).orElse(null);
            if (role == null && room.kind() != RoomKind.PUBLIC) {
                throw ChatmeshException.notFound("room");
            }
            return new RoomView(room, role);
        });
    }

    /** The caller's rooms, most recently active first (a room that becomes active moves up between pages). */
    public Page<Room> listMine(String callerId, int pageSize, String pageToken) {
        List<String> cursor = PageToken.decode(pageToken, "my-rooms", 3);
        // The first page starts "after" a position later than any real room.
        Instant afterActivity = cursor == null ? Instant.parse("9999-12-31T00:00:00Z")
                : Instant.ofEpochSecond(PageToken.parseLong(cursor.get(0)), PageToken.parseLong(cursor.get(1)));
        String afterId = cursor == null ? "" : cursor.get(2);
        List<Room> rooms = store.transaction(repo -> repo.roomsOf(callerId, afterActivity, afterId, pageSize + 1));
        return page(rooms, pageSize, last -> PageToken.encode("my-rooms",
                Long.toString(last.lastActivityTime().getEpochSecond()), Integer.toString(last.lastActivityTime().getNano()),
                last.id()));
    }

    /** PUBLIC rooms whose name starts with {@code query} (case-insensitive), by name. */
    public Page<Room> listPublic(String query, int pageSize, String pageToken) {
        List<String> cursor = PageToken.decode(pageToken, "public-rooms", 2);
        String afterId = cursor == null ? "" : cursor.get(0);
        String afterName = cursor == null ? "" : cursor.get(1);
        List<Room> rooms = store.transaction(
                repo -> repo.publicRooms(nameKey(query), afterName, afterId, pageSize + 1));
        return page(rooms, pageSize, last -> PageToken.encode("public-rooms", last.id(), nameKey(last.name())));
    }

    /** The case-insensitive search key of a room name (also stored with the room). */
    public static String nameKey(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** Joins a PUBLIC room; idempotent for members of any room. */
    public Room join(String callerId, String roomId) {
        record Joined(Room room, boolean joined) {}
        Joined result = store.transaction(repo -> {
            Room room = repo.findForUpdate(roomId).orElseThrow(() -> ChatmeshException.notFound("room"));
            if (repo.member(roomId, callerId).isPresent()) {
                return new Joined(room, false);
            }
            if (room.kind() != RoomKind.PUBLIC) {
                throw ChatmeshException.outsideRoom(roomId, false); // joined by invitation only
            }
            repo.insertMember(new Member(roomId, callerId, MemberRole.MEMBER, now()));
            return new Joined(repo.find(roomId).orElseThrow(), true);
        });
        if (result.joined()) {
            announce(List.of(new Change(roomId, callerId, MembershipChange.JOINED, callerId, MemberRole.MEMBER)));
        }
        return result.room();
    }

    /**
     * Leaves a room; idempotent (also for rooms that do not exist, which reveals nothing).
     * An owner leaving hands the room to the oldest admin, else the oldest member; a room
     * everybody left stays, without owner.
     */
    public void leave(String callerId, String roomId) {
        List<Change> changes = store.transaction(repo -> {
            Optional<Room> room = repo.findForUpdate(roomId);
            Optional<Member> me = room.isEmpty() ? Optional.empty() : repo.member(roomId, callerId);
            if (me.isEmpty()) {
                return List.<Change>of();
            }
            if (room.get().kind() == RoomKind.DIRECT) {
                throw ChatmeshException.failedPrecondition("direct rooms cannot be left");
            }
            repo.deleteMember(roomId, callerId);
            List<Change> done = new ArrayList<>();
            done.add(new Change(roomId, callerId, MembershipChange.LEFT, callerId, me.get().role()));
            if (me.get().role() == MemberRole.OWNER) {
                Optional<Member> successor = repo.successor(roomId);
                repo.updateOwner(roomId, successor.map(Member::userId).orElse(null), now());
                successor.ifPresent(heir -> {
                    repo.updateRole(roomId, heir.userId(), MemberRole.OWNER);
                    done.add(new Change(roomId, heir.userId(), MembershipChange.ROLE_CHANGED, callerId, MemberRole.OWNER));
                });
            }
            return done;
        });
        announce(changes);
    }

    /** Adds a user; owner and admins may, in GROUP rooms any member. Idempotent. */
    public Member invite(Principal caller, String roomId, String userId) {
        store.transaction(repo -> authorizeInvite(repo, caller.userId(), roomId));
        requireExisting(caller, List.of(userId));
        record Invited(Member member, boolean added) {}
        Invited result = store.transaction(repo -> {
            authorizeInvite(repo, caller.userId(), roomId);
            Optional<Member> existing = repo.member(roomId, userId);
            if (existing.isPresent()) {
                return new Invited(existing.get(), false);
            }
            Member member = new Member(roomId, userId, MemberRole.MEMBER, now());
            repo.insertMember(member);
            return new Invited(member, true);
        });
        if (result.added()) {
            announce(List.of(new Change(roomId, userId, MembershipChange.INVITED, caller.userId(), MemberRole.MEMBER)));
        }
        return result.member();
    }

    private static Room authorizeInvite(RoomRepository repo, String callerId, String roomId) {
        Room room = repo.findForUpdate(roomId).orElseThrow(() -> ChatmeshException.notFound("room"));
        Member me = requireMember(repo, callerId, room);
        if (room.kind() == RoomKind.DIRECT) {
            throw ChatmeshException.failedPrecondition("direct rooms have exactly two members");
        }
        if (room.kind() != RoomKind.GROUP && !me.role().moderates()) {
            throw ChatmeshException.notAllowed("only the owner and admins may invite");
        }
        return room;
    }

    /** Removes a member; owner and admins may, never the owner. Idempotent for non-members. */
    public void remove(String callerId, String roomId, String userId) {
        List<Change> changes = store.transaction(repo -> {
            Room room = repo.findForUpdate(roomId).orElseThrow(() -> ChatmeshException.notFound("room"));
            Member me = requireMember(repo, callerId, room);
            if (room.kind() == RoomKind.DIRECT) {
                throw ChatmeshException.failedPrecondition("direct rooms have exactly two members");
            }
            if (!me.role().moderates()) {
                throw ChatmeshException.notAllowed("only the owner and admins may remove members");
            }
            Optional<Member> target = repo.member(roomId, userId);
            if (target.isEmpty()) {
                return List.<Change>of();
            }
            if (target.get().role() == MemberRole.OWNER) {
                throw ChatmeshException.notAllowed("the owner cannot be removed");
            }
            repo.deleteMember(roomId, userId);
            return List.of(new Change(roomId, userId, MembershipChange.REMOVED, callerId, target.get().role()));
        });
        announce(changes);
    }

    /** Members of a room, oldest first. Members only. */
    public Page<Member> members(String callerId, String roomId, int pageSize, String pageToken) {
        List<String> cursor = PageToken.decode(pageToken, "members", 3);
        Instant afterJoin = cursor == null ? Instant.EPOCH
                : Instant.ofEpochSecond(PageToken.parseLong(cursor.get(0)), PageToken.parseLong(cursor.get(1)));
        String afterUserId = cursor == null ? "" : cursor.get(2);
        List<Member> members = store.transaction(repo -> {
            requireMember(repo, callerId, roomId);
            return repo.members(roomId, afterJoin, afterUserId, pageSize + 1);
        });
        return page(members, pageSize, last -> PageToken.encode("members",
                Long.toString(last.joinTime().getEpochSecond()), Integer.toString(last.joinTime().getNano()), last.userId()));
    }

    /** Changes name and/or topic (null: unchanged). Owner and admins. */
    public Room update(String callerId, String roomId, String name, String topic) {
        return store.transaction(repo -> {
            Room room = repo.findForUpdate(roomId).orElseThrow(() -> ChatmeshException.notFound("room"));
            Member me = requireMember(repo, callerId, room);
            if (room.kind() == RoomKind.DIRECT) {
                throw ChatmeshException.failedPrecondition("direct rooms have no name or topic");
            }
            if (!me.role().moderates()) {
                throw ChatmeshException.notAllowed("only the owner and admins may update the room");
            }
            if (name == null && topic == null) {
                return room;
            }
            repo.updateDetails(roomId, name == null ? room.name() : name, topic == null ? room.topic() : topic, now());
            return repo.find(roomId).orElseThrow();
        });
    }

    /**
     * Whether a user belongs to a room. Unknown rooms answer "not a member", and a non-member
     * learns a room's kind only for PUBLIC rooms, which anyone may see anyway.
     */
    public Membership membership(String userId, String roomId) {
        return store.transaction(repo -> {
            Optional<Room> room = repo.find(roomId);
            if (room.isEmpty()) {
                return Membership.NONE;
            }
            return repo.member(roomId, userId)
                    .map(member -> new Membership(true, member.role(), room.get().kind()))
                    .orElseGet(() -> room.get().kind() == RoomKind.PUBLIC
                            ? new Membership(false, null, RoomKind.PUBLIC) : Membership.NONE);
        });
    }

    /** Ids of every room the user belongs to (live sessions subscribe to these). */
    public List<String> roomIdsOf(String userId) {
        return store.transaction(repo -> repo.roomIdsOf(userId));
    }

    /** The seq of the newest message of each existing room among {@code roomIds}. */
    public Map<String, Long> lastMessageSeqs(Collection<String> roomIds) {
        return roomIds.isEmpty() ? Map.of() : store.transaction(repo -> repo.lastMessageSeqs(roomIds));
    }

    /**
     * Like {@link #lastMessageSeqs}, once the sends in flight in these rooms have ended: every
     * message up to these seqs was acknowledged by the bus, and every later one is published
     * after this returns. Waits at most about the publish timeout.
     */
    public Map<String, Long> lastMessageSeqsAfterSendsInFlight(Collection<String> roomIds) {
        return roomIds.isEmpty() ? Map.of() : store.transaction(repo -> repo.lastMessageSeqsAfterSendsInFlight(roomIds));
    }

    /** NOT_FOUND for unknown rooms; for non-members see {@link ChatmeshException#outsideRoom}. */
    private static void requireMember(RoomRepository repo, String userId, String roomId) {
        requireMember(repo, userId, repo.find(roomId).orElseThrow(() -> ChatmeshException.notFound("room")));
    }

    private static Member requireMember(RoomRepository repo, String userId, Room room) {
        return repo.member(room.id(), userId)
                .orElseThrow(() -> ChatmeshException.outsideRoom(room.id(), room.kind() == RoomKind.PUBLIC));
    }

    private void requireExisting(Principal caller, Collection<String> userIds) {
        if (userIds.isEmpty()) {
            return;
        }
        Set<String> existing = users.existing(caller, userIds);
        for (String userId : userIds) {
            if (!existing.contains(userId)) {
                throw ChatmeshException.notFound("user " + userId);
            }
        }
    }

    /** Publishes the events; a failure is logged, never reported: the change is committed. */
    private void announce(List<Change> changes) {
        List<CompletableFuture<Void>> published = changes.stream()
                .map(c -> events.membershipChanged(c.roomId(), c.userId(), c.change(), c.actorId(), c.role()))
                .toList();
        try {
            CompletableFuture.allOf(published.toArray(CompletableFuture[]::new))
                    .get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("membership change committed but not announced on the bus: {}", changes, e);
        }
    }

    private static <T> Page<T> page(List<T> fetched, int pageSize, Function<T, String> tokenOf) {
        if (fetched.size() <= pageSize) {
            return new Page<>(fetched, "");
        }
        List<T> items = fetched.subList(0, pageSize);
        return new Page<>(items, tokenOf.apply(items.get(items.size() - 1)));
    }

    /** Microseconds: what PostgreSQL stores, so what callers get back equals what is stored. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}

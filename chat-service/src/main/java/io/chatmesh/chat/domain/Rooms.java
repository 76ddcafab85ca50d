package io.chatmesh.chat.domain;

import io.chatmesh.chat.domain.RoomChanges.Change;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.platform.page.Page;
import io.chatmesh.platform.page.PageToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of rooms: creating them (and the one DIRECT room of a pair), finding and listing
 * them, changing their details, and what the chat stream asks about them. Who belongs to a room
 * is {@link Memberships}'; the membership changes made here (a new room's members) are announced
 * the same way ({@link RoomChanges}).
 */
public final class Rooms {

    private final RoomChanges shared;
    private final RoomStore store;

    public Rooms(RoomStore store, UserDirectory users, RoomEventPublisher events, Clock clock, Duration publishTimeout) {
        this.shared = new RoomChanges(store, users, events, clock, publishTimeout);
        this.store = store;
    }

    /** The result of OpenDirectRoom. */
    public record DirectRoom(Room room, boolean created) {}

    public RoomView create(Principal caller, RoomKind kind, String name, String topic, List<String> memberIds) {
        if (kind == RoomKind.DIRECT) {
            throw ChatmeshException.invalid("kind", "must be PUBLIC, PRIVATE or GROUP");
        }
        Set<String> others = new LinkedHashSet<>(memberIds);
        others.remove(caller.userId());
        shared.requireReachable(caller, others);
        Instant now = shared.now();
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
        shared.announce(changes);
        return new RoomView(room, MemberRole.OWNER);
    }

    /**
     * The pair's DIRECT room; the first call creates it (the unique key settles races). Only
     * between friends, or with someone who accepts direct messages from anyone; never across a
     * block.
     */
    public DirectRoom openDirect(Principal caller, String peerId) {
        if (peerId.equals(caller.userId())) {
            throw ChatmeshException.invalid("user_id", "cannot open a direct room with yourself");
        }
        // checked for an existing room too: a block or an ended friendship closes the way back in
        shared.requireDirectAllowed(caller, peerId);
        String key = Room.directKey(caller.userId(), peerId);
        Optional<Room> existing = store.transaction(repo -> repo.findByDirectKey(key));
        if (existing.isPresent()) {
            return new DirectRoom(existing.get(), false);
        }
        DirectRoom opened = store.transaction(repo -> shared.directRoomIn(repo, caller.userId(), peerId));
        shared.announce(shared.directRoomChanges(opened, caller.userId(), peerId));
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
        return Page.of(rooms, pageSize, last -> PageToken.encode("my-rooms",
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
        return Page.of(rooms, pageSize, last -> PageToken.encode("public-rooms", last.id(), nameKey(last.name())));
    }

    /** The case-insensitive search key of a room name (also stored with the room). */
    public static String nameKey(String name) {
        return name.toLowerCase(Locale.ROOT);
    }


    /** Changes name and/or topic (null: unchanged). Owner and admins. */
    public Room update(String callerId, String roomId, String name, String topic) {
        return store.transaction(repo -> {
            Room room = repo.findForUpdate(roomId).orElseThrow(() -> ChatmeshException.notFound("room"));
            Member me = RoomChanges.requireMember(repo, callerId, room);
            if (room.kind() == RoomKind.DIRECT) {
                throw ChatmeshException.failedPrecondition("direct rooms have no name or topic");
            }
            if (!me.role().moderates()) {
                throw ChatmeshException.notAllowed("only the owner and admins may update the room");
            }
            if (name == null && topic == null) {
                return room;
            }
            repo.updateDetails(roomId, name == null ? room.name() : name, topic == null ? room.topic() : topic, shared.now());
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
}

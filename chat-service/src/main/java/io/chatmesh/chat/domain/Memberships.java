package io.chatmesh.chat.domain;

import io.chatmesh.chat.domain.RoomChanges.Change;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.page.Page;
import io.chatmesh.platform.page.PageToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who belongs to a room: joining, leaving, inviting, removing, listing. Each change is
 * committed first, then announced on the bus so live sessions start or stop receiving the room.
 * Membership changes of one room are serialized by locking its row.
 */
public final class Memberships {

    private final RoomChanges shared;
    private final RoomStore store;

    public Memberships(RoomStore store, UserDirectory users, RoomEventPublisher events, Clock clock,
            Duration publishTimeout) {
        this.shared = new RoomChanges(store, users, events, clock, publishTimeout);
        this.store = store;
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
            repo.insertMember(new Member(roomId, callerId, MemberRole.MEMBER, shared.now()));
            return new Joined(repo.find(roomId).orElseThrow(), true);
        });
        if (result.joined()) {
            shared.announce(List.of(new Change(roomId, callerId, MembershipChange.JOINED, callerId, MemberRole.MEMBER)));
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
                repo.updateOwner(roomId, successor.map(Member::userId).orElse(null), shared.now());
                successor.ifPresent(heir -> {
                    repo.updateRole(roomId, heir.userId(), MemberRole.OWNER);
                    done.add(new Change(roomId, heir.userId(), MembershipChange.ROLE_CHANGED, callerId, MemberRole.OWNER));
                });
            }
            return done;
        });
        shared.announce(changes);
    }

    /** Adds a user; owner and admins may, in GROUP rooms any member; never across a block. Idempotent. */
    public Member invite(Principal caller, String roomId, String userId) {
        store.transaction(repo -> authorizeInvite(repo, caller.userId(), roomId));
        shared.requireReachable(caller, List.of(userId));
        record Invited(Member member, boolean added) {}
        Invited result = store.transaction(repo -> {
            authorizeInvite(repo, caller.userId(), roomId);
            Optional<Member> existing = repo.member(roomId, userId);
            if (existing.isPresent()) {
                return new Invited(existing.get(), false);
            }
            Member member = new Member(roomId, userId, MemberRole.MEMBER, shared.now());
            repo.insertMember(member);
            return new Invited(member, true);
        });
        if (result.added()) {
            shared.announce(List.of(new Change(roomId, userId, MembershipChange.INVITED, caller.userId(), MemberRole.MEMBER)));
        }
        return result.member();
    }

    private static Room authorizeInvite(RoomRepository repo, String callerId, String roomId) {
        Room room = repo.findForUpdate(roomId).orElseThrow(() -> ChatmeshException.notFound("room"));
        Member me = RoomChanges.requireMember(repo, callerId, room);
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
            Member me = RoomChanges.requireMember(repo, callerId, room);
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
        shared.announce(changes);
    }

    /** Members of a room, oldest first. Members only. */
    public Page<Member> members(String callerId, String roomId, int pageSize, String pageToken) {
        List<String> cursor = PageToken.decode(pageToken, "members", 3);
        Instant afterJoin = cursor == null ? Instant.EPOCH
                : Instant.ofEpochSecond(PageToken.parseLong(cursor.get(0)), PageToken.parseLong(cursor.get(1)));
        String afterUserId = cursor == null ? "" : cursor.get(2);
        List<Member> members = store.transaction(repo -> {
            RoomChanges.requireMember(repo, callerId, roomId);
            return repo.members(roomId, afterJoin, afterUserId, pageSize + 1);
        });
        return Page.of(members, pageSize, last -> PageToken.encode("members",
                Long.toString(last.joinTime().getEpochSecond()), Integer.toString(last.joinTime().getNano()), last.userId()));
    }
}

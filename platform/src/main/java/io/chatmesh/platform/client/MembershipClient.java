package io.chatmesh.platform.client;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.proto.room.internal.v1.CheckMembershipRequest;
import io.chatmesh.proto.room.internal.v1.CheckMembershipResponse;
import io.chatmesh.proto.room.internal.v1.MembershipServiceGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Asks chat-service's internal MembershipService.CheckMembership whether a user belongs to a
 * room, forwarding the user's own token, with a deadline and a short cache of positive answers (a few seconds of access
 * after a leave is the accepted price for not calling chat-service on every request).
 */
public final class MembershipClient {

    /** The answer, without gRPC types. {@code role} and {@code roomKind} are enum names. */
    public record Membership(boolean member, String role, String roomKind) {}

    private record Key(String userId, String roomId) {}

    private final MembershipServiceGrpc.MembershipServiceBlockingStub rooms;
    private final Duration deadline;
    private final Cache<Key, Membership> cache;

    public MembershipClient(Channel roomService, Duration deadline, Duration cacheTtl) {
        this.rooms = MembershipServiceGrpc.newBlockingStub(roomService);
        this.deadline = deadline;
        this.cache = Caffeine.newBuilder().expireAfterWrite(cacheTtl).maximumSize(100_000).build();
    }

    /**
     * Only positive answers are cached: a user just added to a room is let in at once, while a
     * user just removed may keep access for up to the cache TTL.
     */
    public Membership check(Principal principal, String roomId) {
        Key key = new Key(principal.userId(), roomId);
        Membership cached = cache.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        Membership fetched = fetch(principal, roomId);
        if (fetched.member()) {
            cache.put(key, fetched);
        }
        return fetched;
    }

    /**
     * The principal's membership; for a non-member NOT_FOUND (unknown or non-public room) or
     * PERMISSION_DENIED (public room), see {@link ChatmeshException#outsideRoom}.
     */
    public Membership requireMember(Principal principal, String roomId) {
        Membership membership = check(principal, roomId);
        if (!membership.member()) {
            throw ChatmeshException.outsideRoom(roomId, "ROOM_KIND_PUBLIC".equals(membership.roomKind()));
        }
        return membership;
    }

    /** Forgets cached answers for a room (after a membership change event). */
    public void invalidate(String userId, String roomId) {
        cache.invalidate(new Key(userId, roomId));
    }

    private Membership fetch(Principal principal, String roomId) {
        try {
            CheckMembershipResponse response = rooms
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .withCallCredentials(BearerCallCredentials.of(principal))
                    .checkMembership(CheckMembershipRequest.newBuilder()
                            .setRoomId(roomId).setUserId(principal.userId()).build());
            return new Membership(response.getIsMember(), response.getRole().name(), response.getRoomKind().name());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
                throw ChatmeshException.unauthenticated("token rejected by room service");
            }
            throw ChatmeshException.unavailable("room service: " + e.getStatus().getCode());
        }
    }
}

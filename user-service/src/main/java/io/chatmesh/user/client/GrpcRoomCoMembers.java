package io.chatmesh.user.client;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.logging.LogThrottle;
import io.chatmesh.proto.room.internal.v1.CheckCoMembersRequest;
import io.chatmesh.proto.room.internal.v1.MembershipServiceGrpc;
import io.chatmesh.user.domain.RoomCoMembers;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks chat-service's internal MembershipService.CheckCoMembers, with the caller's token, which
 * users share a presence-sharing room with the caller.
 */
public final class GrpcRoomCoMembers implements RoomCoMembers {

    private static final Logger log = LoggerFactory.getLogger(GrpcRoomCoMembers.class);
    /** While chat-service is down, every call that needs it fails, as often as clients call. */
    private static final LogThrottle FAILED_CALLS_LOG = new LogThrottle(Duration.ofSeconds(10));

    private final MembershipServiceGrpc.MembershipServiceBlockingStub rooms;
    private final Duration deadline;

    public GrpcRoomCoMembers(Channel chatService, Duration deadline) {
        this.rooms = MembershipServiceGrpc.newBlockingStub(chatService);
        this.deadline = deadline;
    }

    @Override
    public Set<String> of(Principal caller, Collection<String> otherIds) {
        if (otherIds.isEmpty()) {
            return Set.of();
        }
        try {
            return Set.copyOf(rooms.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .withCallCredentials(BearerCallCredentials.of(caller))
                    .checkCoMembers(CheckCoMembersRequest.newBuilder()
                            .setUserId(caller.userId()).addAllOtherUserIds(otherIds).build())
                    .getCoMemberUserIdsList());
        } catch (StatusRuntimeException e) {
            FAILED_CALLS_LOG.warn(log, "chat-service did not say who shares a room with a user: {}", e.getStatus().getCode());
            return Set.of();
        }
    }
}

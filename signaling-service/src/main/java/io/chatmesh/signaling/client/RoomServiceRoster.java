package io.chatmesh.signaling.client;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.client.RelationshipClient;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.proto.room.v1.ListMembersRequest;
import io.chatmesh.proto.room.v1.ListMembersResponse;
import io.chatmesh.proto.room.v1.Member;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.signaling.domain.RoomRoster;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Who a ring reaches: chat-service's RoomService.ListMembers, asked with the caller's own token
 * (so chat-service checks the caller's membership, as for any member). One page of at most
 * {@link #MAX_MEMBERS} members: a larger room is not rung (FAILED_PRECONDITION).
 *
 *
 * <p>Blocks: user-service's internal RelationshipService.CheckRelationships, asked as the caller
 * through the platform's {@link RelationshipClient} (as chat-service does for rooms).
 */
public final class RoomServiceRoster implements RoomRoster {

    /** ListMembers' largest page; rooms larger than this are not rung. */
    public static final int MAX_MEMBERS = 500;

    private final RoomServiceGrpc.RoomServiceBlockingStub rooms;
    private final Duration deadline;
    private final RelationshipClient relationships;

    public RoomServiceRoster(Channel chatService, Duration deadline, RelationshipClient relationships) {
        this.rooms = RoomServiceGrpc.newBlockingStub(chatService);
        this.deadline = deadline;
        this.relationships = relationships;
    }

    @Override
    public List<String> otherMembers(Principal caller, String roomId) {
        ListMembersResponse page;
        try {
            page = rooms.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .withCallCredentials(BearerCallCredentials.of(caller))
                    .listMembers(ListMembersRequest.newBuilder().setRoomId(roomId).setPageSize(MAX_MEMBERS).build());
        } catch (StatusRuntimeException e) {
            throw switch (e.getStatus().getCode()) {
                case NOT_FOUND -> ChatmeshException.notFound("room");
                case PERMISSION_DENIED -> ChatmeshException.notMember(roomId);
                case UNAUTHENTICATED -> ChatmeshException.unauthenticated("token rejected by room service");
                default -> ChatmeshException.unavailable("room service: " + e.getStatus().getCode());
            };
        }
        if (!page.getNextPageToken().isEmpty()) {
            throw ChatmeshException.failedPrecondition("the room has more than " + MAX_MEMBERS + " members to ring");
        }
        return page.getMembersList().stream().map(Member::getUserId)
                .filter(userId -> !userId.equals(caller.userId())).toList();
    }

    @Override
    public Set<String> blockedWith(Principal caller, Collection<String> userIds) {
        return relationships.relations(caller, userIds).entrySet().stream()
                .filter(relation -> relation.getValue().blocked())
                .map(Map.Entry::getKey)
                .collect(Collectors.toUnmodifiableSet());
    }
}

package io.chatmesh.chat.store;

import io.chatmesh.chat.domain.UserDirectory;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.proto.user.internal.v1.CheckRelationshipsRequest;
import io.chatmesh.proto.user.internal.v1.Relationship;
import io.chatmesh.proto.user.internal.v1.RelationshipServiceGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Asks user-service's internal RelationshipService.CheckRelationships (with the caller's token)
 * which users exist and whether blocks, friendship or their settings stand between them and the
 * caller.
 */
public final class GrpcUserDirectory implements UserDirectory {

    /** CheckRelationships takes at most this many ids per call. */
    static final int BATCH_SIZE = 100;

    private final RelationshipServiceGrpc.RelationshipServiceBlockingStub users;
    private final Duration deadline;

    public GrpcUserDirectory(Channel userService, Duration deadline) {
        this.users = RelationshipServiceGrpc.newBlockingStub(userService);
        this.deadline = deadline;
    }

    @Override
    public Map<String, Relation> relations(Principal caller, Collection<String> userIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(userIds));
        Map<String, Relation> found = new HashMap<>();
        for (int from = 0; from < ids.size(); from += BATCH_SIZE) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH_SIZE));
            try {
                users.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                        .withCallCredentials(BearerCallCredentials.of(caller))
                        .checkRelationships(CheckRelationshipsRequest.newBuilder()
                                .setUserId(caller.userId()).addAllOtherUserIds(batch).build())
                        .getRelationshipsList().stream()
                        .filter(r -> batch.contains(r.getOtherUserId()))
                        .forEach(r -> found.put(r.getOtherUserId(), relation(r)));
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
                    throw ChatmeshException.unauthenticated("token rejected by user service");
                }
                throw ChatmeshException.unavailable("user service: " + e.getStatus().getCode());
            }
        }
        return found;
    }

    private static Relation relation(Relationship r) {
        return new Relation(r.getBlocked(), r.getFriends(), r.getOtherAcceptsDirectMessagesFromAnyone());
    }
}

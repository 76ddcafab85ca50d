package io.chatmesh.platform.client;

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
 * Asks user-service's internal RelationshipService.CheckRelationships (with the caller's token,
 * within a deadline) which users exist and whether blocks, friendship or their settings stand
 * between them and the caller. Used by chat-service (rooms, direct rooms, random match) and
 * signaling-service (rings never cross a block).
 */
public final class RelationshipClient {

    /**
     * How the caller stands to one other user, without gRPC types.
     *
     * @param blocked either of the two blocked the other
     * @param otherAcceptsDirectMessagesFromAnyone the other user's setting: anyone not blocked may open a direct room
     */
    public record Relation(boolean blocked, boolean friends, boolean otherAcceptsDirectMessagesFromAnyone) {}

    /** CheckRelationships takes at most this many ids per call. */
    public static final int BATCH_SIZE = 100;

    private final RelationshipServiceGrpc.RelationshipServiceBlockingStub users;
    private final Duration deadline;

    public RelationshipClient(Channel userService, Duration deadline) {
        this.users = RelationshipServiceGrpc.newBlockingStub(userService);
        this.deadline = deadline;
    }

    /**
     * @param caller whose token the lookup is made with, and whose relations are answered
     * @param userIds any number of ids (asked in batches of {@link #BATCH_SIZE})
     * @return the relation with each existing user among {@code userIds}; unknown ids are left out
     * @throws ChatmeshException UNAUTHENTICATED when user-service rejects the token, UNAVAILABLE
     *         when it does not answer
     */
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

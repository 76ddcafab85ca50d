package io.chatmesh.user.api;

import io.chatmesh.platform.auth.AuthContext;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.error.Validation;
import io.chatmesh.proto.user.internal.v1.CheckRelationshipsRequest;
import io.chatmesh.proto.user.internal.v1.CheckRelationshipsResponse;
import io.chatmesh.proto.user.internal.v1.Relationship;
import io.chatmesh.proto.user.internal.v1.RelationshipServiceGrpc;
import io.chatmesh.user.domain.Privacy;
import io.grpc.stub.StreamObserver;
import org.springframework.grpc.server.service.GrpcService;

/**
 * chatmesh.user.internal.v1.RelationshipService, for chatmesh's own services (chat-service asks
 * it before opening a direct room or adding someone to a room): internal, never routed by the
 * edge or the gateway. Callers forward the end user's token and may ask about that user only.
 */
@GrpcService
public class RelationshipCheckGrpcService extends RelationshipServiceGrpc.RelationshipServiceImplBase {

    private final Privacy privacy;

    public RelationshipCheckGrpcService(Privacy privacy) {
        this.privacy = privacy;
    }

    @Override
    public void checkRelationships(CheckRelationshipsRequest request, StreamObserver<CheckRelationshipsResponse> response) {
        Principal caller = AuthContext.current();
        new Validation()
                .id("user_id", request.getUserId())
                .ids("other_user_ids", request.getOtherUserIdsList(), 1, UserGrpcService.BATCH_MAX)
                .check();
        if (!request.getUserId().equals(caller.userId())) {
            throw ChatmeshException.notAllowed("callers may only ask about the user whose token they forward");
        }
        CheckRelationshipsResponse.Builder reply = CheckRelationshipsResponse.newBuilder();
        privacy.relations(caller.userId(), request.getOtherUserIdsList()).forEach(relation ->
                reply.addRelationships(Relationship.newBuilder()
                        .setOtherUserId(relation.otherUserId())
                        .setBlocked(relation.blocked())
                        .setFriends(relation.friends())
                        .setOtherAcceptsDirectMessagesFromAnyone(relation.otherAcceptsDirectMessagesFromAnyone())));
        response.onNext(reply.build());
        response.onCompleted();
    }
}

package io.chatmesh.user.api;

import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.user.v1.RelationshipKind;
import io.chatmesh.proto.user.v1.RelationshipRequestState;
import io.chatmesh.user.domain.RelationshipRequest;
import io.chatmesh.user.domain.TokenPair;
import io.chatmesh.user.domain.User;
import io.chatmesh.user.domain.UserSettings;

/** Domain values as chatmesh.user.v1 messages. */
final class Protos {

    private Protos() {}

    static io.chatmesh.proto.user.v1.User user(User user) {
        return io.chatmesh.proto.user.v1.User.newBuilder()
                .setId(user.id())
                .setUsername(user.username())
                .setDisplayName(user.displayName())
                .setCreateTime(ApiTimes.timestamp(user.createTime()))
                .build();
    }

    static io.chatmesh.proto.user.v1.TokenPair tokenPair(TokenPair tokens) {
        return io.chatmesh.proto.user.v1.TokenPair.newBuilder()
                .setAccessToken(tokens.accessToken())
                .setAccessTokenExpireTime(ApiTimes.timestamp(tokens.accessTokenExpireTime()))
                .setRefreshToken(tokens.refreshToken())
                .setRefreshTokenExpireTime(ApiTimes.timestamp(tokens.refreshTokenExpireTime()))
                .build();
    }

    static io.chatmesh.proto.user.v1.RelationshipRequest request(RelationshipRequest request) {
        return io.chatmesh.proto.user.v1.RelationshipRequest.newBuilder()
                .setId(request.id())
                .setKind(switch (request.kind()) {
                    case FRIEND -> RelationshipKind.RELATIONSHIP_KIND_FRIEND;
                    case FOLLOW -> RelationshipKind.RELATIONSHIP_KIND_FOLLOW;
                })
                .setFromUserId(request.fromUserId())
                .setToUserId(request.toUserId())
                .setState(switch (request.state()) {
                    case PENDING -> RelationshipRequestState.RELATIONSHIP_REQUEST_STATE_PENDING;
                    case ACCEPTED -> RelationshipRequestState.RELATIONSHIP_REQUEST_STATE_ACCEPTED;
                    case DECLINED -> RelationshipRequestState.RELATIONSHIP_REQUEST_STATE_DECLINED;
                    case CANCELLED -> RelationshipRequestState.RELATIONSHIP_REQUEST_STATE_CANCELLED;
                })
                .setMessage(request.message())
                .setCreateTime(ApiTimes.timestamp(request.createTime()))
                .setUpdateTime(ApiTimes.timestamp(request.updateTime()))
                .build();
    }

    static io.chatmesh.proto.user.v1.UserSettings settings(UserSettings settings) {
        return io.chatmesh.proto.user.v1.UserSettings.newBuilder()
                .setAcceptDirectMessagesFromAnyone(settings.acceptDirectMessagesFromAnyone())
                .setRequireFollowApproval(settings.requireFollowApproval())
                .build();
    }
}

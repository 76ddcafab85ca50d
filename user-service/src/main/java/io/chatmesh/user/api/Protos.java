package io.chatmesh.user.api;

import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.user.domain.TokenPair;
import io.chatmesh.user.domain.User;

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
}

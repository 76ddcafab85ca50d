package io.chatmesh.user.api;

import com.google.protobuf.Timestamp;
import io.chatmesh.user.domain.TokenPair;
import io.chatmesh.user.domain.User;
import java.time.Instant;

/** Domain values as chatmesh.user.v1 messages. */
final class Protos {

    private Protos() {}

    static io.chatmesh.proto.user.v1.User user(User user) {
        return io.chatmesh.proto.user.v1.User.newBuilder()
                .setId(user.id())
                .setUsername(user.username())
                .setDisplayName(user.displayName())
                .setCreateTime(timestamp(user.createTime()))
                .build();
    }

    static io.chatmesh.proto.user.v1.TokenPair tokenPair(TokenPair tokens) {
        return io.chatmesh.proto.user.v1.TokenPair.newBuilder()
                .setAccessToken(tokens.accessToken())
                .setAccessTokenExpireTime(timestamp(tokens.accessTokenExpireTime()))
                .setRefreshToken(tokens.refreshToken())
                .setRefreshTokenExpireTime(timestamp(tokens.refreshTokenExpireTime()))
                .build();
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}

package io.chatmesh.platform.client;

import io.chatmesh.proto.user.v1.GetJwksRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.grpc.Channel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Fetches the token keys from user-service (UserService.GetJwks) for token verification. */
public final class GrpcJwksSupplier implements Supplier<String> {

    private final UserServiceGrpc.UserServiceBlockingStub users;
    private final Duration deadline;

    public GrpcJwksSupplier(Channel userService, Duration deadline) {
        this.users = UserServiceGrpc.newBlockingStub(userService);
        this.deadline = deadline;
    }

    @Override
    public String get() {
        return users.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .getJwks(GetJwksRequest.getDefaultInstance())
                .getJwksJson();
    }
}

package io.chatmesh.chat.store;

import io.chatmesh.chat.domain.UserDirectory;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.proto.user.v1.BatchGetUsersRequest;
import io.chatmesh.proto.user.v1.User;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Asks user-service (UserService.BatchGetUsers, with the caller's token) which users exist. */
public final class GrpcUserDirectory implements UserDirectory {

    /** BatchGetUsers takes at most this many ids per call. */
    static final int BATCH_SIZE = 100;

    private final UserServiceGrpc.UserServiceBlockingStub users;
    private final Duration deadline;

    public GrpcUserDirectory(Channel userService, Duration deadline) {
        this.users = UserServiceGrpc.newBlockingStub(userService);
        this.deadline = deadline;
    }

    @Override
    public Set<String> existing(Principal caller, Collection<String> userIds) {
        List<String> ids = List.copyOf(new HashSet<>(userIds));
        Set<String> found = new HashSet<>();
        for (int from = 0; from < ids.size(); from += BATCH_SIZE) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH_SIZE));
            try {
                users.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                        .withCallCredentials(BearerCallCredentials.of(caller))
                        .batchGetUsers(BatchGetUsersRequest.newBuilder().addAllUserIds(batch).build())
                        .getUsersList().stream().map(User::getId).forEach(found::add);
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
                    throw ChatmeshException.unauthenticated("token rejected by user service");
                }
                throw ChatmeshException.unavailable("user service: " + e.getStatus().getCode());
            }
        }
        found.retainAll(ids);
        return found;
    }
}

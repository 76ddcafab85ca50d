package io.chatmesh.launcher;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.proto.user.v1.LogInRequest;
import io.chatmesh.proto.user.v1.SignUpRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.grpc.Channel;
import io.grpc.stub.AbstractStub;
import java.util.concurrent.TimeUnit;

/** Test users over the public API: sign up, log in, and call as them. */
final class Accounts {

    static final String PASSWORD = "correct horse battery";

    private Accounts() {}

    /** The stub calling as the holder of {@code token}, with a generous deadline. */
    static <S extends AbstractStub<S>> S as(S stub, String token) {
        return stub.withCallCredentials(BearerCallCredentials.of(token)).withDeadlineAfter(15, TimeUnit.SECONDS);
    }

    /** Signs a new user up and returns an access token. */
    static String signUpAndLogIn(Channel channel, String username) {
        UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(15, TimeUnit.SECONDS)
                .signUp(SignUpRequest.newBuilder().setUsername(username).setPassword(PASSWORD).build());
        return logIn(channel, username);
    }

    static String logIn(Channel channel, String username) {
        return UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(15, TimeUnit.SECONDS)
                .logIn(LogInRequest.newBuilder().setUsername(username).setPassword(PASSWORD).build())
                .getTokens().getAccessToken();
    }
}

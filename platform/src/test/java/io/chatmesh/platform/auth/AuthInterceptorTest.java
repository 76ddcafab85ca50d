package io.chatmesh.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.proto.user.v1.GetMeRequest;
import io.chatmesh.proto.user.v1.GetMeResponse;
import io.chatmesh.proto.user.v1.SignUpRequest;
import io.chatmesh.proto.user.v1.SignUpResponse;
import io.chatmesh.proto.user.v1.User;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthInterceptorTest {

    /** Accepts exactly one token. */
    private static final AccessTokenVerifier VERIFIER = token -> {
        if (!token.equals("good-token")) {
            throw ChatmeshException.unauthenticated("bad token");
        }
        return new Principal("01JD0000000000000000000001", "alice", token, "session-1", Instant.MAX);
    };

    /** Answers GetMe with whatever AuthContext says, SignUp without looking at it. */
    private static final class EchoUsers extends UserServiceGrpc.UserServiceImplBase {
        @Override
        public void getMe(GetMeRequest request, StreamObserver<GetMeResponse> response) {
            Principal caller = AuthContext.currentOrNull();
            response.onNext(GetMeResponse.newBuilder().setUser(User.newBuilder()
                    .setUsername(caller == null ? "<none>" : caller.username())).build());
            response.onCompleted();
        }

        @Override
        public void signUp(SignUpRequest request, StreamObserver<SignUpResponse> response) {
            response.onNext(SignUpResponse.getDefaultInstance());
            response.onCompleted();
        }
    }

    private final EndedSessions endedSessions = new EndedSessions();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        AuthPolicy policy = new AuthPolicy(
                Set.of(UserServiceGrpc.getSignUpMethod().getFullMethodName()),
                Set.of(UserServiceGrpc.getGetMeMethod().getFullMethodName()));
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(new EchoUsers(), new AuthInterceptor(VERIFIER, policy, endedSessions)))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void aValidBearerTokenPutsTheCallerInTheContext() {
        GetMeResponse me = UserServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(BearerCallCredentials.of("good-token")).getMe(GetMeRequest.getDefaultInstance());
        assertThat(me.getUser().getUsername()).isEqualTo("alice");
    }

    @Test
    void aTokenOfASessionThatEndedIsRefused() {
        endedSessions.end("session-1");
        assertThatThrownBy(() -> UserServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(BearerCallCredentials.of("good-token")).getMe(GetMeRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    }

    @Test
    void publicMethodsNeedNoToken() {
        assertThat(UserServiceGrpc.newBlockingStub(channel).signUp(SignUpRequest.getDefaultInstance())).isNotNull();
    }

    @Test
    void inBandTokenMethodsPassWithoutAHeaderButAHeaderIsStillVerified() {
        assertThat(UserServiceGrpc.newBlockingStub(channel).getMe(GetMeRequest.getDefaultInstance()).getUser().getUsername())
                .isEqualTo("<none>");
        assertThatThrownBy(() -> UserServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(BearerCallCredentials.of("forged")).getMe(GetMeRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    }

    @Test
    void theBearerSchemeIsRequired() {
        assertThatThrownBy(() -> AuthInterceptor.bearerToken("Basic abc")).isInstanceOf(ChatmeshException.class);
        assertThatThrownBy(() -> AuthInterceptor.bearerToken("Bearer ")).isInstanceOf(ChatmeshException.class);
        assertThat(AuthInterceptor.bearerToken("bearer abc")).isEqualTo("abc");
    }
}

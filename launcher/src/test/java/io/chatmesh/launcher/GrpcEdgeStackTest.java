package io.chatmesh.launcher;

import static io.chatmesh.launcher.GrpcWebClient.BINARY;
import static io.chatmesh.launcher.GrpcWebClient.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.room.internal.v1.CheckMembershipRequest;
import io.chatmesh.proto.user.v1.GetMeRequest;
import io.chatmesh.proto.user.v1.GetMeResponse;
import io.chatmesh.proto.user.v1.LogInRequest;
import io.chatmesh.proto.user.v1.LogInResponse;
import io.chatmesh.proto.user.v1.SignUpRequest;
import io.chatmesh.proto.user.v1.WatchPresenceRequest;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A browser's view of the embedded stack: gRPC-Web, by hand, through the edge to the real
 * services on real PostgreSQL. Native gRPC through the same edge: {@link ChatmeshSystemTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcEdgeStackTest {

    private static final String USER_SERVICE = "/chatmesh.user.v1.UserService/";

    @RegisterExtension
    static final LaunchedStack STACK = new LaunchedStack();

    private GrpcWebClient web;

    @BeforeAll
    void start() {
        web = new GrpcWebClient(STACK.edgePort());
    }

    @Test
    void aBrowserSignsUpLogsInAndCallsWithItsToken() throws InvalidProtocolBufferException {
        String token = signUpAndLogIn("webalice");

        for (String format : List.of(BINARY, TEXT)) {
            GrpcWebClient.Response me = web.call(format, USER_SERVICE + "GetMe",
                    GetMeRequest.getDefaultInstance().toByteArray(), "authorization", "Bearer " + token);
            assertThat(me.httpStatus()).isEqualTo(200);
            assertThat(me.grpcStatus()).as(format).isZero();
            assertThat(GetMeResponse.parseFrom(me.messages().get(0)).getUser().getUsername()).isEqualTo("webalice");
        }
    }

    @Test
    void refusedCallsCarryTheirCodeAndDetailsInTheGrpcWebTrailers() {
        for (String format : List.of(BINARY, TEXT)) {
            GrpcWebClient.Response anonymous = web.call(format, USER_SERVICE + "GetMe",
                    GetMeRequest.getDefaultInstance().toByteArray());
            assertThat(anonymous.grpcStatus()).isEqualTo(Status.Code.UNAUTHENTICATED.value());
            assertThat(anonymous.statusDetails().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED.value());
            assertThat(anonymous.statusDetails().getDetailsList()).anyMatch(any -> any.is(ErrorInfo.class));

            GrpcWebClient.Response badName = web.call(format, USER_SERVICE + "SignUp", SignUpRequest.newBuilder()
                    .setUsername("x").setPassword(Accounts.PASSWORD).build().toByteArray());
            assertThat(badName.grpcStatus()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
            assertThat(badName.statusDetails().getDetailsList()).anyMatch(any -> any.is(BadRequest.class));
        }
    }

    @Test
    void streamsAreForNativeGrpcAndInternalServicesAreNotRouted() throws InvalidProtocolBufferException {
        // the chat stream is bidi: over gRPC-Web it is refused at the edge
        GrpcWebClient.Response chat = web.call(BINARY, "/chatmesh.chat.v1.ChatService/Connect",
                ClientEvent.newBuilder().setHello(Hello.newBuilder().setDeviceId("browser")).build().toByteArray());
        assertThat(chat.grpcStatus()).isEqualTo(Status.Code.UNIMPLEMENTED.value());

        // server streaming passes the edge: user-service's WatchPresence itself answers (no ids: INVALID_ARGUMENT)
        GrpcWebClient.Response presence = web.call(BINARY, USER_SERVICE + "WatchPresence",
                WatchPresenceRequest.getDefaultInstance().toByteArray(), "authorization", "Bearer " + signUpAndLogIn("webbob"));
        assertThat(presence.grpcStatus()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());

        GrpcWebClient.Response internal = web.call(BINARY, "/chatmesh.room.internal.v1.MembershipService/CheckMembership",
                CheckMembershipRequest.getDefaultInstance().toByteArray());
        assertThat(internal.grpcStatus()).isEqualTo(Status.Code.UNIMPLEMENTED.value());
    }

    @Test
    void healthWatchStreamsOverGrpcWeb() throws IOException {
        try (InputStream stream = web.open("/grpc.health.v1.Health/Watch",
                HealthCheckRequest.newBuilder().setService("chatmesh.user.v1.UserService").build().toByteArray())) {
            GrpcWebClient.Frame first = GrpcWebClient.readFrame(new DataInputStream(stream));
            assertThat(first.trailers()).isFalse();
            assertThat(HealthCheckResponse.parseFrom(first.payload()).getStatus())
                    .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        }
    }

    @Test
    void corsAllowsTheEdgesOwnOriginByDefaultAndNoOther() {
        for (String own : List.of("http://127.0.0.1:" + STACK.edgePort(), "http://localhost:" + STACK.edgePort())) {
            HttpResponse<String> preflight = web.send(preflight(own));
            assertThat(preflight.statusCode()).isEqualTo(200);
            assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue(own);
        }
        for (String other : List.of("http://evil.test", "http://localhost:5173")) {
            assertThat(web.send(preflight(other)).headers().firstValue("access-control-allow-origin"))
                    .as("preflight from %s", other).isEmpty();
        }
    }

    @Test
    void healthzSaysEveryServiceServes() {
        HttpResponse<String> health = web.send(HttpRequest.newBuilder(web.uri("/healthz")).GET());

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body().lines()).containsExactly(
                "chatmesh.chat.v1.ChatService SERVING",
                "chatmesh.message.v1.MessageService SERVING",
                "chatmesh.room.v1.RoomService SERVING",
                "chatmesh.signaling.v1.SignalingService SERVING",
                "chatmesh.user.v1.UserService SERVING");
    }

    /** A new account's access token, by gRPC-Web binary calls. */
    private String signUpAndLogIn(String username) throws InvalidProtocolBufferException {
        GrpcWebClient.Response signUp = web.call(BINARY, USER_SERVICE + "SignUp", SignUpRequest.newBuilder()
                .setUsername(username).setPassword(Accounts.PASSWORD).build().toByteArray());
        assertThat(signUp.grpcStatus()).isZero();
        GrpcWebClient.Response logIn = web.call(BINARY, USER_SERVICE + "LogIn", LogInRequest.newBuilder()
                .setUsername(username).setPassword(Accounts.PASSWORD).build().toByteArray());
        assertThat(logIn.grpcStatus()).isZero();
        return LogInResponse.parseFrom(logIn.messages().get(0)).getTokens().getAccessToken();
    }

    private HttpRequest.Builder preflight(String origin) {
        return HttpRequest.newBuilder(web.uri(USER_SERVICE + "GetMe"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "content-type,x-grpc-web,authorization");
    }
}

package io.chatmesh.launcher;

import static io.chatmesh.launcher.Accounts.PASSWORD;
import static io.chatmesh.launcher.Accounts.as;
import static io.chatmesh.launcher.Accounts.signUpAndLogIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.JoinRoomRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.proto.signaling.v1.Join;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.chatmesh.proto.user.v1.GetMeRequest;
import io.chatmesh.proto.user.v1.LogInRequest;
import io.chatmesh.proto.user.v1.LogOutRequest;
import io.chatmesh.proto.user.v1.SignUpRequest;
import io.chatmesh.proto.user.v1.TokenPair;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * LogOut ends one login session everywhere: its chat and signaling streams close with
 * UNAUTHENTICATED and its access tokens stop working on every service, while the same user's
 * other session (another device) goes on.
 */
class LogOutTest {

    @RegisterExtension
    static final LaunchedStack STACK = new LaunchedStack();

    @Test
    void logOutEndsThatSessionsStreamsAndTokensAndNoOtherSession() throws Exception {
        ManagedChannel edge = STACK.edge();
        String alice = signUpAndLogIn(edge, "alice");
        UserServiceGrpc.newBlockingStub(edge).withDeadlineAfter(15, TimeUnit.SECONDS)
                .signUp(SignUpRequest.newBuilder().setUsername("bob").setPassword(PASSWORD).build());
        TokenPair phone = logIn(edge, "bob");
        TokenPair laptop = logIn(edge, "bob");
        Room room = as(RoomServiceGrpc.newBlockingStub(edge), alice).createRoom(CreateRoomRequest.newBuilder()
                .setKind(RoomKind.ROOM_KIND_PUBLIC).setName("lobby").build()).getRoom();
        as(RoomServiceGrpc.newBlockingStub(edge), phone.getAccessToken())
                .joinRoom(JoinRoomRequest.newBuilder().setRoomId(room.getId()).build());

        StreamRecorder<ServerEvent> phoneChat = chat(edge, phone.getAccessToken());
        StreamRecorder<ServerEvent> laptopChat = chat(edge, laptop.getAccessToken());
        StreamRecorder<io.chatmesh.proto.signaling.v1.ServerEvent> phoneCall = call(edge, phone.getAccessToken(), room);

        as(UserServiceGrpc.newBlockingStub(edge), phone.getAccessToken())
                .logOut(LogOutRequest.newBuilder().setRefreshToken(phone.getRefreshToken()).build());

        phoneChat.awaitEnd();
        assertThat(Status.fromThrowable(phoneChat.error()).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        phoneCall.awaitEnd();
        assertThat(Status.fromThrowable(phoneCall.error()).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> as(UserServiceGrpc.newBlockingStub(edge), phone.getAccessToken())
                        .getMe(GetMeRequest.getDefaultInstance()));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> as(RoomServiceGrpc.newBlockingStub(edge), phone.getAccessToken())
                        .joinRoom(JoinRoomRequest.newBuilder().setRoomId(room.getId()).build()));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);

        // the laptop's session goes on: its stream gets the next message, its token works
        as(ChatServiceGrpc.newBlockingStub(edge), alice).sendMessage(SendMessageRequest.newBuilder()
                .setClientId("after-logout").setMessage(SendMessageEvent.newBuilder()
                        .setRoomId(room.getId()).setText("still there, laptop?")).build());
        laptopChat.awaitFirst(e -> e.hasMessageCreated()
                && e.getMessageCreated().getMessage().getText().equals("still there, laptop?"));
        assertThat(laptopChat.ended()).isFalse();
        assertThat(as(UserServiceGrpc.newBlockingStub(edge), laptop.getAccessToken())
                .getMe(GetMeRequest.getDefaultInstance()).getUser().getUsername()).isEqualTo("bob");
    }

    private static TokenPair logIn(ManagedChannel edge, String username) {
        return UserServiceGrpc.newBlockingStub(edge).withDeadlineAfter(15, TimeUnit.SECONDS)
                .logIn(LogInRequest.newBuilder().setUsername(username).setPassword(PASSWORD).build()).getTokens();
    }

    private static StreamRecorder<ServerEvent> chat(ManagedChannel edge, String token) {
        StreamRecorder<ServerEvent> events = new StreamRecorder<>();
        StreamObserver<ClientEvent> out = ChatServiceGrpc.newStub(edge)
                .withCallCredentials(BearerCallCredentials.of(token)).connect(events);
        out.onNext(ClientEvent.newBuilder().setHello(Hello.getDefaultInstance()).build());
        events.awaitFirst(ServerEvent::hasReady);
        return events;
    }

    private static StreamRecorder<io.chatmesh.proto.signaling.v1.ServerEvent> call(ManagedChannel edge, String token,
            Room room) {
        StreamRecorder<io.chatmesh.proto.signaling.v1.ServerEvent> events = new StreamRecorder<>();
        StreamObserver<io.chatmesh.proto.signaling.v1.ClientEvent> out = SignalingServiceGrpc.newStub(edge)
                .withCallCredentials(BearerCallCredentials.of(token)).connect(events);
        out.onNext(io.chatmesh.proto.signaling.v1.ClientEvent.newBuilder().setClientId("join")
                .setJoin(Join.newBuilder().setRoomId(room.getId())).build());
        events.awaitFirst(io.chatmesh.proto.signaling.v1.ServerEvent::hasJoined);
        return events;
    }
}

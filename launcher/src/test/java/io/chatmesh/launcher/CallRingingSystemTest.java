package io.chatmesh.launcher;

import static io.chatmesh.launcher.Accounts.as;
import static io.chatmesh.launcher.Accounts.signUpAndLogIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.ErrorInfo;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.room.v1.CreateRoomRequest;
import io.chatmesh.proto.room.v1.OpenDirectRoomRequest;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.chatmesh.proto.room.v1.RoomServiceGrpc;
import io.chatmesh.proto.signaling.v1.AcceptCallRequest;
import io.chatmesh.proto.signaling.v1.Call;
import io.chatmesh.proto.signaling.v1.CallState;
import io.chatmesh.proto.signaling.v1.CancelCallRequest;
import io.chatmesh.proto.signaling.v1.RingCallRequest;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.chatmesh.proto.user.v1.AcceptRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.BlockUserRequest;
import io.chatmesh.proto.user.v1.GetMeRequest;
import io.chatmesh.proto.user.v1.RelationshipKind;
import io.chatmesh.proto.user.v1.SendRelationshipRequestRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ringing across the real services, through the edge: blocks asked of the real user-service
 * (RelationshipService over gRPC), and rings told on the chat stream (signaling-service to
 * chat-service over the bus) as well as on WatchCalls.
 */
class CallRingingSystemTest {

    @RegisterExtension
    static final LaunchedStack STACK = new LaunchedStack();

    private final List<StreamObserver<ClientEvent>> streams = new ArrayList<>();

    private record Person(String id, String token) {}

    @AfterEach
    void closeStreams() {
        streams.forEach(StreamObserver::onCompleted);
    }

    @Test
    void theChatStreamTellsTheCallerAndTheCalleesOfARingAndNobodyAcrossABlock() {
        Person ann = person("ring_ann");
        Person bob = person("ring_bob");
        Person cat = person("ring_cat");
        Person dan = person("ring_dan");
        Room room = rooms(ann).createRoom(CreateRoomRequest.newBuilder().setKind(RoomKind.ROOM_KIND_GROUP)
                .setName("ringing").addMemberIds(bob.id()).addMemberIds(cat.id()).addMemberIds(dan.id()).build())
                .getRoom();
        users(dan).blockUser(BlockUserRequest.newBuilder().setUserId(ann.id()).build());
        StreamRecorder<ServerEvent> annChat = chatStream(ann);
        StreamRecorder<ServerEvent> bobChat = chatStream(bob);
        StreamRecorder<ServerEvent> danChat = chatStream(dan);

        Call rung = signaling(ann).ringCall(RingCallRequest.newBuilder().setRoomId(room.getId()).setVideo(true).build())
                .getCall();
        assertThat(rung.getCalleeIdsList()).containsExactlyInAnyOrder(bob.id(), cat.id());
        assertThat(awaitCall(bobChat, rung, CallState.CALL_STATE_RINGING).getVideo()).isTrue();
        awaitCall(annChat, rung, CallState.CALL_STATE_RINGING);

        // bob answers: his devices stop ringing (he is in accepted_user_ids); cat's ring goes on
        signaling(bob).acceptCall(AcceptCallRequest.newBuilder().setCallId(rung.getCallId()).build());
        assertThat(bobChat.awaitFirst(event -> event.getCallChanged().getAcceptedUserIdsList().contains(bob.id()))
                .getCallChanged().getState()).isEqualTo(CallState.CALL_STATE_RINGING);
        signaling(ann).cancelCall(CancelCallRequest.newBuilder().setCallId(rung.getCallId()).build());
        awaitCall(bobChat, rung, CallState.CALL_STATE_CANCELLED);
        awaitCall(annChat, rung, CallState.CALL_STATE_CANCELLED);

        assertThat(danChat.all(ServerEvent::hasCallChanged)).isEmpty();
        assertThatThrownBy(() -> signaling(dan).acceptCall(AcceptCallRequest.newBuilder()
                .setCallId(rung.getCallId()).build())).isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void aDirectRoomAcrossABlockDoesNotRingEitherWay() {
        Person eve = person("ring_eve");
        Person fay = person("ring_fay");
        befriend(eve, fay);
        Room direct = rooms(eve).openDirectRoom(OpenDirectRoomRequest.newBuilder().setUserId(fay.id()).build())
                .getRoom();
        users(fay).blockUser(BlockUserRequest.newBuilder().setUserId(eve.id()).build());
        StreamRecorder<ServerEvent> fayChat = chatStream(fay);

        assertBlocked(() -> signaling(eve).ringCall(RingCallRequest.newBuilder().setRoomId(direct.getId()).build()));
        assertBlocked(() -> signaling(fay).ringCall(RingCallRequest.newBuilder().setRoomId(direct.getId()).build()));
        assertThat(fayChat.all(ServerEvent::hasCallChanged)).isEmpty();
    }

    private static Call awaitCall(StreamRecorder<ServerEvent> chat, Call call, CallState state) {
        return chat.awaitFirst(event -> event.getCallChanged().getCallId().equals(call.getCallId())
                && event.getCallChanged().getState() == state).getCallChanged();
    }

    private StreamRecorder<ServerEvent> chatStream(Person person) {
        StreamRecorder<ServerEvent> events = new StreamRecorder<>();
        StreamObserver<ClientEvent> out = ChatServiceGrpc.newStub(STACK.edge())
                .withCallCredentials(BearerCallCredentials.of(person.token())).connect(events);
        out.onNext(ClientEvent.newBuilder().setHello(Hello.newBuilder().setDeviceId("laptop")).build());
        events.awaitFirst(ServerEvent::hasReady);
        streams.add(out);
        return events;
    }

    /** PERMISSION_DENIED, reason BLOCKED. */
    private static void assertBlocked(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(StatusProto.fromThrowable(e).getDetailsList()).filteredOn(any -> any.is(ErrorInfo.class))
                    .extracting(any -> any.unpack(ErrorInfo.class).getReason()).containsExactly("BLOCKED");
        });
    }

    private static void befriend(Person a, Person b) {
        String requestId = users(a).sendRelationshipRequest(SendRelationshipRequestRequest.newBuilder()
                .setToUserId(b.id()).setKind(RelationshipKind.RELATIONSHIP_KIND_FRIEND).build()).getRequest().getId();
        users(b).acceptRelationshipRequest(AcceptRelationshipRequestRequest.newBuilder().setRequestId(requestId).build());
    }

    private static Person person(String username) {
        String token = signUpAndLogIn(STACK.edge(), username);
        return new Person(users(token).getMe(GetMeRequest.getDefaultInstance()).getUser().getId(), token);
    }

    private static UserServiceGrpc.UserServiceBlockingStub users(Person person) {
        return users(person.token());
    }

    private static UserServiceGrpc.UserServiceBlockingStub users(String token) {
        return as(UserServiceGrpc.newBlockingStub(STACK.edge()), token);
    }

    private static RoomServiceGrpc.RoomServiceBlockingStub rooms(Person person) {
        return as(RoomServiceGrpc.newBlockingStub(STACK.edge()), person.token());
    }

    private static SignalingServiceGrpc.SignalingServiceBlockingStub signaling(Person person) {
        return as(SignalingServiceGrpc.newBlockingStub(STACK.edge()), person.token());
    }
}

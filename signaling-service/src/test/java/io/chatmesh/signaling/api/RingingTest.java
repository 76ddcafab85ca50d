package io.chatmesh.signaling.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.signaling.v1.AcceptCallRequest;
import io.chatmesh.proto.signaling.v1.Call;
import io.chatmesh.proto.signaling.v1.CallState;
import io.chatmesh.proto.signaling.v1.CancelCallRequest;
import io.chatmesh.proto.signaling.v1.DeclineCallRequest;
import io.chatmesh.proto.signaling.v1.RingCallRequest;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * RingCall, AcceptCall, DeclineCall, CancelCall and WatchCalls over a real socket, against a
 * chat-service double (RoomService, MembershipService, ChatService) on a real port. Rings
 * here never time out during a test (default 30 s is far longer than any answer here takes;
 * the timeout has its own test, {@link RingTimeoutTest}).
 */
@TestPropertySource(properties = "chatmesh.signaling.ringing.timeout=10m")
class RingingTest extends SignalingApiTest {

    private final List<CallWatch> watches = new ArrayList<>();
    private String room;

    @BeforeEach
    void setUp() {
        room = Ids.newId();
    }

    @AfterEach
    void tearDown() {
        watches.forEach(CallWatch::close);
    }

    @Test
    void aRingReachesEveryDeviceOfTheCalleeAndAcceptingOnOneStopsItOnTheOther() {
        String alice = member(room);
        String bob = member(room);
        CallWatch bobPhone = watch(bob);
        CallWatch bobLaptop = watch(bob);
        CallWatch aliceWatch = watch(alice);

        Call rung = stub(alice).ringCall(RingCallRequest.newBuilder().setRoomId(room).setVideo(true).build()).getCall();
        assertThat(rung.getState()).isEqualTo(CallState.CALL_STATE_RINGING);
        assertThat(rung.getCallerId()).isEqualTo(alice);
        assertThat(rung.getCalleeIdsList()).containsExactly(bob);
        assertThat(rung.getVideo()).isTrue();
        assertThat(rung.getExpireTime().getSeconds()).isGreaterThan(rung.getCreateTime().getSeconds());
        for (CallWatch device : List.of(bobPhone, bobLaptop, aliceWatch)) {
            assertThat(device.await(rung, CallState.CALL_STATE_RINGING).getRoomId()).isEqualTo(room);
        }

        Call accepted = stub(bob).acceptCall(AcceptCallRequest.newBuilder().setCallId(rung.getCallId()).build()).getCall();
        assertThat(accepted.getState()).isEqualTo(CallState.CALL_STATE_ACCEPTED);
        assertThat(accepted.getAcceptedByUserId()).isEqualTo(bob);
        // the other device (and the caller) learn it: the laptop stops ringing
        assertThat(bobLaptop.await(rung, CallState.CALL_STATE_ACCEPTED).getAcceptedByUserId())
                .isEqualTo(bob);
        aliceWatch.await(rung, CallState.CALL_STATE_ACCEPTED);

        // answered once: a second answer finds nothing ringing
        assertThatThrownBy(() -> stub(bob).declineCall(DeclineCallRequest.newBuilder().setCallId(rung.getCallId()).build()))
                .satisfies(e -> assertCode(e, Status.Code.NOT_FOUND));
        assertThat(ROOMS.messages(room)).isEmpty();
    }

    @Test
    void declineTellsTheCallerAndAGroupRingEndsWhenEveryCalleeDeclined() {
        String alice = member(room);
        String bob = member(room);
        String carol = member(room);
        CallWatch aliceWatch = watch(alice);
        CallWatch bobWatch = watch(bob);

        Call rung = stub(alice).ringCall(RingCallRequest.newBuilder().setRoomId(room).build()).getCall();
        assertThat(rung.getCalleeIdsList()).containsExactlyInAnyOrder(bob, carol);
        bobWatch.await(rung, CallState.CALL_STATE_RINGING);

        Call afterBob = stub(bob).declineCall(DeclineCallRequest.newBuilder().setCallId(rung.getCallId()).build()).getCall();
        assertThat(afterBob.getState()).isEqualTo(CallState.CALL_STATE_RINGING); // carol is still rung
        assertThat(afterBob.getDeclinedUserIdsList()).containsExactly(bob);
        aliceWatch.events.awaitFirst(response -> response.getCall().getDeclinedUserIdsList().contains(bob));
        assertThatThrownBy(() -> stub(bob).declineCall(DeclineCallRequest.newBuilder().setCallId(rung.getCallId()).build()))
                .satisfies(e -> assertCode(e, Status.Code.FAILED_PRECONDITION));

        Call afterCarol = stub(carol).declineCall(DeclineCallRequest.newBuilder().setCallId(rung.getCallId()).build())
                .getCall();
        assertThat(afterCarol.getState()).isEqualTo(CallState.CALL_STATE_DECLINED);
        assertThat(aliceWatch.await(rung, CallState.CALL_STATE_DECLINED).getDeclinedUserIdsList())
                .containsExactlyInAnyOrder(bob, carol);
    }

    @Test
    void inAGroupRingEachCalleeAnswersForThemselvesAndTheRingEndsWhenAllHave() {
        String alice = member(room);
        String bob = member(room);
        String carol = member(room);
        CallWatch carolWatch = watch(carol);
        Call rung = stub(alice).ringCall(RingCallRequest.newBuilder().setRoomId(room).build()).getCall();
        carolWatch.await(rung, CallState.CALL_STATE_RINGING);

        Call afterBob = stub(bob).acceptCall(AcceptCallRequest.newBuilder().setCallId(rung.getCallId()).build()).getCall();
        assertThat(afterBob.getState()).isEqualTo(CallState.CALL_STATE_RINGING); // carol still rings
        assertThat(afterBob.getAcceptedUserIdsList()).containsExactly(bob);
        assertThat(afterBob.getAcceptedByUserId()).isEqualTo(bob);
        carolWatch.events.awaitFirst(response -> response.getCall().getAcceptedUserIdsList().contains(bob));
        assertThatThrownBy(() -> stub(bob).declineCall(DeclineCallRequest.newBuilder().setCallId(rung.getCallId()).build()))
                .satisfies(e -> assertCode(e, Status.Code.FAILED_PRECONDITION));

        Call afterCarol = stub(carol).declineCall(DeclineCallRequest.newBuilder().setCallId(rung.getCallId()).build())
                .getCall();
        assertThat(afterCarol.getState()).isEqualTo(CallState.CALL_STATE_ACCEPTED);
        assertThat(afterCarol.getDeclinedUserIdsList()).containsExactly(carol);
        carolWatch.await(rung, CallState.CALL_STATE_ACCEPTED);
    }

    @Test
    void theCallerCancelsAndOnlyTheCallerMay() {
        String alice = member(room);
        String bob = member(room);
        CallWatch bobWatch = watch(bob);
        Call rung = stub(alice).ringCall(RingCallRequest.newBuilder().setRoomId(room).build()).getCall();
        bobWatch.await(rung, CallState.CALL_STATE_RINGING);

        assertThatThrownBy(() -> stub(bob).cancelCall(CancelCallRequest.newBuilder().setCallId(rung.getCallId()).build()))
                .satisfies(e -> assertCode(e, Status.Code.PERMISSION_DENIED));
        assertThatThrownBy(() -> stub(alice).acceptCall(AcceptCallRequest.newBuilder().setCallId(rung.getCallId()).build()))
                .satisfies(e -> assertCode(e, Status.Code.PERMISSION_DENIED));
        // one ringing call per room
        assertThatThrownBy(() -> stub(bob).ringCall(RingCallRequest.newBuilder().setRoomId(room).build()))
                .satisfies(e -> assertCode(e, Status.Code.FAILED_PRECONDITION));

        Call cancelled = stub(alice).cancelCall(CancelCallRequest.newBuilder().setCallId(rung.getCallId()).build()).getCall();
        assertThat(cancelled.getState()).isEqualTo(CallState.CALL_STATE_CANCELLED);
        bobWatch.await(rung, CallState.CALL_STATE_CANCELLED);
        // the room may ring again
        assertThat(stub(bob).ringCall(RingCallRequest.newBuilder().setRoomId(room).build()).getCall().getCallerId())
                .isEqualTo(bob);
    }

    @Test
    void outsidersCanNeitherRingNorAnswerNorSeeTheRing() {
        String alice = member(room);
        member(room);
        String stranger = Ids.newId();
        CallWatch strangerWatch = watch(stranger);
        Call rung = stub(alice).ringCall(RingCallRequest.newBuilder().setRoomId(room).build()).getCall();

        assertThatThrownBy(() -> stub(stranger).ringCall(RingCallRequest.newBuilder().setRoomId(room).build()))
                .satisfies(e -> assertCode(e, Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> stub(stranger).acceptCall(AcceptCallRequest.newBuilder().setCallId(rung.getCallId()).build()))
                .satisfies(e -> assertCode(e, Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> stub(alice).ringCall(RingCallRequest.newBuilder().setRoomId("").build()))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> stub(alice).acceptCall(AcceptCallRequest.newBuilder().setCallId("x".repeat(300)).build()))
                .satisfies(e -> assertCode(e, Status.Code.INVALID_ARGUMENT));
        // a room with nobody else to ring
        String lonely = Ids.newId();
        ROOMS.addMember(lonely, alice);
        assertThatThrownBy(() -> stub(alice).ringCall(RingCallRequest.newBuilder().setRoomId(lonely).build()))
                .satisfies(e -> assertCode(e, Status.Code.FAILED_PRECONDITION));
        assertThatThrownBy(() -> SignalingServiceGrpc.newBlockingStub(channel)
                .ringCall(RingCallRequest.newBuilder().setRoomId(room).build()))
                .satisfies(e -> assertCode(e, Status.Code.UNAUTHENTICATED));

        stub(alice).cancelCall(CancelCallRequest.newBuilder().setCallId(rung.getCallId()).build());
        assertThat(strangerWatch.events.all(response -> true)).isEmpty();
        assertThat(strangerWatch.events.ended()).isFalse();
    }

    @Test
    void aRingNeverCrossesABlockEitherWay() {
        String alice = member(room);
        String blocker = member(room);
        String blocked = member(room);
        String carol = member(room);
        USERS.block(blocker, alice).block(alice, blocked);
        CallWatch blockerWatch = watch(blocker);
        CallWatch blockedWatch = watch(blocked);
        CallWatch carolWatch = watch(carol);

        // a group room rings everyone else: the two across a block are left out and learn nothing
        Call rung = stub(alice).ringCall(RingCallRequest.newBuilder().setRoomId(room).build()).getCall();
        assertThat(rung.getCalleeIdsList()).containsExactly(carol);
        carolWatch.await(rung, CallState.CALL_STATE_RINGING);
        assertThatThrownBy(() -> stub(blocker).acceptCall(AcceptCallRequest.newBuilder().setCallId(rung.getCallId()).build()))
                .satisfies(e -> assertCode(e, Status.Code.NOT_FOUND));
        stub(alice).cancelCall(CancelCallRequest.newBuilder().setCallId(rung.getCallId()).build());
        carolWatch.await(rung, CallState.CALL_STATE_CANCELLED);
        assertThat(blockerWatch.events.all(response -> true)).isEmpty();
        assertThat(blockedWatch.events.all(response -> true)).isEmpty();

        // with nobody else but someone across a block (a direct room): refused, both ways
        String direct = Ids.newId();
        ROOMS.addMember(direct, alice).addMember(direct, blocker);
        assertThatThrownBy(() -> stub(alice).ringCall(RingCallRequest.newBuilder().setRoomId(direct).build()))
                .satisfies(e -> assertCode(e, Status.Code.PERMISSION_DENIED));
        assertThatThrownBy(() -> stub(blocker).ringCall(RingCallRequest.newBuilder().setRoomId(direct).build()))
                .satisfies(e -> assertCode(e, Status.Code.PERMISSION_DENIED));
        assertThat(blockerWatch.events.all(response -> true)).isEmpty();
    }

    /** A new user who is a member of the room. */
    static String member(String roomId) {
        String userId = Ids.newId();
        ROOMS.addMember(roomId, userId);
        return userId;
    }

    private SignalingServiceGrpc.SignalingServiceBlockingStub stub(String userId) {
        return SignalingServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(BearerCallCredentials.of(TOKENS.issue(userId, "user-" + userId)))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** One device's WatchCalls stream, cancelled after the test. */
    private CallWatch watch(String userId) {
        CallWatch watch = new CallWatch(channel, TOKENS.issue(userId, "user-" + userId));
        watches.add(watch);
        return watch;
    }

    static void assertCode(Throwable e, Status.Code code) {
        assertThat(e).isInstanceOf(StatusRuntimeException.class);
        assertThat(((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(code);
    }
}

package io.chatmesh.signaling.api;

import static io.chatmesh.signaling.api.RingingTest.assertCode;
import static io.chatmesh.signaling.api.RingingTest.member;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.signaling.v1.AcceptCallRequest;
import io.chatmesh.proto.signaling.v1.Call;
import io.chatmesh.proto.signaling.v1.CallState;
import io.chatmesh.proto.signaling.v1.RingCallRequest;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** An unanswered ring ends MISSED and leaves a "Missed call" note in the room, posted as the caller. */
@TestPropertySource(properties = "chatmesh.signaling.ringing.timeout=1s")
class RingTimeoutTest extends SignalingApiTest {

    @Test
    void anUnansweredRingEndsMissedAndLeavesOneMissedCallNote() {
        String room = Ids.newId();
        String alice = member(room);
        String bob = member(room);
        Call rung = stub(channel, alice).ringCall(RingCallRequest.newBuilder().setRoomId(room).setVideo(true).build())
                .getCall();
        assertThat(Duration.between(ApiTimes.instant(rung.getCreateTime()), ApiTimes.instant(rung.getExpireTime())))
                .isEqualTo(Duration.ofSeconds(1));

        await().atMost(StreamRecorder.PATIENCE).until(() -> !ROOMS.messages(room).isEmpty());
        assertThat(ROOMS.messages(room)).containsExactly("Missed video call");
        // no longer ringing: nothing to accept, and the room may ring again
        assertThatThrownBy(() -> stub(channel, bob).acceptCall(AcceptCallRequest.newBuilder()
                .setCallId(rung.getCallId()).build())).satisfies(e -> assertCode(e, Status.Code.NOT_FOUND));
        assertThat(stub(channel, bob).ringCall(RingCallRequest.newBuilder().setRoomId(room).build()).getCall()
                .getState()).isEqualTo(CallState.CALL_STATE_RINGING);
    }

    private static SignalingServiceGrpc.SignalingServiceBlockingStub stub(ManagedChannel channel, String userId) {
        return SignalingServiceGrpc.newBlockingStub(channel)
                .withCallCredentials(BearerCallCredentials.of(TOKENS.issue(userId, "user-" + userId)))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }
}

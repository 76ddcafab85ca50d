package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatmesh.chat.ChatClient;
import io.chatmesh.chat.ChatServiceTestBase;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.RoomCursor;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.common.v1.StreamError;
import io.chatmesh.proto.room.v1.Room;
import io.chatmesh.proto.room.v1.RoomKind;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Stream starts beyond {@code chatmesh.chat.session-starts-max} are refused at once with a
 * retry delay, and a start's place is free again once its session is live.
 */
@TestPropertySource(properties = "chatmesh.chat.session-starts-max=1")
class SessionStartsTest extends ChatServiceTestBase {

    @Test
    void aHelloWhileTheOnlyStartIsInProgressIsRefusedAndAdmittedOnceItIsDone() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        Room room = createRoom(alice, RoomKind.ROOM_KIND_GROUP, bob);
        for (int i = 0; i < 2; i++) {
            chat(alice).sendMessage(SendMessageRequest.newBuilder().setClientId(Ids.newId())
                    .setMessage(SendMessageEvent.newBuilder().setRoomId(room.getId()).setText("message")).build());
        }

        int callsBefore = MESSAGES.listCalls();
        CountDownLatch listing = MESSAGES.holdListing();
        try (ChatClient resuming = ChatClient.connect(channel, bob.token())) {
            try {
                // Ready comes first; the start goes on with the replay, held in ListMessages
                resuming.hello(Hello.newBuilder()
                        .addResumeFrom(RoomCursor.newBuilder().setRoomId(room.getId()).setSeq(0)).build());
                await().atMost(Duration.ofSeconds(20)).until(() -> MESSAGES.listCalls() > callsBefore);

                try (ChatClient refused = ChatClient.connect(channel, alice.token())) {
                    refused.send(ClientEvent.newBuilder().setHello(Hello.getDefaultInstance()).build());
                    StreamError why = refused.next().getError();
                    assertThat(why.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
                    assertThat(why.getReason()).isEqualTo("OVERLOADED");
                    assertThat(Duration.ofSeconds(why.getRetryDelay().getSeconds(), why.getRetryDelay().getNanos()))
                            .isBetween(Duration.ofMillis(500), Duration.ofMillis(1500));
                    assertThat(refused.awaitClosed().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(refused.awaitClosedReason()).isEqualTo("OVERLOADED");
                }
            } finally {
                listing.countDown();
            }
            assertThat(resuming.next(ServerEvent.EventCase.MESSAGE_CREATED).getMessageCreated().getMessage().getSeq())
                    .isEqualTo(1);
            assertThat(resuming.next(ServerEvent.EventCase.MESSAGE_CREATED).getMessageCreated().getMessage().getSeq())
                    .isEqualTo(2);
        }

        // the replay is done, so the place is free (at the latest just after the replay's last
        // message went out): the same Hello now starts a session
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            try (ChatClient admitted = ChatClient.connect(channel, alice.token())) {
                admitted.send(ClientEvent.newBuilder().setHello(Hello.getDefaultInstance()).build());
                return admitted.next().hasReady();
            }
        });
    }
}

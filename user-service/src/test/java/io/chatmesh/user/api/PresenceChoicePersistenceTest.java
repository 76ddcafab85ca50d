package io.chatmesh.user.api;

import static io.chatmesh.user.api.GrpcAssertions.violatedFields;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.user.internal.v1.DeviceStream;
import io.chatmesh.proto.user.internal.v1.PresenceSignal;
import io.chatmesh.proto.user.v1.GetPresenceRequest;
import io.chatmesh.proto.user.v1.LogInRequest;
import io.chatmesh.proto.user.v1.Presence;
import io.chatmesh.proto.user.v1.PresenceStatus;
import io.chatmesh.proto.user.v1.SetPresenceRequest;
import io.chatmesh.proto.user.v1.SignUpRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.testkit.TestPostgres;
import io.chatmesh.user.UserServiceApplication;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

/**
 * The chosen status lives in PostgreSQL: a restarted service (or one started after the choice)
 * shows it as soon as the user's device is connected again, and a refused SetPresence keeps it.
 */
class PresenceChoicePersistenceTest {

    private static final String PASSWORD = "correct horse battery";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private record Account(String userId, String token) {}

    @Test
    void theChosenStatusSurvivesARestartAndABadRequestChangesNothing() {
        String database = TestPostgres.newDatabase();
        Account kim = running(database, (users, bus) -> {
            String id = users.signUp(SignUpRequest.newBuilder().setUsername("kim").setPassword(PASSWORD).build())
                    .getUser().getId();
            String token = users.logIn(LogInRequest.newBuilder().setUsername("kim").setPassword(PASSWORD).build())
                    .getTokens().getAccessToken();
            var asKim = users.withCallCredentials(BearerCallCredentials.of(token));
            asKim.setPresence(SetPresenceRequest.newBuilder().setStatus(PresenceStatus.PRESENCE_STATUS_AWAY)
                    .setStatusText("on a train").build());
            // refused: an over-long text and a status one cannot choose; the choice above stays
            assertThat(violatedFields(() -> asKim.setPresence(SetPresenceRequest.newBuilder()
                    .setStatus(PresenceStatus.PRESENCE_STATUS_DO_NOT_DISTURB).setStatusText("x".repeat(129)).build())))
                    .containsExactly("status_text");
            assertThat(violatedFields(() -> asKim.setPresence(SetPresenceRequest.newBuilder()
                    .setStatus(PresenceStatus.PRESENCE_STATUS_UNSPECIFIED).build())))
                    .containsExactly("status");
            return new Account(id, token);
        });

        Presence seen = running(database, (users, bus) -> {
            var asKim = users.withCallCredentials(BearerCallCredentials.of(kim.token()));
            bus.publish(Topics.PRESENCE, kim.userId(), PresenceSignal.newBuilder().setDeviceStream(DeviceStream
                    .newBuilder().setUserId(kim.userId()).setDeviceId("phone").setOpen(true)
                    .setTime(ApiTimes.timestamp(Instant.now()))).build().toByteArray()).join();
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(presence(asKim, kim).getStatus())
                    .isNotEqualTo(PresenceStatus.PRESENCE_STATUS_OFFLINE));
            return presence(asKim, kim);
        });
        assertThat(seen.getStatus()).isEqualTo(PresenceStatus.PRESENCE_STATUS_AWAY);
        assertThat(seen.getStatusText()).isEqualTo("on a train");
    }

    private static Presence presence(UserServiceGrpc.UserServiceBlockingStub users, Account account) {
        return users.getPresence(GetPresenceRequest.newBuilder().addUserIds(account.userId()).build()).getPresences(0);
    }

    /** Starts the service on the database (its own in-process bus), runs {@code body}, stops it. */
    private static <T> T running(String database, BiFunction<UserServiceGrpc.UserServiceBlockingStub, EventBus, T> body) {
        try (ConfigurableApplicationContext service = UserServiceApplication.builder()
                .run(TestDatabase.args(database))) {
            int port = service.getBean(GrpcServerLifecycle.class).getPort();
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port,
                    InsecureChannelCredentials.create()).build();
            try {
                return body.apply(UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS),
                        service.getBean(EventBus.class));
            } finally {
                channel.shutdownNow();
            }
        }
    }
}

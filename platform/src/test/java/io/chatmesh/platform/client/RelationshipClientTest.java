package io.chatmesh.platform.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatmesh.platform.auth.AuthInterceptor;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.client.RelationshipClient.Relation;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.proto.user.internal.v1.CheckRelationshipsRequest;
import io.chatmesh.proto.user.internal.v1.CheckRelationshipsResponse;
import io.chatmesh.proto.user.internal.v1.Relationship;
import io.chatmesh.proto.user.internal.v1.RelationshipServiceGrpc;
import io.grpc.Contexts;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The user-service client against a RelationshipService on a real port. */
class RelationshipClientTest {

    private static final Context.Key<String> AUTHORIZATION = Context.key("authorization");

    private final Set<String> existing = ConcurrentHashMap.newKeySet();
    private final Set<String> blockedByThem = ConcurrentHashMap.newKeySet();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<String> askedFor = new CopyOnWriteArrayList<>();
    private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private volatile Status failure;
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        ServerInterceptor captureAuthorization = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                String header = headers.get(AuthInterceptor.AUTHORIZATION);
                return Contexts.interceptCall(Context.current().withValue(AUTHORIZATION, header), call, headers, next);
            }
        };
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(new RelationshipServiceGrpc.RelationshipServiceImplBase() {
                    @Override
                    public void checkRelationships(CheckRelationshipsRequest request,
                            StreamObserver<CheckRelationshipsResponse> response) {
                        authorizations.add(AUTHORIZATION.get());
                        askedFor.add(request.getUserId());
                        batchSizes.add(request.getOtherUserIdsCount());
                        if (failure != null) {
                            response.onError(failure.asRuntimeException());
                            return;
                        }
                        CheckRelationshipsResponse.Builder relations = CheckRelationshipsResponse.newBuilder();
                        request.getOtherUserIdsList().stream().filter(existing::contains)
                                .forEach(id -> relations.addRelationships(Relationship.newBuilder().setOtherUserId(id)
                                        .setBlocked(blockedByThem.contains(id)).setFriends(!blockedByThem.contains(id))));
                        response.onNext(relations.build());
                        response.onCompleted();
                    }
                }, captureAuthorization))
                .build().start();
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(), InsecureChannelCredentials.create()).build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void returnsTheRelationsWithExistingUsersAskingWithTheCallersToken() {
        String friend = Ids.newId();
        String blocker = Ids.newId();
        String unknown = Ids.newId();
        existing.addAll(List.of(friend, blocker));
        blockedByThem.add(blocker);
        RelationshipClient client = new RelationshipClient(channel, Duration.ofSeconds(5));
        Principal alice = new Principal(Ids.newId(), "alice", "token-1", "", Instant.MAX);

        assertThat(client.relations(alice, List.of(friend, blocker, unknown))).containsExactlyInAnyOrderEntriesOf(
                Map.of(friend, new Relation(false, true, false), blocker, new Relation(true, false, false)));
        assertThat(authorizations).containsExactly("Bearer token-1");
        assertThat(askedFor).containsExactly(alice.userId());
    }

    @Test
    void asksInBatchesOfAtMostOneHundred() {
        List<String> ids = IntStream.range(0, 150).mapToObj(i -> Ids.newId()).toList();
        existing.addAll(ids);
        RelationshipClient client = new RelationshipClient(channel, Duration.ofSeconds(5));

        assertThat(client.relations(new Principal(Ids.newId(), "alice", "t", "", Instant.MAX), ids)).hasSize(150);
        assertThat(batchSizes).containsExactlyInAnyOrder(100, 50);
    }

    @Test
    void failuresBecomeUnavailableOrUnauthenticated() {
        RelationshipClient client = new RelationshipClient(channel, Duration.ofSeconds(5));
        Principal caller = new Principal(Ids.newId(), "alice", "t", "", Instant.MAX);

        failure = Status.INTERNAL;
        assertThatThrownBy(() -> client.relations(caller, List.of(Ids.newId())))
                .isInstanceOfSatisfying(ChatmeshException.class,
                        e -> assertThat(e.kind()).isEqualTo(ChatmeshException.Kind.UNAVAILABLE));
        failure = Status.UNAUTHENTICATED;
        assertThatThrownBy(() -> client.relations(caller, List.of(Ids.newId())))
                .isInstanceOfSatisfying(ChatmeshException.class,
                        e -> assertThat(e.kind()).isEqualTo(ChatmeshException.Kind.UNAUTHENTICATED));
    }
}

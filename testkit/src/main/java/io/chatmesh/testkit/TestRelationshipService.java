package io.chatmesh.testkit;

import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.platform.auth.AuthContext;
import io.chatmesh.platform.auth.AuthInterceptor;
import io.chatmesh.platform.auth.AuthPolicy;
import io.chatmesh.platform.auth.EndedSessions;
import io.chatmesh.proto.user.internal.v1.CheckRelationshipsRequest;
import io.chatmesh.proto.user.internal.v1.CheckRelationshipsResponse;
import io.chatmesh.proto.user.internal.v1.Relationship;
import io.chatmesh.proto.user.internal.v1.RelationshipServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * user-service's internal RelationshipService on a real loopback port, answering
 * CheckRelationships from blocks a test sets (every id exists; nobody is friends), for testing
 * other services without user-service. Like the real one it requires the caller's forwarded
 * token and only answers about that caller.
 */
public final class TestRelationshipService implements AutoCloseable {

    /** "blocker/blocked" pairs. */
    private final Set<String> blocks = ConcurrentHashMap.newKeySet();
    private final Server server;

    public TestRelationshipService(AccessTokenVerifier verifier) {
        AuthInterceptor auth = new AuthInterceptor(verifier, AuthPolicy.allAuthenticated(), new EndedSessions());
        try {
            server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                    .addService(ServerInterceptors.intercept(new Relationships(), auth))
                    .build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "static://127.0.0.1:PORT", for spring.grpc.client.channels.users.address. */
    public String address() {
        return "static://127.0.0.1:" + server.getPort();
    }

    public TestRelationshipService block(String blockerId, String blockedId) {
        blocks.add(blockerId + "/" + blockedId);
        return this;
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Relationships extends RelationshipServiceGrpc.RelationshipServiceImplBase {
        @Override
        public void checkRelationships(CheckRelationshipsRequest request,
                StreamObserver<CheckRelationshipsResponse> response) {
            String caller = AuthContext.current().userId();
            if (!caller.equals(request.getUserId())) {
                response.onError(Status.PERMISSION_DENIED.asRuntimeException());
                return;
            }
            CheckRelationshipsResponse.Builder answer = CheckRelationshipsResponse.newBuilder();
            request.getOtherUserIdsList().forEach(other -> answer.addRelationships(Relationship.newBuilder()
                    .setOtherUserId(other)
                    .setBlocked(blocks.contains(caller + "/" + other) || blocks.contains(other + "/" + caller))));
            response.onNext(answer.build());
            response.onCompleted();
        }
    }
}

package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.chat.ChatServiceTestBase;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Both services stay visible to grpcurl, also ChatService, whose binding is rebuilt (LenientConnect). */
class ReflectionTest extends ChatServiceTestBase {

    @Test
    void reflectionListsAndDescribesBothServices() throws Exception {
        ServerReflectionResponse services = ask(ServerReflectionRequest.newBuilder().setListServices("").build());
        assertThat(services.getListServicesResponse().getServiceList()).extracting(ServiceResponse::getName)
                .contains("chatmesh.chat.v1.ChatService", "chatmesh.room.v1.RoomService");

        ServerReflectionResponse chat = ask(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("chatmesh.chat.v1.ChatService").build());
        assertThat(chat.getFileDescriptorResponse().getFileDescriptorProtoCount()).isPositive();
    }

    private ServerReflectionResponse ask(ServerReflectionRequest request) throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        answer.complete(response);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        answer.completeExceptionally(new IllegalStateException("no answer"));
                    }
                });
        requests.onNext(request);
        requests.onCompleted();
        return answer.get(20, TimeUnit.SECONDS);
    }
}

package io.chatmesh.launcher;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Channel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code GET /healthz} for load balancers and scripts that speak plain HTTP: asks the backend of
 * every routed service (grpc.health.v1 Check of "", i.e. the process as a whole) and answers 200
 * when all of them serve, else 503. The body has one line per service and what its backend said.
 */
final class BackendHealthEndpoint implements HttpService {

    static final String PATH = "/healthz";

    /** A backend that has not answered by then counts as not serving. */
    private static final long CHECK_DEADLINE_MILLIS = 2_000;

    private final Map<String, Channel> backendByService;

    /** @param backendByService each routed service's full name and the channel of its backend */
    BackendHealthEndpoint(Map<String, Channel> backendByService) {
        this.backendByService = Map.copyOf(backendByService);
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        List<CompletableFuture<String>> lines = backendByService.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(route -> check(route.getValue()).thenApply(status -> route.getKey() + " " + status))
                .toList();
        return HttpResponse.of(CompletableFuture.allOf(lines.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<String> answers = lines.stream().map(CompletableFuture::join).toList();
            boolean allServing = answers.stream().allMatch(line -> line.endsWith(" " + HealthCheckResponse.ServingStatus.SERVING));
            return HttpResponse.of(allServing ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE, MediaType.PLAIN_TEXT_UTF_8,
                    answers.stream().collect(Collectors.joining("\n", "", "\n")));
        }));
    }

    /** The backend's serving status, or the gRPC code it failed with (e.g. UNAVAILABLE, DEADLINE_EXCEEDED). */
    private static CompletableFuture<String> check(Channel backend) {
        CompletableFuture<String> status = new CompletableFuture<>();
        HealthGrpc.newStub(backend).withDeadlineAfter(CHECK_DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
                .check(HealthCheckRequest.getDefaultInstance(), new StreamObserver<>() {
                    @Override
                    public void onNext(HealthCheckResponse response) {
                        status.complete(response.getStatus().name());
                    }

                    @Override
                    public void onError(Throwable t) {
                        status.complete(io.grpc.Status.fromThrowable(t).getCode().name());
                    }

                    @Override
                    public void onCompleted() {
                        // a unary call has answered with onNext or onError by now
                    }
                });
        return status;
    }
}

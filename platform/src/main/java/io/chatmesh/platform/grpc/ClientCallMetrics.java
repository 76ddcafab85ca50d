package io.chatmesh.platform.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Every call a service makes to another, in Prometheus: {@code chatmesh_grpc_client_calls_seconds}
 * (count, sum and histogram by method and status code, timed from start to close; a stream is one
 * call). The platform registers it on every channel made by Spring gRPC's channel factory.
 */
public final class ClientCallMetrics implements ClientInterceptor {

    private final CallTimers calls;

    public ClientCallMetrics(MeterRegistry registry) {
        this.calls = new CallTimers(registry, "chatmesh.grpc.client.calls",
                "gRPC calls made to other services, by method and status; a stream is one call");
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        String name = method.getFullMethodName();
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                long start = System.nanoTime();
                // onClose comes exactly once for a started call, also when it fails before reaching the server
                super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        calls.record(name, status.getCode(), System.nanoTime() - start);
                        super.onClose(status, trailers);
                    }
                }, headers);
            }
        };
    }
}

package io.chatmesh.platform.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every call a service serves, in Prometheus: {@code chatmesh_grpc_server_calls_seconds} (count,
 * sum and histogram by method and status code; a stream is one call, timed from open to end) and
 * {@code chatmesh_grpc_server_streams_open} (by method). One timer record per call, not per
 * message: gRPC's own observations recorded every message of every stream, which cost the chat
 * path a quarter of its allocations.
 */
public final class CallMetrics implements ServerInterceptor {

    private final MeterRegistry registry;
    private final CallTimers calls;
    /** Held here: the registry only keeps a gauge's number weakly. */
    private final ConcurrentMap<String, AtomicInteger> openStreams = new ConcurrentHashMap<>();

    public CallMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.calls = new CallTimers(registry, "chatmesh.grpc.server.calls",
                "gRPC calls served, by method and status; a stream is one call");
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        CallEnd end = new CallEnd(call.getMethodDescriptor());
        ServerCall<Q, R> timed = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                end.record(status.getCode());
                super.close(status, trailers);
            }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(timed, headers)) {
            @Override
            public void onCancel() {
                end.record(Status.Code.CANCELLED); // the client went away: the call never closes
                super.onCancel();
            }
        };
    }

    /** One call from its start: recorded once, however it ends. */
    private final class CallEnd {

        private final String method;
        private final AtomicInteger open;
        private final long start = System.nanoTime();
        private final AtomicBoolean recorded = new AtomicBoolean();

        CallEnd(MethodDescriptor<?, ?> descriptor) {
            method = descriptor.getFullMethodName();
            open = descriptor.getType() == MethodDescriptor.MethodType.UNARY ? null
                    : openStreams.computeIfAbsent(method, m -> registry.gauge("chatmesh.grpc.server.streams.open",
                            Tags.of("method", m), new AtomicInteger()));
            if (open != null) {
                open.incrementAndGet();
            }
        }

        void record(Status.Code code) {
            if (!recorded.compareAndSet(false, true)) {
                return;
            }
            calls.record(method, code, System.nanoTime() - start);
            if (open != null) {
                open.decrementAndGet();
            }
        }
    }
}

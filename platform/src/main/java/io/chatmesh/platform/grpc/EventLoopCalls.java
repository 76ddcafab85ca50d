package io.chatmesh.platform.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs the listed methods' calls on their connection's event loop once they have started
 * ({@code chatmesh.grpc.event-loop-methods}, see {@link GrpcEventLoopMethodsAutoConfiguration}).
 *
 * <p>gRPC starts a call (interceptors, then the handler method) on the executor the call gets
 * here, sometimes from the event loop itself; an interceptor may block (a token check fetching
 * keys from another service, over channels that share the event loops). So each call's first
 * run of work, which starts it, goes to a thread of its own; everything after, one callback at
 * a time as gRPC serializes them, runs where gRPC hands it over: the event loop.
 *
 * <p>The same threads serve the work such a call's callbacks must not do on the event loop
 * ({@link #blockingWork()}, e.g. a chat stream's {@code EventLane}).
 */
public final class EventLoopCalls implements ServerCallExecutorSupplier, AutoCloseable {

    private final Set<String> methods;
    private final ExecutorService blockingWork =
            Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("grpc-blocking-work-", 0).factory());

    public EventLoopCalls(Set<String> methods) {
        this.methods = Set.copyOf(methods);
    }

    public boolean isEmpty() {
        return methods.isEmpty();
    }

    /** Threads for what may block: starting the listed calls, and work their callbacks hand off. */
    public Executor blockingWork() {
        return blockingWork;
    }

    @Override
    public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
        // null: gRPC's executor, as for any method not listed
        return methods.contains(call.getMethodDescriptor().getFullMethodName()) ? new StartElsewhere() : null;
    }

    @Override
    public void close() {
        blockingWork.shutdownNow();
    }

    /**
     * One call's executor. gRPC hands it one run of queued callbacks at a time, never two at once
     * (its SerializingExecutor), and the first such run begins with starting the call.
     */
    private final class StartElsewhere implements Executor {

        private volatile boolean started;

        @Override
        public void execute(Runnable work) {
            if (started) {
                work.run();
            } else {
                started = true;
                blockingWork.execute(work);
            }
        }
    }
}

package io.chatmesh.platform.grpc;

import io.chatmesh.platform.error.ChatmeshException;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.grpc.server.exception.GrpcExceptionHandler;

/** Turns exceptions thrown by unary handlers into statuses (see {@link GrpcErrors}). */
public class ChatmeshExceptionHandler implements GrpcExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ChatmeshExceptionHandler.class);

    @Override
    public StatusException handleException(Throwable exception) {
        if (!(exception instanceof ChatmeshException) && !(exception instanceof StatusRuntimeException)
                && !(exception instanceof StatusException)) {
            log.error("unexpected failure in a gRPC handler", exception);
        }
        return GrpcErrors.toStatusException(exception);
    }
}

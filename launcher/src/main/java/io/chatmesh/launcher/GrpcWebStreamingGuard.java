package io.chatmesh.launcher;

import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.SerializationFormat;
import com.linecorp.armeria.common.grpc.GrpcSerializationFormats;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Refuses client- and bidi-streaming calls that arrive as gRPC-Web with UNIMPLEMENTED, before
 * they reach a backend. A browser sends a gRPC-Web request body whole, so such a call could only
 * pretend to stream: the chat and signaling streams reach browsers over WebSocket instead.
 * Server streaming works over gRPC-Web (WatchCalls); a browser ends it, or a long poll, by
 * going away.
 */
final class GrpcWebStreamingGuard implements ServerInterceptor {

    @Override
    public <I, O> ServerCall.Listener<I> interceptCall(ServerCall<I, O> call, Metadata headers,
            ServerCallHandler<I, O> next) {
        boolean grpcWeb = isGrpcWeb();
        if (grpcWeb) {
            // a browser ends a server stream (WatchCalls) or a long poll (MatchRandom) by going
            // away, closing the tab or aborting the fetch, which over HTTP/1.1 closes the
            // connection: the CANCELLED that follows is how such a call ends, not an edge failure
            // worth a stack trace (the backend logs its own errors)
            ServiceRequestContext.current().setShouldReportUnloggedExceptions(false);
        }
        if (!call.getMethodDescriptor().getType().clientSendsOneMessage() && grpcWeb) {
            call.close(Status.UNIMPLEMENTED.withDescription(
                    "client and bidi streaming need native gRPC; gRPC-Web carries unary and server-streaming calls"),
                    new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
    }

    private static boolean isGrpcWeb() {
        MediaType contentType = ServiceRequestContext.current().request().contentType();
        SerializationFormat format = contentType == null ? null : SerializationFormat.find(contentType);
        return format != null && GrpcSerializationFormats.isGrpcWeb(format);
    }
}

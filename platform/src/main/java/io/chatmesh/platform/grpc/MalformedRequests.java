package io.chatmesh.platform.grpc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.protobuf.Message;
import io.chatmesh.platform.error.ChatmeshException;
import io.grpc.BindableService;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests that are not what their method expects — bytes that are no protobuf of the
 * request type, or a compressed frame that inflates beyond the size limit — answered with
 * INVALID_ARGUMENT (or RESOURCE_EXHAUSTED) and no log line. grpc-java parses a request before
 * any handler or interceptor sees it, and a parse failure escapes as an application error: the
 * caller got UNKNOWN and every such frame logged an ERROR with a stack trace, so anyone could
 * fill the logs with 12 bytes a call.
 *
 * <p>Two parts: {@link #lenient} wraps a service's protobuf request marshallers so that a
 * failed parse yields a fresh empty request remembered, by identity, as malformed instead of
 * throwing (nothing a client sends can make a request look like one); {@link #INTERCEPTOR} closes a
 * call whose request carries that mark before its handler sees it — except on bidirectional
 * streams: there one bad frame must not end a session, so the marked request reaches the
 * handler, which answers it in-band (a StreamError with {@link #statusOf}'s status) and goes on,
 * up to {@link #STREAM_FRAMES_MAX} of them: a client that keeps sending garbage is cut off.
 */
public final class MalformedRequests {

    /** Malformed frames a stream answers in-band; the next one ends it (INVALID_ARGUMENT). */
    public static final int STREAM_FRAMES_MAX = 16;

    /**
     * The stand-ins for requests that did not parse, and how to answer each: weak keys, so
     * compared by identity and gone once the call dropped its stand-in.
     */
    private static final Cache<Object, Status> MALFORMED = Caffeine.newBuilder().weakKeys().build();

    private MalformedRequests() {}

    /** The service with every protobuf request marshaller made lenient (others as they are). */
    public static BindableService lenient(BindableService service) {
        ServerServiceDefinition original = service.bindService();
        ServiceDescriptor descriptor = original.getServiceDescriptor();
        // the descriptor must list the very method descriptors bound, so it is rebuilt with them
        ServiceDescriptor.Builder lenientDescriptor = ServiceDescriptor.newBuilder(descriptor.getName())
                .setSchemaDescriptor(descriptor.getSchemaDescriptor());
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : original.getMethods()) {
            ServerMethodDefinition<?, ?> bound = lenient(method);
            lenientDescriptor.addMethod(bound.getMethodDescriptor());
            methods.add(bound);
        }
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(lenientDescriptor.build());
        methods.forEach(builder::addMethod);
        ServerServiceDefinition lenient = builder.build();
        return () -> lenient;
    }

    private static <Q, R> ServerMethodDefinition<Q, R> lenient(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> descriptor = method.getMethodDescriptor();
        if (!(descriptor.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<Q> strict)
                || !(strict.getMessagePrototype() instanceof Message)) {
            return method;
        }
        return ServerMethodDefinition.create(descriptor.toBuilder(new LenientMarshaller<>(strict),
                descriptor.getResponseMarshaller()).build(), method.getServerCallHandler());
    }

    /**
     * What a stream handler answers a malformed request with (INVALID_ARGUMENT, or
     * RESOURCE_EXHAUSTED for one too large once inflated); null for a well-formed request.
     */
    public static ChatmeshException problemOf(Object request) {
        Status status = statusOf(request);
        if (status == null) {
            return null;
        }
        return status.getCode() == Status.Code.RESOURCE_EXHAUSTED
                ? new ChatmeshException(ChatmeshException.Kind.RESOURCE_EXHAUSTED, ChatmeshException.Reason.TOO_LARGE,
                        status.getDescription())
                : new ChatmeshException(ChatmeshException.Kind.INVALID_ARGUMENT, ChatmeshException.Reason.INVALID_FIELD,
                        status.getDescription());
    }

    /** The status a malformed request is answered with; null for a well-formed one. */
    static Status statusOf(Object request) {
        return MALFORMED.getIfPresent(request);
    }

    private static final class LenientMarshaller<Q> implements MethodDescriptor.PrototypeMarshaller<Q> {

        private final MethodDescriptor.PrototypeMarshaller<Q> strict;

        LenientMarshaller(MethodDescriptor.PrototypeMarshaller<Q> strict) {
            this.strict = strict;
        }

        @Override
        public InputStream stream(Q value) {
            return strict.stream(value);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Q parse(InputStream stream) {
            try {
                return strict.parse(stream);
            } catch (StatusRuntimeException e) {
                Message prototype = (Message) strict.getMessagePrototype();
                Q standIn = (Q) prototype.newBuilderForType().build(); // a new instance, never the default one
                MALFORMED.put(standIn, e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED
                        ? Status.RESOURCE_EXHAUSTED.withDescription("the request is larger than the server accepts")
                        : Status.INVALID_ARGUMENT.withDescription("the request is not a valid "
                                + prototype.getDescriptorForType().getFullName()));
                return standIn;
            }
        }

        @Override
        public Q getMessagePrototype() {
            return strict.getMessagePrototype();
        }

        @Override
        public Class<Q> getMessageClass() {
            return strict.getMessageClass();
        }
    }

    /**
     * Closes a call at its first malformed request with that request's status; the handler
     * never sees it, nor anything the client sends after it. Bidirectional streams are left to
     * their handlers.
     */
    public static final ServerInterceptor INTERCEPTOR = new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            ServerCall.Listener<Q> delegate = next.startCall(call, headers);
            if (call.getMethodDescriptor().getType() == MethodDescriptor.MethodType.BIDI_STREAMING) {
                return delegate;
            }
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
                private boolean closed;

                @Override
                public void onMessage(Q message) {
                    if (closed) {
                        return;
                    }
                    Status malformed = statusOf(message);
                    if (malformed != null) {
                        closed = true;
                        call.close(malformed, new Metadata());
                        return;
                    }
                    super.onMessage(message);
                }

                @Override
                public void onHalfClose() {
                    if (!closed) {
                        super.onHalfClose();
                    }
                }

                @Override
                public void onReady() {
                    if (!closed) {
                        super.onReady();
                    }
                }
            };
        }
    };
}

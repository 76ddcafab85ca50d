package io.chatmesh.platform.auth;

import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.grpc.GrpcErrors;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusException;

/**
 * Requires a valid bearer token on every call except health, reflection and the methods
 * the service's {@link AuthPolicy} names; puts the principal in the gRPC context
 * ({@link AuthContext#current()}). Every service runs it: authorization never relies on
 * the edge alone. A token of a session that ended ({@link EndedSessions}) is refused.
 */
public final class AuthInterceptor implements ServerInterceptor {

    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "bearer ";

    private final AccessTokenVerifier verifier;
    private final AuthPolicy policy;
    private final EndedSessions endedSessions;

    public AuthInterceptor(AccessTokenVerifier verifier, AuthPolicy policy, EndedSessions endedSessions) {
        this.verifier = verifier;
        this.policy = policy;
        this.endedSessions = endedSessions;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        String service = call.getMethodDescriptor().getServiceName();
        if (isInfrastructure(service) || policy.publicMethods().contains(method)) {
            return next.startCall(call, headers);
        }
        String header = headers.get(AUTHORIZATION);
        if (header == null && policy.inBandTokenMethods().contains(method)) {
            return next.startCall(call, headers);
        }
        try {
            Principal principal = verifier.verify(bearerToken(header));
            if (endedSessions.isEnded(principal.sessionId())) {
                throw ChatmeshException.unauthenticated("the session was logged out");
            }
            Context context = Context.current().withValue(AuthContext.PRINCIPAL, principal);
            return Contexts.interceptCall(context, call, headers, next);
        } catch (ChatmeshException e) {
            StatusException status = GrpcErrors.toStatusException(e);
            call.close(status.getStatus(), status.getTrailers() == null ? new Metadata() : status.getTrailers());
            return new ServerCall.Listener<>() {};
        }
    }

    private static boolean isInfrastructure(String service) {
        return service != null && (service.startsWith("grpc.health.") || service.startsWith("grpc.reflection."));
    }

    /** The token of an "authorization: Bearer ..." header value. */
    public static String bearerToken(String header) {
        if (header == null) {
            throw ChatmeshException.unauthenticated("missing authorization header");
        }
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw ChatmeshException.unauthenticated("authorization header is not a bearer token");
        }
        return header.substring(BEARER.length()).trim();
    }
}

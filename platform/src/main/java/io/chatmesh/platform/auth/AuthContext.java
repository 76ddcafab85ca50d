package io.chatmesh.platform.auth;

import io.chatmesh.platform.error.ChatmeshException;
import io.grpc.Context;

/** Where {@link AuthInterceptor} leaves the caller's principal for handlers to read. */
public final class AuthContext {

    static final Context.Key<Principal> PRINCIPAL = Context.key("chatmesh-principal");

    private AuthContext() {}

    /** The caller of the current gRPC call; UNAUTHENTICATED if the call carried no token. */
    public static Principal current() {
        Principal principal = PRINCIPAL.get();
        if (principal == null) {
            throw ChatmeshException.unauthenticated("missing access token");
        }
        return principal;
    }

    /** The caller if the call carried a token (streams that accept a token in-band may not). */
    public static Principal currentOrNull() {
        return PRINCIPAL.get();
    }
}

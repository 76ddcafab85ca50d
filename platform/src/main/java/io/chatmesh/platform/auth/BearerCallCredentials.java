package io.chatmesh.platform.auth;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import java.util.concurrent.Executor;

/** Forwards a user's access token on a call to another chatmesh service. */
public final class BearerCallCredentials extends CallCredentials {

    private final String token;

    private BearerCallCredentials(String token) {
        this.token = token;
    }

    public static BearerCallCredentials of(String accessToken) {
        return new BearerCallCredentials(accessToken);
    }

    public static BearerCallCredentials of(Principal principal) {
        return new BearerCallCredentials(principal.accessToken());
    }

    @Override
    public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        Metadata headers = new Metadata();
        headers.put(AuthInterceptor.AUTHORIZATION, "Bearer " + token);
        applier.apply(headers);
    }
}

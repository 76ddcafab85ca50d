package io.chatmesh.platform.auth;

import com.nimbusds.jose.JWSAlgorithm;
import java.time.Duration;

/** Facts about chatmesh access tokens shared by the issuer (user-service) and every verifier. */
public final class AccessTokens {

    public static final String ISSUER = "chatmesh";
    public static final String AUDIENCE = "chatmesh";
    public static final JWSAlgorithm ALGORITHM = JWSAlgorithm.ES256;
    /** Claim holding the username (the subject is the user id). */
    public static final String USERNAME_CLAIM = "preferred_username";
    /** Claim naming the login session (OpenID Connect's "sid"): LogOut ends that session's streams. */
    public static final String SESSION_CLAIM = "sid";
    /** Longest token accepted before parsing, so garbage cannot cost much. */
    public static final int MAX_TOKEN_LENGTH = 4096;
    /**
     * Longest lifetime (exp - iat) a verifier accepts: a token that claims more was not issued
     * by a sane issuer, and a leaked one must not stay good for years. user-service refuses to
     * start with an access-token TTL above it.
     */
    public static final Duration MAX_LIFETIME = Duration.ofDays(1);

    private AccessTokens() {}
}

package io.chatmesh.platform.auth;

import com.nimbusds.jose.JWSAlgorithm;

/** Facts about chatmesh access tokens shared by the issuer (user-service) and every verifier. */
public final class AccessTokens {

    public static final String ISSUER = "chatmesh";
    public static final String AUDIENCE = "chatmesh";
    public static final JWSAlgorithm ALGORITHM = JWSAlgorithm.ES256;
    /** Claim holding the username (the subject is the user id). */
    public static final String USERNAME_CLAIM = "preferred_username";
    /** Longest token accepted before parsing, so garbage cannot cost much. */
    public static final int MAX_TOKEN_LENGTH = 4096;

    private AccessTokens() {}
}

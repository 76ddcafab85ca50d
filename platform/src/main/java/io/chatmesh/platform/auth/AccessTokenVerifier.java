package io.chatmesh.platform.auth;

/** Checks an access token and says whose it is. */
public interface AccessTokenVerifier {

    /**
     * @return the token's principal
     * @throws io.chatmesh.platform.error.ChatmeshException UNAUTHENTICATED when the token is
     *         malformed, badly signed, expired or not for chatmesh
     */
    Principal verify(String accessToken);
}

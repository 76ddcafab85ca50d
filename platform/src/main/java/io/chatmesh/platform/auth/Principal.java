package io.chatmesh.platform.auth;

import java.time.Instant;

/**
 * The signed-in user a call acts for. {@code accessToken} is kept so calls to other
 * services can forward the user's identity (see {@link BearerCallCredentials}).
 *
 * @param sessionId the login session the token belongs to (its {@code sid} claim; it stays
 *        the same across refreshes until LogOut); empty for a token without one
 * @param expireTime the token's expiry: a stream authenticated by it ends then unless
 *        reauthenticated
 */
public record Principal(String userId, String username, String accessToken, String sessionId, Instant expireTime) {

    @Override
    public String toString() {
        return "Principal[" + userId + "/" + username + "]";
    }
}

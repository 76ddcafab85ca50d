package io.chatmesh.platform.auth;

/**
 * The signed-in user a call acts for. {@code accessToken} is kept so calls to other
 * services can forward the user's identity (see {@link BearerCallCredentials}).
 */
public record Principal(String userId, String username, String accessToken) {

    @Override
    public String toString() {
        return "Principal[" + userId + "/" + username + "]";
    }
}

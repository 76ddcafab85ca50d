package io.chatmesh.platform.auth;

import java.util.Set;

/**
 * Which methods of a service need no token. Full method names ("pkg.Service/Method").
 * Health and reflection are always public.
 *
 * @param publicMethods methods anyone may call without a token
 * @param inBandTokenMethods streams that may carry the token in their first message instead
 *        (the WebSocket bridge cannot set headers); a header token is still verified if sent
 */
public record AuthPolicy(Set<String> publicMethods, Set<String> inBandTokenMethods) {

    public static AuthPolicy allAuthenticated() {
        return new AuthPolicy(Set.of(), Set.of());
    }
}

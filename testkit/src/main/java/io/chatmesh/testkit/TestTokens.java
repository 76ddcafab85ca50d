package io.chatmesh.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.platform.auth.AccessTokens;
import io.chatmesh.platform.auth.JwksAccessTokenVerifier;
import io.chatmesh.platform.id.Ids;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * Access tokens for testing one service without user-service: a key pair of its own,
 * tokens shaped exactly like user-service's, and a verifier over its public key. The
 * system test uses real user-service tokens instead.
 */
public final class TestTokens {

    private final ECKey key;

    public TestTokens() {
        try {
            key = new ECKeyGenerator(Curve.P_256).keyID("test-" + Ids.newId()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid token for this user, expiring in 15 minutes. */
    public String issue(String userId, String username) {
        return issue(userId, username, Duration.ofMinutes(15));
    }

    /** A token with the given lifetime (negative gives an expired token). */
    public String issue(String userId, String username, Duration lifetime) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(AccessTokens.ISSUER)
                .audience(AccessTokens.AUDIENCE)
                .subject(userId)
                .claim(AccessTokens.USERNAME_CLAIM, username)
                .issueTime(Date.from(now.minusSeconds(1)))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(Ids.newId())
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(AccessTokens.ALGORITHM).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String jwksJson() {
        return new JWKSet(key.toPublicJWK()).toString();
    }

    public AccessTokenVerifier verifier() {
        return new JwksAccessTokenVerifier(this::jwksJson);
    }
}

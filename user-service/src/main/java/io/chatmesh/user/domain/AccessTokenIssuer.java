package io.chatmesh.user.domain;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.chatmesh.platform.auth.AccessTokens;
import io.chatmesh.platform.id.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

/**
 * Signs access tokens: ES256 JWTs with the claims every chatmesh verifier requires
 * (see {@link AccessTokens} and platform's JwksAccessTokenVerifier).
 */
public final class AccessTokenIssuer {

    /** A signed token and when it expires. */
    public record IssuedToken(String token, Instant expireTime) {}

    private final SigningKeys keys;
    private final ECDSASigner signer;
    private final Duration ttl;
    private final Clock clock;

    public AccessTokenIssuer(SigningKeys keys, Duration ttl, Clock clock) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("access token lifetime must be positive");
        }
        this.keys = keys;
        this.ttl = ttl;
        this.clock = clock;
        try {
            this.signer = new ECDSASigner(keys.signingKey());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable signing key", e);
        }
    }

    /** A token for the user in one login session (its "sid" claim). */
    public IssuedToken issue(User user, String sessionId) {
        // JWT times are whole seconds: the expiry reported to the client is the one in the token
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expireTime = now.plus(ttl);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(AccessTokens.ISSUER)
                .audience(AccessTokens.AUDIENCE)
                .subject(user.id())
                .claim(AccessTokens.USERNAME_CLAIM, user.username())
                .claim(AccessTokens.SESSION_CLAIM, sessionId)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expireTime))
                .jwtID(Ids.newId())
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(AccessTokens.ALGORITHM).keyID(keys.signingKey().getKeyID()).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an access token", e);
        }
        return new IssuedToken(jwt.serialize(), expireTime);
    }
}

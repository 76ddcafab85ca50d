package io.chatmesh.platform.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.chatmesh.platform.error.ChatmeshException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Verifies access tokens against the JWKS user-service publishes. The key set is fetched
 * once and re-fetched when a token names an unknown key id (key rotation), at most once per
 * {@code refreshBackoff}, so a flood of forged key ids cannot hammer user-service.
 *
 * <p>Beyond signature, issuer, audience and expiry, a token must not live longer than
 * {@link AccessTokens#MAX_LIFETIME}, counted from its issue time and from now.
 *
 * <p>A token that passed is remembered until it expires (bounded): checking an ES256
 * signature costs more CPU than most calls it guards, and a client sends the same token with
 * every call for its whole lifetime. Only tokens that passed are remembered, so forged ones
 * cannot fill the memory.
 */
public final class JwksAccessTokenVerifier implements AccessTokenVerifier {

    /** Distinct valid tokens remembered (a few hundred bytes each). */
    private static final int VERIFIED_TOKENS = 10_000;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final Clock clock;
    private final DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier;
    private final Cache<String, Verified> verified = Caffeine.newBuilder().maximumSize(VERIFIED_TOKENS).build();

    /** A token that passed, and until when (its expiry plus the clock skew verification allows). */
    private record Verified(Principal principal, long validUntilMillis) {}

    /**
     * @param jwksJson supplies the current JWKS document (a local key set in user-service,
     *        a GetJwks call elsewhere); called rarely
     */
    public JwksAccessTokenVerifier(Supplier<String> jwksJson, Duration refreshBackoff, Clock clock) {
        this.clock = clock;
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(AccessTokens.ALGORITHM,
                new RefreshingJwkSource(jwksJson, refreshBackoff, clock)));
        claimsVerifier = new DefaultJWTClaimsVerifier<>(AccessTokens.AUDIENCE,
                new JWTClaimsSet.Builder().issuer(AccessTokens.ISSUER).build(),
                Set.of("sub", "exp", "iat", AccessTokens.USERNAME_CLAIM)) {
            // the same clock as the remembered tokens' expiry
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        processor.setJWTClaimsSetVerifier(claimsVerifier);
    }

    public JwksAccessTokenVerifier(Supplier<String> jwksJson) {
        this(jwksJson, Duration.ofSeconds(10), Clock.systemUTC());
    }

    @Override
    public Principal verify(String accessToken) {
        if (accessToken == null || accessToken.isEmpty()) {
            throw ChatmeshException.unauthenticated("missing access token");
        }
        if (accessToken.length() > AccessTokens.MAX_TOKEN_LENGTH) {
            throw ChatmeshException.unauthenticated("access token too long");
        }
        Verified remembered = verified.getIfPresent(accessToken);
        if (remembered != null) {
            if (clock.millis() <= remembered.validUntilMillis) {
                return remembered.principal;
            }
            verified.invalidate(accessToken);
        }
        try {
            JWTClaimsSet claims = processor.process(accessToken, null);
            long expires = claims.getExpirationTime().getTime();
            long longest = AccessTokens.MAX_LIFETIME.toMillis() + claimsVerifier.getMaxClockSkew() * 1000L;
            if (expires - claims.getIssueTime().getTime() > longest || expires - clock.millis() > longest) {
                throw ChatmeshException.unauthenticated("invalid access token");
            }
            String sessionId = claims.getStringClaim(AccessTokens.SESSION_CLAIM);
            Principal principal = new Principal(claims.getSubject(), claims.getStringClaim(AccessTokens.USERNAME_CLAIM),
                    accessToken, sessionId == null ? "" : sessionId, claims.getExpirationTime().toInstant());
            long validUntil = claims.getExpirationTime().getTime() + claimsVerifier.getMaxClockSkew() * 1000L;
            verified.put(accessToken, new Verified(principal, validUntil));
            return principal;
        } catch (KeySourceException e) {
            throw ChatmeshException.unavailable("cannot fetch token keys: " + e.getMessage());
        } catch (ParseException | com.nimbusds.jose.proc.BadJOSEException | com.nimbusds.jose.JOSEException e) {
            throw ChatmeshException.unauthenticated("invalid access token");
        }
    }

    /** A JWK source over a supplied JWKS document, refreshed on a key-id miss. */
    private static final class RefreshingJwkSource implements JWKSource<SecurityContext> {
        private final Supplier<String> jwksJson;
        private final Duration refreshBackoff;
        private final Clock clock;
        private volatile JWKSet keys;
        private volatile long lastFetchMillis = Long.MIN_VALUE / 2;

        RefreshingJwkSource(Supplier<String> jwksJson, Duration refreshBackoff, Clock clock) {
            this.jwksJson = jwksJson;
            this.refreshBackoff = refreshBackoff;
            this.clock = clock;
        }

        @Override
        public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
            JWKSet current = keys;
            if (current != null) {
                List<JWK> found = selector.select(current);
                if (!found.isEmpty()) {
                    return found;
                }
            }
            JWKSet refreshed = refresh(current);
            return refreshed == null ? List.of() : selector.select(refreshed);
        }

        private synchronized JWKSet refresh(JWKSet seen) throws KeySourceException {
            if (keys != seen) {
                return keys; // another thread refreshed meanwhile
            }
            long now = clock.millis();
            if (seen != null && now - lastFetchMillis < refreshBackoff.toMillis()) {
                return seen;
            }
            lastFetchMillis = now;
            try {
                keys = JWKSet.parse(jwksJson.get());
                return keys;
            } catch (ParseException e) {
                throw new KeySourceException("malformed JWKS: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new KeySourceException("JWKS unavailable: " + e.getMessage(), e);
            }
        }
    }
}

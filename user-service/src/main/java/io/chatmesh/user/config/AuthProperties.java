package io.chatmesh.user.config;

import io.chatmesh.platform.auth.AccessTokens;
import io.chatmesh.user.domain.BoundedPasswordHasher;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chatmesh.auth.*}: token lifetimes, the signing key, and the argon2id cost and concurrency.
 *
 * @param signingKey a private EC P-256 JWK (JSON), e.g. from env CHATMESH_AUTH_SIGNING_KEY;
 *        unset: a key generated on first start and kept in PostgreSQL
 * @param logoutPublishTimeout how long LogOut waits for the event bus to take the session's end
 *        (the other services end its streams); longer and LogOut fails UNAVAILABLE
 */
@ConfigurationProperties("chatmesh.auth")
public record AuthProperties(
        @DefaultValue("15m") Duration accessTokenTtl,
        @DefaultValue("30d") Duration refreshTokenTtl,
        String signingKey,
        @DefaultValue("10s") Duration logoutPublishTimeout,
        @DefaultValue Argon2 argon2) {

    /**
     * argon2id parameters. Defaults follow OWASP's recommendation (19 MiB, 2 passes, 1 lane);
     * raise them on faster hardware, lower them only in tests.
     *
     * <p>Every hash holds {@code memoryKib} while it runs, so at most {@code maxConcurrent} run at
     * once (unset: one per available processor); up to {@code maxWaiting} more callers wait up to
     * {@code maxWait} (or their deadline, if sooner) for a turn, the rest are refused with
     * RESOURCE_EXHAUSTED.
     */
    public record Argon2(
            @DefaultValue("16") int saltLength,
            @DefaultValue("32") int hashLength,
            @DefaultValue("1") int parallelism,
            @DefaultValue("19456") int memoryKib,
            @DefaultValue("2") int iterations,
            Integer maxConcurrent,
            @DefaultValue("64") int maxWaiting,
            @DefaultValue("5s") Duration maxWait) {

        public BoundedPasswordHasher.Limits limits() {
            int concurrent = maxConcurrent == null ? Runtime.getRuntime().availableProcessors() : maxConcurrent;
            return new BoundedPasswordHasher.Limits(concurrent, maxWaiting, maxWait);
        }
    }

    public AuthProperties {
        if (accessTokenTtl.compareTo(AccessTokens.MAX_LIFETIME) > 0 || !accessTokenTtl.isPositive()) {
            throw new IllegalArgumentException("chatmesh.auth.access-token-ttl must be positive and at most "
                    + AccessTokens.MAX_LIFETIME.toHours() + "h (tokens living longer are refused by every service)");
        }
    }

    @Override
    public String toString() {
        // the signing key is a secret: keep it out of logs and failure analysis
        return "AuthProperties[accessTokenTtl=" + accessTokenTtl + ", refreshTokenTtl=" + refreshTokenTtl
                + ", signingKey=" + (signingKey == null || signingKey.isBlank() ? "<stored>" : "<configured>")
                + ", logoutPublishTimeout=" + logoutPublishTimeout
                + ", argon2=" + argon2 + "]";
    }
}

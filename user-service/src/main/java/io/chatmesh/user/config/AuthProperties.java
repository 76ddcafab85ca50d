package io.chatmesh.user.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code chatmesh.auth.*}: token lifetimes, the signing key, and the argon2id cost.
 *
 * @param signingKey a private EC P-256 JWK (JSON), e.g. from env CHATMESH_AUTH_SIGNING_KEY;
 *        unset: a key generated on first start and kept in PostgreSQL
 */
@ConfigurationProperties("chatmesh.auth")
public record AuthProperties(
        @DefaultValue("15m") Duration accessTokenTtl,
        @DefaultValue("30d") Duration refreshTokenTtl,
        String signingKey,
        @DefaultValue Argon2 argon2) {

    /**
     * argon2id parameters. Defaults follow OWASP's recommendation (19 MiB, 2 passes, 1 lane);
     * raise them on faster hardware, lower them only in tests.
     */
    public record Argon2(
            @DefaultValue("16") int saltLength,
            @DefaultValue("32") int hashLength,
            @DefaultValue("1") int parallelism,
            @DefaultValue("19456") int memoryKib,
            @DefaultValue("2") int iterations) {}

    @Override
    public String toString() {
        // the signing key is a secret: keep it out of logs and failure analysis
        return "AuthProperties[accessTokenTtl=" + accessTokenTtl + ", refreshTokenTtl=" + refreshTokenTtl
                + ", signingKey=" + (signingKey == null || signingKey.isBlank() ? "<stored>" : "<configured>")
                + ", argon2=" + argon2 + "]";
    }
}

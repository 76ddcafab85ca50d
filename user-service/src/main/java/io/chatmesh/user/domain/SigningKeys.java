package io.chatmesh.user.domain;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.chatmesh.platform.auth.AccessTokens;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The key access tokens are signed with, and the public keys that verify them (GetJwks).
 *
 * <p>A configured key (a private EC P-256 JWK) wins; without one, the key stored in the
 * database is used, generated and stored on the very first start, so tokens stay valid across
 * restarts and between instances. Every stored key is published too, so tokens signed before
 * an operator switches to a configured key keep verifying until they expire.
 */
public final class SigningKeys {

    private final ECKey signingKey;
    private final String publicJwksJson;

    private SigningKeys(ECKey signingKey, List<ECKey> published) {
        this.signingKey = signingKey;
        Map<String, JWK> byKid = new LinkedHashMap<>();
        byKid.put(signingKey.getKeyID(), signingKey.toPublicJWK());
        published.forEach(key -> byKid.putIfAbsent(key.getKeyID(), key.toPublicJWK()));
        this.publicJwksJson = new JWKSet(new ArrayList<>(byKid.values())).toString(true);
    }

    /**
     * @param configuredJwk a private EC P-256 JWK as JSON, or null/blank to use the stored key
     * @throws IllegalArgumentException if the configured key is not a usable private P-256 key
     */
    public static SigningKeys load(String configuredJwk, SigningKeyStore store, Clock clock) {
        ECKey signingKey;
        if (configuredJwk != null && !configuredJwk.isBlank()) {
            signingKey = parseConfigured(configuredJwk);
        } else {
            ECKey candidate = generate();
            signingKey = parseStored(store.newestOrStore(candidate.getKeyID(), candidate.toJSONString(), Times.now(clock)));
        }
        return new SigningKeys(signingKey, store.all().stream().map(SigningKeys::parseStored).toList());
    }

    public ECKey signingKey() {
        return signingKey;
    }

    /** The JWKS document (public parts only) that GetJwks serves. */
    public String publicJwksJson() {
        return publicJwksJson;
    }

    /** A fresh P-256 signing key whose key id is its RFC 7638 thumbprint. */
    public static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(AccessTokens.ALGORITHM)
                    .keyIDFromThumbprint(true)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a signing key", e);
        }
    }

    private static ECKey parseConfigured(String json) {
        JWK jwk;
        try {
            jwk = JWK.parse(json);
        } catch (ParseException e) {
            // the message would echo key material, so it is left out
            throw new IllegalArgumentException("chatmesh.auth.signing-key is not a JWK");
        }
        if (!(jwk instanceof ECKey ec)) {
            throw new IllegalArgumentException("chatmesh.auth.signing-key must be an EC key (kty EC)");
        }
        return requireUsable(withKeyId(ec));
    }

    private static ECKey parseStored(String json) {
        try {
            return ECKey.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("a stored signing key is not an EC JWK", e);
        }
    }

    private static ECKey requireUsable(ECKey key) {
        if (!Curve.P_256.equals(key.getCurve())) {
            throw new IllegalArgumentException("the signing key must be on curve P-256 (ES256)");
        }
        if (!key.isPrivate()) {
            throw new IllegalArgumentException("the signing key must include its private part (d)");
        }
        if (key.getKeyID() == null || key.getKeyID().isBlank()) {
            throw new IllegalArgumentException("the signing key needs a key id (kid)");
        }
        return key;
    }

    /** Verifiers pick keys by kid, so a configured key without one gets its thumbprint. */
    private static ECKey withKeyId(ECKey key) {
        if (key.getKeyID() != null && !key.getKeyID().isBlank()) {
            return key;
        }
        try {
            return new ECKey.Builder(key).keyIDFromThumbprint().build();
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot compute the signing key's thumbprint");
        }
    }
}

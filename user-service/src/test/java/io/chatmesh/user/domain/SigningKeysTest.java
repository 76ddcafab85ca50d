package io.chatmesh.user.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class SigningKeysTest {

    private final Fakes.SigningKeyTable table = new Fakes.SigningKeyTable();
    private final Clock clock = Clock.systemUTC();

    @Test
    void withoutAConfiguredKeyOneIsGeneratedOnceAndReused() {
        SigningKeys first = SigningKeys.load(null, table, clock);
        SigningKeys second = SigningKeys.load("", table, clock);

        assertThat(table.keys).hasSize(1);
        assertThat(second.signingKey()).isEqualTo(first.signingKey());
        assertThat(second.publicJwksJson()).isEqualTo(first.publicJwksJson());
    }

    @Test
    void aConfiguredKeySignsAndStoredKeysStayPublished() throws Exception {
        SigningKeys generated = SigningKeys.load(null, table, clock);
        ECKey configured = new ECKeyGenerator(Curve.P_256).keyID("ops").generate();

        SigningKeys keys = SigningKeys.load(configured.toJSONString(), table, clock);

        assertThat(keys.signingKey().getKeyID()).isEqualTo("ops");
        assertThat(JWKSet.parse(keys.publicJwksJson()).getKeys()).extracting(JWK::getKeyID)
                .containsExactly("ops", generated.signingKey().getKeyID());
        assertThat(JWKSet.parse(keys.publicJwksJson()).getKeys()).noneMatch(JWK::isPrivate);
    }

    @Test
    void aConfiguredKeyWithoutKeyIdIsNamedByItsThumbprint() throws Exception {
        ECKey configured = new ECKeyGenerator(Curve.P_256).generate();

        SigningKeys keys = SigningKeys.load(configured.toJSONString(), table, clock);

        assertThat(keys.signingKey().getKeyID()).isEqualTo(configured.computeThumbprint().toString());
    }

    @Test
    void unusableConfiguredKeysAreRefused() throws Exception {
        String publicOnly = new ECKeyGenerator(Curve.P_256).keyID("pub").generate().toPublicJWK().toJSONString();
        String wrongCurve = new ECKeyGenerator(Curve.P_384).keyID("p384").generate().toJSONString();

        assertThatThrownBy(() -> SigningKeys.load(publicOnly, table, clock)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SigningKeys.load(wrongCurve, table, clock)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SigningKeys.load("{\"kty\":\"oct\",\"k\":\"AAAA\"}", table, clock))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SigningKeys.load("not json", table, clock)).isInstanceOf(IllegalArgumentException.class);
        assertThat(table.keys).isEmpty();
    }
}

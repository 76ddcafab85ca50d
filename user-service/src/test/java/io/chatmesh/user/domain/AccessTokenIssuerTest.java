package io.chatmesh.user.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.chatmesh.platform.auth.JwksAccessTokenVerifier;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AccessTokenIssuerTest {

    private final SigningKeys keys = SigningKeys.load(null, new Fakes.SigningKeyTable(), Clock.systemUTC());
    private final User user = new User("01JTESTUSER0000000000000000", "wanda", "Wanda", Instant.now());

    @Test
    void tokensCarryExactlyTheClaimsVerifiersExpect() throws Exception {
        AccessTokenIssuer.IssuedToken issued = new AccessTokenIssuer(keys, Duration.ofMinutes(15), Clock.systemUTC())
                .issue(user, "01JTESTSESSION000000000000");

        SignedJWT jwt = SignedJWT.parse(issued.token());
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(keys.signingKey().getKeyID());
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getClaims().keySet())
                .containsExactlyInAnyOrder("iss", "aud", "sub", "preferred_username", "sid", "iat", "exp", "jti");
        assertThat(claims.getIssuer()).isEqualTo("chatmesh");
        assertThat(claims.getAudience()).containsExactly("chatmesh");
        assertThat(claims.getSubject()).isEqualTo(user.id());
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo("wanda");
        assertThat(claims.getStringClaim("sid")).isEqualTo("01JTESTSESSION000000000000");
        assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
                .isEqualTo(Duration.ofMinutes(15));
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(issued.expireTime());
        assertThat(claims.getJWTID()).hasSize(26);
    }

    @Test
    void platformsVerifierAcceptsThemAndRejectsExpiredOnes() {
        JwksAccessTokenVerifier verifier = new JwksAccessTokenVerifier(keys::publicJwksJson);
        Fakes.MutableClock clock = new Fakes.MutableClock(Instant.now());
        AccessTokenIssuer issuer = new AccessTokenIssuer(keys, Duration.ofMinutes(15), clock);

        AccessTokenIssuer.IssuedToken issued = issuer.issue(user, "01JTESTSESSION000000000000");
        Principal principal = verifier.verify(issued.token());
        assertThat(principal.userId()).isEqualTo(user.id());
        assertThat(principal.username()).isEqualTo("wanda");
        assertThat(principal.sessionId()).isEqualTo("01JTESTSESSION000000000000");
        assertThat(principal.expireTime()).isEqualTo(issued.expireTime());

        clock.advance(Duration.ofHours(-1));
        String expired = issuer.issue(user, "01JTESTSESSION000000000000").token();
        assertThatThrownBy(() -> verifier.verify(expired)).isInstanceOfSatisfying(ChatmeshException.class,
                e -> assertThat(e.kind()).isEqualTo(ChatmeshException.Kind.UNAUTHENTICATED));
    }
}

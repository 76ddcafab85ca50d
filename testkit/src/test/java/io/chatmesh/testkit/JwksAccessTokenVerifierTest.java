package io.chatmesh.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatmesh.platform.auth.AccessTokens;
import io.chatmesh.platform.auth.JwksAccessTokenVerifier;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class JwksAccessTokenVerifierTest {

    private final TestTokens tokens = new TestTokens();

    @Test
    void aValidTokenNamesItsUser() {
        Principal principal = tokens.verifier().verify(tokens.issue("01JD0000000000000000000001", "alice"));
        assertThat(principal.userId()).isEqualTo("01JD0000000000000000000001");
        assertThat(principal.username()).isEqualTo("alice");
    }

    @Test
    void expiredForeignOverlongAndGarbageTokensAreUnauthenticated() {
        TestTokens otherIssuer = new TestTokens();
        for (String bad : new String[] {
                tokens.issue("u", "alice", Duration.ofMinutes(-5)),
                // validly signed, but living longer than any issuer may make them
                tokens.issue("u", "alice", Duration.ofDays(365 * 100)),
                tokens.issue("u", "alice", AccessTokens.MAX_LIFETIME.plusMinutes(1)),
                otherIssuer.issue("u", "alice"),
                "garbage",
                "",
                "x".repeat(10_000)}) {
            assertThatThrownBy(() -> tokens.verifier().verify(bad))
                    .isInstanceOfSatisfying(ChatmeshException.class,
                            e -> assertThat(e.kind()).isEqualTo(ChatmeshException.Kind.UNAUTHENTICATED));
        }
    }

    @Test
    void anUnknownKeyIdRefetchesTheKeySetButAtMostOncePerBackoff() {
        TestTokens rotated = new TestTokens();
        AtomicReference<String> published = new AtomicReference<>(tokens.jwksJson());
        AtomicInteger fetches = new AtomicInteger();
        AtomicLong now = new AtomicLong(System.currentTimeMillis());
        Clock clock = new Clock() {
            @Override public ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(ZoneId zone) { return this; }
            @Override public Instant instant() { return Instant.ofEpochMilli(now.get()); }
        };
        JwksAccessTokenVerifier verifier = new JwksAccessTokenVerifier(() -> {
            fetches.incrementAndGet();
            return published.get();
        }, Duration.ofSeconds(10), clock);

        verifier.verify(tokens.issue("u", "alice"));
        assertThat(fetches).hasValue(1);

        // The issuer rotates keys. Within the backoff the new key id is not fetched yet...
        published.set(rotated.jwksJson());
        now.addAndGet(1_000);
        assertThatThrownBy(() -> verifier.verify(rotated.issue("u", "alice"))).isInstanceOf(ChatmeshException.class);
        assertThat(fetches).hasValue(1);

        // ...after it, one refetch picks the new key up.
        now.addAndGet(10_000);
        assertThat(verifier.verify(rotated.issue("u", "bob")).username()).isEqualTo("bob");
        assertThat(fetches).hasValue(2);

        // Tokens naming unknown keys cannot make it fetch again and again.
        TestTokens forger = new TestTokens();
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> verifier.verify(forger.issue("u", "mallory"))).isInstanceOf(ChatmeshException.class);
        }
        assertThat(fetches).hasValue(2);
    }

    @Test
    void aRememberedTokenIsRefusedOnceItExpires() {
        AtomicLong now = new AtomicLong(System.currentTimeMillis());
        Clock clock = new Clock() {
            @Override public ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(ZoneId zone) { return this; }
            @Override public Instant instant() { return Instant.ofEpochMilli(now.get()); }
        };
        JwksAccessTokenVerifier verifier = new JwksAccessTokenVerifier(tokens::jwksJson, Duration.ofSeconds(10), clock);
        String token = tokens.issue("u", "alice", Duration.ofMinutes(1));

        assertThat(verifier.verify(token).username()).isEqualTo("alice");
        assertThat(verifier.verify(token).username()).isEqualTo("alice");

        // past its expiry and the clock skew verification allows (60 s)
        now.addAndGet(Duration.ofMinutes(3).toMillis());
        assertThatThrownBy(() -> verifier.verify(token))
                .isInstanceOfSatisfying(ChatmeshException.class,
                        e -> assertThat(e.kind()).isEqualTo(ChatmeshException.Kind.UNAUTHENTICATED));
    }
}

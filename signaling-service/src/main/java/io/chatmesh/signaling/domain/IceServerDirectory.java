package io.chatmesh.signaling.domain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The STUN and TURN servers clients should use. TURN gets time-limited credentials in the
 * coturn REST-API scheme ({@code use-auth-secret}): username {@code <expiry epoch
 * seconds>:<user id>}, credential base64(HMAC-SHA1(shared secret, username)), so the TURN
 * server can check them without asking us.
 */
public final class IceServerDirectory {

    private static final String HMAC = "HmacSHA1";

    /** One entry of RTCPeerConnection's iceServers; username and credential empty for STUN. */
    public record IceServer(List<String> urls, String username, String credential) {
        public IceServer {
            urls = List.copyOf(urls);
        }
    }

    /** @param expireTime when the TURN credentials expire; null when there is no TURN server */
    public record IceServers(List<IceServer> servers, Instant expireTime) {
        public IceServers {
            servers = List.copyOf(servers);
        }
    }

    private final List<String> stunUrls;
    private final List<String> turnUrls;
    private final byte[] turnSecret;
    private final Duration turnTtl;
    private final Clock clock;

    /**
     * @param turnSecret the secret shared with the TURN server; required when there are TURN urls
     */
    public IceServerDirectory(List<String> stunUrls, List<String> turnUrls, String turnSecret, Duration turnTtl,
            Clock clock) {
        this.stunUrls = nonBlank(stunUrls);
        this.turnUrls = nonBlank(turnUrls);
        if (!this.turnUrls.isEmpty() && (turnSecret == null || turnSecret.isBlank())) {
            throw new IllegalArgumentException("TURN urls need a TURN secret");
        }
        if (turnTtl.isNegative() || turnTtl.isZero()) {
            throw new IllegalArgumentException("TURN credential lifetime must be positive");
        }
        this.turnSecret = turnSecret == null ? new byte[0] : turnSecret.getBytes(StandardCharsets.UTF_8);
        this.turnTtl = turnTtl;
        this.clock = clock;
    }

    /** The servers for one user, with fresh TURN credentials bound to that user. */
    public IceServers forUser(String userId) {
        List<IceServer> servers = new ArrayList<>(2);
        if (!stunUrls.isEmpty()) {
            servers.add(new IceServer(stunUrls, "", ""));
        }
        if (turnUrls.isEmpty()) {
            return new IceServers(servers, null);
        }
        Instant expiry = Instant.ofEpochSecond(clock.instant().plus(turnTtl).getEpochSecond());
        String username = expiry.getEpochSecond() + ":" + userId;
        servers.add(new IceServer(turnUrls, username, turnCredential(username)));
        return new IceServers(servers, expiry);
    }

    private String turnCredential(String username) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(turnSecret, HMAC));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA1 unavailable", e);
        }
    }

    private static List<String> nonBlank(List<String> urls) {
        return urls == null ? List.of() : urls.stream().map(String::trim).filter(url -> !url.isEmpty()).toList();
    }
}

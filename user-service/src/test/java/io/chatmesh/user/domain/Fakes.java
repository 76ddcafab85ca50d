package io.chatmesh.user.domain;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** In-memory stand-ins for the domain's ports. */
final class Fakes {

    private Fakes() {}

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** "Hashes" by prefixing, and counts how often a password is checked. */
    static final class CountingHasher implements PasswordHasher {
        final AtomicInteger checks = new AtomicInteger();

        @Override
        public String hash(String password) {
            return "hashed:" + password;
        }

        @Override
        public boolean matches(String password, String hash) {
            checks.incrementAndGet();
            return hash.equals(hash(password));
        }
    }

    static final class Users implements UserStore {
        final Map<String, Credentials> byId = new HashMap<>();

        @Override
        public boolean usernameTaken(String username) {
            return byId.values().stream().anyMatch(c -> c.user().username().equals(username));
        }

        @Override
        public boolean insert(User user, String passwordHash) {
            if (usernameTaken(user.username())) {
                return false;
            }
            byId.put(user.id(), new Credentials(user, passwordHash));
            return true;
        }

        @Override
        public Optional<User> findById(String id) {
            return Optional.ofNullable(byId.get(id)).map(Credentials::user);
        }

        @Override
        public Optional<Credentials> findCredentials(String username) {
            return byId.values().stream().filter(c -> c.user().username().equals(username)).findFirst();
        }

        @Override
        public List<User> findByIds(Collection<String> ids) {
            return ids.stream().map(byId::get).filter(c -> c != null).map(Credentials::user).toList();
        }

        @Override
        public List<User> searchByPrefix(String prefix, String afterUsername, int limit) {
            throw new UnsupportedOperationException("covered by the PostgreSQL tests");
        }

        @Override
        public Optional<User> updateDisplayName(String id, String displayName, Instant now) {
            throw new UnsupportedOperationException("covered by the PostgreSQL tests");
        }
    }

    static class RefreshTokens implements RefreshTokenStore {
        final Map<ByteBuffer, StoredRefreshToken> byHash = new HashMap<>();

        @Override
        public void insert(byte[] tokenHash, String userId, String sessionId, Instant createTime, Instant expireTime) {
            byHash.put(ByteBuffer.wrap(tokenHash), new StoredRefreshToken(userId, sessionId, expireTime, null, null));
        }

        @Override
        public Optional<StoredRefreshToken> find(byte[] tokenHash) {
            return Optional.ofNullable(byHash.get(ByteBuffer.wrap(tokenHash)));
        }

        @Override
        public boolean revoke(byte[] tokenHash, Instant now, RevokeReason reason) {
            StoredRefreshToken stored = byHash.get(ByteBuffer.wrap(tokenHash));
            if (stored == null || stored.revoked()) {
                return false;
            }
            byHash.put(ByteBuffer.wrap(tokenHash),
                    new StoredRefreshToken(stored.userId(), stored.sessionId(), stored.expireTime(), now, reason));
            return true;
        }

        @Override
        public List<String> revokeAllOf(String userId, Instant now) {
            List<String> sessions = new ArrayList<>();
            for (var entry : byHash.entrySet()) {
                StoredRefreshToken stored = entry.getValue();
                if (stored.userId().equals(userId) && !stored.revoked()) {
                    entry.setValue(new StoredRefreshToken(userId, stored.sessionId(), stored.expireTime(), now,
                            RevokeReason.REUSE_DETECTED));
                    if (!sessions.contains(stored.sessionId())) {
                        sessions.add(stored.sessionId());
                    }
                }
            }
            return sessions;
        }

        long live(String userId) {
            return byHash.values().stream().filter(t -> t.userId().equals(userId) && !t.revoked()).count();
        }
    }

    static final class SigningKeyTable implements SigningKeyStore {
        final List<String> keys = new ArrayList<>();

        @Override
        public List<String> all() {
            return List.copyOf(keys);
        }

        @Override
        public String newestOrStore(String kid, String candidateJwk, Instant now) {
            if (keys.isEmpty()) {
                keys.add(candidateJwk);
            }
            return keys.getLast();
        }
    }
}

package io.chatmesh.platform.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Login sessions that ended (LogOut, reuse detection), as user-service announces them on the
 * bus: their access tokens are refused from then on, though validly signed and not expired,
 * and the streams they authenticated are told to end. An ended session is remembered as long
 * as any of its tokens could still be valid ({@link AccessTokens#MAX_LIFETIME}).
 *
 * <p>Tokens without a session ({@code sid}) never end this way.
 */
public final class EndedSessions {

    private static final int REMEMBERED_MAX = 1_000_000;

    private final Cache<String, Boolean> ended =
            Caffeine.newBuilder().expireAfterWrite(AccessTokens.MAX_LIFETIME).maximumSize(REMEMBERED_MAX).build();
    /** Per live session, what to run when it ends (its streams' endings). */
    private final ConcurrentMap<String, Set<Runnable>> watchers = new ConcurrentHashMap<>();

    public boolean isEnded(String sessionId) {
        return !sessionId.isEmpty() && ended.getIfPresent(sessionId) != null;
    }

    /** The session ended: refuse its tokens, and run (once) whatever watches it. */
    public void end(String sessionId) {
        if (sessionId.isEmpty()) {
            return;
        }
        ended.put(sessionId, Boolean.TRUE);
        Set<Runnable> toRun = watchers.remove(sessionId);
        if (toRun != null) {
            toRun.forEach(Runnable::run);
        }
    }

    /**
     * Runs {@code onEnd} when the session ends (at once if it already has; possibly twice when
     * it ends meanwhile, so it must be idempotent).
     *
     * @return stops watching
     */
    public Runnable watch(String sessionId, Runnable onEnd) {
        if (sessionId.isEmpty()) {
            return () -> {};
        }
        watchers.computeIfAbsent(sessionId, id -> ConcurrentHashMap.newKeySet()).add(onEnd);
        if (isEnded(sessionId)) {
            onEnd.run(); // it ended between the check and the add: end() may have missed this one
        }
        return () -> watchers.computeIfPresent(sessionId, (id, set) -> {
            set.remove(onEnd);
            return set.isEmpty() ? null : set;
        });
    }
}

package io.chatmesh.chat;

import io.chatmesh.chat.domain.UserDirectory;
import io.chatmesh.platform.auth.Principal;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The users tests registered stand in for user-service, which does not run in these tests.
 * Registered users accept direct messages from anyone unless a test says otherwise, so tests
 * about other things may open direct rooms freely.
 */
public final class TestUserDirectory implements UserDirectory {

    private final Set<String> users = ConcurrentHashMap.newKeySet();
    private final Set<String> friendsOnly = ConcurrentHashMap.newKeySet();
    private final Set<String> blocks = ConcurrentHashMap.newKeySet();
    private final Set<String> friendships = ConcurrentHashMap.newKeySet();

    public void register(String userId) {
        users.add(userId);
    }

    /** The user takes direct messages from friends only (user-service's default). */
    public void friendsOnly(String userId) {
        friendsOnly.add(userId);
    }

    public void block(String blockerId, String blockedId) {
        blocks.add(blockerId + " " + blockedId);
    }

    public void befriend(String userA, String userB) {
        friendships.add(userA + " " + userB);
        friendships.add(userB + " " + userA);
    }

    @Override
    public Map<String, Relation> relations(Principal caller, Collection<String> userIds) {
        String me = caller.userId();
        Map<String, Relation> found = new HashMap<>();
        userIds.stream().filter(users::contains).forEach(other -> found.put(other, new Relation(
                blocks.contains(me + " " + other) || blocks.contains(other + " " + me),
                friendships.contains(me + " " + other),
                !friendsOnly.contains(other))));
        return found;
    }
}

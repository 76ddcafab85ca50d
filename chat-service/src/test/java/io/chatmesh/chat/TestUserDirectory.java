package io.chatmesh.chat;

import io.chatmesh.chat.domain.UserDirectory;
import io.chatmesh.platform.auth.Principal;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** The users tests registered stand in for user-service, which does not run in these tests. */
public final class TestUserDirectory implements UserDirectory {

    private final Set<String> users = ConcurrentHashMap.newKeySet();

    public void register(String userId) {
        users.add(userId);
    }

    @Override
    public Set<String> existing(Principal caller, Collection<String> userIds) {
        return userIds.stream().filter(users::contains).collect(Collectors.toSet());
    }
}

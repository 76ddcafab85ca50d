package io.chatmesh.user.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Where accounts live. Usernames passed in are already normalized. */
public interface UserStore {

    /** A user and the hash of their password, for logging in. */
    record Credentials(User user, String passwordHash) {}

    boolean usernameTaken(String username);

    /** @return false, storing nothing, if the username is taken */
    boolean insert(User user, String passwordHash);

    Optional<User> findById(String id);

    Optional<Credentials> findCredentials(String username);

    /** The users among these ids that exist, in any order. */
    List<User> findByIds(Collection<String> ids);

    /**
     * Users whose username or display name starts with {@code prefix} ignoring case, ordered by
     * username, only those after {@code afterUsername} (empty for the first page).
     */
    List<User> searchByPrefix(String prefix, String afterUsername, int limit);

    /** @return the updated user, or empty if there is no such user */
    Optional<User> updateDisplayName(String id, String displayName, Instant now);
}

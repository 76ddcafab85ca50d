package io.chatmesh.user.domain;

import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.id.Ids;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Creating accounts, and reading and changing them. Inputs have been checked against
 * {@link UserRules} by the caller (the api layer).
 */
public final class Accounts {

    public static final int DEFAULT_PAGE_SIZE = 20;

    private final UserStore users;
    private final PasswordHasher hasher;
    private final Clock clock;

    public Accounts(UserStore users, PasswordHasher hasher, Clock clock) {
        this.users = users;
        this.hasher = hasher;
        this.clock = clock;
    }

    /** @throws ChatmeshException ALREADY_EXISTS if the username is taken, in any case */
    public User signUp(String username, String password, String displayName) {
        String normalized = UserRules.normalizeUsername(username);
        // checked first so a taken name costs no hash; the insert below settles races
        if (users.usernameTaken(normalized)) {
            throw ChatmeshException.alreadyExists("username " + normalized);
        }
        Instant now = Times.now(clock);
        User user = new User(Ids.newId(), normalized, UserRules.displayNameOrDefault(displayName, normalized), now);
        if (!users.insert(user, hasher.hash(password))) {
            throw ChatmeshException.alreadyExists("username " + normalized);
        }
        return user;
    }

    /** The caller's own account; UNAUTHENTICATED if the token's subject no longer exists. */
    public User me(String userId) {
        return users.findById(userId).orElseThrow(() -> ChatmeshException.unauthenticated("account no longer exists"));
    }

    /** Sets the caller's display name; empty resets it to the username. */
    public User updateMe(String userId, String displayName) {
        User current = me(userId);
        return users.updateDisplayName(userId, UserRules.displayNameOrDefault(displayName, current.username()), Times.now(clock))
                .orElseThrow(() -> ChatmeshException.unauthenticated("account no longer exists"));
    }

    public User get(String userId) {
        return users.findById(userId).orElseThrow(() -> ChatmeshException.notFound("user " + userId));
    }

    /** The known users among {@code userIds}, in request order, each once. */
    public List<User> batchGet(List<String> userIds) {
        LinkedHashSet<String> wanted = new LinkedHashSet<>(userIds);
        Map<String, User> found = users.findByIds(wanted).stream()
                .collect(Collectors.toMap(User::id, Function.identity()));
        List<User> ordered = new ArrayList<>(found.size());
        wanted.forEach(id -> {
            User user = found.get(id);
            if (user != null) {
                ordered.add(user);
            }
        });
        return ordered;
    }

    /**
     * Users whose username or display name starts with {@code query}, ignoring case, ordered
     * by username.
     *
     * @param pageSize 1 to 100, or 0 for the default
     * @param pageToken empty for the first page
     */
    public SearchPage search(String query, int pageSize, String pageToken) {
        int size = pageSize == 0 ? DEFAULT_PAGE_SIZE : pageSize;
        String after = pageToken.isEmpty() ? "" : SearchPageToken.decode(query, pageToken);
        List<User> found = users.searchByPrefix(query, after, size + 1);
        if (found.size() <= size) {
            return new SearchPage(found, "");
        }
        List<User> page = found.subList(0, size);
        return new SearchPage(List.copyOf(page), SearchPageToken.encode(query, page.getLast().username()));
    }
}

package io.chatmesh.user.store;

import io.chatmesh.platform.db.SqlObjects;
import io.chatmesh.user.domain.User;
import io.chatmesh.user.domain.UserStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** {@link UserStore} in PostgreSQL. */
public final class JdbiUserStore implements UserStore {

    private final UserDao dao;

    public JdbiUserStore(Jdbi jdbi) {
        this.dao = SqlObjects.attachOnce(jdbi, UserDao.class);
    }

    @Override
    public boolean usernameTaken(String username) {
        return dao.usernameExists(username);
    }

    @Override
    public boolean insert(User user, String passwordHash) {
        return dao.insert(user.id(), user.username(), user.displayName(), passwordHash, user.createTime()) == 1;
    }

    @Override
    public Optional<User> findById(String id) {
        return dao.findById(id);
    }

    @Override
    public Optional<Credentials> findCredentials(String username) {
        return dao.findCredentials(username).map(row -> new Credentials(
                new User(row.id(), row.username(), row.displayName(), row.createTime()), row.passwordHash()));
    }

    @Override
    public List<User> findByIds(Collection<String> ids) {
        return ids.isEmpty() ? List.of() : dao.findByIds(ids);
    }

    @Override
    public List<User> searchByPrefix(String prefix, String afterUsername, int limit) {
        return dao.searchByPattern(likePrefix(prefix), afterUsername, limit);
    }

    @Override
    public Optional<User> updateDisplayName(String id, String displayName, Instant now) {
        return dao.updateDisplayName(id, displayName, now);
    }

    /** A LIKE pattern matching strings that start with {@code prefix} taken literally. */
    static String likePrefix(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}

package io.chatmesh.user.store;

import io.chatmesh.user.domain.User;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL over the users table. */
@RegisterConstructorMapper(User.class)
@RegisterConstructorMapper(UserDao.CredentialsRow.class)
public interface UserDao {

    String USER_COLUMNS = "id, username, display_name, created_at AS create_time";

    record CredentialsRow(String id, String username, String displayName, Instant createTime, String passwordHash) {}

    @SqlQuery("SELECT EXISTS (SELECT 1 FROM users WHERE username = :username)")
    boolean usernameExists(String username);

    @SqlUpdate("""
            INSERT INTO users (id, username, display_name, password_hash, created_at, updated_at)
            VALUES (:id, :username, :displayName, :passwordHash, :createdAt, :createdAt)
            ON CONFLICT (username) DO NOTHING""")
    int insert(String id, String username, String displayName, String passwordHash, Instant createdAt);

    @SqlQuery("SELECT " + USER_COLUMNS + " FROM users WHERE id = :id")
    Optional<User> findById(String id);

    @SqlQuery("SELECT " + USER_COLUMNS + ", password_hash FROM users WHERE username = :username")
    Optional<CredentialsRow> findCredentials(String username);

    @SqlQuery("SELECT " + USER_COLUMNS + " FROM users WHERE id IN (<ids>)")
    List<User> findByIds(@BindList("ids") Collection<String> ids);

    /** {@code pattern} is a LIKE pattern (backslash escapes); matched after lower-casing both sides. */
    @SqlQuery("SELECT " + USER_COLUMNS + """
             FROM users
            WHERE (username LIKE lower(:pattern) OR lower(display_name) LIKE lower(:pattern))
              AND username > :after
            ORDER BY username
            LIMIT :limit""")
    List<User> searchByPattern(String pattern, String after, int limit);

    @SqlQuery("UPDATE users SET display_name = :displayName, updated_at = :now WHERE id = :id RETURNING " + USER_COLUMNS)
    Optional<User> updateDisplayName(String id, String displayName, Instant now);
}

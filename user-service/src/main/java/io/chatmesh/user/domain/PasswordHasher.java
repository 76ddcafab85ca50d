package io.chatmesh.user.domain;

/** One-way password hashes (argon2id in production). */
public interface PasswordHasher {

    String hash(String password);

    boolean matches(String password, String hash);
}

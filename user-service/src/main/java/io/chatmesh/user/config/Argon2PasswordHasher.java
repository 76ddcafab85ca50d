package io.chatmesh.user.config;

import io.chatmesh.user.domain.PasswordHasher;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/** {@link PasswordHasher} with argon2id (spring-security-crypto over Bouncy Castle). */
final class Argon2PasswordHasher implements PasswordHasher {

    private final Argon2PasswordEncoder encoder;

    Argon2PasswordHasher(AuthProperties.Argon2 parameters) {
        this.encoder = new Argon2PasswordEncoder(parameters.saltLength(), parameters.hashLength(),
                parameters.parallelism(), parameters.memoryKib(), parameters.iterations());
    }

    @Override
    public String hash(String password) {
        return encoder.encode(password);
    }

    @Override
    public boolean matches(String password, String hash) {
        return encoder.matches(password, hash);
    }
}

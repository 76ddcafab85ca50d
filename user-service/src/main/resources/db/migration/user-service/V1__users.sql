-- Accounts. Usernames are lower-case ASCII ([a-z0-9_.-]), compared byte-wise (C collation) so the
-- primary index also serves prefix searches and keyset paging.
CREATE TABLE users (
    id            text PRIMARY KEY,
    username      text COLLATE "C" NOT NULL,
    display_name  text NOT NULL,
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CONSTRAINT users_username_unique UNIQUE (username),
    CONSTRAINT users_username_lower CHECK (username = lower(username))
);

-- SearchUsers: case-insensitive prefix match on display names.
CREATE INDEX users_display_name_prefix ON users (lower(display_name) text_pattern_ops);

-- Refresh tokens, known only by their SHA-256.
CREATE TABLE refresh_tokens (
    token_hash bytea PRIMARY KEY,
    user_id    text NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);

-- Reuse detection revokes every live token of a user.
CREATE INDEX refresh_tokens_live_by_user ON refresh_tokens (user_id) WHERE revoked_at IS NULL;

-- Access token signing keys (private JWKs) generated when none is configured, so restarts and
-- other instances sign and verify with the same key.
CREATE TABLE signing_keys (
    kid         text PRIMARY KEY,
    private_jwk text NOT NULL,
    created_at  timestamptz NOT NULL
);

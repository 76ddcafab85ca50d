-- The presence status each user chose (SetPresence), so it survives restarts and every
-- user-service instance shows the same one, also an instance started after the choice.
CREATE TABLE presence_choices (
    user_id     text PRIMARY KEY REFERENCES users (id),
    status      text NOT NULL CHECK (status IN ('ONLINE', 'AWAY', 'DO_NOT_DISTURB')),
    status_text text NOT NULL CHECK (char_length(status_text) <= 128),
    updated_at  timestamptz NOT NULL
);

-- The login session a refresh token belongs to: set at LogIn, kept by every rotation, carried
-- by the access tokens as their "sid" claim, so LogOut can end exactly that session's streams.
-- Tokens from before this column get a session of their own at their next rotation.
ALTER TABLE refresh_tokens ADD COLUMN session_id text;

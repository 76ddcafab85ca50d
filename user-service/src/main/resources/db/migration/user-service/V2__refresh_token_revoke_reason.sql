-- Why a refresh token stopped working. Only a ROTATED token presented again means it was
-- copied (reuse detection revokes all of the user's tokens); a LOGGED_OUT one is just refused.
-- Tokens revoked before this column existed were revoked by rotation or reuse detection.
ALTER TABLE refresh_tokens ADD COLUMN revoke_reason text;
UPDATE refresh_tokens SET revoke_reason = 'ROTATED' WHERE revoked_at IS NOT NULL;
ALTER TABLE refresh_tokens ADD CONSTRAINT refresh_tokens_revoke_reason CHECK (
    (revoked_at IS NULL AND revoke_reason IS NULL)
    OR (revoked_at IS NOT NULL AND revoke_reason IN ('ROTATED', 'LOGGED_OUT', 'REUSE_DETECTED')));

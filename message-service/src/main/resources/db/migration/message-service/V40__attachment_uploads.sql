-- Attachments (docs/attachments.md): uploads and the attachments they become (same id). The
-- content lives in the blob store (files under the data directory by default); this table says
-- how much of it counts (committed_size) and whether it is finished (sha256 set).
-- V40: the attachments feature's own range of migration numbers.
CREATE TABLE attachment_uploads (
    id              text        PRIMARY KEY,
    uploader_id     text        NOT NULL,
    room_id         text        NOT NULL,
    file_name       text        NOT NULL,
    content_type    text        NOT NULL,
    size_bytes      bigint      NOT NULL CHECK (size_bytes > 0),
    width           int         NOT NULL DEFAULT 0,
    height          int         NOT NULL DEFAULT 0,
    committed_size  bigint      NOT NULL DEFAULT 0 CHECK (committed_size BETWEEN 0 AND size_bytes),
    sha256          text,
    -- the client_id of the send that posts it; unclaimed attachments expire
    claim_client_id text,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz
);

-- The sweeper's scan, and the count of a user's open uploads.
CREATE INDEX attachment_uploads_expiry_idx ON attachment_uploads (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX attachment_uploads_open_idx ON attachment_uploads (uploader_id) WHERE sha256 IS NULL;

-- Whether an attachment was posted (DownloadAttachment): messages that carry it.
CREATE INDEX message_attachments_attachment_idx ON message_attachments (attachment_id);

-- Images: declared pixel size, shown with the message.
ALTER TABLE message_attachments
    ADD COLUMN width  int NOT NULL DEFAULT 0,
    ADD COLUMN height int NOT NULL DEFAULT 0;

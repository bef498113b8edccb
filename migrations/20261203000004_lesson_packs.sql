-- Server lesson packs: lessons a server's teachers upload in Discord
-- (/author upload), served only in that server, next to the built-in ones.
--
-- An upload is checked, then stored as a draft (`published_at` NULL) with
-- one row per lesson in it; Publish makes each of its lessons the version
-- the server serves (`lesson_packs`), Cancel deletes the draft. Every
-- published version is kept (/author history, /author rollback). Lesson
-- ids are keyed by server, so two servers never collide; the core refuses
-- an id a built-in lesson already has.

CREATE TABLE pack_uploads (
    id           BIGSERIAL   PRIMARY KEY,
    guild_id     BIGINT      NOT NULL,
    uploaded_by  BIGINT      NOT NULL,
    filename     TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at TIMESTAMPTZ,
    published_by BIGINT
);
CREATE INDEX pack_uploads_drafts ON pack_uploads (guild_id, created_at)
    WHERE published_at IS NULL;

-- One version of one lesson. `format`: 'md' is a one-file lesson's text,
-- 'zip' a lesson folder's files, zipped; either is what /author export
-- gives back and what every instance loads the lesson from.
CREATE TABLE lesson_pack_versions (
    guild_id  BIGINT  NOT NULL,
    lesson_id TEXT    NOT NULL,
    version   INTEGER NOT NULL CHECK (version > 0),
    upload_id BIGINT  NOT NULL REFERENCES pack_uploads (id) ON DELETE CASCADE,
    format    TEXT    NOT NULL CHECK (format IN ('md', 'zip')),
    source    BYTEA   NOT NULL,
    title     TEXT    NOT NULL,
    PRIMARY KEY (guild_id, lesson_id, version)
);
CREATE INDEX lesson_pack_versions_upload ON lesson_pack_versions (upload_id);

-- The version each server serves of each of its lessons. /author remove
-- deletes the row (the versions stay, for history and rollback).
CREATE TABLE lesson_packs (
    guild_id     BIGINT      NOT NULL,
    lesson_id    TEXT        NOT NULL,
    version      INTEGER     NOT NULL,
    published_by BIGINT      NOT NULL,
    published_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (guild_id, lesson_id),
    FOREIGN KEY (guild_id, lesson_id, version)
        REFERENCES lesson_pack_versions (guild_id, lesson_id, version)
);

-- Per server: a generation that every change to what it serves bumps (each
-- instance compares it with the one its cached catalog was built from; a
-- NOTIFY on channel `tutorbot_packs` tells them at once), and the role
-- /author role names.
CREATE TABLE pack_guilds (
    guild_id    BIGINT PRIMARY KEY,
    generation  BIGINT NOT NULL DEFAULT 0,
    author_role BIGINT
);

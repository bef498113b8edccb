//! Server lesson packs: uploads, versions, what each server serves, and
//! the role that may author there.
//!
//! An upload is stored as a draft in one transaction (every lesson in it
//! gets the next version number of its id in that server); Publish, in one
//! transaction, points each of the server's lessons at the draft's version,
//! bumps the server's generation and notifies channel [`CHANNEL`] with
//! `guild:generation`, which Postgres delivers to every listening instance
//! when the transaction commits. Rollback and remove change the pointer
//! the same way. Every change that touches one server takes that server's
//! advisory lock first, so two teachers publishing at once take turns (and
//! version numbers never clash).
//!
//! Publish is idempotent: a second Publish of the same draft (a click
//! delivered twice, to one instance or two) finds it published and changes
//! nothing.
//!
//! Stored history is capped: in the same transaction, Publish deletes the
//! published versions of each lesson it publishes past the newest
//! `PACK_MAX_VERSIONS` (never the one served), and the uploads left with no
//! version. Drafts never published are deleted once an hour old, by the
//! next upload in their server and by every instance's periodic check
//! ([`Store::expire_pack_drafts`]).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::{to_db, Store, StoreError};

/// The channel every change to a server's lessons is announced on; the
/// payload is `guild_id:generation`.
pub const CHANNEL: &str = "tutorbot_packs";

/// One lesson's source, as uploaded and as served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackSource {
    pub lesson_id: String,
    /// `md` (a one-file lesson) or `zip` (a lesson folder, zipped).
    pub format: String,
    pub source: Vec<u8>,
    pub title: String,
}

/// A lesson as a server serves it, with its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedSource {
    pub version: i32,
    pub source: PackSource,
}

/// A draft just stored: its id and each lesson's new version number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackDraft {
    pub upload: i64,
    pub versions: Vec<(String, i32)>,
}

/// What Publish did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// Served from now on; the server's new generation.
    Done {
        generation: i64,
        versions: Vec<(String, i32)>,
    },
    /// Published before (a click delivered twice): nothing changed.
    Already { versions: Vec<(String, i32)> },
    /// No such draft in this server (cancelled, or never ours).
    Gone,
    /// The server would serve more lessons than it may.
    TooMany { would_be: usize, max: usize },
    /// The lessons the server would serve would be more bytes than it may.
    TooLarge { would_be: u64, max: u64 },
}

/// One lesson a server serves, for /author list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackEntry {
    pub lesson_id: String,
    pub title: String,
    pub version: i32,
    pub published_by: u64,
    pub published_at: DateTime<Utc>,
}

/// One stored version of a lesson, for /author history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackVersion {
    pub version: i32,
    pub title: String,
    pub uploaded_by: u64,
    pub created_at: DateTime<Utc>,
    pub published: bool,
    /// The version the server serves now.
    pub current: bool,
}

/// Drafts older than this are deleted (with the next upload in their
/// server, and by [`Store::expire_pack_drafts`]): the preview's buttons die
/// with the interaction token after 15 minutes.
pub const DRAFT_KEEP_SECS: f64 = 3600.0;

/// What a server may hold once a draft is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishCaps {
    /// Lessons it serves (`PACK_LESSONS_MAX`).
    pub lessons: usize,
    /// Bytes of the sources it serves (`PACK_SERVER_MAX_BYTES`).
    pub bytes: u64,
    /// Published versions kept of each lesson (`PACK_MAX_VERSIONS`).
    pub versions: usize,
}

impl Store {
    /// The role whose members may author lessons in `guild`, if one is set.
    pub async fn author_role(&self, guild: u64) -> Result<Option<u64>, StoreError> {
        let guild = to_db(guild);
        self.run("reading the author role", |mut conn| async move {
            let role = sqlx::query_scalar!(
                "SELECT author_role FROM pack_guilds WHERE guild_id = $1",
                guild
            )
            .fetch_optional(&mut *conn)
            .await?;
            Ok(role.flatten().map(|r| r as u64))
        })
        .await
    }

    /// Sets the role whose members may author lessons in `guild`.
    pub async fn set_author_role(&self, guild: u64, role: u64) -> Result<(), StoreError> {
        let (guild, role) = (to_db(guild), to_db(role));
        self.run("setting the author role", |mut conn| async move {
            sqlx::query!(
                "INSERT INTO pack_guilds (guild_id, author_role) VALUES ($1, $2)
                 ON CONFLICT (guild_id) DO UPDATE SET author_role = EXCLUDED.author_role",
                guild,
                role
            )
            .execute(&mut *conn)
            .await?;
            Ok(())
        })
        .await
    }

    /// The ids of the lessons `guild` serves now.
    pub async fn pack_lesson_ids(&self, guild: u64) -> Result<Vec<String>, StoreError> {
        let guild = to_db(guild);
        self.run("reading a server's lesson ids", |mut conn| async move {
            sqlx::query_scalar!(
                "SELECT lesson_id FROM lesson_packs WHERE guild_id = $1 ORDER BY lesson_id",
                guild
            )
            .fetch_all(&mut *conn)
            .await
        })
        .await
    }

    /// Stores a checked upload as a draft: one transaction, each lesson at
    /// the next version of its id in this server. Old drafts of the server
    /// are deleted on the way.
    pub async fn store_pack_draft(
        &self,
        guild: u64,
        uploaded_by: u64,
        filename: &str,
        lessons: &[PackSource],
    ) -> Result<PackDraft, StoreError> {
        let (guild, by) = (to_db(guild), to_db(uploaded_by));
        self.run("storing an uploaded lesson", |mut conn| async move {
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            lock_guild(&mut tx, guild).await?;
            sqlx::query!(
                "DELETE FROM pack_uploads
                 WHERE guild_id = $1 AND published_at IS NULL
                   AND created_at < now() - make_interval(secs => $2)",
                guild,
                DRAFT_KEEP_SECS
            )
            .execute(&mut *tx)
            .await?;
            let upload = sqlx::query_scalar!(
                "INSERT INTO pack_uploads (guild_id, uploaded_by, filename)
                 VALUES ($1, $2, $3) RETURNING id",
                guild,
                by,
                filename
            )
            .fetch_one(&mut *tx)
            .await?;
            let mut versions = Vec::with_capacity(lessons.len());
            for lesson in lessons {
                let version = sqlx::query_scalar!(
                    r#"INSERT INTO lesson_pack_versions
                           (guild_id, lesson_id, version, upload_id, format, source, title)
                       SELECT $1, $2, COALESCE(max(version), 0) + 1, $3, $4, $5, $6
                       FROM lesson_pack_versions WHERE guild_id = $1 AND lesson_id = $2
                       RETURNING version"#,
                    guild,
                    lesson.lesson_id,
                    upload,
                    lesson.format,
                    lesson.source,
                    lesson.title
                )
                .fetch_one(&mut *tx)
                .await?;
                versions.push((lesson.lesson_id.clone(), version));
            }
            tx.commit().await?;
            Ok(PackDraft { upload, versions })
        })
        .await
    }

    /// Publishes a draft of `guild`: each of its lessons becomes the version
    /// served, unless the server would then serve more than `max_lessons`
    /// lessons or `max_bytes` of lesson sources.
    pub async fn publish_pack(
        &self,
        guild: u64,
        upload: i64,
        published_by: u64,
        caps: PublishCaps,
    ) -> Result<Published, StoreError> {
        let (guild, by) = (to_db(guild), to_db(published_by));
        let PublishCaps {
            lessons: max_lessons,
            bytes: max_bytes,
            versions: keep,
        } = caps;
        let keep = i64::try_from(keep).unwrap_or(i64::MAX);
        self.run("publishing lessons", |mut conn| async move {
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            lock_guild(&mut tx, guild).await?;
            let state = sqlx::query_scalar!(
                "SELECT published_at IS NOT NULL AS \"published!\"
                 FROM pack_uploads WHERE id = $1 AND guild_id = $2",
                upload,
                guild
            )
            .fetch_optional(&mut *tx)
            .await?;
            let versions: Vec<(String, i32)> = sqlx::query!(
                "SELECT lesson_id, version FROM lesson_pack_versions
                 WHERE upload_id = $1 ORDER BY lesson_id",
                upload
            )
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|r| (r.lesson_id, r.version))
            .collect();
            match state {
                None => return Ok(Published::Gone),
                Some(true) => return Ok(Published::Already { versions }),
                Some(false) => {}
            }
            let served: Vec<String> = sqlx::query_scalar!(
                "SELECT lesson_id FROM lesson_packs WHERE guild_id = $1",
                guild
            )
            .fetch_all(&mut *tx)
            .await?;
            let would_be = served.len()
                + versions
                    .iter()
                    .filter(|(id, _)| !served.contains(id))
                    .count();
            if would_be > max_lessons {
                return Ok(Published::TooMany {
                    would_be,
                    max: max_lessons,
                });
            }
            // The sources served after: the draft's, and the others' that
            // the draft does not replace.
            let bytes = sqlx::query_scalar!(
                r#"SELECT COALESCE(sum(length(v.source)), 0)::bigint AS "bytes!"
                   FROM lesson_pack_versions v
                   LEFT JOIN lesson_packs p
                     ON (p.guild_id, p.lesson_id, p.version) = (v.guild_id, v.lesson_id, v.version)
                   WHERE v.guild_id = $1
                     AND (v.upload_id = $2
                          OR (p.version IS NOT NULL AND v.lesson_id NOT IN
                              (SELECT lesson_id FROM lesson_pack_versions WHERE upload_id = $2)))"#,
                guild,
                upload
            )
            .fetch_one(&mut *tx)
            .await? as u64;
            if bytes > max_bytes {
                return Ok(Published::TooLarge {
                    would_be: bytes,
                    max: max_bytes,
                });
            }
            sqlx::query!(
                "INSERT INTO lesson_packs (guild_id, lesson_id, version, published_by)
                 SELECT guild_id, lesson_id, version, $2 FROM lesson_pack_versions
                 WHERE upload_id = $1
                 ON CONFLICT (guild_id, lesson_id) DO UPDATE
                 SET version = EXCLUDED.version, published_by = EXCLUDED.published_by,
                     published_at = now()",
                upload,
                by
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query!(
                "UPDATE pack_uploads SET published_at = now(), published_by = $2 WHERE id = $1",
                upload,
                by
            )
            .execute(&mut *tx)
            .await?;
            // The cap on history: published versions of these lessons past
            // the newest `keep`, never the one served; then the uploads
            // left with no version.
            let pruned = sqlx::query!(
                "DELETE FROM lesson_pack_versions v
                 USING (
                     SELECT w.lesson_id, w.version,
                            row_number() OVER (PARTITION BY w.lesson_id
                                               ORDER BY w.version DESC) AS rank
                     FROM lesson_pack_versions w JOIN pack_uploads u ON u.id = w.upload_id
                     WHERE w.guild_id = $1 AND u.published_at IS NOT NULL
                       AND w.lesson_id IN (SELECT lesson_id FROM lesson_pack_versions
                                           WHERE upload_id = $2)
                 ) ranked
                 WHERE v.guild_id = $1 AND v.lesson_id = ranked.lesson_id
                   AND v.version = ranked.version AND ranked.rank > $3
                   AND NOT EXISTS (SELECT 1 FROM lesson_packs p
                                   WHERE (p.guild_id, p.lesson_id, p.version)
                                       = (v.guild_id, v.lesson_id, v.version))",
                guild,
                upload,
                keep
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if pruned > 0 {
                sqlx::query!(
                    "DELETE FROM pack_uploads u
                     WHERE u.guild_id = $1 AND u.published_at IS NOT NULL
                       AND NOT EXISTS (SELECT 1 FROM lesson_pack_versions v
                                       WHERE v.upload_id = u.id)",
                    guild
                )
                .execute(&mut *tx)
                .await?;
                tracing::info!(guild, pruned, keep, "deleted lesson versions past the cap");
            }
            let generation = bump(&mut tx, guild).await?;
            tx.commit().await?;
            Ok(Published::Done {
                generation,
                versions,
            })
        })
        .await
    }

    /// Deletes a draft of `guild` that was never published; `false` when
    /// there is none (published, cancelled before, or another server's).
    pub async fn cancel_pack(&self, guild: u64, upload: i64) -> Result<bool, StoreError> {
        let guild = to_db(guild);
        self.run("cancelling an upload", |mut conn| async move {
            let done = sqlx::query!(
                "DELETE FROM pack_uploads
                 WHERE id = $1 AND guild_id = $2 AND published_at IS NULL",
                upload,
                guild
            )
            .execute(&mut *conn)
            .await?;
            Ok(done.rows_affected() > 0)
        })
        .await
    }

    /// Serves published version `version` of a lesson again; the server's
    /// new generation, or `None` when there is no such published version.
    pub async fn rollback_pack(
        &self,
        guild: u64,
        lesson: &str,
        version: i32,
        by: u64,
    ) -> Result<Option<i64>, StoreError> {
        let (guild, by) = (to_db(guild), to_db(by));
        self.run("rolling a lesson back", |mut conn| async move {
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            lock_guild(&mut tx, guild).await?;
            let done = sqlx::query!(
                "INSERT INTO lesson_packs (guild_id, lesson_id, version, published_by)
                 SELECT v.guild_id, v.lesson_id, v.version, $4
                 FROM lesson_pack_versions v JOIN pack_uploads u ON u.id = v.upload_id
                 WHERE v.guild_id = $1 AND v.lesson_id = $2 AND v.version = $3
                   AND u.published_at IS NOT NULL
                 ON CONFLICT (guild_id, lesson_id) DO UPDATE
                 SET version = EXCLUDED.version, published_by = EXCLUDED.published_by,
                     published_at = now()",
                guild,
                lesson,
                version,
                by
            )
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Ok(None);
            }
            let generation = bump(&mut tx, guild).await?;
            tx.commit().await?;
            Ok(Some(generation))
        })
        .await
    }

    /// Stops serving a lesson in `guild` (its versions stay); the server's
    /// new generation, or `None` when it served no such lesson.
    pub async fn remove_pack(&self, guild: u64, lesson: &str) -> Result<Option<i64>, StoreError> {
        let guild = to_db(guild);
        self.run("removing a lesson", |mut conn| async move {
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            lock_guild(&mut tx, guild).await?;
            let done = sqlx::query!(
                "DELETE FROM lesson_packs WHERE guild_id = $1 AND lesson_id = $2",
                guild,
                lesson
            )
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Ok(None);
            }
            let generation = bump(&mut tx, guild).await?;
            tx.commit().await?;
            Ok(Some(generation))
        })
        .await
    }

    /// The lessons `guild` serves, by id.
    pub async fn pack_list(&self, guild: u64) -> Result<Vec<PackEntry>, StoreError> {
        let guild = to_db(guild);
        self.run("listing a server's lessons", |mut conn| async move {
            let rows = sqlx::query!(
                "SELECT p.lesson_id, v.title, p.version, p.published_by, p.published_at
                 FROM lesson_packs p JOIN lesson_pack_versions v
                   ON (v.guild_id, v.lesson_id, v.version) = (p.guild_id, p.lesson_id, p.version)
                 WHERE p.guild_id = $1 ORDER BY p.lesson_id",
                guild
            )
            .fetch_all(&mut *conn)
            .await?;
            Ok(rows
                .into_iter()
                .map(|r| PackEntry {
                    lesson_id: r.lesson_id,
                    title: r.title,
                    version: r.version,
                    published_by: r.published_by as u64,
                    published_at: r.published_at,
                })
                .collect())
        })
        .await
    }

    /// Every stored version of one lesson of `guild`, newest first.
    pub async fn pack_history(
        &self,
        guild: u64,
        lesson: &str,
    ) -> Result<Vec<PackVersion>, StoreError> {
        let guild = to_db(guild);
        self.run("reading a lesson's history", |mut conn| async move {
            let rows = sqlx::query!(
                r#"SELECT v.version, v.title, u.uploaded_by, u.created_at,
                          u.published_at IS NOT NULL AS "published!",
                          (p.version IS NOT NULL) AS "current!"
                   FROM lesson_pack_versions v
                   JOIN pack_uploads u ON u.id = v.upload_id
                   LEFT JOIN lesson_packs p
                     ON (p.guild_id, p.lesson_id, p.version) = (v.guild_id, v.lesson_id, v.version)
                   WHERE v.guild_id = $1 AND v.lesson_id = $2
                   ORDER BY v.version DESC"#,
                guild,
                lesson
            )
            .fetch_all(&mut *conn)
            .await?;
            Ok(rows
                .into_iter()
                .map(|r| PackVersion {
                    version: r.version,
                    title: r.title,
                    uploaded_by: r.uploaded_by as u64,
                    created_at: r.created_at,
                    published: r.published,
                    current: r.current,
                })
                .collect())
        })
        .await
    }

    /// The source of the version of `lesson` that `guild` serves.
    pub async fn pack_source(
        &self,
        guild: u64,
        lesson: &str,
    ) -> Result<Option<ServedSource>, StoreError> {
        let guild = to_db(guild);
        self.run("reading a lesson's source", |mut conn| async move {
            let row = sqlx::query!(
                "SELECT v.lesson_id, v.version, v.format, v.source, v.title
                 FROM lesson_packs p JOIN lesson_pack_versions v
                   ON (v.guild_id, v.lesson_id, v.version) = (p.guild_id, p.lesson_id, p.version)
                 WHERE p.guild_id = $1 AND p.lesson_id = $2",
                guild,
                lesson
            )
            .fetch_optional(&mut *conn)
            .await?;
            Ok(row.map(|r| ServedSource {
                version: r.version,
                source: PackSource {
                    lesson_id: r.lesson_id,
                    format: r.format,
                    source: r.source,
                    title: r.title,
                },
            }))
        })
        .await
    }

    /// Every lesson `guild` serves, with the generation they belong to, read
    /// from one snapshot.
    pub async fn pack_served(&self, guild: u64) -> Result<(i64, Vec<ServedSource>), StoreError> {
        let guild = to_db(guild);
        self.run("loading a server's lessons", |mut conn| async move {
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .execute(&mut *tx)
                .await?;
            let generation = sqlx::query_scalar!(
                "SELECT generation FROM pack_guilds WHERE guild_id = $1",
                guild
            )
            .fetch_optional(&mut *tx)
            .await?
            .unwrap_or(0);
            let rows = sqlx::query!(
                "SELECT v.lesson_id, v.version, v.format, v.source, v.title
                 FROM lesson_packs p JOIN lesson_pack_versions v
                   ON (v.guild_id, v.lesson_id, v.version) = (p.guild_id, p.lesson_id, p.version)
                 WHERE p.guild_id = $1 ORDER BY p.lesson_id",
                guild
            )
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok((
                generation,
                rows.into_iter()
                    .map(|r| ServedSource {
                        version: r.version,
                        source: PackSource {
                            lesson_id: r.lesson_id,
                            format: r.format,
                            source: r.source,
                            title: r.title,
                        },
                    })
                    .collect(),
            ))
        })
        .await
    }

    /// Deletes every server's drafts that were never published and are older
    /// than [`DRAFT_KEEP_SECS`]; how many. Drafts serve nobody, so no
    /// generation changes.
    pub async fn expire_pack_drafts(&self) -> Result<u64, StoreError> {
        self.run("deleting old drafts", |mut conn| async move {
            let done = sqlx::query!(
                "DELETE FROM pack_uploads
                 WHERE published_at IS NULL
                   AND created_at < now() - make_interval(secs => $1)",
                DRAFT_KEEP_SECS
            )
            .execute(&mut *conn)
            .await?;
            Ok(done.rows_affected())
        })
        .await
    }

    /// Every server's generation: the periodic check behind LISTEN/NOTIFY.
    pub async fn pack_generations(&self) -> Result<Vec<(u64, i64)>, StoreError> {
        self.run(
            "reading the servers' lesson generations",
            |mut conn| async move {
                let rows = sqlx::query!(
                    "SELECT guild_id, generation FROM pack_guilds WHERE generation > 0"
                )
                .fetch_all(&mut *conn)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| (r.guild_id as u64, r.generation))
                    .collect())
            },
        )
        .await
    }
}

/// Takes `guild`'s lock until the transaction ends.
async fn lock_guild(tx: &mut PgConnection, guild: i64) -> Result<(), sqlx::Error> {
    // The key space is shared with nothing else: the learner lock is a row lock.
    sqlx::query!("SELECT pg_advisory_xact_lock($1)", guild)
        .execute(tx)
        .await?;
    Ok(())
}

/// Bumps `guild`'s generation and announces it to every instance (delivered
/// when the transaction commits, not before).
async fn bump(tx: &mut PgConnection, guild: i64) -> Result<i64, sqlx::Error> {
    let generation = sqlx::query_scalar!(
        "INSERT INTO pack_guilds (guild_id, generation) VALUES ($1, 1)
         ON CONFLICT (guild_id) DO UPDATE SET generation = pack_guilds.generation + 1
         RETURNING generation",
        guild
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "SELECT pg_notify($1, $2)",
        CHANNEL,
        format!("{guild}:{generation}")
    )
    .execute(tx)
    .await?;
    Ok(generation)
}

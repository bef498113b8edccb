//! Learners: what `/my-data` shows and what `/forget-me` deletes.
//!
//! A learner row is created by their first write and everything else hangs
//! off it with `ON DELETE CASCADE`, so forgetting is one `DELETE`. That
//! statement also records its interaction id: a copy of the confirm click
//! delivered after the learner started again must not delete their new
//! progress (see [`super::handled`]).
//!
//! A teacher's id is also stored on the lessons they uploaded or published
//! in a server (`pack_uploads.uploaded_by` and `published_by`,
//! `lesson_packs.published_by`). Those lessons belong to the server, so
//! `/forget-me` keeps them and puts 0, "a former member", in place of the
//! person's id, in the same statement as the delete.

use chrono::{DateTime, Utc};

use crate::content::Scope;

use super::{
    to_db, AttemptSummary, DemoRun, ExerciseTally, InteractionId, LearnerId, Mark, Reminder, Store,
    StoreError,
};

/// Everything stored about one learner, for `/my-data`.
#[derive(Debug, Clone, Default)]
pub struct LearnerData {
    pub known: bool,
    pub since: Option<DateTime<Utc>>,
    pub marks: Vec<Mark>,
    pub attempts: Vec<AttemptSummary>,
    pub demo_runs: Vec<DemoRun>,
    /// Their daily review reminder (and time zone), on or off.
    pub reminder: Option<Reminder>,
    /// How many review cards they have, and how many ratings are logged.
    pub review_cards: i64,
    pub review_log: i64,
    /// Their exercise attempts, counted per exercise (not the code).
    pub exercises: Vec<ExerciseTally>,
    /// Server lessons whose stored versions name them as uploader or
    /// publisher, one entry a version and role.
    pub authored: Vec<Authored>,
}

/// A stored version of a server's lesson that names someone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authored {
    /// The server's lesson (its scope is the server).
    pub scope: Scope,
    pub lesson_id: String,
    pub version: i32,
    pub role: AuthorRole,
    pub at: DateTime<Utc>,
}

/// How a stored lesson version names someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AuthorRole {
    /// They uploaded it (a draft, or a version published later).
    Uploaded,
    /// They pressed Publish on it.
    Published,
    /// They made it the version served (Publish, or a rollback).
    Served,
}

/// The person ids stand in for once forgotten: no Discord user is 0.
pub const FORMER_MEMBER: u64 = 0;

impl Store {
    /// Everything stored about a learner.
    pub async fn learner_data(&self, learner: LearnerId) -> Result<LearnerData, StoreError> {
        let id = to_db(learner);
        let since = self
            .run("reading a learner", |mut conn| async move {
                sqlx::query_scalar!("SELECT created_at FROM learners WHERE id = $1", id)
                    .fetch_optional(&mut *conn)
                    .await
            })
            .await?;
        let marks = self.marks(learner).await?;
        let attempts = self.attempts(learner).await?;
        let demo_runs = self.demo_runs(learner).await?;
        let reminder = self.reminder(learner).await?;
        let exercises = self.exercise_tallies(learner, None).await?;
        let authored = self.authored(learner).await?;
        let (review_cards, review_log) = self
            .run("counting review cards", |mut conn| async move {
                let row = sqlx::query!(
                    r#"SELECT (SELECT count(*) FROM review_cards WHERE learner_id = $1) AS "cards!",
                              (SELECT count(*) FROM review_log WHERE learner_id = $1) AS "log!""#,
                    id
                )
                .fetch_one(&mut *conn)
                .await?;
                Ok((row.cards, row.log))
            })
            .await?;
        Ok(LearnerData {
            known: since.is_some(),
            since,
            marks,
            attempts,
            demo_runs,
            reminder,
            review_cards,
            review_log,
            exercises,
            authored,
        })
    }

    /// Every stored lesson version that names `person` as its uploader or
    /// publisher, by server, lesson and version.
    pub async fn authored(&self, person: u64) -> Result<Vec<Authored>, StoreError> {
        let person = to_db(person);
        let rows = self
            .run("reading a teacher's lessons", |mut conn| async move {
                sqlx::query!(
                    r#"SELECT v.guild_id AS "guild_id!", v.lesson_id AS "lesson_id!",
                              v.version AS "version!", 0 AS "role!", u.created_at AS "at!"
                       FROM lesson_pack_versions v JOIN pack_uploads u ON u.id = v.upload_id
                       WHERE u.uploaded_by = $1
                       UNION ALL
                       SELECT v.guild_id, v.lesson_id, v.version, 1, u.published_at
                       FROM lesson_pack_versions v JOIN pack_uploads u ON u.id = v.upload_id
                       WHERE u.published_by = $1
                       UNION ALL
                       SELECT guild_id, lesson_id, version, 2, published_at
                       FROM lesson_packs WHERE published_by = $1
                       ORDER BY 1, 2, 3, 4"#,
                    person
                )
                .fetch_all(&mut *conn)
                .await
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| Authored {
                scope: Scope::from_db(r.guild_id),
                lesson_id: r.lesson_id,
                version: r.version,
                role: match r.role {
                    0 => AuthorRole::Uploaded,
                    1 => AuthorRole::Published,
                    _ => AuthorRole::Served,
                },
                at: r.at,
            })
            .collect())
    }

    /// Deletes the learner and, by cascade, everything that hangs off them,
    /// and puts [`FORMER_MEMBER`] in place of their id on the server lessons
    /// they uploaded or published (the lessons stay: they are the
    /// server's), unless `interaction` was handled before. One statement.
    /// Returns whether this call deleted or changed anything.
    pub async fn forget(
        &self,
        interaction: InteractionId,
        learner: LearnerId,
    ) -> Result<bool, StoreError> {
        let (interaction, learner) = (to_db(interaction), to_db(learner));
        self.run("deleting a learner", |mut conn| async move {
            let done = sqlx::query!(
                r#"WITH handled AS (
                       INSERT INTO handled_interactions (id) VALUES ($1)
                       ON CONFLICT (id) DO NOTHING
                       RETURNING id
                   ),
                   -- One UPDATE a table: a row must not be changed twice
                   -- by one statement.
                   uploads AS (
                       UPDATE pack_uploads
                       SET uploaded_by = CASE WHEN uploaded_by = $2 THEN $3 ELSE uploaded_by END,
                           published_by = CASE WHEN published_by = $2 THEN $3
                                               ELSE published_by END
                       WHERE (uploaded_by = $2 OR published_by = $2)
                         AND EXISTS (SELECT 1 FROM handled)
                       RETURNING id
                   ),
                   served AS (
                       UPDATE lesson_packs SET published_by = $3
                       WHERE published_by = $2 AND EXISTS (SELECT 1 FROM handled)
                       RETURNING guild_id
                   ),
                   deleted AS (
                       DELETE FROM learners WHERE id = $2 AND EXISTS (SELECT 1 FROM handled)
                       RETURNING id
                   )
                   SELECT (SELECT count(*) FROM uploads) + (SELECT count(*) FROM served)
                          + (SELECT count(*) FROM deleted) AS "changed!""#,
                interaction,
                learner,
                to_db(FORMER_MEMBER)
            )
            .fetch_one(&mut *conn)
            .await?;
            Ok(done.changed > 0)
        })
        .await
    }
}

//! Checklist marks: one row per (learner, lesson, objective), the lesson
//! named by its [`LessonKey`] (scope and id).
//!
//! A tick sets the state the button asked for rather than flipping it, so
//! the same click twice lands once; and it records its interaction id in the
//! same statement, so a copy delivered after a later click changes nothing
//! (see [`super::handled`]). It is one statement, one round trip: it writes
//! and returns the learner's ticked set for the lesson, which the checklist
//! is redrawn from.

use chrono::{DateTime, Utc};

use super::{to_db, InteractionId, LearnerId, Store, StoreError};
use crate::content::{LessonKey, Scope};

/// One checklist mark as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub scope: Scope,
    pub lesson_id: String,
    pub objective_id: String,
    pub ticked: bool,
    pub updated_at: DateTime<Utc>,
}

/// What a tick left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tick {
    /// The objectives the learner has ticked in the lesson, sorted.
    pub ticked: Vec<String>,
    /// False when the interaction had been handled before: nothing was
    /// written, and `ticked` is the state as it is.
    pub applied: bool,
}

impl Store {
    /// Sets one objective of a lesson to ticked or not for a learner, unless
    /// `interaction` was handled before, and returns the lesson's ticked set.
    pub async fn tick(
        &self,
        interaction: InteractionId,
        learner: LearnerId,
        lesson: LessonKey<'_>,
        objective: &str,
        ticked: bool,
    ) -> Result<Tick, StoreError> {
        let (interaction, learner) = (to_db(interaction), to_db(learner));
        let (scope, lesson) = (lesson.scope.to_db(), lesson.id);
        self.run("saving a checklist mark", |mut conn| async move {
            // The learner row appears with their first mark. The SELECT at
            // the end sees the table as it was before this statement (its
            // sibling CTEs' writes are invisible to it), so the new state is
            // the old ticked set with this objective set as asked.
            let row = sqlx::query!(
                r#"WITH handled AS (
                       INSERT INTO handled_interactions (id) VALUES ($1)
                       ON CONFLICT (id) DO NOTHING
                       RETURNING id
                   ),
                   learner AS (
                       INSERT INTO learners (id) SELECT $2 FROM handled
                       ON CONFLICT (id) DO NOTHING
                   ),
                   mark AS (
                       INSERT INTO checklist_marks (learner_id, scope, lesson_id, objective_id,
                                                    ticked)
                       SELECT $2, $6, $3, $4, $5 FROM handled
                       ON CONFLICT (learner_id, scope, lesson_id, objective_id)
                       DO UPDATE SET ticked = EXCLUDED.ticked, updated_at = now()
                       WHERE checklist_marks.ticked IS DISTINCT FROM EXCLUDED.ticked
                   )
                   SELECT
                       EXISTS (SELECT 1 FROM handled) AS "applied!",
                       ARRAY(
                           SELECT objective_id FROM checklist_marks
                           WHERE learner_id = $2 AND scope = $6 AND lesson_id = $3 AND ticked
                             AND NOT (objective_id = $4 AND EXISTS (SELECT 1 FROM handled))
                           UNION
                           SELECT $4::text WHERE $5 AND EXISTS (SELECT 1 FROM handled)
                           ORDER BY 1
                       ) AS "ticked!""#,
                interaction,
                learner,
                lesson,
                objective,
                ticked,
                scope
            )
            .fetch_one(&mut *conn)
            .await?;
            Ok(Tick {
                ticked: row.ticked,
                applied: row.applied,
            })
        })
        .await
    }

    /// Ticks several objectives of a lesson at once for a learner (the
    /// quiz's "Tick all"), unless `interaction` was handled before; one
    /// statement, so the ticks land together or not at all. Returns how
    /// many marks changed.
    pub async fn tick_many(
        &self,
        interaction: InteractionId,
        learner: LearnerId,
        lesson: LessonKey<'_>,
        objectives: &[String],
    ) -> Result<u64, StoreError> {
        let (interaction, learner) = (to_db(interaction), to_db(learner));
        let (scope, lesson) = (lesson.scope.to_db(), lesson.id);
        self.run("saving checklist marks", |mut conn| async move {
            let done = sqlx::query!(
                r#"WITH handled AS (
                       INSERT INTO handled_interactions (id) VALUES ($1)
                       ON CONFLICT (id) DO NOTHING
                       RETURNING id
                   ),
                   learner AS (
                       INSERT INTO learners (id) SELECT $2 FROM handled
                       ON CONFLICT (id) DO NOTHING
                   )
                   INSERT INTO checklist_marks (learner_id, scope, lesson_id, objective_id, ticked)
                   SELECT $2, $5, $3, o, TRUE FROM handled, unnest($4::text[]) AS o
                   ON CONFLICT (learner_id, scope, lesson_id, objective_id)
                   DO UPDATE SET ticked = TRUE, updated_at = now()
                   WHERE NOT checklist_marks.ticked"#,
                interaction,
                learner,
                lesson,
                objectives,
                scope
            )
            .execute(&mut *conn)
            .await?;
            Ok(done.rows_affected())
        })
        .await
    }

    /// The objectives a learner has ticked in a lesson, sorted.
    pub async fn ticked(
        &self,
        learner: LearnerId,
        lesson: LessonKey<'_>,
    ) -> Result<Vec<String>, StoreError> {
        let learner = to_db(learner);
        let (scope, lesson) = (lesson.scope.to_db(), lesson.id);
        self.run("reading a checklist", |mut conn| async move {
            sqlx::query_scalar!(
                "SELECT objective_id FROM checklist_marks
                 WHERE learner_id = $1 AND scope = $3 AND lesson_id = $2 AND ticked
                 ORDER BY objective_id",
                learner,
                lesson,
                scope
            )
            .fetch_all(&mut *conn)
            .await
        })
        .await
    }

    /// Every mark of a learner, in every lesson of every scope.
    pub async fn marks(&self, learner: LearnerId) -> Result<Vec<Mark>, StoreError> {
        let learner = to_db(learner);
        let rows = self
            .run("reading checklist marks", |mut conn| async move {
                sqlx::query!(
                    "SELECT scope, lesson_id, objective_id, ticked, updated_at FROM checklist_marks
                     WHERE learner_id = $1 ORDER BY scope, lesson_id, objective_id",
                    learner
                )
                .fetch_all(&mut *conn)
                .await
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| Mark {
                scope: Scope::from_db(r.scope),
                lesson_id: r.lesson_id,
                objective_id: r.objective_id,
                ticked: r.ticked,
                updated_at: r.updated_at,
            })
            .collect())
    }
}

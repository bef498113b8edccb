//! Exercise attempts: every graded exercise a learner submitted, filed
//! under its lesson's [`LessonKey`] (scope and id).
//!
//! An attempt is written once its verdict is in, in one transaction that
//! creates the learner's row if needed, inserts the attempt keyed by the
//! interaction that submitted it (a copy of that submit delivered again is
//! stored once: `ON CONFLICT DO NOTHING`), and reads back the learner's
//! tally for the exercise, from which the verdict shows one more hint per
//! failed try. Reads serve `/exercise` (each exercise's status and the
//! code last submitted, to refill the form), `/progress` (exercises passed)
//! and `/my-data` (counts per exercise). `/forget-me` deletes them by the
//! learner row's cascade.

use chrono::{DateTime, Utc};
use sqlx::Connection;

use super::{lock_learner, to_db, InteractionId, LearnerId, Store, StoreError};
use crate::content::{LessonKey, Scope};

/// An attempt to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAttempt<'a> {
    pub lesson: LessonKey<'a>,
    pub exercise: &'a str,
    pub passed: bool,
    pub wall_ms: i32,
    pub code: &'a str,
    /// The seconds the learner guessed, for a predict-then-run exercise.
    pub predicted_secs: Option<f64>,
}

/// A learner's attempts at one exercise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub tries: i64,
    pub passes: i64,
}

impl Tally {
    /// Tries that did not pass.
    pub fn fails(&self) -> i64 {
        self.tries - self.passes
    }
}

/// A learner's attempts at one exercise, as `/exercise` and `/my-data` show
/// them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExerciseTally {
    pub scope: Scope,
    pub lesson_id: String,
    pub exercise_id: String,
    pub tries: i64,
    pub passes: i64,
    pub newest: DateTime<Utc>,
}

impl Store {
    /// Stores an attempt (once per `interaction`) and returns the learner's
    /// tally for that exercise, this attempt included.
    pub async fn record_exercise_attempt(
        &self,
        interaction: InteractionId,
        learner: LearnerId,
        attempt: &NewAttempt<'_>,
    ) -> Result<Tally, StoreError> {
        let (interaction, id) = (to_db(interaction), to_db(learner));
        let (scope, lesson) = (attempt.lesson.scope.to_db(), attempt.lesson.id);
        self.run("saving an exercise attempt", |mut conn| async move {
            let mut tx = conn.begin().await?;
            lock_learner(&mut tx, learner).await?;
            sqlx::query!(
                "INSERT INTO exercise_attempts
                     (interaction_id, learner_id, scope, lesson_id, exercise_id, passed, wall_ms,
                      code, predicted_secs)
                 VALUES ($1, $2, $9, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (interaction_id) DO NOTHING",
                interaction,
                id,
                lesson,
                attempt.exercise,
                attempt.passed,
                attempt.wall_ms,
                attempt.code,
                attempt.predicted_secs,
                scope
            )
            .execute(&mut *tx)
            .await?;
            let tally = sqlx::query_as!(
                Tally,
                r#"SELECT count(*) AS "tries!", count(*) FILTER (WHERE passed) AS "passes!"
                   FROM exercise_attempts
                   WHERE learner_id = $1 AND scope = $4 AND lesson_id = $2
                     AND exercise_id = $3"#,
                id,
                lesson,
                attempt.exercise,
                scope
            )
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(tally)
        })
        .await
    }

    /// The learner's tally for each exercise they tried, by lesson and
    /// exercise id; `lesson` narrows it to one lesson.
    pub async fn exercise_tallies(
        &self,
        learner: LearnerId,
        lesson: Option<LessonKey<'_>>,
    ) -> Result<Vec<ExerciseTally>, StoreError> {
        let learner = to_db(learner);
        let scope = lesson.map(|l| l.scope.to_db());
        let lesson = lesson.map(|l| l.id);
        let rows = self
            .run("reading exercise attempts", |mut conn| async move {
                sqlx::query!(
                    r#"SELECT scope, lesson_id, exercise_id, count(*) AS "tries!",
                              count(*) FILTER (WHERE passed) AS "passes!",
                              max(created_at) AS "newest!"
                       FROM exercise_attempts
                       WHERE learner_id = $1
                         AND ($2::text IS NULL OR (scope = $3 AND lesson_id = $2))
                       GROUP BY scope, lesson_id, exercise_id
                       ORDER BY scope, lesson_id, exercise_id"#,
                    learner,
                    lesson,
                    scope
                )
                .fetch_all(&mut *conn)
                .await
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| ExerciseTally {
                scope: Scope::from_db(r.scope),
                lesson_id: r.lesson_id,
                exercise_id: r.exercise_id,
                tries: r.tries,
                passes: r.passes,
                newest: r.newest,
            })
            .collect())
    }

    /// The code the learner last submitted for an exercise, if any.
    pub async fn last_exercise_code(
        &self,
        learner: LearnerId,
        lesson: LessonKey<'_>,
        exercise: &str,
    ) -> Result<Option<String>, StoreError> {
        let learner = to_db(learner);
        let (scope, lesson) = (lesson.scope.to_db(), lesson.id);
        self.run("reading an exercise attempt", |mut conn| async move {
            sqlx::query_scalar!(
                "SELECT code FROM exercise_attempts
                 WHERE learner_id = $1 AND scope = $4 AND lesson_id = $2 AND exercise_id = $3
                 ORDER BY created_at DESC, id DESC LIMIT 1",
                learner,
                lesson,
                exercise,
                scope
            )
            .fetch_optional(&mut *conn)
            .await
        })
        .await
    }
}

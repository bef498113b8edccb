//! Quiz attempts and answers.
//!
//! An attempt remembers the quiz version it was drawn from and the seed of
//! its shuffle; the database allows one open attempt per learner and lesson
//! (a lesson named by its scope and id, see [`crate::content::scope`]).
//! What each write guarantees:
//! - starting is one transaction, serialised per learner
//!   ([`super::lock_learner`]) and keyed by its interaction id: two
//!   instances starting the same quiz at once agree on one attempt, and a
//!   start delivered again (after the quiz was finished, or after
//!   `/forget-me`) opens nothing and answers with the attempt as it is;
//! - an answer is one statement keyed by (attempt, question): the first one
//!   is the only one, however many clicks, retries or instances race, and an
//!   answer to a closed or deleted attempt is refused, so it needs no
//!   interaction id;
//! - finishing sets `finished_at` once and is idempotent.

use chrono::{DateTime, Utc};
use sqlx::Connection;

use super::handled::first_time;
use super::review::Seed;
use super::{lock_learner, to_db, InteractionId, LearnerId, Store, StoreError};
use crate::content::{LessonKey, Scope};

/// A quiz attempt and the answers it holds so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub id: i64,
    pub learner: LearnerId,
    pub scope: Scope,
    pub lesson_id: String,
    pub version: String,
    pub seed: i64,
    pub finished: bool,
    pub answers: Vec<Answered>,
}

/// One recorded answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    pub question_id: String,
    pub choice_id: String,
    pub correct: bool,
}

/// The answer that counts for a question, and whether this call recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub choice_id: String,
    pub correct: bool,
    /// False when an earlier click (or Discord's retry) already answered.
    pub first: bool,
}

/// One quiz attempt with its score so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptSummary {
    pub id: i64,
    pub scope: Scope,
    pub lesson_id: String,
    pub started_at: DateTime<Utc>,
    pub finished: bool,
    pub answered: i64,
    pub right: i64,
}

/// How a server's learners did on one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionStats {
    pub question_id: String,
    pub takers: i64,
    pub right: i64,
    /// The wrong choice picked most, and how often.
    pub top_wrong: Option<(String, i64)>,
}

impl Store {
    /// The learner's open attempt at a lesson's quiz, or a new one. An open
    /// attempt drawn from another version of the quiz is closed as abandoned
    /// and a fresh one begins. When `interaction` was handled before,
    /// nothing is written and the answer is the learner's newest attempt at
    /// the lesson (the open one if any), or `None` if they have none left.
    pub async fn open_attempt(
        &self,
        interaction: InteractionId,
        learner: LearnerId,
        guild: Option<u64>,
        lesson: LessonKey<'_>,
        version: &str,
        seed: i64,
    ) -> Result<Option<Attempt>, StoreError> {
        let id = to_db(learner);
        let guild = guild.map(to_db);
        let (scope, lesson) = (lesson.scope.to_db(), lesson.id);
        let attempt_id = self
            .run("starting a quiz", |mut conn| async move {
                let mut tx = conn.begin().await?;
                if !first_time(&mut tx, interaction).await? {
                    let newest = sqlx::query_scalar!(
                        "SELECT id FROM quiz_attempts
                         WHERE learner_id = $1 AND scope = $3 AND lesson_id = $2
                         ORDER BY finished_at IS NULL DESC, started_at DESC, id DESC LIMIT 1",
                        id,
                        lesson,
                        scope
                    )
                    .fetch_optional(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    return Ok(newest);
                }
                lock_learner(&mut tx, learner).await?;
                let open = sqlx::query!(
                    "SELECT id, quiz_version FROM quiz_attempts
                     WHERE learner_id = $1 AND scope = $3 AND lesson_id = $2
                       AND finished_at IS NULL",
                    id,
                    lesson,
                    scope
                )
                .fetch_optional(&mut *tx)
                .await?;
                let attempt = match open {
                    Some(open) if open.quiz_version == version => open.id,
                    other => {
                        if let Some(stale) = other {
                            sqlx::query!(
                                "UPDATE quiz_attempts SET finished_at = now(), abandoned = true
                                 WHERE id = $1",
                                stale.id
                            )
                            .execute(&mut *tx)
                            .await?;
                        }
                        sqlx::query_scalar!(
                            "INSERT INTO quiz_attempts
                                 (learner_id, guild_id, scope, lesson_id, quiz_version, seed)
                             VALUES ($1, $2, $6, $3, $4, $5) RETURNING id",
                            id,
                            guild,
                            lesson,
                            version,
                            seed,
                            scope
                        )
                        .fetch_one(&mut *tx)
                        .await?
                    }
                };
                tx.commit().await?;
                Ok(Some(attempt))
            })
            .await?;
        match attempt_id {
            Some(attempt) => self.attempt(attempt).await,
            None => Ok(None),
        }
    }

    /// An attempt with its answers, if it exists.
    pub async fn attempt(&self, attempt: i64) -> Result<Option<Attempt>, StoreError> {
        let row = self
            .run("reading a quiz attempt", |mut conn| async move {
                sqlx::query!(
                    r#"SELECT learner_id, scope, lesson_id, quiz_version, seed,
                              finished_at IS NOT NULL AS "finished!"
                       FROM quiz_attempts WHERE id = $1"#,
                    attempt
                )
                .fetch_optional(&mut *conn)
                .await
            })
            .await?;
        let Some(row) = row else { return Ok(None) };
        let answers = self
            .run("reading quiz answers", |mut conn| async move {
                sqlx::query_as!(
                    Answered,
                    "SELECT question_id, choice_id, correct FROM quiz_answers
                     WHERE attempt_id = $1 ORDER BY answered_at, question_id",
                    attempt
                )
                .fetch_all(&mut *conn)
                .await
            })
            .await?;
        Ok(Some(Attempt {
            id: attempt,
            learner: row.learner_id as u64,
            scope: Scope::from_db(row.scope),
            lesson_id: row.lesson_id,
            version: row.quiz_version,
            seed: row.seed,
            finished: row.finished,
            answers,
        }))
    }

    /// Records an answer unless the question was already answered, and
    /// returns the answer that counts. `None` when the attempt is not the
    /// learner's or is closed. The first answer wins, however many clicks,
    /// retries or instances race; the first answer also creates the
    /// learner's review card for the question from `seed`, unless they have
    /// one already (see [`super::review`]).
    pub async fn record_answer(
        &self,
        attempt: i64,
        learner: LearnerId,
        question: &str,
        choice: &str,
        correct: bool,
        seed: &Seed<'_>,
    ) -> Result<Option<Recorded>, StoreError> {
        let learner = to_db(learner);
        let (card, log) = (&seed.card, &seed.log);
        let (scope, lesson) = (seed.lesson.scope.to_db(), seed.lesson.id);
        self.run("saving a quiz answer", |mut conn| async move {
            // The review card (and its first log entry) is written by the
            // same statement, only when this answer is the first.
            let row = sqlx::query_as!(
                Recorded,
                r#"WITH inserted AS (
                       INSERT INTO quiz_answers (attempt_id, question_id, choice_id, correct)
                       SELECT $1, $3, $4, $5
                       WHERE EXISTS (SELECT 1 FROM quiz_attempts
                                     WHERE id = $1 AND learner_id = $2 AND finished_at IS NULL)
                       ON CONFLICT (attempt_id, question_id) DO NOTHING
                       RETURNING choice_id, correct
                   ),
                   card AS (
                       INSERT INTO review_cards (learner_id, scope, lesson_id, question_id, due,
                                                 stability, difficulty, elapsed_days,
                                                 scheduled_days, reps, lapses, state, last_review)
                       SELECT $2, $21, $6, $3, $7, $8, $9, $10, $11, $12, $13, $14, $15
                       FROM inserted
                       ON CONFLICT (learner_id, scope, lesson_id, question_id) DO NOTHING
                       RETURNING due
                   ),
                   logged AS (
                       INSERT INTO review_log (learner_id, scope, lesson_id, question_id, rating,
                                               state, elapsed_days, scheduled_days, due,
                                               reviewed_at, source)
                       SELECT $2, $21, $6, $3, $16, $17, $18, $19, due, $20, 'quiz' FROM card
                   )
                   SELECT choice_id AS "choice_id!", correct AS "correct!", true AS "first!"
                   FROM inserted
                   UNION ALL
                   SELECT a.choice_id, a.correct, false FROM quiz_answers a
                   JOIN quiz_attempts t ON t.id = a.attempt_id AND t.learner_id = $2
                   WHERE a.attempt_id = $1 AND a.question_id = $3"#,
                attempt,
                learner,
                question,
                choice,
                correct,
                lesson,
                card.due,
                card.stability,
                card.difficulty,
                card.elapsed_days,
                card.scheduled_days,
                card.reps,
                card.lapses,
                card.state,
                card.last_review,
                log.rating,
                log.state,
                log.elapsed_days,
                log.scheduled_days,
                log.reviewed_at,
                scope
            )
            .fetch_optional(&mut *conn)
            .await?;
            if row.is_some() {
                return Ok(row);
            }
            // A concurrent click committed its answer while ours waited on
            // the conflict: our statement's snapshot could not see it, a new
            // one can.
            sqlx::query_as!(
                Recorded,
                r#"SELECT a.choice_id, a.correct, false AS "first!" FROM quiz_answers a
                   JOIN quiz_attempts t ON t.id = a.attempt_id AND t.learner_id = $2
                   WHERE a.attempt_id = $1 AND a.question_id = $3"#,
                attempt,
                learner,
                question
            )
            .fetch_optional(&mut *conn)
            .await
        })
        .await
    }

    /// Closes an attempt (idempotent).
    pub async fn finish_attempt(&self, attempt: i64) -> Result<(), StoreError> {
        self.run("finishing a quiz", |mut conn| async move {
            sqlx::query!(
                "UPDATE quiz_attempts SET finished_at = now()
                 WHERE id = $1 AND finished_at IS NULL",
                attempt
            )
            .execute(&mut *conn)
            .await?;
            Ok(())
        })
        .await
    }

    /// The learner's newest finished (not abandoned) attempt at a lesson.
    pub async fn last_finished_attempt(
        &self,
        learner: LearnerId,
        lesson: LessonKey<'_>,
    ) -> Result<Option<Attempt>, StoreError> {
        let learner = to_db(learner);
        let (scope, lesson) = (lesson.scope.to_db(), lesson.id);
        let id = self
            .run("reading quiz attempts", |mut conn| async move {
                sqlx::query_scalar!(
                    "SELECT id FROM quiz_attempts
                     WHERE learner_id = $1 AND scope = $3 AND lesson_id = $2
                       AND finished_at IS NOT NULL AND NOT abandoned
                     ORDER BY finished_at DESC, id DESC LIMIT 1",
                    learner,
                    lesson,
                    scope
                )
                .fetch_optional(&mut *conn)
                .await
            })
            .await?;
        match id {
            Some(id) => self.attempt(id).await,
            None => Ok(None),
        }
    }

    /// A learner's quiz attempts, newest first, with their scores.
    pub async fn attempts(&self, learner: LearnerId) -> Result<Vec<AttemptSummary>, StoreError> {
        let learner = to_db(learner);
        let rows = self
            .run("reading quiz attempts", |mut conn| async move {
                sqlx::query!(
                    r#"SELECT a.id AS "id!", a.scope AS "scope!", a.lesson_id AS "lesson_id!",
                          a.started_at AS "started_at!",
                          a.finished_at IS NOT NULL AND NOT a.abandoned AS "finished!",
                          count(q.question_id) AS "answered!",
                          count(q.question_id) FILTER (WHERE q.correct) AS "right!"
                   FROM quiz_attempts a LEFT JOIN quiz_answers q ON q.attempt_id = a.id
                   WHERE a.learner_id = $1
                   GROUP BY a.id ORDER BY a.started_at DESC, a.id DESC"#,
                    learner
                )
                .fetch_all(&mut *conn)
                .await
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| AttemptSummary {
                id: r.id,
                scope: Scope::from_db(r.scope),
                lesson_id: r.lesson_id,
                started_at: r.started_at,
                finished: r.finished,
                answered: r.answered,
                right: r.right,
            })
            .collect())
    }

    /// Per question of a lesson's quiz, in one server: how many answered,
    /// how many right, and the wrong choice picked most.
    pub async fn quiz_stats(
        &self,
        guild: u64,
        lesson: LessonKey<'_>,
    ) -> Result<Vec<QuestionStats>, StoreError> {
        let guild = to_db(guild);
        let (scope, lesson) = (lesson.scope.to_db(), lesson.id);
        let rows = self
            .run("reading quiz statistics", |mut conn| async move {
                sqlx::query!(
                    r#"WITH answers AS (
                           SELECT q.question_id, q.choice_id, q.correct
                           FROM quiz_answers q JOIN quiz_attempts a ON a.id = q.attempt_id
                           WHERE a.guild_id = $1 AND a.scope = $3 AND a.lesson_id = $2
                       ),
                       wrong AS (
                           SELECT DISTINCT ON (question_id) question_id, choice_id, count(*) AS picks
                           FROM answers WHERE NOT correct
                           GROUP BY question_id, choice_id
                           ORDER BY question_id, count(*) DESC, choice_id
                       )
                       SELECT a.question_id AS "question_id!",
                              count(*) AS "takers!",
                              count(*) FILTER (WHERE a.correct) AS "right!",
                              w.choice_id AS "top_wrong?",
                              max(w.picks) AS "picks?"
                       FROM answers a LEFT JOIN wrong w USING (question_id)
                       GROUP BY a.question_id, w.choice_id
                       ORDER BY a.question_id"#,
                    guild,
                    lesson,
                    scope
                )
                .fetch_all(&mut *conn)
                .await
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| QuestionStats {
                question_id: r.question_id,
                takers: r.takers,
                right: r.right,
                top_wrong: r.top_wrong.zip(r.picks),
            })
            .collect())
    }

    /// Each lesson's best finished score for a learner: (lesson, right,
    /// answered), each lesson of each scope.
    pub async fn best_scores(
        &self,
        learner: LearnerId,
    ) -> Result<Vec<(Scope, String, i64, i64)>, StoreError> {
        let learner = to_db(learner);
        let rows = self
            .run("reading quiz scores", |mut conn| async move {
                sqlx::query!(
                    r#"SELECT DISTINCT ON (scope, lesson_id)
                              scope AS "scope!", lesson_id AS "lesson_id!",
                              right_count AS "right!", answered AS "answered!"
                       FROM (
                           SELECT a.scope, a.lesson_id, a.id,
                                  count(q.question_id) FILTER (WHERE q.correct) AS right_count,
                                  count(q.question_id) AS answered
                           FROM quiz_attempts a JOIN quiz_answers q ON q.attempt_id = a.id
                           WHERE a.learner_id = $1 AND a.finished_at IS NOT NULL AND NOT a.abandoned
                           GROUP BY a.id
                       ) scores
                       ORDER BY scope, lesson_id, right_count DESC, answered"#,
                    learner
                )
                .fetch_all(&mut *conn)
                .await
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| (Scope::from_db(r.scope), r.lesson_id, r.right, r.answered))
            .collect())
    }
}

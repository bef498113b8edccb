//! Learners: what `/my-data` shows and what `/forget-me` deletes.
//!
//! A learner row is created by their first write and everything else hangs
//! off it with `ON DELETE CASCADE`, so forgetting is one `DELETE`. That
//! statement also records its interaction id: a copy of the confirm click
//! delivered after the learner started again must not delete their new
//! progress (see [`super::handled`]).

use chrono::{DateTime, Utc};

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
}

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
        })
    }

    /// Deletes the learner and, by cascade, everything that hangs off them,
    /// unless `interaction` was handled before. Returns whether this call
    /// deleted anything.
    pub async fn forget(
        &self,
        interaction: InteractionId,
        learner: LearnerId,
    ) -> Result<bool, StoreError> {
        let (interaction, learner) = (to_db(interaction), to_db(learner));
        self.run("deleting a learner", |mut conn| async move {
            let done = sqlx::query!(
                "WITH handled AS (
                     INSERT INTO handled_interactions (id) VALUES ($1)
                     ON CONFLICT (id) DO NOTHING
                     RETURNING id
                 )
                 DELETE FROM learners WHERE id = $2 AND EXISTS (SELECT 1 FROM handled)",
                interaction,
                learner
            )
            .execute(&mut *conn)
            .await?;
            Ok(done.rows_affected() > 0)
        })
        .await
    }
}

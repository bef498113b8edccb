//! Learners: what `/my-data` shows and what `/forget-me` deletes.
//!
//! A learner row is created by their first write and everything else hangs
//! off it with `ON DELETE CASCADE`, so forgetting is one `DELETE`. That
//! statement also records its interaction id: a copy of the confirm click
//! delivered after the learner started again must not delete their new
//! progress (see [`super::handled`]).

use chrono::{DateTime, Utc};

use super::{to_db, AttemptSummary, DemoRun, InteractionId, LearnerId, Mark, Store, StoreError};

/// Everything stored about one learner, for `/my-data`.
#[derive(Debug, Clone, Default)]
pub struct LearnerData {
    pub known: bool,
    pub since: Option<DateTime<Utc>>,
    pub marks: Vec<Mark>,
    pub attempts: Vec<AttemptSummary>,
    pub demo_runs: Vec<DemoRun>,
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
        Ok(LearnerData {
            known: since.is_some(),
            since,
            marks,
            attempts,
            demo_runs,
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

//! Demo runs: every demo a learner ran, and their cooldown.
//!
//! The newest run is also the learner's cooldown, so it holds across
//! instances and restarts. A claim is one transaction, serialised per
//! learner ([`super::lock_learner`]), and keyed by its interaction id: a
//! `/demo` delivered again, even after the cooldown, never runs a second
//! demo (see [`super::handled`]). Recording the times sets them by run id.
//!
//! The price of that: if a connection breaks after the claim committed but
//! before its answer arrived, the retry finds the interaction handled and
//! the learner's message stays "thinking" (it is never edited), rather than
//! a demo running twice.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::Connection;

use super::handled::first_time;
use super::{lock_learner, to_db, InteractionId, LearnerId, Store, StoreError};

/// Whether a learner may run a demo now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoClaim {
    /// Recorded as started: the id of the run.
    Claimed(i64),
    /// Too soon after the last one: the time left.
    Cooldown(Duration),
    /// This interaction was claimed (or refused) before: whoever handled it
    /// first answers it; nothing runs again.
    Replayed,
}

/// One demo a learner ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoRun {
    pub demo: String,
    pub n: i32,
    pub sequential_ms: Option<i32>,
    pub concurrent_ms: Option<i32>,
    pub started_at: DateTime<Utc>,
}

impl Store {
    /// Claims a demo run for a learner unless their last one started less
    /// than `cooldown` ago, or `interaction` was handled before.
    pub async fn claim_demo(
        &self,
        interaction: InteractionId,
        learner: LearnerId,
        demo: &str,
        n: i32,
        cooldown: Duration,
    ) -> Result<DemoClaim, StoreError> {
        let id = to_db(learner);
        let cooldown = cooldown.as_secs_f64();
        self.run("claiming a demo", |mut conn| async move {
            let mut tx = conn.begin().await?;
            if !first_time(&mut tx, interaction).await? {
                tx.commit().await?;
                return Ok(DemoClaim::Replayed);
            }
            lock_learner(&mut tx, learner).await?;
            let left_ms = sqlx::query_scalar!(
                "SELECT (EXTRACT(EPOCH FROM (max(started_at) + make_interval(secs => $2)
                         - clock_timestamp())) * 1000)::float8
                 FROM demo_runs WHERE learner_id = $1",
                id,
                cooldown
            )
            .fetch_one(&mut *tx)
            .await?;
            let claim = match left_ms.filter(|ms| *ms > 0.0) {
                // The refusal is kept too (the interaction id is committed),
                // so a copy delivered after the cooldown runs nothing.
                Some(left) => DemoClaim::Cooldown(Duration::from_millis(left as u64)),
                None => DemoClaim::Claimed(
                    sqlx::query_scalar!(
                        "INSERT INTO demo_runs (learner_id, demo, n, started_at)
                         VALUES ($1, $2, $3, clock_timestamp()) RETURNING id",
                        id,
                        demo,
                        n
                    )
                    .fetch_one(&mut *tx)
                    .await?,
                ),
            };
            tx.commit().await?;
            Ok(claim)
        })
        .await
    }

    /// Records a finished demo's two times (in ms).
    pub async fn finish_demo(
        &self,
        run: i64,
        first_ms: Option<i32>,
        second_ms: Option<i32>,
    ) -> Result<(), StoreError> {
        self.run("recording a demo", |mut conn| async move {
            sqlx::query!(
                "UPDATE demo_runs SET sequential_ms = $2, concurrent_ms = $3 WHERE id = $1",
                run,
                first_ms,
                second_ms
            )
            .execute(&mut *conn)
            .await?;
            Ok(())
        })
        .await
    }

    /// How many demos a learner has run.
    pub async fn demo_count(&self, learner: LearnerId) -> Result<i64, StoreError> {
        let learner = to_db(learner);
        self.run("counting demo runs", |mut conn| async move {
            sqlx::query_scalar!(
                r#"SELECT count(*) AS "count!" FROM demo_runs WHERE learner_id = $1"#,
                learner
            )
            .fetch_one(&mut *conn)
            .await
        })
        .await
    }

    /// A learner's demo runs, newest first.
    pub async fn demo_runs(&self, learner: LearnerId) -> Result<Vec<DemoRun>, StoreError> {
        let learner = to_db(learner);
        self.run("reading demo runs", |mut conn| async move {
            sqlx::query_as!(
                DemoRun,
                "SELECT demo, n, sequential_ms, concurrent_ms, started_at FROM demo_runs
                 WHERE learner_id = $1 ORDER BY started_at DESC, id DESC",
                learner
            )
            .fetch_all(&mut *conn)
            .await
        })
        .await
    }
}

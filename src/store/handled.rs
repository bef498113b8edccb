//! Handled interaction ids: an interaction has its effect once, on any
//! instance, whenever it is delivered again.
//!
//! Discord may deliver an interaction more than once (a retried HTTP
//! request, a gateway resume), a load balancer may hand the copy to another
//! instance, and [`super::retry`] may run a statement again when its
//! connection broke after it committed. A write whose replay could change
//! state inserts the interaction's id into `handled_interactions` in the
//! same statement or transaction as its effect, and applies the effect only
//! if that insert was the first. A replay therefore changes nothing even
//! after later interactions (tick A by 1, untick A by 2, replay 1: A stays
//! unticked), and answers with the state as it is now.
//!
//! Which writes record their id, and why:
//! - checklist ticks and the quiz's "tick it": a replay after a later untick
//!   would tick again;
//! - quiz starts: a replay after the quiz was finished would open a new
//!   attempt, and one after `/forget-me` would bring the learner back;
//! - demo claims: a replay after the cooldown would run the demo again;
//! - `/forget-me`: a replay after the learner started again would delete
//!   their new progress;
//! - `/run` and exercise submits ([`Store::claim_interaction`], before the
//!   lab runs anything): the run is the effect, and a copy delivered to
//!   another instance would run the learner's code in a second sandbox.
//!   The claim is kept when the lab then refuses the job (full, say), as a
//!   demo's cooldown refusal is: a copy delivered later runs nothing.
//!
//! Quiz answers do not: the first answer to a question is the only one
//! (primary key (attempt, question)) and an answer to a closed or deleted
//! attempt is refused, so a replay can never change one. Finishing an
//! attempt and recording a demo's times set a final state by row id.
//!
//! The table holds the id and a time, nothing about the learner, so
//! `/forget-me` has nothing to delete here. Ids older than [`HANDLED_KEEP`]
//! are deleted every [`HANDLED_SWEEP_EVERY`] by [`Store::sweep_handled`]:
//! Discord signs a request for 5 minutes and a token lives 15, so nothing
//! older is ever delivered again.

use std::time::Duration;

use sqlx::PgConnection;

use super::{to_db, Store, StoreError};

/// Discord's interaction id (the console makes up its own, unique ones).
pub type InteractionId = u64;

/// How long a handled id is kept: well past any redelivery.
pub const HANDLED_KEEP: Duration = Duration::from_secs(60 * 60);

/// How often old ids are deleted.
pub const HANDLED_SWEEP_EVERY: Duration = Duration::from_secs(10 * 60);

/// Records an interaction as handled inside a transaction; `false` when it
/// already was (the caller then leaves everything as it is). A concurrent
/// copy of the same interaction waits here until the first commits or rolls
/// back.
pub(super) async fn first_time(
    tx: &mut PgConnection,
    interaction: InteractionId,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query_scalar!(
        "INSERT INTO handled_interactions (id) VALUES ($1)
         ON CONFLICT (id) DO NOTHING RETURNING id",
        to_db(interaction)
    )
    .fetch_optional(tx)
    .await?;
    Ok(inserted.is_some())
}

impl Store {
    /// Claims `interaction` for an effect that is not a row of ours (a
    /// sandbox run): `true` the first time it is claimed, on any instance;
    /// `false` for a copy delivered again, which then does nothing. Like a
    /// demo's claim, a claim whose answer was lost with its connection is
    /// not made twice: the learner's message then stays "thinking" rather
    /// than the code running twice.
    pub async fn claim_interaction(&self, interaction: InteractionId) -> Result<bool, StoreError> {
        self.run("claiming an interaction", |mut conn| async move {
            first_time(&mut conn, interaction).await
        })
        .await
    }

    /// Deletes handled ids older than `keep`; returns how many.
    pub async fn sweep_handled(&self, keep: Duration) -> Result<u64, StoreError> {
        let secs = keep.as_secs_f64();
        self.run("deleting old interaction ids", |mut conn| async move {
            let done = sqlx::query!(
                "DELETE FROM handled_interactions
                 WHERE handled_at < now() - make_interval(secs => $1)",
                secs
            )
            .execute(&mut *conn)
            .await?;
            Ok(done.rows_affected())
        })
        .await
    }

    /// Sweeps old handled ids every `every` (the first sweep one period
    /// after the start), until the pool is closed. Spawn it: it holds no
    /// connection between sweeps and ends at shutdown, when the pool closes;
    /// a dropped runtime ends it too.
    pub async fn sweep_handled_every(self, every: Duration, keep: Duration) {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first tick completes at once: skip it, start-up has enough to do.
        ticks.tick().await;
        let closed = self.pool.close_event();
        tokio::pin!(closed);
        loop {
            tokio::select! {
                _ = &mut closed => return,
                _ = ticks.tick() => match self.sweep_handled(keep).await {
                    Ok(deleted) => tracing::debug!(deleted, "deleted old interaction ids"),
                    Err(e) if self.pool.is_closed() => {
                        tracing::debug!(error = %e, "the pool closed during a sweep");
                        return;
                    }
                    Err(e) => tracing::warn!(error = %e, source = ?e.source, "could not delete old interaction ids"),
                },
            }
        }
    }
}

//! The store: every line of SQL tutorbot runs, and nothing else.
//!
//! Every query is checked against the schema at compile time (`sqlx::query!`
//! and friends); the offline data in `.sqlx/` lets a build do that without a
//! database, and `.ci/run` fails when it is out of date.
//!
//! What every write guarantees:
//! - It is one statement or one transaction: nothing is ever half-written.
//! - It has its effect once, however often Discord delivers the interaction
//!   and to however many instances: writes whose replay could change state
//!   record the interaction's id in `handled_interactions` in the same
//!   statement or transaction as the effect (see [`handled`]), and the others
//!   are idempotent by their keys (see each area's module doc).
//! - It survives the first use of a connection Postgres has dropped: the pool
//!   does not ping before handing out a connection (that ping was a round
//!   trip on every click), so a statement that fails because its connection
//!   was dead is run once more on a connection proven live (see [`retry`]).
//!   Retrying is safe because of the point above: a write that did commit
//!   before its connection broke finds its interaction handled.
//!
//! No learner state is kept in process memory, so any number of instances
//! can share one database and any of them can serve any click after any
//! restart.
//!
//! Layout: this module holds the handle, start-up, errors and the learner
//! lock the transactions share; [`learners`] (`/my-data`, `/forget-me`),
//! [`checklist`], [`quiz`], [`demo`], [`exercise`], [`review`], [`pack`]
//! (server lesson packs) and [`handled`] hold one area each.

mod checklist;
mod demo;
mod exercise;
mod handled;
mod learners;
mod pack;
mod quiz;
mod remind;
mod retry;
mod review;

use std::time::Duration;

use secrecy::ExposeSecret;
use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgConnection, PgPool, Postgres};

use crate::settings::DatabaseSettings;

pub use checklist::{Mark, Tick};
pub use demo::{DemoClaim, DemoRun};
pub use exercise::{ExerciseTally, NewAttempt, Tally};
pub use handled::{InteractionId, HANDLED_KEEP, HANDLED_SWEEP_EVERY};
pub use learners::{AuthorRole, Authored, LearnerData, FORMER_MEMBER};
pub use pack::{
    PackDraft, PackEntry, PackSource, PackVersion, PublishCaps, Published, ServedSource,
    CHANNEL as PACKS_CHANNEL, DRAFT_KEEP_SECS,
};
pub use quiz::{Answered, Attempt, AttemptSummary, QuestionStats, Recorded};
pub use remind::{ClaimedReminder, Reminder};
pub use review::{CardState, LogEntry, Outlook, ReviewCard, ReviewWrite, Seed, Streak};

/// A learner is a Discord user id.
pub type LearnerId = u64;

/// A failed database operation: our failure, never the learner's.
#[derive(Debug, thiserror::Error)]
#[error("database error while {op}")]
pub struct StoreError {
    /// What we were doing, in words for the log.
    pub op: &'static str,
    #[source]
    pub source: sqlx::Error,
}

/// Why the store could not start: each says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("DATABASE_URL is not a valid Postgres URL ({0})")]
    BadUrl(String),
    #[error(
        "cannot reach Postgres at {target}: {reason}. Start one (`docker compose up -d postgres`, \
         or `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` on Debian) \
         or point DATABASE_URL at a running server."
    )]
    Unreachable { target: String, reason: String },
    #[error("cannot apply migrations to {target}: {reason}")]
    Migrate { target: String, reason: String },
}

fn to_db(id: u64) -> i64 {
    // Discord snowflakes are below 2^63; the cast keeps any u64 round-trippable.
    id as i64
}

/// A handle on the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: PgPool,
}

impl Store {
    /// The pool options tutorbot runs with; set the size and the acquire
    /// timeout on top. No ping before each acquire: [`retry`] deals with a
    /// dead connection when one is found, instead of every click paying a
    /// round trip to look for one.
    pub fn pool_options() -> PgPoolOptions {
        PgPoolOptions::new().test_before_acquire(false)
    }

    /// Connects, creating the database if it does not exist, and applies the
    /// migrations. Fails with one clear line naming the host, never the
    /// password.
    pub async fn connect(settings: &DatabaseSettings) -> Result<Store, StartError> {
        let url = settings.url.expose_secret();
        let target = settings.display_target();
        let options: PgConnectOptions = url.parse().map_err(|e: sqlx::Error| {
            // sqlx's message may quote the URL; keep only its kind.
            let kind = match e {
                sqlx::Error::Configuration(_) => "configuration error",
                _ => "parse error",
            };
            StartError::BadUrl(kind.into())
        })?;
        let unreachable = |e: sqlx::Error| StartError::Unreachable {
            target: target.clone(),
            reason: short_reason(&e),
        };
        // Two instances starting at once may both try to create it: the
        // loser's "already exists" is fine, so check again before failing.
        if !Postgres::database_exists(url).await.map_err(unreachable)? {
            if let Err(e) = Postgres::create_database(url).await {
                if !Postgres::database_exists(url).await.unwrap_or(false) {
                    return Err(unreachable(e));
                }
            }
            tracing::info!(database = %target, "created the database");
        }
        let options = options.options([("statement_timeout", "2500")]);
        let pool = Store::pool_options()
            .max_connections(settings.max_connections)
            .acquire_timeout(settings.acquire_timeout)
            .connect_with(options)
            .await
            .map_err(unreachable)?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| StartError::Migrate {
                target: target.clone(),
                reason: e.to_string(),
            })?;
        Ok(Store { pool })
    }

    /// Wraps an existing pool (tests get a fresh, migrated one per test).
    pub fn from_pool(pool: PgPool) -> Store {
        Store { pool }
    }

    /// The pool underneath, for tests and benches that look at the tables.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Whether Postgres answers, within `timeout`. A dead pooled connection
    /// is retried like any statement's: it says nothing about Postgres now.
    pub async fn healthy(&self, timeout: Duration) -> bool {
        let ping = self.run("checking health", |mut conn| async move {
            sqlx::query_scalar!(r#"SELECT 1 AS "one!""#)
                .fetch_one(&mut *conn)
                .await
        });
        matches!(tokio::time::timeout(timeout, ping).await, Ok(Ok(1)))
    }
}

/// Creates the learner's row if it is their first write, and locks it until
/// the transaction ends, in one statement. Transactions that read before
/// they write (a quiz start, a demo's cooldown) take it first, so two
/// instances serving the same learner at once take turns.
async fn lock_learner(tx: &mut PgConnection, learner: LearnerId) -> Result<(), sqlx::Error> {
    // DO UPDATE (not DO NOTHING) so that an existing row is locked too.
    sqlx::query!(
        "INSERT INTO learners (id) VALUES ($1)
         ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id",
        to_db(learner)
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// The first line of a connection error, without anything URL-shaped.
fn short_reason(e: &sqlx::Error) -> String {
    let text = match e {
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::PoolTimedOut => "timed out waiting for a connection".into(),
        sqlx::Error::Tls(_) => "TLS handshake failed".into(),
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    };
    let line = text.lines().next().unwrap_or("unknown error");
    if line.contains("://") {
        "connection failed".into()
    } else {
        line.to_string()
    }
}

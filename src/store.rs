//! The store: every line of SQL tutorbot runs, and nothing else.
//!
//! Each write is one statement or one transaction, and each is idempotent
//! where Discord may deliver the same click twice: a tick sets a state rather
//! than flipping it, and a quiz answer is keyed by (attempt, question) so the
//! first one is the only one. No learner state is kept in process memory, so
//! any number of instances can share one database and any of them can serve
//! any click after any restart.

use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Row};

use crate::settings::DatabaseSettings;

/// A learner is a Discord user id.
pub type LearnerId = u64;

/// A failed database operation: our failure, never the learner's.
#[derive(Debug, thiserror::Error)]
#[error("database error while {op}")]
pub struct StoreError {
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

fn op(op: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |source| StoreError { op, source }
}

fn to_db(id: LearnerId) -> i64 {
    // Discord snowflakes are below 2^63; the cast keeps any u64 round-trippable.
    id as i64
}

/// A handle on the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: PgPool,
}

/// One checklist mark as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub lesson_id: String,
    pub objective_id: String,
    pub ticked: bool,
    pub updated_at: DateTime<Utc>,
}

/// Everything stored about one learner, for `/my-data`.
#[derive(Debug, Clone, Default)]
pub struct LearnerData {
    pub known: bool,
    pub since: Option<DateTime<Utc>>,
    pub marks: Vec<Mark>,
    pub attempts: Vec<AttemptSummary>,
    pub demo_runs: Vec<DemoRun>,
}

/// One quiz attempt with its score so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptSummary {
    pub id: i64,
    pub lesson_id: String,
    pub started_at: DateTime<Utc>,
    pub finished: bool,
    pub answered: i64,
    pub right: i64,
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
        let pool = PgPoolOptions::new()
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

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Whether Postgres answers, within `timeout`.
    pub async fn healthy(&self, timeout: Duration) -> bool {
        let ping = sqlx::query("SELECT 1").execute(&self.pool);
        matches!(tokio::time::timeout(timeout, ping).await, Ok(Ok(_)))
    }

    /// Sets one objective of a lesson to ticked or not, for a learner.
    pub async fn set_mark(
        &self,
        learner: LearnerId,
        lesson: &str,
        objective: &str,
        ticked: bool,
    ) -> Result<(), StoreError> {
        // One statement: the learner row appears with their first mark.
        sqlx::query(
            "WITH learner AS (
                 INSERT INTO learners (id) VALUES ($1) ON CONFLICT (id) DO NOTHING
             )
             INSERT INTO checklist_marks (learner_id, lesson_id, objective_id, ticked)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (learner_id, lesson_id, objective_id)
             DO UPDATE SET ticked = EXCLUDED.ticked, updated_at = now()
             WHERE checklist_marks.ticked IS DISTINCT FROM EXCLUDED.ticked",
        )
        .bind(to_db(learner))
        .bind(lesson)
        .bind(objective)
        .bind(ticked)
        .execute(&self.pool)
        .await
        .map_err(op("saving a checklist mark"))?;
        Ok(())
    }

    /// The objectives a learner has ticked in a lesson.
    pub async fn ticked(
        &self,
        learner: LearnerId,
        lesson: &str,
    ) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar(
            "SELECT objective_id FROM checklist_marks
             WHERE learner_id = $1 AND lesson_id = $2 AND ticked
             ORDER BY objective_id",
        )
        .bind(to_db(learner))
        .bind(lesson)
        .fetch_all(&self.pool)
        .await
        .map_err(op("reading a checklist"))
    }

    /// Every mark of a learner, in every lesson.
    pub async fn marks(&self, learner: LearnerId) -> Result<Vec<Mark>, StoreError> {
        let rows = sqlx::query(
            "SELECT lesson_id, objective_id, ticked, updated_at FROM checklist_marks
             WHERE learner_id = $1 ORDER BY lesson_id, objective_id",
        )
        .bind(to_db(learner))
        .fetch_all(&self.pool)
        .await
        .map_err(op("reading checklist marks"))?;
        Ok(rows
            .into_iter()
            .map(|r| Mark {
                lesson_id: r.get(0),
                objective_id: r.get(1),
                ticked: r.get(2),
                updated_at: r.get(3),
            })
            .collect())
    }

    /// Everything stored about a learner.
    pub async fn learner_data(&self, learner: LearnerId) -> Result<LearnerData, StoreError> {
        let id = to_db(learner);
        let since: Option<DateTime<Utc>> =
            sqlx::query_scalar("SELECT created_at FROM learners WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(op("reading a learner"))?;
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

    /// A learner's quiz attempts, newest first, with their scores.
    pub async fn attempts(&self, learner: LearnerId) -> Result<Vec<AttemptSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.id, a.lesson_id, a.started_at, a.finished_at IS NOT NULL AND NOT a.abandoned,
                    count(q.question_id), count(q.question_id) FILTER (WHERE q.correct)
             FROM quiz_attempts a LEFT JOIN quiz_answers q ON q.attempt_id = a.id
             WHERE a.learner_id = $1
             GROUP BY a.id ORDER BY a.started_at DESC, a.id DESC",
        )
        .bind(to_db(learner))
        .fetch_all(&self.pool)
        .await
        .map_err(op("reading quiz attempts"))?;
        Ok(rows
            .into_iter()
            .map(|r| AttemptSummary {
                id: r.get(0),
                lesson_id: r.get(1),
                started_at: r.get(2),
                finished: r.get(3),
                answered: r.get(4),
                right: r.get(5),
            })
            .collect())
    }

    /// A learner's demo runs, newest first.
    pub async fn demo_runs(&self, learner: LearnerId) -> Result<Vec<DemoRun>, StoreError> {
        let rows = sqlx::query(
            "SELECT demo, n, sequential_ms, concurrent_ms, started_at FROM demo_runs
             WHERE learner_id = $1 ORDER BY started_at DESC, id DESC",
        )
        .bind(to_db(learner))
        .fetch_all(&self.pool)
        .await
        .map_err(op("reading demo runs"))?;
        Ok(rows
            .into_iter()
            .map(|r| DemoRun {
                demo: r.get(0),
                n: r.get(1),
                sequential_ms: r.get(2),
                concurrent_ms: r.get(3),
                started_at: r.get(4),
            })
            .collect())
    }

    /// Deletes the learner and, by cascade, everything that hangs off them.
    /// Returns whether there was anything to delete.
    pub async fn forget(&self, learner: LearnerId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM learners WHERE id = $1")
            .bind(to_db(learner))
            .execute(&self.pool)
            .await
            .map_err(op("deleting a learner"))?;
        Ok(done.rows_affected() > 0)
    }
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

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

/// A quiz attempt and the answers it holds so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub id: i64,
    pub learner: LearnerId,
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
    /// and a fresh one begins. One transaction, serialised per learner, so
    /// two instances starting the same quiz at once agree on one attempt.
    pub async fn open_attempt(
        &self,
        learner: LearnerId,
        guild: Option<u64>,
        lesson: &str,
        version: &str,
        seed: i64,
    ) -> Result<Attempt, StoreError> {
        let id = to_db(learner);
        let mut tx = self.pool.begin().await.map_err(op("starting a quiz"))?;
        sqlx::query("INSERT INTO learners (id) VALUES ($1) ON CONFLICT (id) DO NOTHING")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(op("starting a quiz"))?;
        sqlx::query("SELECT 1 FROM learners WHERE id = $1 FOR UPDATE")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(op("starting a quiz"))?;
        let open: Option<(i64, String)> = sqlx::query_as(
            "SELECT id, quiz_version FROM quiz_attempts
             WHERE learner_id = $1 AND lesson_id = $2 AND finished_at IS NULL",
        )
        .bind(id)
        .bind(lesson)
        .fetch_optional(&mut *tx)
        .await
        .map_err(op("starting a quiz"))?;
        let attempt_id = match open {
            Some((attempt, v)) if v == version => attempt,
            other => {
                if let Some((stale, _)) = other {
                    sqlx::query("UPDATE quiz_attempts SET finished_at = now(), abandoned = true WHERE id = $1")
                        .bind(stale)
                        .execute(&mut *tx)
                        .await
                        .map_err(op("closing a stale quiz attempt"))?;
                }
                sqlx::query_scalar(
                    "INSERT INTO quiz_attempts (learner_id, guild_id, lesson_id, quiz_version, seed)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(id)
                .bind(guild.map(|g| g as i64))
                .bind(lesson)
                .bind(version)
                .bind(seed)
                .fetch_one(&mut *tx)
                .await
                .map_err(op("starting a quiz"))?
            }
        };
        tx.commit().await.map_err(op("starting a quiz"))?;
        self.attempt(attempt_id).await?.ok_or(StoreError {
            op: "starting a quiz",
            source: sqlx::Error::RowNotFound,
        })
    }

    /// An attempt with its answers, if it exists.
    pub async fn attempt(&self, attempt: i64) -> Result<Option<Attempt>, StoreError> {
        let row = sqlx::query(
            "SELECT learner_id, lesson_id, quiz_version, seed, finished_at IS NOT NULL
             FROM quiz_attempts WHERE id = $1",
        )
        .bind(attempt)
        .fetch_optional(&self.pool)
        .await
        .map_err(op("reading a quiz attempt"))?;
        let Some(row) = row else { return Ok(None) };
        let answers = sqlx::query_as::<_, (String, String, bool)>(
            "SELECT question_id, choice_id, correct FROM quiz_answers
             WHERE attempt_id = $1 ORDER BY answered_at, question_id",
        )
        .bind(attempt)
        .fetch_all(&self.pool)
        .await
        .map_err(op("reading quiz answers"))?
        .into_iter()
        .map(|(question_id, choice_id, correct)| Answered {
            question_id,
            choice_id,
            correct,
        })
        .collect();
        Ok(Some(Attempt {
            id: attempt,
            learner: row.get::<i64, _>(0) as u64,
            lesson_id: row.get(1),
            version: row.get(2),
            seed: row.get(3),
            finished: row.get(4),
            answers,
        }))
    }

    /// Records an answer unless the question was already answered, and
    /// returns the answer that counts. `None` when the attempt is not the
    /// learner's or is closed. One statement: the first answer wins, however
    /// many clicks, retries or instances race.
    pub async fn record_answer(
        &self,
        attempt: i64,
        learner: LearnerId,
        question: &str,
        choice: &str,
        correct: bool,
    ) -> Result<Option<Recorded>, StoreError> {
        let row: Option<(String, bool, bool)> = sqlx::query_as(
            "WITH inserted AS (
                 INSERT INTO quiz_answers (attempt_id, question_id, choice_id, correct)
                 SELECT $1, $3, $4, $5
                 WHERE EXISTS (SELECT 1 FROM quiz_attempts
                               WHERE id = $1 AND learner_id = $2 AND finished_at IS NULL)
                 ON CONFLICT (attempt_id, question_id) DO NOTHING
                 RETURNING choice_id, correct
             )
             SELECT choice_id, correct, true FROM inserted
             UNION ALL
             SELECT a.choice_id, a.correct, false FROM quiz_answers a
             JOIN quiz_attempts t ON t.id = a.attempt_id AND t.learner_id = $2
             WHERE a.attempt_id = $1 AND a.question_id = $3",
        )
        .bind(attempt)
        .bind(to_db(learner))
        .bind(question)
        .bind(choice)
        .bind(correct)
        .fetch_optional(&self.pool)
        .await
        .map_err(op("saving a quiz answer"))?;
        if let Some((choice_id, correct, first)) = row {
            return Ok(Some(Recorded {
                choice_id,
                correct,
                first,
            }));
        }
        // A concurrent click committed its answer while ours waited on the
        // conflict: our statement's snapshot could not see it, a new one can.
        let winner: Option<(String, bool)> = sqlx::query_as(
            "SELECT a.choice_id, a.correct FROM quiz_answers a
             JOIN quiz_attempts t ON t.id = a.attempt_id AND t.learner_id = $2
             WHERE a.attempt_id = $1 AND a.question_id = $3",
        )
        .bind(attempt)
        .bind(to_db(learner))
        .bind(question)
        .fetch_optional(&self.pool)
        .await
        .map_err(op("reading a quiz answer"))?;
        Ok(winner.map(|(choice_id, correct)| Recorded {
            choice_id,
            correct,
            first: false,
        }))
    }

    /// Closes an attempt (idempotent).
    pub async fn finish_attempt(&self, attempt: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE quiz_attempts SET finished_at = now() WHERE id = $1 AND finished_at IS NULL",
        )
        .bind(attempt)
        .execute(&self.pool)
        .await
        .map_err(op("finishing a quiz"))?;
        Ok(())
    }

    /// The learner's newest finished (not abandoned) attempt at a lesson.
    pub async fn last_finished_attempt(
        &self,
        learner: LearnerId,
        lesson: &str,
    ) -> Result<Option<Attempt>, StoreError> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM quiz_attempts
             WHERE learner_id = $1 AND lesson_id = $2 AND finished_at IS NOT NULL AND NOT abandoned
             ORDER BY finished_at DESC, id DESC LIMIT 1",
        )
        .bind(to_db(learner))
        .bind(lesson)
        .fetch_optional(&self.pool)
        .await
        .map_err(op("reading quiz attempts"))?;
        match id {
            Some(id) => self.attempt(id).await,
            None => Ok(None),
        }
    }

    /// Per question of a lesson's quiz, in one server: how many answered,
    /// how many right, and the wrong choice picked most.
    pub async fn quiz_stats(
        &self,
        guild: u64,
        lesson: &str,
    ) -> Result<Vec<QuestionStats>, StoreError> {
        type Row = (String, i64, i64, Option<String>, Option<i64>);
        let rows: Vec<Row> = sqlx::query_as(
            "WITH answers AS (
                 SELECT q.question_id, q.choice_id, q.correct
                 FROM quiz_answers q JOIN quiz_attempts a ON a.id = q.attempt_id
                 WHERE a.guild_id = $1 AND a.lesson_id = $2
             ),
             wrong AS (
                 SELECT DISTINCT ON (question_id) question_id, choice_id, count(*) AS picks
                 FROM answers WHERE NOT correct
                 GROUP BY question_id, choice_id
                 ORDER BY question_id, count(*) DESC, choice_id
             )
             SELECT a.question_id, count(*), count(*) FILTER (WHERE a.correct), w.choice_id, max(w.picks)
             FROM answers a LEFT JOIN wrong w USING (question_id)
             GROUP BY a.question_id, w.choice_id
             ORDER BY a.question_id",
        )
        .bind(guild as i64)
        .bind(lesson)
        .fetch_all(&self.pool)
        .await
        .map_err(op("reading quiz statistics"))?;
        Ok(rows
            .into_iter()
            .map(
                |(question_id, takers, right, choice, picks)| QuestionStats {
                    question_id,
                    takers,
                    right,
                    top_wrong: choice.zip(picks),
                },
            )
            .collect())
    }

    /// Each lesson's best finished score for a learner: (lesson, right, answered).
    pub async fn best_scores(
        &self,
        learner: LearnerId,
    ) -> Result<Vec<(String, i64, i64)>, StoreError> {
        sqlx::query_as(
            "SELECT DISTINCT ON (lesson_id) lesson_id, right_count, answered FROM (
                 SELECT a.lesson_id, a.id,
                        count(q.question_id) FILTER (WHERE q.correct) AS right_count,
                        count(q.question_id) AS answered
                 FROM quiz_attempts a JOIN quiz_answers q ON q.attempt_id = a.id
                 WHERE a.learner_id = $1 AND a.finished_at IS NOT NULL AND NOT a.abandoned
                 GROUP BY a.id
             ) scores
             ORDER BY lesson_id, right_count DESC, answered",
        )
        .bind(to_db(learner))
        .fetch_all(&self.pool)
        .await
        .map_err(op("reading quiz scores"))
    }
}

/// Whether a learner may run a demo now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoClaim {
    /// Recorded as started: the id of the run.
    Claimed(i64),
    /// Too soon after the last one: the time left.
    Cooldown(Duration),
}

impl Store {
    /// Claims a demo run for a learner unless their last one started less
    /// than `cooldown` ago. One transaction, serialised per learner (row
    /// lock), so the cooldown holds across instances.
    pub async fn claim_demo(
        &self,
        learner: LearnerId,
        demo: &str,
        n: i32,
        cooldown: Duration,
    ) -> Result<DemoClaim, StoreError> {
        let id = to_db(learner);
        let mut tx = self.pool.begin().await.map_err(op("claiming a demo"))?;
        sqlx::query("INSERT INTO learners (id) VALUES ($1) ON CONFLICT (id) DO NOTHING")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(op("claiming a demo"))?;
        sqlx::query("SELECT 1 FROM learners WHERE id = $1 FOR UPDATE")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(op("claiming a demo"))?;
        let left_ms: Option<f64> = sqlx::query_scalar(
            "SELECT (EXTRACT(EPOCH FROM (max(started_at) + make_interval(secs => $2) - clock_timestamp())) * 1000)::float8
             FROM demo_runs WHERE learner_id = $1",
        )
        .bind(id)
        .bind(cooldown.as_secs_f64())
        .fetch_one(&mut *tx)
        .await
        .map_err(op("claiming a demo"))?;
        if let Some(left) = left_ms.filter(|ms| *ms > 0.0) {
            return Ok(DemoClaim::Cooldown(Duration::from_millis(left as u64)));
        }
        let run: i64 = sqlx::query_scalar(
            "INSERT INTO demo_runs (learner_id, demo, n, started_at) VALUES ($1, $2, $3, clock_timestamp()) RETURNING id",
        )
        .bind(id)
        .bind(demo)
        .bind(n)
        .fetch_one(&mut *tx)
        .await
        .map_err(op("claiming a demo"))?;
        tx.commit().await.map_err(op("claiming a demo"))?;
        Ok(DemoClaim::Claimed(run))
    }

    /// Records a finished demo's two times (in ms).
    pub async fn finish_demo(
        &self,
        run: i64,
        first_ms: Option<i32>,
        second_ms: Option<i32>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE demo_runs SET sequential_ms = $2, concurrent_ms = $3 WHERE id = $1")
            .bind(run)
            .bind(first_ms)
            .bind(second_ms)
            .execute(&self.pool)
            .await
            .map_err(op("recording a demo"))?;
        Ok(())
    }

    /// How many demos a learner has run.
    pub async fn demo_count(&self, learner: LearnerId) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT count(*) FROM demo_runs WHERE learner_id = $1")
            .bind(to_db(learner))
            .fetch_one(&self.pool)
            .await
            .map_err(op("counting demo runs"))
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

//! Review benchmark, through the Rust code: the reminder scheduler's
//! find-and-claim among 100,000 learners (`src/schedule` and the store
//! statement it runs), and `/review` answer latency with its Postgres write
//! through the real core.
//!
//! Run: `cargo bench --bench reviews` (needs the machine's Postgres; creates
//! and drops a throwaway database `tutorbot_bench_reviews_<pid>` on
//! `DATABASE_URL`'s server). Time is an injected clock, so a day's reminder
//! slots are walked minute by minute without waiting. Nothing is sent to
//! Discord: the scheduler's rounds here find no card due (a send is Discord's
//! time and our pacing, not the scheduler's), and its HTTP client points at a
//! closed loopback port. Figures go to BENCHMARKS.md ("Review reminders").

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use secrecy::SecretString;
use serde_json::Value;
use sqlx::Connection;
use tutorbot::clock::ManualWallClock;
use tutorbot::core::{Core, Followup, Outcome};
use tutorbot::doors::wire::{self, ConsoleUser};
use tutorbot::schedule::{ReminderConfig, Reminders};
use tutorbot::settings::Settings;
use tutorbot_testkit::followup::Discard;

/// Learners with a daily reminder.
const LEARNERS: i64 = 100_000;
/// Rows a scheduler claims per statement (the default).
const BATCH: i64 = 100;
/// Clicks timed per kind of review answer, after `WARMUP` untimed ones.
const CLICKS: usize = 1000;
const WARMUP: usize = 200;

fn pct(v: &[Duration], p: f64) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

/// `| measure | median | p90 | p99 | max |`
fn row(what: &str, v: &[Duration]) {
    println!(
        "| {what} | {:.2?} | {:.2?} | {:.2?} | {:.2?} |",
        pct(v, 0.5),
        pct(v, 0.9),
        pct(v, 0.99),
        pct(v, 1.0)
    );
}

/// 00:00 UTC on the benchmark's day; every learner's slot is a minute of it.
fn midnight() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap()
}

fn minute(m: i64) -> DateTime<Utc> {
    midnight() + chrono::Duration::minutes(m) + chrono::Duration::seconds(30)
}

/// Every `custom_id` in a response, in order.
fn custom_ids(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(id)) = map.get("custom_id") {
                out.push(id.clone());
            }
            map.values().for_each(|v| custom_ids(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| custom_ids(v, out)),
        _ => {}
    }
}

/// The button of `prefix` whose last field is `last`.
fn find(response: &Value, prefix: &str, last: &str) -> String {
    let mut ids = Vec::new();
    custom_ids(response, &mut ids);
    ids.into_iter()
        .find(|id| id.starts_with(prefix) && id.rsplit(':').next() == Some(last))
        .unwrap_or_else(|| panic!("no {prefix}…:{last} button in {response:#}"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let (server, _) = base
        .rsplit_once('/')
        .expect("DATABASE_URL ends in /database");
    let db = format!("tutorbot_bench_reviews_{}", std::process::id());
    let url = format!("{server}/{db}");
    let mut settings = Settings::from_lookup(|k| match k {
        "PROMPTS_DIR" => Some(concat!(env!("CARGO_MANIFEST_DIR"), "/prompts").to_string()),
        "LEARNER_RATE" => Some("0".to_string()),
        _ => None,
    })?;
    settings.database.url = SecretString::from(url.clone());
    let clock = ManualWallClock::at(minute(0));
    let core: Core = tutorbot::app::start(&settings)
        .await?
        .with_clock(clock.clone());
    let pool = core.store.pool().clone();

    // 100,000 learners, slots spread over the day (about 69 a minute), each
    // with a card due: as benches/reminders/setup.sql.
    for sql in [
        "INSERT INTO learners (id) SELECT g FROM generate_series(1, $1) g",
        "INSERT INTO reminders (learner_id, timezone, at_minute, enabled, next_at)
         SELECT g, 'UTC', (g % 1440), true,
                '2026-03-02 00:00+00'::timestamptz + make_interval(mins => (g % 1440)::int)
         FROM generate_series(1, $1) g",
        "INSERT INTO review_cards (learner_id, lesson_id, question_id, due, stability,
             difficulty, elapsed_days, scheduled_days, reps, lapses, state, last_review)
         SELECT g, 'async', 'q1', '2026-03-01', 1, 5, 0, 1, 1, 0, 2, '2026-03-01'
         FROM generate_series(1, $1) g",
    ] {
        sqlx::query(sql).bind(LEARNERS).execute(&pool).await?;
    }
    sqlx::query("ANALYZE").execute(&pool).await?;
    let claim = ReminderConfig::default().claim;

    // 1. Claim alone, as a round starts: each minute's slots (00:00-04:59),
    // every row then moved on to tomorrow as the round would (untimed).
    let mut per_minute = Vec::new();
    let mut rows = 0;
    for m in 0..300 {
        clock.set(minute(m));
        let now = minute(m);
        let t = Instant::now();
        let claimed = core
            .store
            .claim_due_reminders(now, now + claim, BATCH)
            .await?;
        per_minute.push(t.elapsed());
        rows += claimed.len();
        for r in &claimed {
            let next = r.next_at + chrono::Duration::days(1);
            core.store
                .finish_reminder(r.learner, r.next_at, next, None)
                .await?;
        }
    }
    let per_minute_rows = rows as f64 / 300.0;

    // 2. Claim alone, backlog: at 23:59 every remaining row is due (as after
    // an outage); 100 batches of 100 claimed and never finished.
    let now = minute(1439);
    let mut backlog = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        let claimed = core
            .store
            .claim_due_reminders(now, now + claim, BATCH)
            .await?;
        backlog.push(t.elapsed());
        assert_eq!(claimed.len(), BATCH as usize);
    }

    // 3. Whole rounds of the scheduler (`Reminders::round`) at each minute
    // of 05:00-09:59, no card due: the claim and each row moved on.
    sqlx::query("UPDATE reminders SET claimed_until = NULL")
        .execute(&pool)
        .await?;
    sqlx::query("UPDATE review_cards SET due = '2100-01-01'")
        .execute(&pool)
        .await?;
    sqlx::query("ANALYZE").execute(&pool).await?;
    let nowhere = tutorbot::doors::discord::discord_http("bench", Some("http://127.0.0.1:9"), None);
    let scheduler = Reminders {
        store: core.store.clone(),
        http: Arc::new(nowhere),
        catalog: Arc::clone(&core.catalog),
        clock: clock.clone(),
        config: ReminderConfig::default(),
        lessons: None,
    };
    let mut rounds = Vec::new();
    let mut round_rows = 0;
    for m in 300..600 {
        clock.set(minute(m));
        let t = Instant::now();
        let report = scheduler.round().await?;
        rounds.push(t.elapsed());
        assert_eq!(report.sent, 0);
        assert_eq!(report.skipped, report.claimed);
        round_rows += report.claimed;
    }
    let per_round_rows = round_rows as f64 / 300.0;

    // 4. /review answers through the core, each with its Postgres write: a
    // fresh learner per click with one card due, so every click writes.
    clock.set(minute(12 * 60));
    let lesson = core.catalog.lesson("async").expect("the async lesson");
    let question = &lesson.quiz.as_ref().expect("a quiz").questions[0];
    let right = question
        .choices
        .iter()
        .position(|c| c.id == question.answer)
        .expect("a right choice")
        .to_string();
    let wrong = question
        .choices
        .iter()
        .position(|c| c.id != question.answer)
        .expect("a wrong choice")
        .to_string();
    let n = (WARMUP + CLICKS) as i64;
    let first: i64 = 1_000_000;
    sqlx::query("INSERT INTO learners (id) SELECT g FROM generate_series($1, $2) g")
        .bind(first)
        .bind(first + 2 * n - 1)
        .execute(&pool)
        .await?;
    sqlx::query(
        "INSERT INTO review_cards (learner_id, lesson_id, question_id, due, stability,
             difficulty, elapsed_days, scheduled_days, reps, lapses, state, last_review)
         SELECT g, 'async', $3, '2026-03-01', 3, 5, 0, 1, 1, 0, 2, '2026-02-28'
         FROM generate_series($1, $2) g",
    )
    .bind(first)
    .bind(first + 2 * n - 1)
    .bind(&question.id)
    .execute(&pool)
    .await?;
    let followup: Arc<dyn Followup> = Arc::new(Discard);
    let mut interaction = 10u64;
    let mut click = |who: &ConsoleUser, id: &str| {
        interaction += 1;
        wire::component(who, id, interaction)
    };
    let (mut wrong_times, mut right_times, mut rate_times) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..2 * n {
        let mut who = ConsoleUser::named("bench");
        who.id = (first + i) as u64;
        let open = wire::command(&who, "review", vec![], 1)?;
        let shown = serde_json::to_value(core.handle(&open, followup.clone()).await.response)?;
        let keep = (i % n) as usize >= WARMUP;
        if i < n {
            // A wrong choice: rated Again and saved at once.
            let c = click(&who, &find(&shown, "ra:", &wrong))?;
            let t = Instant::now();
            let a = core.handle(&c, followup.clone()).await;
            std::hint::black_box(serde_json::to_vec(&a.response)?);
            let took = t.elapsed();
            assert_eq!(a.outcome, Outcome::Ok);
            if keep {
                wrong_times.push(took);
            }
        } else {
            // The right choice (recorded), then "Good" (saved against it).
            let c = click(&who, &find(&shown, "ra:", &right))?;
            let t = Instant::now();
            let a = core.handle(&c, followup.clone()).await;
            let asked = serde_json::to_value(&a.response)?;
            let took = t.elapsed();
            assert_eq!(a.outcome, Outcome::Ok);
            let c = click(&who, &find(&asked, "rr:", "3"))?;
            let t = Instant::now();
            let a = core.handle(&c, followup.clone()).await;
            std::hint::black_box(serde_json::to_vec(&a.response)?);
            let rated = t.elapsed();
            assert_eq!(a.outcome, Outcome::Ok);
            if keep {
                right_times.push(took);
                rate_times.push(rated);
            }
        }
    }
    let saved: i64 = sqlx::query_scalar("SELECT count(*) FROM review_log WHERE source = 'review'")
        .fetch_one(&pool)
        .await?;
    assert_eq!(
        saved,
        2 * n,
        "every wrong answer and every rating was saved"
    );

    // 5. What a reminder adds for a learner with cards due: their due cards
    // read and each checked against its lesson as served now
    // (`review::due_count`), with one card due and with every question of
    // the lesson due.
    let all: Vec<String> = lesson
        .quiz
        .as_ref()
        .expect("a quiz")
        .questions
        .iter()
        .map(|q| q.id.clone())
        .collect();
    let third: i64 = 3_000_000;
    let m = (WARMUP + CLICKS) as i64;
    sqlx::query("INSERT INTO learners (id) SELECT g FROM generate_series($1, $2) g")
        .bind(third)
        .bind(third + 2 * m - 1)
        .execute(&pool)
        .await?;
    sqlx::query(
        "INSERT INTO review_cards (learner_id, lesson_id, question_id, due, stability,
             difficulty, elapsed_days, scheduled_days, reps, lapses, state, last_review)
         SELECT g, 'async', q, '2026-03-01', 3, 5, 0, 1, 1, 0, 2, '2026-02-28'
         FROM generate_series($1, $2) g, unnest($3::text[]) WITH ORDINALITY AS u(q, i)
         WHERE g >= $1 + $4 OR i = 1",
    )
    .bind(third)
    .bind(third + 2 * m - 1)
    .bind(&all)
    .bind(m)
    .execute(&pool)
    .await?;
    sqlx::query("ANALYZE").execute(&pool).await?;
    let (mut one_card, mut every_card) = (Vec::new(), Vec::new());
    for i in 0..2 * m {
        let (stored, times) = if i < m {
            (1, &mut one_card)
        } else {
            (all.len() as i64, &mut every_card)
        };
        let t = Instant::now();
        let counted = tutorbot::core::review::due_count(&core, (third + i) as u64, stored).await?;
        let took = t.elapsed();
        assert_eq!(counted, stored);
        if i % m >= WARMUP as i64 {
            times.push(took);
        }
    }
    core.store.close().await;

    let mut admin = sqlx::PgConnection::connect(&base).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .execute(&mut admin)
        .await?;

    println!("| measure | median | p90 | p99 | max |");
    println!("|---|---:|---:|---:|---:|");
    row(
        &format!(
            "claim, one minute's slots due ({per_minute_rows:.0} rows), 300 minutes \
             (`Store::claim_due_reminders`)"
        ),
        &per_minute,
    );
    row(
        "claim, backlog: all due, 100 batches of 100 claimed and never finished",
        &backlog,
    );
    row(
        &format!(
            "scheduler round, one minute's slots ({per_round_rows:.0} rows), nothing to send: \
             claim + each row moved on (`Reminders::round`), 300 rounds"
        ),
        &rounds,
    );
    row(
        &format!(
            "reminder's check of a learner's due cards, 1 card (`review::due_count`, {CLICKS} learners)"
        ),
        &one_card,
    );
    row(
        &format!(
            "reminder's check of a learner's due cards, {} cards ({CLICKS} learners)",
            all.len()
        ),
        &every_card,
    );
    row(
        &format!("`/review` wrong choice: Again saved ({CLICKS} clicks)"),
        &wrong_times,
    );
    row(
        &format!("`/review` right choice: the answer recorded ({CLICKS} clicks)"),
        &right_times,
    );
    row(
        &format!("`/review` Good after it: the rating saved ({CLICKS} clicks)"),
        &rate_times,
    );
    Ok(())
}

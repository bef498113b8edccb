//! Core benchmark: start-up to ready, `/lesson async` in the core, a
//! checklist tick's round trip to Postgres, and peak memory.
//!
//! Run: `cargo bench --bench core` (needs the machine's Postgres; uses a
//! throwaway database it creates and drops). Figures go to BENCHMARKS.md.

use std::sync::Arc;
use std::time::{Duration, Instant};

use secrecy::SecretString;
use sqlx::Connection;
use tutorbot::core::{Core, Followup};
use tutorbot::doors::wire::{self, ConsoleUser};
use tutorbot::settings::Settings;
use tutorbot_testkit::followup::Discard;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn pct(v: &[Duration], p: f64) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse()
                    .unwrap_or(0)
            })
        })
        .unwrap_or(0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let (server, _) = base
        .rsplit_once('/')
        .expect("DATABASE_URL ends in /database");
    let db = format!("tutorbot_bench_{}", std::process::id());
    let url = format!("{server}/{db}");
    let mut settings = Settings::from_lookup(|k| match k {
        "PROMPTS_DIR" => Some(concat!(env!("CARGO_MANIFEST_DIR"), "/prompts").to_string()),
        // One learner clicks thousands of times a second here: the
        // per-learner throttle would time its own refusals.
        "LEARNER_RATE" => Some("0".to_string()),
        _ => None,
    })?;
    settings.database.url = SecretString::from(url.clone());

    // Start to ready: content checked, database created, migrations applied.
    let t = Instant::now();
    let first = tutorbot::app::start(&settings).await?;
    let cold = t.elapsed();
    first.store.close().await;
    let mut warm = Vec::new();
    let mut content = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        tutorbot::app::load_catalog(&settings)?;
        content.push(t.elapsed());
        let t = Instant::now();
        let core = tutorbot::app::start(&settings).await?;
        warm.push(t.elapsed());
        core.store.close().await;
    }

    let core: Core = tutorbot::app::start(&settings).await?;
    let followup: Arc<dyn Followup> = Arc::new(Discard);
    let user = ConsoleUser::named("bench");
    let lesson = wire::command(
        &user,
        "lesson",
        vec![serde_json::json!({"name": "lesson", "type": 3, "value": "async"})],
        1,
    )?;

    // /lesson async: the core's answer, serialized as a door would send it.
    for _ in 0..1000 {
        let a = core.handle(&lesson, followup.clone()).await;
        std::hint::black_box(serde_json::to_vec(&a.response)?);
    }
    let mut lesson_times = Vec::new();
    for _ in 0..20_000 {
        let t = Instant::now();
        let a = core.handle(&lesson, followup.clone()).await;
        std::hint::black_box(serde_json::to_vec(&a.response)?);
        lesson_times.push(t.elapsed());
    }

    // A checklist tick: parse, upsert, read back, redraw. Alternate the state
    // so every click really writes.
    let l = core.catalog.lesson("async").expect("async lesson");
    let objective = &l.objectives[0].id;
    let mut tick_times = Vec::new();
    for i in 0..3000u64 {
        let id = format!("tick:{}:async:{}:{objective}:{}", user.id, l.version, i % 2);
        let click = wire::component(&user, &id, i + 2)?;
        let t = Instant::now();
        let a = core.handle(&click, followup.clone()).await;
        std::hint::black_box(serde_json::to_vec(&a.response)?);
        if i >= 200 {
            tick_times.push(t.elapsed());
        }
        assert_eq!(a.outcome, tutorbot::core::Outcome::Ok);
    }
    // A quiz answer click: a fresh learner each time, so every click writes.
    let mut answer_times = Vec::new();
    for i in 0..1200u64 {
        let learner = ConsoleUser::named(&format!("quiz-{i}"));
        let start = wire::command(
            &learner,
            "quiz",
            vec![serde_json::json!({"name": "lesson", "type": 3, "value": "async"})],
            1,
        )?;
        let shown = serde_json::to_value(core.handle(&start, followup.clone()).await.response)?;
        let custom_id = shown["data"]["components"][0]["components"][0]["custom_id"]
            .as_str()
            .expect("a choice button")
            .to_string();
        let click = wire::component(&learner, &custom_id, 2)?;
        let t = Instant::now();
        let a = core.handle(&click, followup.clone()).await;
        std::hint::black_box(serde_json::to_vec(&a.response)?);
        assert_eq!(a.outcome, tutorbot::core::Outcome::Ok);
        if i >= 200 {
            answer_times.push(t.elapsed());
        }
    }
    core.store.close().await;

    let mut admin = sqlx::PgConnection::connect(&base).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .execute(&mut admin)
        .await?;

    println!("| measure | median | p99 |");
    println!("|---|---|---|");
    println!("| start to ready, new database (create + migrate) | {cold:.1?} (one run) | |");
    println!("| start to ready, existing database (content + connect + migrations checked) | {:.1?} | {:.1?} |", median(warm.clone()), pct(&warm, 0.99));
    println!(
        "| of which: load and check content | {:.1?} | {:.1?} |",
        median(content.clone()),
        pct(&content, 0.99)
    );
    println!(
        "| `/lesson async` in the core (20,000 runs, answer serialized) | {:.1?} | {:.1?} |",
        median(lesson_times.clone()),
        pct(&lesson_times, 0.99)
    );
    println!(
        "| checklist tick round trip to Postgres (2,800 runs) | {:.2?} | {:.2?} |",
        median(tick_times.clone()),
        pct(&tick_times, 0.99)
    );
    println!(
        "| quiz answer click, including its Postgres write (1,000 runs) | {:.2?} | {:.2?} |",
        median(answer_times.clone()),
        pct(&answer_times, 0.99)
    );
    println!(
        "| peak memory (VmHWM) of the whole bench process | {:.1} MiB | |",
        peak_rss_kib() as f64 / 1024.0
    );
    Ok(())
}

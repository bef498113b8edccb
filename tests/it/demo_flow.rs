//! `/demo` through the core: a deferred answer, live edits, the result, and
//! the guardrails (bounds, cooldown), with real sockets to the built-in target.

use crate::support;

use std::time::Duration;

use serde_json::{json, Value};
use sqlx::PgPool;
use support::*;
use tutorbot::core::{Core, Outcome};
use tutorbot::demo::DemoService;
use tutorbot::settings::DemoSettings;

async fn core_with_demos(pool: PgPool, cooldown: Duration) -> Core {
    let settings = DemoSettings {
        target: None,
        max_n: 8,
        delay: Duration::from_millis(100),
        cooldown,
        max_in_flight: 50,
    };
    core(pool).with_demos(DemoService::start(&settings).await.unwrap())
}

fn demo(learner: &Learner, sub: &str, options: Vec<Value>) -> serenity::all::Interaction {
    learner.command(
        "demo",
        vec![json!({"name": sub, "type": 1, "options": options})],
    )
}

fn n(value: i64) -> Value {
    json!({"name": "n", "type": 4, "value": value})
}

/// Waits for the edit that carries the result (an embed).
async fn result(edits: &mut tokio::sync::mpsc::UnboundedReceiver<Value>) -> (Value, usize) {
    let mut progress = 0;
    loop {
        let edit = edits.recv().await.expect("the demo ends with an edit");
        if edit["embeds"].as_array().is_some_and(|e| !e.is_empty()) {
            return (edit, progress);
        }
        progress += 1;
    }
}

#[sqlx::test]
async fn gather_defers_then_edits_in_the_result_with_both_times_and_the_code(pool: PgPool) {
    let core = core_with_demos(pool.clone(), Duration::ZERO).await;
    let ada = Learner::new("ada");
    let (f, mut edits) = recorder();
    let answer = core.handle(&demo(&ada, "gather", vec![n(4)]), f).await;
    assert_eq!(answer.outcome, Outcome::Ok);
    let first = serde_json::to_value(&answer.response).unwrap();
    assert_eq!(first["type"], 5, "deferred at once: {first:#}");

    let (edit, _) = result(&mut edits).await;
    let embed = &edit["embeds"][0];
    let shown = embed["description"].as_str().unwrap();
    assert!(shown.contains("Speed-up"), "{shown}");
    assert!(shown.contains("#4│"), "a timeline row per request: {shown}");
    let fields: Vec<_> = embed["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["value"].as_str().unwrap())
        .collect();
    assert!(fields[0].contains("asyncio.gather"));
    // The Rust is one click away, not beside the Python.
    assert_eq!(fields.len(), 1);
    let rust = edit["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap();
    assert!(rust.starts_with("dr:"), "{edit:#}");

    let (seq, conc): (Option<i32>, Option<i32>) =
        sqlx::query_as("SELECT sequential_ms, concurrent_ms FROM demo_runs")
            .fetch_one(&pool)
            .await
            .unwrap();
    let (seq, conc) = (seq.unwrap(), conc.unwrap());
    assert!(
        seq >= 4 * 100,
        "one after another takes at least n × delay: {seq}"
    );
    assert!(
        (100..4 * 100).contains(&conc),
        "all at once takes about one delay: {conc}"
    );

    let (_, p) = ask(&core, &ada.command("progress", vec![])).await;
    assert!(text(&p).contains("Demos run: **1**"), "{}", text(&p));
}

#[sqlx::test]
async fn each_mistake_demo_shows_its_effect(pool: PgPool) {
    let core = core_with_demos(pool, Duration::ZERO).await;
    let ada = Learner::new("ada");
    for (sub, options, expect) in [
        ("blocking", vec![n(3)], "slower"),
        (
            "errors",
            vec![n(4), json!({"name": "failures", "type": 4, "value": 1})],
            "1 failed",
        ),
        ("timeout", vec![], "cancelled"),
        (
            "limit",
            vec![n(6), json!({"name": "max", "type": 4, "value": 2})],
            "in 3 waves (ceil(6/2) = 3",
        ),
    ] {
        let (f, mut edits) = recorder();
        let answer = core.handle(&demo(&ada, sub, options), f).await;
        assert_eq!(answer.outcome, Outcome::Ok, "{sub}");
        let (edit, _) = result(&mut edits).await;
        let shown = edit["embeds"][0]["description"].as_str().unwrap();
        assert!(shown.contains(expect), "{sub}: {shown}");
    }
}

#[sqlx::test]
async fn taskgroup_shows_gather_leaving_the_others_running_and_the_group_cancelling_them(
    pool: PgPool,
) {
    let core = core_with_demos(pool.clone(), Duration::ZERO).await;
    let ada = Learner::new("ada");
    let (f, mut edits) = recorder();
    let answer = core.handle(&demo(&ada, "taskgroup", vec![n(3)]), f).await;
    assert_eq!(answer.outcome, Outcome::Ok);
    let (edit, _) = result(&mut edits).await;
    let embed = &edit["embeds"][0];
    let shown = embed["description"].as_str().unwrap();
    assert!(shown.contains("and 2 other tasks ran on"), "{shown}");
    assert!(shown.contains("with 2 other tasks cancelled"), "{shown}");
    assert!(shown.contains("TaskGroup (JoinSet)"), "{shown}");
    assert_eq!(embed["image"]["url"], "attachment://demo.png", "{edit:#}");
    assert!(embed["fields"][0]["value"]
        .as_str()
        .unwrap()
        .contains("asyncio.TaskGroup()"));

    // Both joins returned at the failure (half the 100 ms delay), not after
    // the others' whole delay.
    let (gather, group): (Option<i32>, Option<i32>) = sqlx::query_as(
        "SELECT sequential_ms, concurrent_ms FROM demo_runs WHERE demo = 'taskgroup'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(gather.unwrap() >= 50, "{gather:?}");
    assert!(group.unwrap() >= 50, "{group:?}");
}

#[sqlx::test]
async fn taskgroup_needs_two_tasks(pool: PgPool) {
    let core = core_with_demos(pool, Duration::ZERO).await;
    let (answer, r) = ask(&core, &demo(&Learner::new("ada"), "taskgroup", vec![n(1)])).await;
    assert_eq!(answer.outcome, Outcome::Refused);
    assert!(text(&r).contains("between 2 and 8"), "{}", text(&r));
}

#[sqlx::test]
async fn n_outside_its_bounds_is_answered_with_the_bounds_and_runs_nothing(pool: PgPool) {
    let core = core_with_demos(pool.clone(), Duration::ZERO).await;
    let ada = Learner::new("ada");
    for (sub, options) in [
        ("gather", vec![n(0)]),
        ("gather", vec![n(9)]),
        (
            "errors",
            vec![n(3), json!({"name": "failures", "type": 4, "value": 4})],
        ),
        (
            "limit",
            vec![n(3), json!({"name": "max", "type": 4, "value": 0})],
        ),
    ] {
        let (answer, r) = ask(&core, &demo(&ada, sub, options)).await;
        assert_eq!(answer.outcome, Outcome::Refused, "{sub}");
        assert!(text(&r).contains("must be between"), "{}", text(&r));
    }
    let (answer, r) = ask(&core, &demo(&ada, "gather", vec![n(9)])).await;
    assert_eq!(answer.outcome, Outcome::Refused);
    assert!(
        text(&r).contains("between 1 and 8 (you asked for 9)"),
        "{}",
        text(&r)
    );
    let runs: i64 = sqlx::query_scalar("SELECT count(*) FROM demo_runs")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(runs, 0);
}

#[sqlx::test]
async fn a_second_demo_within_the_cooldown_is_refused_with_the_time_left(pool: PgPool) {
    let core = core_with_demos(pool.clone(), Duration::from_secs(30)).await;
    let ada = Learner::new("ada");
    let (f, mut edits) = recorder();
    assert_eq!(
        core.handle(&demo(&ada, "gather", vec![n(1)]), f)
            .await
            .outcome,
        Outcome::Ok
    );
    let (answer, r) = ask(&core, &demo(&ada, "gather", vec![n(1)])).await;
    assert_eq!(answer.outcome, Outcome::Refused);
    let shown = text(&r);
    assert!(
        shown.contains("in 30 s") || shown.contains("in 29 s"),
        "{shown}"
    );
    // Another learner is not held back.
    let (answer, _) = ask(&core, &demo(&Learner::new("bob"), "gather", vec![n(1)])).await;
    assert_eq!(answer.outcome, Outcome::Ok);
    result(&mut edits).await;
    let runs: i64 = sqlx::query_scalar("SELECT count(*) FROM demo_runs")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(runs, 2);
}

#[sqlx::test]
async fn without_an_engine_demo_says_it_is_unavailable(pool: PgPool) {
    let core = core(pool);
    let (answer, r) = ask(&core, &demo(&Learner::new("ada"), "gather", vec![n(2)])).await;
    assert_eq!(answer.outcome, Outcome::Refused);
    assert!(text(&r).contains("aren't available"));
}

//! Faults under load, through the real `tutorbot http` process: killed with
//! SIGKILL at random moments and started again, and Postgres taken away and
//! given back while learners click. Whatever the bot answered with success
//! is in Postgres afterwards, once; nothing is half-written.
//!
//! These are the fast versions (a few kills, one outage); `scripts/chaos`
//! runs the long ones and prints the table in BENCHMARKS.md. The load and
//! the check are in `tests/support/load.rs`.

use crate::support;

use std::time::Duration;

use ed25519_dalek::SigningKey;
use rand::Rng;
use sqlx::PgPool;
use support::load::{self, check, Load, Script, Tally};
use support::process::{BotEnv, BotProcess};
use support::tcp_proxy::TcpProxy;
use support::{catalog, url_of};

const FIRST_LEARNER: u64 = 1_600_000_000_000_100_000;

/// A key pair as Discord's: the bot checks with the public half.
fn keys() -> (SigningKey, String) {
    let key = SigningKey::from_bytes(&rand::random());
    let public = hex::encode(key.verifying_key().to_bytes());
    (key, public)
}

/// The door's settings here: the defaults, but no per-learner throttle
/// (these learners click far faster than people; the throttle has its own
/// tests in tests/floods.rs, and here a "slow down" would pass for an outage).
fn bot_env(database_url: &str, public_key: &str) -> BotEnv {
    let mut env = BotEnv::http(database_url, public_key, "127.0.0.1:0");
    env.set("LEARNER_RATE", "0");
    env
}

/// Everything confirmed is stored, once, whole; every answer made sense.
async fn assert_nothing_lost(pool: &PgPool, script: &Script, tally: &Tally) {
    assert_eq!(
        tally.unexpected, 0,
        "unexpected answers: {:#?}",
        tally.samples
    );
    let found = check(pool, script, tally).await;
    eprintln!(
        "sent {} ok {} failed {} unanswered {} learners done {} | stored: {} ticks, {} answers",
        tally.sent,
        tally.ok,
        tally.failed,
        tally.unanswered,
        tally.learners_done,
        found.marks,
        found.answers
    );
    assert_eq!(found.lost, 0, "answered ok but missing in Postgres");
    assert_eq!(found.duplicates, 0, "stored twice");
    assert!(found.torn.is_empty(), "half-written: {:#?}", found.torn);
    assert!(
        found.marks > 0 && found.answers > 0,
        "the load wrote: {found:?}"
    );
}

#[sqlx::test]
async fn a_door_killed_mid_load_keeps_everything_it_confirmed(pool: PgPool) {
    let url = url_of(&pool).await;
    let (key, public) = keys();
    let mut env = bot_env(&url, &public);
    let mut bot = BotProcess::spawn(&env).await;
    // Restarts come back on the same port, as a redeploy would.
    env.set("HTTP_ADDR", &bot.addr());
    let script = Script::new(&catalog(), "async", "python-setup");
    let load = Load::start(
        4,
        key,
        script.clone(),
        bot.url(),
        FIRST_LEARNER,
        Duration::from_millis(10),
    );

    let kills = 3;
    for _ in 0..kills {
        // A random moment: after a random number of further confirmed
        // answers, while the other seats are mid-request.
        let more = rand::thread_rng().gen_range(5..40);
        load.ok_reaches(load.ok() + more).await;
        bot.kill().await;
        bot = BotProcess::spawn(&env).await;
        load.restarted(bot.url());
    }
    // Served again after the last restart.
    let after = load.ok();
    load.ok_reaches(after + 20).await;
    let tally = load.stop().await;
    let (status, stderr) = bot.terminate().await;
    assert!(status.success(), "{status}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    assert_nothing_lost(&pool, &script, &tally).await;
    assert!(tally.ok >= after + 20);
}

/// Postgres reached through a proxy the test can cut (the machine's server
/// is shared by every test: it is never stopped).
async fn proxied_url(pool: &PgPool) -> (String, TcpProxy) {
    let (proxy, proxied) = TcpProxy::in_front_of_postgres().await;
    let real = url_of(pool).await;
    let database = real.rsplit('/').next().unwrap().to_string();
    let url = format!(
        "postgres://{}@127.0.0.1:{}/{database}",
        proxied.get_username(),
        proxied.get_port()
    );
    (url, proxy)
}

#[sqlx::test]
async fn a_postgres_outage_under_load_is_ridden_out_without_a_restart(pool: PgPool) {
    let (db_url, proxy) = proxied_url(&pool).await;
    let (key, public) = keys();
    let env = bot_env(&db_url, &public);
    let bot = BotProcess::spawn(&env).await;
    let script = Script::new(&catalog(), "async", "python-setup");
    let load = Load::start(
        4,
        key.clone(),
        script.clone(),
        bot.url(),
        FIRST_LEARNER,
        Duration::from_millis(20),
    );
    load.ok_reaches(30).await;

    proxy.cut();
    // Learners are told to try again...
    load.failed_reaches(load.failed() + 8).await;
    // ...lessons still show...
    let (status, lesson) = load::open_lesson(&key, &bot.url(), FIRST_LEARNER - 1).await;
    assert_eq!(status, 200);
    assert_eq!(lesson["type"], 4, "{lesson}");
    assert!(lesson["data"]["embeds"][0]["title"].is_string(), "{lesson}");
    // ...and the health check says why.
    let health = reqwest::get(format!("{}/healthz", bot.ops)).await.unwrap();
    assert_eq!(health.status(), 503);

    proxy.restore();
    // The same process serves again by itself.
    let before = load.ok();
    load.ok_reaches(before + 30).await;
    let health = reqwest::get(format!("{}/healthz", bot.ops)).await.unwrap();
    assert_eq!(health.status(), 200);

    let tally = load.stop().await;
    let (status, stderr) = bot.terminate().await;
    assert!(status.success(), "{status}: {stderr}");
    assert_nothing_lost(&pool, &script, &tally).await;
    // No request hung: every one was answered (nothing was killed here).
    // The stop itself may abandon one click per seat.
    assert!(tally.unanswered <= 4, "unanswered: {}", tally.unanswered);
    assert!(tally.failed >= 8);
}

#[sqlx::test]
async fn the_check_notices_lost_duplicated_and_torn_state(pool: PgPool) {
    let url = url_of(&pool).await;
    let (key, public) = keys();
    let bot = BotProcess::spawn(&bot_env(&url, &public)).await;
    let script = Script::new(&catalog(), "async", "python-setup");
    let load = Load::start(
        1,
        key,
        script.clone(),
        bot.url(),
        FIRST_LEARNER,
        Duration::ZERO,
    );
    // One learner's ticks, the quiz started, and a few answers.
    load.ok_reaches(script.objectives.len() as u64 + 4).await;
    let mut tally = load.stop().await;
    bot.terminate().await;
    let clean = check(&pool, &script, &tally).await;
    assert_eq!((clean.lost, clean.duplicates, clean.torn.len()), (0, 0, 0));

    // A confirmed tick that is not there, and a stored answer taken away.
    tally.effects.push(load::Effect::Tick {
        learner: FIRST_LEARNER + 999,
        objective: script.objectives[0].clone(),
    });
    sqlx::query("DELETE FROM quiz_answers WHERE ctid IN (SELECT ctid FROM quiz_answers LIMIT 1)")
        .execute(&pool)
        .await
        .unwrap();
    // A second attempt for the same learner and quiz, finished half-way.
    sqlx::query(
        "INSERT INTO quiz_attempts (learner_id, lesson_id, quiz_version, seed, finished_at)
         SELECT learner_id, lesson_id, quiz_version, seed, now() FROM quiz_attempts LIMIT 1",
    )
    .execute(&pool)
    .await
    .unwrap();
    let found = check(&pool, &script, &tally).await;
    assert_eq!(found.lost, 2, "{found:?}");
    assert_eq!(found.duplicates, 1, "{found:?}");
    assert_eq!(found.torn.len(), 1, "{found:?}");
}

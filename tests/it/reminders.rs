//! Daily review reminders on real Postgres and the fake Discord, with an
//! injected clock: schedulers racing (one of them dropped mid-round) remind
//! every due learner exactly once a day, checked against the fake's record
//! of DMs; closed DMs (50007) switch reminders off and the learner is told.
//! Then the same with two real `tutorbot http` processes (real clock, short
//! rounds set through `REMINDER_*`), one SIGKILLed in the middle of a round.

use crate::support;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;
use sqlx::PgPool;
use support::fake_discord::{FakeDiscord, RecordedCall};
use support::process::{BotEnv, BotProcess};
use support::*;
use tutorbot::clock::{ManualWallClock, WallClock};
use tutorbot::schedule::{ReminderConfig, Reminders};
use tutorbot::store::Store;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 6, 0, 0).unwrap()
}

fn config() -> ReminderConfig {
    ReminderConfig {
        batch: 7,
        pace: std::time::Duration::ZERO,
        jitter: std::time::Duration::ZERO,
        ..ReminderConfig::default()
    }
}

fn scheduler(pool: &PgPool, fake: &FakeDiscord, clock: &Arc<ManualWallClock>) -> Reminders {
    Reminders {
        store: Store::from_pool(pool.clone()),
        http: Arc::new(fake.http("test-token")),
        catalog: Arc::new(catalog()),
        clock: clock.clone(),
        config: config(),
        lessons: None,
    }
}

/// `n` learners (ids 1..=n), each with a card due long ago and a reminder at
/// 07:30 in one of a few zones.
async fn learners(pool: &PgPool, core: &tutorbot::core::Core, n: u64) -> Vec<u64> {
    let zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"];
    let mut ids = Vec::new();
    for i in 1..=n {
        let who = tutorbot::core::Learner { id: i, guild: None };
        let tz = zones[(i as usize) % zones.len()].parse().unwrap();
        tutorbot::core::remind::set(
            core,
            who,
            chrono::NaiveTime::from_hms_opt(7, 30, 0).unwrap(),
            Some(tz),
        )
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO review_cards (learner_id, lesson_id, question_id, due, stability,
                 difficulty, elapsed_days, scheduled_days, reps, lapses, state, last_review)
             VALUES ($1, 'async', 'q1', '2000-01-01', 1, 5, 0, 1, 1, 0, 2, '2000-01-01')",
        )
        .bind(i as i64)
        .execute(pool)
        .await
        .unwrap();
        ids.push(i);
    }
    ids
}

/// DMs per learner, from the fake's record.
fn per_learner(fake: &FakeDiscord) -> BTreeMap<u64, usize> {
    let mut out = BTreeMap::new();
    for dm in fake.dms() {
        *out.entry(dm.user).or_insert(0) += 1;
    }
    out
}

/// Runs rounds on every scheduler at once until none claims anything.
async fn drain(schedulers: &[Reminders]) {
    loop {
        let rounds = futures::future::join_all(schedulers.iter().map(|s| s.round())).await;
        if rounds
            .into_iter()
            .map(|r| r.unwrap().claimed)
            .sum::<usize>()
            == 0
        {
            return;
        }
    }
}

#[sqlx::test]
async fn racing_schedulers_remind_every_due_learner_exactly_once_a_day_even_when_one_dies(
    pool: PgPool,
) {
    let fake = FakeDiscord::start().await;
    let clock = ManualWallClock::at(t0());
    let core = core(pool.clone()).with_clock(clock.clone());
    let ids = learners(&pool, &core, 24).await;
    let (a, b) = (
        scheduler(&pool, &fake, &clock),
        scheduler(&pool, &fake, &clock),
    );
    let store = Store::from_pool(pool.clone());
    for day in 0..4i64 {
        // 23:00 UTC: 07:30 has come once since the last step in every zone.
        clock.set(t0() + Duration::days(day) + Duration::hours(17));
        if day == 1 {
            // A third instance claims a batch and dies before sending: its
            // learners wait for the claim to expire, then are taken again.
            let now = clock.now();
            let dead = store
                .claim_due_reminders(now, now + config().claim, 5)
                .await
                .unwrap();
            assert_eq!(dead.len(), 5);
            drain(&[a.clone(), b.clone()]).await;
            let waiting = per_learner(&fake);
            for held in &dead {
                assert_eq!(waiting.get(&held.learner), Some(&1), "only day 0 so far");
            }
            clock.advance(config().claim + Duration::seconds(1));
        }
        drain(&[a.clone(), b.clone()]).await;
        // A round run again the same day sends nothing more.
        drain(&[b.clone(), a.clone()]).await;
        let got = per_learner(&fake);
        for id in &ids {
            assert_eq!(
                got.get(id),
                Some(&(day as usize + 1)),
                "learner {id} on day {day}"
            );
        }
    }
    // Each DM says how many cards are due, and pings nobody.
    let dms = fake.dms();
    assert!(
        dms.iter().all(|d| d.content.contains("1 card to review")),
        "{dms:?}"
    );
    assert_eq!(dms.len(), ids.len() * 4);
    fake.assert_no_error_calls();
}

#[sqlx::test]
async fn a_learner_with_nothing_due_is_not_reminded_but_their_day_moves_on(pool: PgPool) {
    let fake = FakeDiscord::start().await;
    let clock = ManualWallClock::at(t0());
    let core = core(pool.clone()).with_clock(clock.clone());
    learners(&pool, &core, 2).await;
    sqlx::query("UPDATE review_cards SET due = '2100-01-01' WHERE learner_id = 2")
        .execute(&pool)
        .await
        .unwrap();
    clock.set(t0() + Duration::hours(17));
    let s = scheduler(&pool, &fake, &clock);
    let report = s.round().await.unwrap();
    assert_eq!((report.claimed, report.sent, report.skipped), (2, 1, 1));
    assert_eq!(per_learner(&fake).get(&2), None);
    let next: DateTime<Utc> =
        sqlx::query_scalar("SELECT next_at FROM reminders WHERE learner_id = 2")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(next > clock.now(), "moved on to tomorrow: {next}");
}

#[sqlx::test]
async fn closed_dms_switch_reminders_off_and_the_learner_is_told_once(pool: PgPool) {
    let fake = FakeDiscord::start().await;
    let clock = ManualWallClock::at(t0());
    let core = core(pool.clone()).with_clock(clock.clone());
    learners(&pool, &core, 2).await;
    fake.close_dms(1);
    clock.set(t0() + Duration::hours(17));
    let s = scheduler(&pool, &fake, &clock);
    let report = s.round().await.unwrap();
    assert_eq!((report.sent, report.dms_closed), (1, 1));
    assert_eq!(per_learner(&fake), BTreeMap::from([(2, 1)]));
    let (enabled, closed): (bool, bool) =
        sqlx::query_as("SELECT enabled, dms_closed FROM reminders WHERE learner_id = 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((enabled, closed), (false, true));
    // Days later: nothing more is tried.
    clock.advance(Duration::days(2));
    assert_eq!(s.round().await.unwrap().dms_closed, 0);

    let who = |id: u64| {
        let mut user = tutorbot::doors::wire::ConsoleUser::named("x");
        user.id = id;
        user
    };
    let review = |id| tutorbot::doors::wire::command(&who(id), "review", vec![], id * 100).unwrap();
    let (_, first) = ask(&core, &review(1)).await;
    assert!(
        text(&first).contains("your direct messages are closed to me"),
        "{}",
        text(&first)
    );
    let (_, again) = ask(&core, &review(1)).await;
    assert!(!text(&again).contains("direct messages are closed"));
    // /remind on switches them back on.
    let on = tutorbot::doors::wire::command(
        &who(1),
        "remind",
        vec![json!({"name": "on", "type": 1, "options": [
            {"name": "at", "type": 3, "value": "07:30"}
        ]})],
        1_000,
    )
    .unwrap();
    ask(&core, &on).await;
    let enabled: bool = sqlx::query_scalar("SELECT enabled FROM reminders WHERE learner_id = 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(enabled);
}

#[sqlx::test]
async fn a_send_retried_after_a_crash_before_its_row_moved_is_still_one_message(pool: PgPool) {
    let fake = FakeDiscord::start().await;
    let clock = ManualWallClock::at(t0());
    let core = core(pool.clone()).with_clock(clock.clone());
    learners(&pool, &core, 3).await;
    clock.set(t0() + Duration::hours(17));
    let s = scheduler(&pool, &fake, &clock);
    let slots: Vec<DateTime<Utc>> =
        sqlx::query_scalar("SELECT next_at FROM reminders ORDER BY learner_id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(s.round().await.unwrap().sent, 3);
    // As if the instance died after sending and before moving the rows on:
    // the rows are back at their slots, unreminded, and claimed long ago.
    for (i, slot) in slots.iter().enumerate() {
        sqlx::query(
            "UPDATE reminders SET next_at = $2, last_day = NULL, claimed_until = $2
             WHERE learner_id = $1",
        )
        .bind(i as i64 + 1)
        .bind(slot)
        .execute(&pool)
        .await
        .unwrap();
    }
    clock.advance(Duration::minutes(5));
    let again = scheduler(&pool, &fake, &clock).round().await.unwrap();
    assert_eq!(again.claimed, 3, "the expired claims were taken again");
    assert_eq!(again.sent, 3, "and sent again");
    let posts = fake
        .calls()
        .iter()
        .filter(|c| c.method == "POST" && c.path.ends_with("/messages"))
        .count();
    assert_eq!(posts, 6);
    // Discord kept the first message of each nonce: still one DM each.
    assert_eq!(per_learner(&fake), BTreeMap::from([(1, 1), (2, 1), (3, 1)]));
}

// ---------------------------------------------------------------------------------------------
// Two real `tutorbot http` processes, one killed mid-round
// ---------------------------------------------------------------------------------------------

/// `tutorbot http` on `url`, sending reminders through `fake` as bot
/// `token`, with rounds short enough for a test: 10 rows a round, DMs 40 to
/// 60 ms apart, a claim of 3 s (a round takes at most 0.6 s).
async fn reminding_process(url: &str, fake: &FakeDiscord, token: &str) -> BotProcess {
    let mut env = BotEnv::http(url, &fake.public_key_hex(), "127.0.0.1:0");
    env.set("DISCORD_API_BASE", &fake.api_base())
        .set("DISCORD_TOKEN", token)
        .set("REMINDERS", "on")
        .set("REMINDER_BATCH", "10")
        .set("REMINDER_CLAIM_SECS", "3")
        .set("REMINDER_PACE_MS", "40")
        .set("REMINDER_JITTER_MS", "20")
        .set("REMINDER_EVERY_MS", "50");
    BotProcess::spawn(&env).await
}

/// A DM sent (`POST /channels/{id}/messages`) with bot token `token`.
fn sent_by(call: &RecordedCall, token: &str) -> bool {
    call.method == "POST"
        && call.path.ends_with("/messages")
        && call.succeeded()
        && call
            .authorization
            .as_deref()
            .map(|a| a.trim_start_matches("Bot "))
            == Some(token)
}

/// Rows not yet moved on to their next day, or still claimed.
async fn unfinished(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM reminders WHERE next_at <= now() OR claimed_until IS NOT NULL",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn two_processes_remind_every_due_learner_exactly_once_when_one_is_killed_mid_round(
    pool: PgPool,
) {
    const N: i64 = 100;
    // Due a minute ago, in UTC, each with a card due: every learner is owed
    // one reminder today, whichever process sends it.
    sqlx::query("INSERT INTO learners (id) SELECT generate_series(1, $1)")
        .bind(N)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO reminders (learner_id, timezone, at_minute, enabled, next_at)
         SELECT id, 'UTC',
                extract(hour FROM now() AT TIME ZONE 'UTC' - interval '1 minute') * 60
                  + extract(minute FROM now() AT TIME ZONE 'UTC' - interval '1 minute'),
                true, now() - interval '1 minute'
         FROM learners",
    )
    .execute(&pool)
    .await
    .unwrap();
    // A question `async` has: a process counts only the cards /review
    // could show.
    sqlx::query(
        "INSERT INTO review_cards (learner_id, lesson_id, question_id, due, stability,
             difficulty, elapsed_days, scheduled_days, reps, lapses, state, last_review)
         SELECT id, 'async', 'call-without-await', '2000-01-01', 1, 5, 0, 1, 1, 0, 2,
                '2000-01-01'
         FROM learners",
    )
    .execute(&pool)
    .await
    .unwrap();

    let url = url_of(&pool).await;
    let fake = FakeDiscord::start().await;
    let (a, b) = tokio::join!(
        reminding_process(&url, &fake, "reminder-a"),
        reminding_process(&url, &fake, "reminder-b")
    );
    // A is in a round once it has sent 3 DMs: its batch holds up to 10, the
    // rest are 40 ms or more apart. Kill it there.
    fake.wait_for_calls(3, |c| sent_by(c, "reminder-a")).await;
    let claimed_at_kill: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM reminders WHERE claimed_until > now() AND last_day IS NULL",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    a.kill().await;
    assert!(claimed_at_kill > 0, "rows were held mid-round at the kill");

    // B sends the rest, and A's rows once A's claims run out.
    fake.wait_until(format!("a DM to each of {N} learners"), |i| {
        let users: std::collections::BTreeSet<u64> = i.dms().iter().map(|d| d.user).collect();
        (users.len() as i64 == N).then_some(())
    })
    .await;
    // Then every row moves on to tomorrow; nothing more is owed today.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while unfinished(&pool).await > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} rows never moved on",
            unfinished(&pool).await
        );
        // Polling the database for a condition, with a deadline.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    let got = per_learner(&fake);
    assert_eq!(got.len() as i64, N);
    assert!(got.values().all(|&n| n == 1), "one DM each: {got:?}");
    let today: Vec<Option<chrono::NaiveDate>> =
        sqlx::query_scalar("SELECT DISTINCT last_day FROM reminders")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        today.len(),
        1,
        "every learner reminded for the same day: {today:?}"
    );
    let calls = fake.calls();
    let by_a = calls.iter().filter(|c| sent_by(c, "reminder-a")).count();
    let by_b = calls.iter().filter(|c| sent_by(c, "reminder-b")).count();
    assert!(by_a >= 3 && by_b > 0, "both sent: A {by_a}, B {by_b}");
    assert!(by_a + by_b >= N as usize);
    let (status, stderr) = b.terminate().await;
    assert!(status.success(), "{status}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

//! Spaced review through the core, on real Postgres with an injected clock:
//! cards seeded by quiz answers, the FSRS crate's own intervals, a month of
//! daily reviews in milliseconds, idempotent clicks, ownership, stale
//! buttons, streaks across time zones and a daylight-saving change, and
//! `/remind`'s refusals.

use crate::support;

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use rs_fsrs::{Card, Parameters, Rating, FSRS};
use serde_json::{json, Value};
use sqlx::PgPool;
use support::*;
use tutorbot::clock::ManualWallClock;
use tutorbot::core::Core;

const LESSON: &str = "python-setup";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

/// A core reading `clock`.
fn core_at(pool: PgPool, clock: &Arc<ManualWallClock>) -> Core {
    core(pool).with_clock(clock.clone())
}

/// The FSRS crate on its own, configured as tutorbot says it runs it.
fn reference() -> FSRS {
    FSRS::new(Parameters {
        enable_short_term: false,
        enable_fuzz: false,
        ..Parameters::default()
    })
}

fn quiz_cmd(who: &Learner) -> serenity::all::Interaction {
    who.command(
        "quiz",
        vec![json!({"name": "lesson", "type": 3, "value": LESSON})],
    )
}

fn review_cmd(who: &Learner) -> serenity::all::Interaction {
    who.command("review", vec![])
}

fn questions(core: &Core) -> Vec<tutorbot::content::Question> {
    core.catalog
        .lesson(LESSON)
        .unwrap()
        .quiz
        .clone()
        .unwrap()
        .questions
}

/// The question a view shows, found by its prompt.
fn question_on(core: &Core, r: &Value) -> tutorbot::content::Question {
    let shown = text(r);
    questions(core)
        .into_iter()
        .find(|q| shown.contains(&q.prompt))
        .unwrap_or_else(|| panic!("no question of {LESSON} in {shown}"))
}

/// The button for the right (or a wrong) choice of the question on screen.
fn choice(core: &Core, r: &Value, right: bool) -> String {
    let q = question_on(core, r);
    let want = if right {
        q.right_choice().text.clone()
    } else {
        q.choices
            .iter()
            .find(|c| c.id != q.answer)
            .unwrap()
            .text
            .clone()
    };
    choice_button(r, &want)
}

/// Plays the whole quiz, right or wrong per question index.
async fn play(core: &Core, who: &Learner, right: impl Fn(usize) -> bool) {
    let qs = questions(core);
    let (_, mut r) = ask(core, &quiz_cmd(who)).await;
    for _ in 0..qs.len() {
        let i = qs
            .iter()
            .position(|q| text(&r).contains(&q.prompt))
            .unwrap_or_else(|| panic!("a question in {}", text(&r)));
        let fb = ask(core, &who.click(&choice(core, &r, right(i)))).await.1;
        let next = buttons(&fb)
            .into_iter()
            .find(|b| b.0.starts_with("qn:"))
            .unwrap_or_else(|| panic!("no next button in {fb:#}"));
        r = ask(core, &who.click(&next.0)).await.1;
    }
    assert!(text(&r).contains("Your quiz results"), "{}", text(&r));
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// (question, due) of every card, by question.
async fn dues(pool: &PgPool) -> Vec<(String, DateTime<Utc>)> {
    sqlx::query_as("SELECT question_id, due FROM review_cards ORDER BY question_id")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn every_answered_question_becomes_a_card_due_as_fsrs_says_for_again_or_good(pool: PgPool) {
    let clock = ManualWallClock::at(t0());
    let core = core_at(pool.clone(), &clock);
    let ada = Learner::new("ada");
    // Wrong on the first question only.
    play(&core, &ada, |i| i != 0).await;
    let qs = questions(&core);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM review_cards").await,
        qs.len() as i64
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM review_log WHERE source = 'quiz'"
        )
        .await,
        qs.len() as i64
    );
    let new = Card {
        due: t0(),
        last_review: t0(),
        ..Card::default()
    };
    let again = reference().next(new.clone(), t0(), Rating::Again).card.due;
    let good = reference().next(new, t0(), Rating::Good).card.due;
    assert!(good > again);
    for (question, due) in dues(&pool).await {
        let want = if question == qs[0].id { again } else { good };
        assert_eq!(due, want, "{question}");
    }

    // A retake's answers leave the cards alone.
    play(&core, &ada, |_| true).await;
    assert_eq!(
        count(&pool, "SELECT count(*) FROM review_cards").await,
        qs.len() as i64
    );
    let first = dues(&pool).await.into_iter().find(|(q, _)| *q == qs[0].id);
    assert_eq!(first.unwrap().1, again);
}

/// Reviews the card on screen: right then `rating` (2..=4), or wrong.
async fn review_one(core: &Core, who: &Learner, r: &Value, rating: Option<&str>) -> Value {
    match rating {
        Some(label) => {
            let rate = ask(core, &who.click(&choice(core, r, true))).await.1;
            assert!(text(&rate).contains("How hard was it"), "{}", text(&rate));
            ask(core, &who.click(&button(&rate, label))).await.1
        }
        None => ask(core, &who.click(&choice(core, r, false))).await.1,
    }
}

#[sqlx::test]
async fn the_intervals_for_a_scripted_history_equal_the_fsrs_crates_own(pool: PgPool) {
    let clock = ManualWallClock::at(t0());
    let core = core_at(pool.clone(), &clock);
    let ada = Learner::new("ada");
    play(&core, &ada, |_| true).await;
    // Keep one card: the others are deleted so /review shows only it.
    let kept = questions(&core)[0].id.clone();
    sqlx::query("DELETE FROM review_cards WHERE question_id <> $1")
        .bind(&kept)
        .execute(&pool)
        .await
        .unwrap();

    let fsrs = reference();
    let mut card = fsrs
        .next(
            Card {
                due: t0(),
                last_review: t0(),
                ..Card::default()
            },
            t0(),
            Rating::Good,
        )
        .card;
    // Each review on the day it is due, plus a late one and an early one.
    let script: [(Option<&str>, i64); 7] = [
        (Some("Good"), 0),
        (Some("Hard"), 0),
        (None, 0),
        (Some("Good"), 0),
        (Some("Easy"), 3),
        (Some("Good"), 0),
        (Some("Hard"), 1),
    ];
    for (rating, late_days) in script {
        let now = card.due + Duration::days(late_days);
        clock.set(now);
        let (_, r) = ask(&core, &review_cmd(&ada)).await;
        assert_eq!(question_on(&core, &r).id, kept);
        let shown = review_one(&core, &ada, &r, rating).await;
        let fsrs_rating = match rating {
            Some("Hard") => Rating::Hard,
            Some("Good") => Rating::Good,
            Some("Easy") => Rating::Easy,
            _ => Rating::Again,
        };
        card = fsrs.next(card, now, fsrs_rating).card;
        let (stored_due, reps, lapses): (DateTime<Utc>, i32, i32) =
            sqlx::query_as("SELECT due, reps, lapses FROM review_cards")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(stored_due, card.due, "after {rating:?}");
        assert_eq!((reps, lapses), (card.reps, card.lapses));
        let days = (card.due - now).num_days();
        let words = if days == 1 {
            "in 1 day".to_string()
        } else {
            format!("in {days} days")
        };
        assert!(
            text(&shown).contains(&format!("Next review of this one: **{words}**")),
            "{}",
            text(&shown)
        );
    }
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM review_log WHERE source = 'review'"
        )
        .await,
        script.len() as i64
    );
}

#[sqlx::test]
async fn a_month_of_daily_reviews_follows_fsrs_for_every_card(pool: PgPool) {
    let clock = ManualWallClock::at(t0());
    let core = core_at(pool.clone(), &clock);
    let ada = Learner::new("ada");
    // The first question wrong, the rest right.
    play(&core, &ada, |i| i != 0).await;
    let qs = questions(&core);
    let fsrs = reference();
    // The same learner simulated on the crate alone: every card reviewed
    // each day it is due; the first question always forgotten once more on
    // its second review, every other answer right and rated Good.
    let mut model: Vec<(String, Card, u32)> = qs
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let new = Card {
                due: t0(),
                last_review: t0(),
                ..Card::default()
            };
            let rating = if i == 0 { Rating::Again } else { Rating::Good };
            (q.id.clone(), fsrs.next(new, t0(), rating).card, 0)
        })
        .collect();
    let mut reviews = 0;
    for day in 1..=30 {
        let now = t0() + Duration::days(day);
        clock.set(now);
        let (_, mut r) = ask(&core, &review_cmd(&ada)).await;
        while !text(&r).contains("Nothing to review right now") {
            let q = question_on(&core, &r);
            let (_, card, seen) = model.iter_mut().find(|(id, _, _)| *id == q.id).unwrap();
            assert!(card.due <= now, "{} shown before it was due", q.id);
            let forget = q.id == qs[0].id && *seen == 0;
            *seen += 1;
            let shown = review_one(&core, &ada, &r, (!forget).then_some("Good")).await;
            let rating = if forget { Rating::Again } else { Rating::Good };
            *card = fsrs.next(card.clone(), now, rating).card;
            reviews += 1;
            r = ask(&core, &ada.click(&button(&shown, "Next card"))).await.1;
        }
        // Nothing the model says is due was left out.
        assert!(model.iter().all(|(_, c, _)| c.due > now), "day {day}");
    }
    let stored = dues(&pool).await;
    for (id, card, _) in &model {
        let due = stored.iter().find(|(q, _)| q == id).unwrap().1;
        assert_eq!(due, card.due, "{id}");
    }
    assert!(reviews >= qs.len(), "every card came back at least once");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM review_log WHERE source = 'review'"
        )
        .await,
        reviews as i64
    );
}

/// Puts the learner on day `days` with every card due, and opens /review.
async fn due_review(core: &Core, clock: &ManualWallClock, who: &Learner) -> Value {
    play(core, who, |_| true).await;
    clock.advance(Duration::days(60));
    ask(core, &review_cmd(who)).await.1
}

#[sqlx::test]
async fn a_click_delivered_twice_or_clicked_twice_counts_once(pool: PgPool) {
    let clock = ManualWallClock::at(t0());
    let core = core_at(pool.clone(), &clock);
    let ada = Learner::new("ada");
    let r = due_review(&core, &clock, &ada).await;
    let wrong = ada.click(&choice(&core, &r, false));
    let (_, first) = ask(&core, &wrong).await;
    // Discord's retry: the very same interaction.
    let (_, again) = ask(&core, &wrong).await;
    // A second click on the same drawn button: a new interaction.
    let (_, other) = ask(&core, &ada.click(&choice(&core, &r, false))).await;
    assert!(text(&first).contains("Not quite"), "{}", text(&first));
    for shown in [&again, &other] {
        assert!(
            text(shown).contains("That one was already counted"),
            "{}",
            text(shown)
        );
    }
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM review_log WHERE source = 'review'"
        )
        .await,
        1
    );
    // The right choice and a rating, clicked twice, likewise.
    let r = ask(&core, &review_cmd(&ada)).await.1;
    let rate = ask(&core, &ada.click(&choice(&core, &r, true))).await.1;
    let good = ada.click(&button(&rate, "Good"));
    ask(&core, &good).await;
    ask(&core, &good).await;
    ask(&core, &ada.click(&button(&rate, "Easy"))).await;
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM review_log WHERE source = 'review'"
        )
        .await,
        2
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM review_log WHERE rating = 4").await,
        0
    );
}

#[sqlx::test]
async fn another_learners_review_button_is_refused_and_changes_nothing(pool: PgPool) {
    let clock = ManualWallClock::at(t0());
    let core = core_at(pool.clone(), &clock);
    let (ada, bob) = (Learner::new("ada"), Learner::new("bob"));
    let r = due_review(&core, &clock, &ada).await;
    let before = dues(&pool).await;
    let (_, shown) = ask(&core, &bob.click(&choice(&core, &r, false))).await;
    assert!(
        text(&shown).contains("belongs to someone else"),
        "{}",
        text(&shown)
    );
    let rate = ask(&core, &ada.click(&choice(&core, &r, true))).await.1;
    let (_, shown) = ask(&core, &bob.click(&button(&rate, "Easy"))).await;
    assert!(text(&shown).contains("belongs to someone else"));
    assert_eq!(dues(&pool).await, before);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM review_log WHERE source = 'review'"
        )
        .await,
        0
    );
    // "Next card" on Ada's message opens Bob's own review, privately.
    let (_, own) = ask(&core, &bob.click(&format!("rn:{}", ada.id()))).await;
    assert!(is_ephemeral(&own));
    assert!(text(&own).contains("no review cards yet"), "{}", text(&own));
}

#[sqlx::test]
async fn a_stale_review_button_is_refused_and_changes_nothing(pool: PgPool) {
    let clock = ManualWallClock::at(t0());
    let core = core_at(pool.clone(), &clock);
    let ada = Learner::new("ada");
    let r = due_review(&core, &clock, &ada).await;
    let before = dues(&pool).await;
    let id = choice(&core, &r, false);
    // The same button drawn from another version of the quiz, and one for
    // a question the quiz no longer has.
    let mut parts: Vec<String> = id.split(':').map(str::to_string).collect();
    parts[3] = "00000000".into();
    let old_version = parts.join(":");
    let mut parts: Vec<String> = id.split(':').map(str::to_string).collect();
    parts[4] = "200".into();
    let gone = parts.join(":");
    for stale in [old_version, gone] {
        let (_, shown) = ask(&core, &ada.click(&stale)).await;
        assert!(
            text(&shown).contains("This question changed since I showed it"),
            "{stale}: {}",
            text(&shown)
        );
    }
    assert_eq!(dues(&pool).await, before);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM review_log WHERE source = 'review'"
        )
        .await,
        0
    );
}

#[sqlx::test]
async fn with_nothing_due_review_says_when_the_next_is_due_and_how_many(pool: PgPool) {
    let clock = ManualWallClock::at(t0());
    let core = core_at(pool.clone(), &clock);
    let ada = Learner::new("ada");
    let (_, none) = ask(&core, &review_cmd(&ada)).await;
    assert!(
        text(&none).contains("no review cards yet"),
        "{}",
        text(&none)
    );
    // All right: every card is due together, FSRS's Good interval ahead.
    play(&core, &ada, |_| true).await;
    let n = questions(&core).len();
    let days = (dues(&pool).await[0].1 - t0()).num_days();
    let (_, r) = ask(&core, &review_cmd(&ada)).await;
    assert!(
        text(&r).contains(&format!(
            "Your next review is due in {days} days: {n} cards"
        )),
        "{}",
        text(&r)
    );
    let (_, p) = ask(&core, &ada.command("progress", vec![])).await;
    assert!(text(&p).contains("Reviews due now: **0**"), "{}", text(&p));
    clock.advance(Duration::days(days));
    let (_, p) = ask(&core, &ada.command("progress", vec![])).await;
    assert!(
        text(&p).contains(&format!("Reviews due now: **{n}**")),
        "{}",
        text(&p)
    );
}

/// Activity at these moments (UTC), as review log entries.
async fn active_at(pool: &PgPool, learner: u64, moments: &[DateTime<Utc>]) {
    sqlx::query("INSERT INTO learners (id) VALUES ($1) ON CONFLICT DO NOTHING")
        .bind(learner as i64)
        .execute(pool)
        .await
        .unwrap();
    for at in moments {
        sqlx::query(
            "INSERT INTO review_log (learner_id, lesson_id, question_id, rating, state,
                                     elapsed_days, scheduled_days, due, reviewed_at, source)
             VALUES ($1, 'async', 'q', 3, 2, 1, 1, $2, $2, 'review')",
        )
        .bind(learner as i64)
        .bind(at)
        .execute(pool)
        .await
        .unwrap();
    }
}

#[sqlx::test]
async fn streaks_count_days_in_the_learners_time_zone_across_a_daylight_saving_change(
    pool: PgPool,
) {
    let store = tutorbot::store::Store::from_pool(pool.clone());
    let utc = |d, h, m| Utc.with_ymd_and_hms(2026, 3, d, h, m, 0).unwrap();
    let date = |d| chrono::NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
    // Berlin moves from UTC+1 to UTC+2 at 01:00 UTC on 29 March 2026.
    // 28th 12:00 UTC is the 28th in Berlin; 29th 22:30 UTC is 00:30 on the
    // 30th there (it would be 23:30 on the 29th without the change); 30th
    // 22:30 UTC is the 31st.
    active_at(
        &pool,
        1,
        &[utc(28, 12, 0), utc(29, 22, 30), utc(30, 22, 30)],
    )
    .await;
    let streak = |tz: &'static str, today| {
        let store = store.clone();
        async move { store.streak(1, tz, today).await.unwrap() }
    };
    let berlin = streak("Europe/Berlin", date(31)).await;
    assert_eq!((berlin.current, berlin.longest), (2, 2));
    // The same moments in UTC are three days in a row.
    let in_utc = streak("UTC", date(30)).await;
    assert_eq!((in_utc.current, in_utc.longest), (3, 3));
    // New York (UTC-4 by then): the 28th, 29th and 30th.
    let ny = streak("America/New_York", date(30)).await;
    assert_eq!((ny.current, ny.longest), (3, 3));
    // Today not yet active keeps yesterday's streak; a missed day ends it.
    let later = store
        .streak(
            1,
            "Europe/Berlin",
            chrono::NaiveDate::from_ymd_opt(2026, 4, 2).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!((later.current, later.longest), (0, 2));
    let next_day = store
        .streak(
            1,
            "Europe/Berlin",
            chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(next_day.current, 2);
}

#[sqlx::test]
async fn progress_shows_the_streak_in_the_zone_set_with_remind(pool: PgPool) {
    let clock = ManualWallClock::at(Utc.with_ymd_and_hms(2026, 3, 31, 8, 0, 0).unwrap());
    let core = core_at(pool.clone(), &clock);
    let ada = Learner::new("ada");
    let utc = |d, h, m| Utc.with_ymd_and_hms(2026, 3, d, h, m, 0).unwrap();
    active_at(
        &pool,
        ada.id(),
        &[utc(28, 12, 0), utc(29, 22, 30), utc(30, 22, 30)],
    )
    .await;
    let (_, p) = ask(&core, &ada.command("progress", vec![])).await;
    // In UTC until set: the 28th to the 30th, and today (the 31st) is young.
    assert!(
        text(&p).contains("Streak: **3 days** (longest 3 days)"),
        "{}",
        text(&p)
    );
    let remind = ada.command(
        "remind",
        vec![json!({"name": "on", "type": 1, "options": [
            {"name": "at", "type": 3, "value": "07:30"},
            {"name": "timezone", "type": 3, "value": "Europe/Berlin"},
        ]})],
    );
    let (_, r) = ask(&core, &remind).await;
    assert!(
        text(&r).contains("**07:30** (Europe/Berlin)"),
        "{}",
        text(&r)
    );
    let (_, p) = ask(&core, &ada.command("progress", vec![])).await;
    assert!(
        text(&p).contains("Streak: **2 days** (longest 2 days)"),
        "{}",
        text(&p)
    );
}

#[sqlx::test]
async fn a_time_or_time_zone_that_does_not_exist_is_refused_and_nothing_is_written(pool: PgPool) {
    let clock = ManualWallClock::at(t0());
    let core = core_at(pool.clone(), &clock);
    let ada = Learner::new("ada");
    let remind = |at: &str, tz: &str| {
        ada.command(
            "remind",
            vec![json!({"name": "on", "type": 1, "options": [
                {"name": "at", "type": 3, "value": at},
                {"name": "timezone", "type": 3, "value": tz},
            ]})],
        )
    };
    let (answer, r) = ask(&core, &remind("25:61", "Europe/Berlin")).await;
    assert_eq!(answer.outcome, tutorbot::core::Outcome::Refused);
    assert!(text(&r).contains("`25:61` isn't a time"), "{}", text(&r));
    let (answer, r) = ask(&core, &remind("07:30", "Mars/Olympus_Mons")).await;
    assert_eq!(answer.outcome, tutorbot::core::Outcome::Refused);
    assert!(
        text(&r).contains("`Mars/Olympus_Mons` isn't a time zone"),
        "{}",
        text(&r)
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM reminders").await, 0);
    assert_eq!(count(&pool, "SELECT count(*) FROM learners").await, 0);
}

#[sqlx::test]
async fn my_data_shows_cards_and_the_reminder_and_forget_me_deletes_them(pool: PgPool) {
    let clock = ManualWallClock::at(t0());
    let core = core_at(pool.clone(), &clock);
    let ada = Learner::new("ada");
    play(&core, &ada, |_| true).await;
    let remind = ada.command(
        "remind",
        vec![json!({"name": "on", "type": 1, "options": [
            {"name": "at", "type": 3, "value": "18:05"},
            {"name": "timezone", "type": 3, "value": "Asia/Tokyo"},
        ]})],
    );
    ask(&core, &remind).await;
    let n = questions(&core).len();
    let (_, mine) = ask(&core, &ada.command("my-data", vec![])).await;
    assert!(
        text(&mine).contains(&format!("Review cards ({n})**, with {n} ratings logged")),
        "{}",
        text(&mine)
    );
    assert!(text(&mine).contains("every day at 18:05 (Asia/Tokyo)"));
    ask(&core, &ada.click(&format!("fy:{}", ada.id()))).await;
    for table in ["review_cards", "review_log", "reminders"] {
        assert_eq!(
            count(&pool, &format!("SELECT count(*) FROM {table}")).await,
            0,
            "{table}"
        );
    }
}

/// A rating button's custom id for the card behind review choice `choice`
/// (`ra:owner:lesson:version:question:reps:choice`), as a forger writes it.
fn forged_rating(choice: &str, rating: u8) -> String {
    let mut parts: Vec<&str> = choice.split(':').collect();
    assert_eq!(parts[0], "ra", "a review choice: {choice}");
    parts[0] = "rr";
    let rating = rating.to_string();
    parts[6] = &rating;
    parts.join(":")
}

async fn review_ratings(pool: &PgPool) -> Vec<i16> {
    sqlx::query_scalar("SELECT rating FROM review_log WHERE source = 'review' ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn a_rating_is_saved_only_after_a_right_answer_and_only_once(pool: PgPool) {
    let clock = ManualWallClock::at(t0());
    let core = core_at(pool.clone(), &clock);
    let ada = Learner::new("ada");
    let r = due_review(&core, &clock, &ada).await;
    let before = dues(&pool).await;
    let stale = "This question changed since I showed it";

    // "Easy" forged for the card on screen, never answered: refused.
    let right = choice(&core, &r, true);
    let (answer, shown) = ask(&core, &ada.click(&forged_rating(&right, 4))).await;
    assert_eq!(answer.outcome, tutorbot::core::Outcome::Refused);
    assert!(text(&shown).contains(stale), "{}", text(&shown));
    assert_eq!(dues(&pool).await, before);
    assert!(review_ratings(&pool).await.is_empty());

    // A wrong answer is Again; "Easy" forged at the card's new reps is
    // still no right answer.
    ask(&core, &ada.click(&choice(&core, &r, false))).await;
    assert_eq!(review_ratings(&pool).await, vec![1]);
    let next = ask(&core, &review_cmd(&ada)).await.1;
    let mut parts: Vec<String> = right.split(':').map(str::to_string).collect();
    parts[5] = (parts[5].parse::<i32>().unwrap() + 1).to_string();
    let after_again = forged_rating(&parts.join(":"), 4);
    let (answer, shown) = ask(&core, &ada.click(&after_again)).await;
    assert_eq!(answer.outcome, tutorbot::core::Outcome::Refused);
    assert!(text(&shown).contains(stale), "{}", text(&shown));
    assert_eq!(review_ratings(&pool).await, vec![1]);

    // The right answer, then Good: saved. Easy on the same buttons, or
    // forged for the card's reps after Good, adds nothing.
    let rate = ask(&core, &ada.click(&choice(&core, &next, true))).await.1;
    let good = button(&rate, "Good");
    ask(&core, &ada.click(&good)).await;
    assert_eq!(review_ratings(&pool).await, vec![1, 3]);
    let (_, shown) = ask(&core, &ada.click(&button(&rate, "Easy"))).await;
    assert!(
        text(&shown).contains("That one was already counted"),
        "{}",
        text(&shown)
    );
    let mut parts: Vec<String> = good.split(':').map(str::to_string).collect();
    parts[5] = (parts[5].parse::<i32>().unwrap() + 1).to_string();
    parts[6] = "4".into();
    let (answer, shown) = ask(&core, &ada.click(&parts.join(":"))).await;
    assert_eq!(answer.outcome, tutorbot::core::Outcome::Refused);
    assert!(text(&shown).contains(stale), "{}", text(&shown));
    assert_eq!(review_ratings(&pool).await, vec![1, 3]);
    let pending: i64 = count(
        &pool,
        "SELECT count(*) FROM review_cards WHERE answered_at_reps IS NOT NULL",
    )
    .await;
    assert_eq!(pending, 0, "a saved rating clears the right answer it used");
}

#[sqlx::test]
async fn the_store_refuses_a_rating_without_a_recorded_right_answer(pool: PgPool) {
    let clock = ManualWallClock::at(t0());
    let core = core_at(pool.clone(), &clock);
    let ada = Learner::new("ada");
    play(&core, &ada, |_| true).await;
    let store = tutorbot::store::Store::from_pool(pool.clone());
    let q = questions(&core)[0].id.clone();
    let card = store
        .review_card(ada.id(), tutorbot::content::LessonKey::built_in(LESSON), &q)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(card.answered_at_reps, None);
    let reps = card.card.reps;
    let now = t0() + Duration::days(60);
    let rated = |rating| {
        let (next, log) = tutorbot::core::spaced::rate(&card.card, now, rating);
        (
            tutorbot::store::ReviewCard {
                card: next,
                answered_at_reps: None,
                ..card.clone()
            },
            log,
        )
    };
    let (easy, log) = rated(Rating::Easy);
    let write = store
        .save_review(9_001, ada.id(), &easy, reps, &log)
        .await
        .unwrap();
    assert_eq!(write, tutorbot::store::ReviewWrite::Moved);
    assert!(review_ratings(&pool).await.is_empty());

    // Recorded, one rating is taken; another for the same reps is not, and
    // an answer recorded for reps the card is not at is refused.
    assert!(store
        .record_right_answer(
            ada.id(),
            tutorbot::content::LessonKey::built_in(LESSON),
            &q,
            reps
        )
        .await
        .unwrap());
    assert!(!store
        .record_right_answer(
            ada.id(),
            tutorbot::content::LessonKey::built_in(LESSON),
            &q,
            reps + 1
        )
        .await
        .unwrap());
    let write = store
        .save_review(9_002, ada.id(), &easy, reps, &log)
        .await
        .unwrap();
    assert_eq!(write, tutorbot::store::ReviewWrite::Applied);
    let (hard, log) = rated(Rating::Hard);
    let write = store
        .save_review(9_003, ada.id(), &hard, reps, &log)
        .await
        .unwrap();
    assert_eq!(write, tutorbot::store::ReviewWrite::Moved);
    assert_eq!(review_ratings(&pool).await, vec![4]);
}

//! Learner scenarios written once and run through every door: the console,
//! the gateway (the real serenity client on the fake Discord) and the HTTP
//! endpoint (`tutorbot http` as a process, signed POSTs).
//!
//! Each scenario is a generic `async fn` over [`Door`]; the
//! `through_every_door!` list at the end makes one test per scenario and
//! door, named `scenarios::<door>::<scenario>`. What only one door can show
//! (metrics, exact callbacks, the terminal's own messages) stays in that
//! door's module.

use sqlx::PgPool;
use tutorbot::content::Lesson;
use tutorbot_testkit::door::{Button, ConsoleDoor, Door, GatewayDoor, HttpDoor, Mark, Seen};

use crate::support;

fn lesson(id: &str) -> Lesson {
    support::catalog()
        .lesson(id)
        .unwrap_or_else(|| panic!("the shipped lesson {id}"))
        .clone()
}

/// A learner's stored ticks, every learner together (objective ids, sorted).
async fn stored_ticks(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar("SELECT objective_id FROM checklist_marks WHERE ticked ORDER BY 1")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// An answer only the learner sees, where the door can tell.
fn assert_private<D: Door>(seen: &Seen) {
    assert_ne!(seen.ephemeral, Some(false), "{}: {seen:#?}", D::NAME);
}

/// A click that changed the message it was on, where the door can tell.
fn assert_in_place<D: Door>(seen: &Seen) {
    assert_ne!(seen.in_place, Some(false), "{}: {seen:#?}", D::NAME);
}

/// The tick button of objective `n` (from 1): Discord labels it with its
/// state's mark and number (`⬜ 1`, `✅ 1`), the console with the number
/// only (its checklist lists each objective once, above the buttons).
/// Panics with what was shown if there is none.
fn tick_button(seen: &Seen, n: usize) -> Button {
    let number = n.to_string();
    seen.buttons
        .iter()
        .find(|b| b.label == number || b.label.ends_with(&format!(" {number}")))
        .unwrap_or_else(|| panic!("no tick button {n} in {seen:#?}"))
        .clone()
}

/// The letter of the choice whose text is `choice`: the question lists its
/// choices lettered (`**B.** text`) and its buttons carry the letters.
fn letter_of(seen: &Seen, choice: &str) -> String {
    seen.text
        .lines()
        .find_map(|l| {
            let (letter, text) = l.strip_prefix("**")?.split_once(".** ")?;
            (text == choice).then(|| letter.to_string())
        })
        .unwrap_or_else(|| panic!("no choice {choice:?} in {seen:#?}"))
}

/// Clicks the tick button of objective `n` on the last message.
async fn click_tick<D: Door>(door: &mut D, seen: &Seen, n: usize) -> Seen {
    door.click(&tick_button(seen, n).label).await
}

async fn open_checklist<D: Door>(door: &mut D, lesson: &str) -> Seen {
    let texts = support::catalog().texts;
    door.command("lesson", &[("lesson", lesson)]).await;
    door.click(texts.button_checklist.as_str()).await
}

async fn opening_a_lesson_shows_its_first_page_and_every_section_to_jump_to<D: Door>(pool: PgPool) {
    let lesson = lesson("async");
    let texts = support::catalog().texts;
    let mut door = D::open(&pool, "ada").await;
    let seen = door.command("lesson", &[("lesson", "async")]).await;
    assert_private::<D>(&seen);
    assert!(seen.shows(&lesson.title), "{seen:#?}");
    assert!(seen.shows(&lesson.sections[0].title), "{seen:#?}");
    assert!(seen.shows(&lesson.sections[0].pages()[0]), "{seen:#?}");
    // "Jump to section…" offers every section; Prev is greyed out.
    for s in &lesson.sections {
        assert!(seen.button(&s.title).is_some(), "no way to {}", s.id);
    }
    let prev = seen.button(texts.button_prev.as_str()).unwrap();
    assert_eq!(prev.mark, Mark::Disabled, "{seen:#?}");
    assert!(seen.button(texts.button_checklist.as_str()).is_some());
    door.close().await;
}

async fn a_section_picked_from_the_menu_shows_in_place<D: Door>(pool: PgPool) {
    let lesson = lesson("async");
    let texts = support::catalog().texts;
    let mut door = D::open(&pool, "ada").await;
    door.command("lesson", &[("lesson", "async")]).await;
    let seen = door.click(&lesson.sections[2].title).await;
    assert_in_place::<D>(&seen);
    assert!(seen.shows(&lesson.sections[2].title), "{seen:#?}");
    assert!(seen.shows(&lesson.sections[2].pages()[0]), "{seen:#?}");
    // Past the first page nothing is greyed out; Prev goes back.
    let greyed = seen.buttons.iter().filter(|b| b.mark == Mark::Disabled);
    assert_eq!(greyed.count(), 0, "{seen:#?}");
    let back = door.click(texts.button_prev.as_str()).await;
    let before = lesson.sections[1].pages();
    assert!(back.shows(before.last().unwrap()), "{back:#?}");
    door.close().await;
}

async fn the_checklist_lists_every_objective_open<D: Door>(pool: PgPool) {
    let lesson = lesson("async");
    let texts = support::catalog().texts;
    let mut door = D::open(&pool, "ada").await;
    let seen = open_checklist(&mut door, "async").await;
    assert_in_place::<D>(&seen);
    assert!(seen.shows(texts.checklist_title.as_str()), "{seen:#?}");
    for (i, o) in lesson.objectives.iter().enumerate() {
        let line = texts
            .objective_open
            .fill(&[("number", &(i + 1)), ("text", &o.text)]);
        assert!(seen.shows(&line), "{line} in {seen:#?}");
        let b = tick_button(&seen, i + 1);
        assert_eq!(b.mark, Mark::Plain, "{b:?}");
    }
    assert!(stored_ticks(&pool).await.is_empty());
    door.close().await;
}

async fn ticking_objectives_turns_them_green_and_completing_all_says_so<D: Door>(pool: PgPool) {
    let lesson = lesson("python-setup");
    let texts = support::catalog().texts;
    let complete = texts.checklist_complete.fill(&[("lesson", &lesson.title)]);
    let mut door = D::open(&pool, "ada").await;
    let mut seen = open_checklist(&mut door, "python-setup").await;
    for (i, o) in lesson.objectives.iter().enumerate() {
        assert!(!seen.shows(&complete), "not complete before the last tick");
        let before = tick_button(&seen, i + 1);
        assert_eq!(before.mark, Mark::Plain, "not ticked yet: {seen:#?}");
        seen = click_tick(&mut door, &seen, i + 1).await;
        assert_in_place::<D>(&seen);
        let ticked = texts
            .objective_ticked
            .fill(&[("number", &(i + 1)), ("text", &o.text)]);
        assert!(seen.shows(&ticked), "{ticked} in {seen:#?}");
        let b = tick_button(&seen, i + 1);
        assert_eq!(b.mark, Mark::Success, "a ticked objective is green");
    }
    assert!(seen.shows(&complete), "{seen:#?}");
    let mut all: Vec<_> = lesson.objectives.iter().map(|o| o.id.clone()).collect();
    all.sort();
    assert_eq!(stored_ticks(&pool).await, all);
    door.close().await;
}

async fn ticks_survive_a_restart_of_the_door<D: Door>(pool: PgPool) {
    let lesson = lesson("async");
    let texts = support::catalog().texts;
    let line = |ticked: bool, i: usize| {
        let template = if ticked {
            &texts.objective_ticked
        } else {
            &texts.objective_open
        };
        template.fill(&[("number", &(i + 1)), ("text", &lesson.objectives[i].text)])
    };

    let mut door = D::open(&pool, "ada").await;
    let first = open_checklist(&mut door, "async").await;
    assert!(first.shows(&line(false, 0)), "{first:#?}");
    let seen = click_tick(&mut door, &first, 1).await;
    let seen = click_tick(&mut door, &seen, 2).await;
    assert!(seen.shows(&line(true, 1)), "{seen:#?}");

    // A new door: nothing in memory, everything from Postgres.
    door.restart().await;
    let again = open_checklist(&mut door, "async").await;
    assert!(again.shows(&line(true, 0)), "{again:#?}");
    assert!(again.shows(&line(true, 1)), "{again:#?}");
    assert!(again.shows(&line(false, 2)), "{again:#?}");
    let mut want = vec![
        lesson.objectives[0].id.clone(),
        lesson.objectives[1].id.clone(),
    ];
    want.sort();
    assert_eq!(stored_ticks(&pool).await, want);
    door.close().await;

    // Another learner is another learner.
    let mut bob = D::open(&pool, "bob").await;
    let theirs = open_checklist(&mut bob, "async").await;
    assert!(theirs.shows(&line(false, 0)), "{theirs:#?}");
    bob.close().await;
}

async fn a_quiz_played_all_right_scores_every_answer<D: Door>(pool: PgPool) {
    let lesson = lesson("python-setup");
    let quiz = lesson.quiz.clone().expect("python-setup has a quiz");
    let texts = support::catalog().texts;
    let count = quiz.questions.len();
    let mut door = D::open(&pool, "ada").await;
    let mut seen = door.command("quiz", &[("lesson", "python-setup")]).await;
    assert_private::<D>(&seen);
    for (i, question) in quiz.questions.iter().enumerate() {
        let title = format!("Question {} of {count}", i + 1);
        assert!(seen.shows(&title), "{title} in {seen:#?}");
        let letter = letter_of(&seen, &question.right_choice().text);
        seen = door.click(&letter).await;
        assert_in_place::<D>(&seen);
        assert!(seen.shows("Right!"), "{seen:#?}");
        let next = if seen.button(texts.button_next.as_str()).is_some() {
            texts.button_next.as_str()
        } else {
            texts.button_results.as_str()
        };
        seen = door.click(next).await;
        assert_in_place::<D>(&seen);
    }
    assert!(seen.shows("Your quiz results"), "{seen:#?}");
    assert!(
        seen.shows(&format!("You got {count} of {count} right")),
        "{seen:#?}"
    );
    let right: i64 = sqlx::query_scalar("SELECT count(*) FROM quiz_answers WHERE correct")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(right, count as i64);
    door.close().await;
}

async fn a_due_review_is_answered_rated_and_scheduled_in_days<D: Door>(pool: PgPool) {
    let lesson = lesson("python-setup");
    let quiz = lesson.quiz.clone().expect("python-setup has a quiz");
    let rt = support::catalog().review_texts;
    let mut door = D::open(&pool, "ada").await;
    let seen = door.command("review", &[]).await;
    assert!(seen.shows("no review cards yet"), "{seen:#?}");
    // The first answer to a question makes it a card, due days from now.
    let q = &quiz.questions[0];
    let seen = door.command("quiz", &[("lesson", "python-setup")]).await;
    let seen = door.click(&letter_of(&seen, &q.right_choice().text)).await;
    assert!(seen.shows("Right!"), "{seen:#?}");
    let seen = door.command("review", &[]).await;
    assert!(seen.shows("Your next review is due in "), "{seen:#?}");
    // Make it due already.
    sqlx::query("UPDATE review_cards SET due = now() - interval '1 hour' WHERE question_id = $1")
        .bind(&q.id)
        .execute(&pool)
        .await
        .unwrap();
    let seen = door.command("review", &[]).await;
    assert_private::<D>(&seen);
    assert!(seen.shows(&q.prompt), "{seen:#?}");
    assert!(seen.shows("1 due now"), "{seen:#?}");
    let seen = door.click(&letter_of(&seen, &q.right_choice().text)).await;
    assert_in_place::<D>(&seen);
    assert!(seen.shows("How hard was it to remember?"), "{seen:#?}");
    let seen = door.click(rt.button_good.as_str()).await;
    assert_in_place::<D>(&seen);
    assert!(seen.shows("Next review of this one: **in "), "{seen:#?}");
    assert!(seen.shows(" days**"), "{seen:#?}");
    let seen = door.click(rt.button_next_card.as_str()).await;
    assert!(seen.shows("Nothing to review right now"), "{seen:#?}");
    let reviews: i64 =
        sqlx::query_scalar("SELECT count(*) FROM review_log WHERE source = 'review'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(reviews, 1);
    door.close().await;
}

/// One `#[sqlx::test]` per scenario in each door's module.
macro_rules! through_every_door {
    ($($scenario:ident),* $(,)?) => {
        through_every_door!(@door console, ConsoleDoor, $($scenario),*);
        through_every_door!(@door gateway, GatewayDoor, $($scenario),*);
        through_every_door!(@door http, HttpDoor, $($scenario),*);
    };
    (@door $door:ident, $driver:ty, $($scenario:ident),*) => {
        mod $door {
            use super::*;
            $(
                #[sqlx::test]
                async fn $scenario(pool: PgPool) {
                    super::$scenario::<$driver>(pool).await;
                }
            )*
        }
    };
}

through_every_door!(
    opening_a_lesson_shows_its_first_page_and_every_section_to_jump_to,
    a_section_picked_from_the_menu_shows_in_place,
    the_checklist_lists_every_objective_open,
    ticking_objectives_turns_them_green_and_completing_all_says_so,
    ticks_survive_a_restart_of_the_door,
    a_quiz_played_all_right_scores_every_answer,
    a_due_review_is_answered_rated_and_scheduled_in_days,
);

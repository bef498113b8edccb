//! Quizzes through the core, on real Postgres: scoring, idempotence,
//! ownership, stale buttons, tick offers and statistics.

use crate::support;

use std::sync::Arc;

use serde_json::{json, Value};
use sqlx::PgPool;
use support::*;
use tutorbot::content::Catalog;
use tutorbot::core::{Core, Outcome};
use tutorbot::store::Store;

fn quiz_cmd(learner: &Learner, lesson: &str) -> serenity::all::Interaction {
    learner.command(
        "quiz",
        vec![json!({"name": "lesson", "type": 3, "value": lesson})],
    )
}

/// The question index a question view shows ("Question 3 of 8" → 2).
fn question_index(r: &Value) -> usize {
    let title = r["data"]["embeds"][0]["title"]
        .as_str()
        .expect("a question view");
    let n: usize = title.split_whitespace().nth(1).unwrap().parse().unwrap();
    n - 1
}

/// Clicks the right (or a wrong) choice of the question on screen.
async fn answer(core: &Core, who: &Learner, r: &Value, lesson: &str, right: bool) -> Value {
    let q = &core
        .catalog
        .lesson(lesson)
        .unwrap()
        .quiz
        .as_ref()
        .unwrap()
        .questions[question_index(r)];
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
    ask(core, &who.click(&choice_button(r, &want))).await.1
}

/// Answers every question (right or wrong per `right`) and returns the results view.
async fn play(core: &Core, who: &Learner, lesson: &str, right: impl Fn(usize) -> bool) -> Value {
    let (_, mut r) = ask(core, &quiz_cmd(who, lesson)).await;
    loop {
        let i = question_index(&r);
        let fb = answer(core, who, &r, lesson, right(i)).await;
        let next = buttons(&fb)
            .into_iter()
            .find(|b| b.0.starts_with("qn:"))
            .expect("a next button")
            .0;
        r = ask(core, &who.click(&next)).await.1;
        if r["data"]["embeds"][0]["title"] == "Your quiz results" {
            return r;
        }
    }
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[sqlx::test]
async fn a_full_attempt_scores_every_answer_and_names_what_to_read_again(pool: PgPool) {
    let core = core(pool.clone());
    let ada = Learner::new("ada");
    let quiz = core
        .catalog
        .lesson("python-setup")
        .unwrap()
        .quiz
        .clone()
        .unwrap();
    // Wrong on the first question only.
    let r = play(&core, &ada, "python-setup", |i| i != 0).await;
    let shown = text(&r);
    assert!(
        shown.contains(&format!(
            "You got {} of {} right",
            quiz.questions.len() - 1,
            quiz.questions.len()
        )),
        "{shown}"
    );
    let missed = core.catalog.lesson("python-setup").unwrap();
    let objective = missed.objective(&quiz.questions[0].objective).unwrap();
    let section = missed.section(&objective.section).unwrap();
    // A button opens the section to read again.
    let again = button(&r, &section.title);
    assert!(again.starts_with("sec:"), "{again}");
    assert_eq!(
        count(&pool, "SELECT count(*) FROM quiz_answers").await,
        quiz.questions.len() as i64
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM quiz_attempts WHERE finished_at IS NOT NULL"
        )
        .await,
        1
    );

    let (_, p) = ask(&core, &ada.command("progress", vec![])).await;
    assert!(
        text(&p).contains(&format!(
            "best quiz score {}/{}",
            quiz.questions.len() - 1,
            quiz.questions.len()
        )),
        "{}",
        text(&p)
    );
}

#[sqlx::test]
async fn feedback_explains_a_wrong_choice_and_shows_the_right_answer(pool: PgPool) {
    let core = core(pool);
    let ada = Learner::new("ada");
    let (_, r) = ask(&core, &quiz_cmd(&ada, "async")).await;
    let q = core
        .catalog
        .lesson("async")
        .unwrap()
        .quiz
        .as_ref()
        .unwrap()
        .questions[question_index(&r)]
    .clone();
    let fb = answer(&core, &ada, &r, "async", false).await;
    let shown = text(&fb);
    let wrong = q.choices.iter().find(|c| c.id != q.answer).unwrap();
    assert!(
        shown.contains(wrong.why_wrong.as_deref().unwrap()),
        "{shown}"
    );
    assert!(shown.contains(&q.right_choice().text), "{shown}");
    assert!(shown.contains(&q.explanation), "{shown}");
    assert_eq!(fb["type"], 7, "answered in place");
}

#[sqlx::test]
async fn an_answer_clicked_twice_or_concurrently_counts_once(pool: PgPool) {
    let core = core(pool.clone());
    let ada = Learner::new("ada");
    let (_, r) = ask(&core, &quiz_cmd(&ada, "async")).await;
    let q = core
        .catalog
        .lesson("async")
        .unwrap()
        .quiz
        .as_ref()
        .unwrap()
        .questions[question_index(&r)]
    .clone();
    let ids: Vec<String> = buttons(&r).into_iter().map(|b| b.0).collect();
    let right_id = choice_button(&r, &q.right_choice().text);

    // A wrong click and the right one race; then a retry of the right one.
    let mut tasks = Vec::new();
    for id in ids.iter().chain([&right_id, &right_id]) {
        let (core, click) = (core.clone(), ada.click(id));
        tasks.push(tokio::spawn(async move { ask(&core, &click).await }));
    }
    let mut verdicts = Vec::new();
    for t in tasks {
        let (answer, r) = t.await.unwrap();
        assert_eq!(answer.outcome, Outcome::Ok);
        verdicts.push(text(&r).contains("Right!"));
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM quiz_answers").await, 1);
    let stored: bool = sqlx::query_scalar("SELECT correct FROM quiz_answers")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        verdicts.iter().all(|v| *v == stored),
        "every click reports the one answer that counts"
    );
}

/// Issue 11, finding 7: attempt ids are sequential, and "this quiz belongs
/// to someone else" against "I don't recognise that button" told a
/// stranger which ids exist. An attempt that is someone else's and one that
/// does not exist now get the very same answer.
#[sqlx::test]
async fn a_foreign_attempt_and_a_missing_one_are_answered_alike(pool: PgPool) {
    use tutorbot::core::{Action, ButtonId};
    let core = core(pool.clone());
    let (ada, bob) = (Learner::new("ada"), Learner::new("bob"));
    let (_, r) = ask(&core, &quiz_cmd(&ada, "async")).await;
    let adas = ButtonId::parse(&buttons(&r)[0].0).unwrap();
    let forged = |attempt: i64| {
        let Action::QuizAnswer {
            version,
            question,
            choice,
            ..
        } = adas.action.clone()
        else {
            panic!("a quiz answer button");
        };
        ButtonId::new(
            bob.id(),
            Action::QuizAnswer {
                attempt,
                version,
                question,
                choice,
            },
        )
        .encode()
    };
    let Action::QuizAnswer { attempt, .. } = adas.action else {
        unreachable!()
    };
    let (foreign, foreign_view) = ask(&core, &bob.click(&forged(attempt))).await;
    let (missing, missing_view) = ask(&core, &bob.click(&forged(attempt + 1000))).await;
    assert_eq!(foreign.outcome, Outcome::Refused);
    assert_eq!(missing.outcome, Outcome::Refused);
    assert_eq!(foreign_view, missing_view, "nothing tells the two apart");
    assert_eq!(count(&pool, "SELECT count(*) FROM quiz_answers").await, 0);
}

#[sqlx::test]
async fn another_learners_click_is_refused_with_a_button_to_start_their_own(pool: PgPool) {
    let core = core(pool.clone());
    let (ada, bob) = (Learner::new("ada"), Learner::new("bob"));
    let (_, r) = ask(&core, &quiz_cmd(&ada, "async")).await;
    let adas = buttons(&r)[0].0.clone();
    let (answer, r) = ask(&core, &bob.click(&adas)).await;
    assert_eq!(answer.outcome, Outcome::Refused);
    assert!(is_ephemeral(&r));
    let own = button(&r, "Start my own quiz");
    assert!(own.contains(&bob.id().to_string()));
    assert_eq!(count(&pool, "SELECT count(*) FROM quiz_answers").await, 0);
    // Bob's own start gives him his own attempt.
    let (answer, _) = ask(&core, &bob.click(&own)).await;
    assert_eq!(answer.outcome, Outcome::Ok);
    assert_eq!(
        count(
            &pool,
            "SELECT count(DISTINCT learner_id) FROM quiz_attempts"
        )
        .await,
        2
    );
}

#[sqlx::test]
async fn a_quiz_resumes_at_the_first_unanswered_question(pool: PgPool) {
    let core = core(pool.clone());
    let ada = Learner::new("ada");
    let (_, r) = ask(&core, &quiz_cmd(&ada, "async")).await;
    assert_eq!(question_index(&r), 0);
    answer(&core, &ada, &r, "async", true).await;
    // A different core (another instance, or after a restart) on the same database.
    let other = support::core(pool.clone());
    let (_, r) = ask(&other, &quiz_cmd(&ada, "async")).await;
    assert_eq!(question_index(&r), 1);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM quiz_attempts").await,
        1,
        "resumed, not restarted"
    );
}

#[sqlx::test]
async fn a_button_drawn_before_the_quiz_file_changed_is_never_scored(pool: PgPool) {
    let core = core(pool.clone());
    let ada = Learner::new("ada");
    let (_, r) = ask(&core, &quiz_cmd(&ada, "async")).await;
    let old_button = buttons(&r)[0].0.clone();

    // The author edits the quiz; the bot restarts with the new content.
    let dir = tempfile::tempdir().unwrap();
    let copy = |from: &std::path::Path, to: &std::path::Path| {
        std::process::Command::new("cp")
            .arg("-r")
            .arg(from)
            .arg(to)
            .status()
            .unwrap()
    };
    assert!(copy(support::prompts_dir(), &dir.path().join("prompts")).success());
    let quiz_path = dir.path().join("prompts/async/quiz.toml");
    let edited = std::fs::read_to_string(&quiz_path).unwrap().replacen(
        "prompt = \"",
        "prompt = \"(Revised) ",
        1,
    );
    std::fs::write(&quiz_path, edited).unwrap();
    let catalog = Catalog::load(&dir.path().join("prompts")).unwrap();
    let new_core = Core::new(Arc::new(catalog), Store::from_pool(pool.clone()));

    let (answer, r) = ask(&new_core, &ada.click(&old_button)).await;
    assert_eq!(answer.outcome, Outcome::Refused);
    assert!(text(&r).contains("has changed"), "{}", text(&r));
    assert_eq!(
        count(&pool, "SELECT count(*) FROM quiz_answers").await,
        0,
        "never scored"
    );

    // The fresh start abandons the old attempt and begins on the new quiz.
    let (answer, r) = ask(&new_core, &ada.click(&button(&r, "Start again"))).await;
    assert_eq!(answer.outcome, Outcome::Ok);
    assert!(text(&r).contains("(Revised)"), "{}", text(&r));
    assert_eq!(
        count(&pool, "SELECT count(*) FROM quiz_attempts WHERE abandoned").await,
        1
    );
}

#[sqlx::test]
async fn the_tick_offer_appears_only_for_objectives_answered_all_right(pool: PgPool) {
    let core = core(pool.clone());
    let ada = Learner::new("ada");
    let lesson = core.catalog.lesson("python-setup").unwrap().clone();
    let quiz = lesson.quiz.clone().unwrap();
    let missed_objective = quiz.questions[0].objective.clone();
    let r = play(&core, &ada, "python-setup", |i| i != 0).await;
    let offers: Vec<String> = buttons(&r)
        .into_iter()
        .filter(|b| b.0.starts_with("qt:"))
        .map(|b| b.0)
        .collect();
    for o in &lesson.objectives {
        let offered = offers.iter().any(|id| id.ends_with(&format!(":{}", o.id)));
        assert_eq!(offered, o.id != missed_objective, "objective {}", o.id);
    }
    // Taking an offer ticks it on the checklist.
    let (answer, _) = ask(&core, &ada.click(&offers[0])).await;
    assert_eq!(answer.outcome, Outcome::Ok);
    assert_eq!(
        core.store
            .ticked(
                ada.id(),
                tutorbot::content::LessonKey::built_in("python-setup")
            )
            .await
            .unwrap()
            .len(),
        1
    );

    // A forged offer for the missed objective is refused.
    let forged = format!(
        "qt:{}:python-setup:{}:{missed_objective}",
        ada.id(),
        lesson.version
    );
    let (answer, _) = ask(&core, &ada.click(&forged)).await;
    assert_eq!(answer.outcome, Outcome::Refused);
    assert!(!core
        .store
        .ticked(
            ada.id(),
            tutorbot::content::LessonKey::built_in("python-setup")
        )
        .await
        .unwrap()
        .contains(&missed_objective));
}

#[sqlx::test]
async fn quiz_stats_count_each_question_over_several_learners_for_managers_only(pool: PgPool) {
    let core = core(pool.clone());
    let quiz = core
        .catalog
        .lesson("python-setup")
        .unwrap()
        .quiz
        .clone()
        .unwrap();
    // The console's learners have no guild; give these attempts one.
    for (name, wrong_first) in [("a", true), ("b", true), ("c", false)] {
        play(&core, &Learner::new(name), "python-setup", |i| {
            !(wrong_first && i == 0)
        })
        .await;
    }
    sqlx::query("UPDATE quiz_attempts SET guild_id = 77")
        .execute(&pool)
        .await
        .unwrap();
    let stats = core
        .store
        .quiz_stats(77, tutorbot::content::LessonKey::built_in("python-setup"))
        .await
        .unwrap();
    let first = stats
        .iter()
        .find(|s| s.question_id == quiz.questions[0].id)
        .unwrap();
    assert_eq!((first.takers, first.right), (3, 1));
    assert_eq!(first.top_wrong.as_ref().unwrap().1, 2);
    let second = stats
        .iter()
        .find(|s| s.question_id == quiz.questions[1].id)
        .unwrap();
    assert_eq!(
        (second.takers, second.right, second.top_wrong.clone()),
        (3, 3, None)
    );
    assert!(
        core.store
            .quiz_stats(78, tutorbot::content::LessonKey::built_in("python-setup"))
            .await
            .unwrap()
            .is_empty(),
        "other servers see nothing"
    );

    // Through the core: in a guild, with and without Manage Server.
    let teacher = guild_command("quiz-stats", "python-setup", "32");
    let (answer, r) = ask(&core, &teacher).await;
    assert_eq!(answer.outcome, Outcome::Ok, "{r:#}");
    assert!(text(&r).contains("3 answered · 33% right"), "{}", text(&r));
    let student = guild_command("quiz-stats", "python-setup", "0");
    let (answer, _) = ask(&core, &student).await;
    assert_eq!(answer.outcome, Outcome::Refused);
}

/// A guild command from a member with the given permission bits.
fn guild_command(name: &str, lesson: &str, permissions: &str) -> serenity::all::Interaction {
    serde_json::from_value(json!({
        "id": "900", "application_id": "901", "type": 2, "token": "t", "version": 1,
        "guild_id": "77", "channel_id": "902", "locale": "en-US", "entitlements": [],
        "attachment_size_limit": 8388608, "app_permissions": "0",
        "member": {
            "user": {"id": "903", "username": "teacher", "discriminator": "0", "avatar": null},
            "roles": [], "joined_at": "2026-01-01T00:00:00+00:00", "deaf": false, "mute": false,
            "flags": 0, "permissions": permissions
        },
        "data": {"id": "904", "name": name, "type": 1, "options": [{"name": "lesson", "type": 3, "value": lesson}]}
    }))
    .expect("a valid guild command payload")
}

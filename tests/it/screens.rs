//! The screens a learner sees, through the real core on real Postgres:
//! lesson pages that fit (at most three rows, 1,500 characters, no code line
//! over 56), short labels never cut, the checklist, lettered quizzes with a
//! green or red bar, the results' tick offers, and a next step on every
//! screen (help, progress, refusals).

use crate::support;

use serde_json::{json, Value};
use sqlx::PgPool;
use support::*;
use tutorbot::content::pages::CODE_LINE_MAX;
use tutorbot::core::{limits, Core, Outcome};

const PAGE_DESCRIPTION_MAX: usize = 1500;
const GREEN: u64 = 0x57F287;
const RED: u64 = 0xED4245;

fn rows(r: &Value) -> Vec<Value> {
    r["data"]["components"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn description(r: &Value) -> String {
    r["data"]["embeds"][0]["description"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Every label on screen: buttons' and select options' (a placeholder such
/// as "Jump to section…" ends with an ellipsis by design, and is no label).
fn labels(r: &Value) -> Vec<String> {
    buttons(r).into_iter().map(|b| b.1).collect()
}

/// Checks one lesson page against every rule of a page.
fn assert_fits(r: &Value) {
    assert!(limits::check(r).is_empty(), "{:?}", limits::check(r));
    assert!(rows(r).len() <= 3, "{} rows: {r:#}", rows(r).len());
    let d = description(r);
    assert!(
        d.chars().count() <= PAGE_DESCRIPTION_MAX,
        "{} characters:\n{d}",
        d.chars().count()
    );
    let mut in_code = false;
    for line in d.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if in_code {
            assert!(
                line.chars().count() <= CODE_LINE_MAX,
                "a code line of {} characters: {line}",
                line.chars().count()
            );
        }
    }
    for label in labels(r) {
        assert!(!label.ends_with('…'), "a cut label: {label}");
    }
    // The title once: in the embed's author line, not in the content too.
    assert!(r["data"]["content"].as_str().unwrap_or("").is_empty());
}

fn next_page(r: &Value) -> Option<String> {
    buttons(r)
        .into_iter()
        .find(|(id, label, _)| label.contains("Next") && id.starts_with("sec:"))
        .map(|b| b.0)
}

#[sqlx::test]
async fn every_page_of_every_lesson_fits_a_screen_and_next_walks_them_all_in_order(pool: PgPool) {
    let core = core(pool);
    let ada = Learner::new("ada");
    for lesson in core.catalog.lessons() {
        let (answer, mut r) = ask(&core, &ada.lesson(&lesson.id)).await;
        assert_eq!(answer.outcome, Outcome::Ok);
        let mut seen = Vec::new();
        loop {
            assert_fits(&r);
            seen.push(description(&r));
            let Some(next) = next_page(&r) else { break };
            r = ask(&core, &ada.click(&next)).await.1;
            assert_eq!(r["type"], 7, "a page turns in place");
        }
        let pages: Vec<String> = lesson.sections.iter().flat_map(|s| s.pages()).collect();
        assert_eq!(seen, pages, "{}: every page once, in order", lesson.id);
        // The last page greys Next out.
        assert!(buttons(&r)
            .iter()
            .any(|(id, label, _)| label.contains("Next") && id == "nav:next"));
    }
}

#[sqlx::test]
async fn a_long_section_is_read_in_pages_that_prev_walks_back(pool: PgPool) {
    let core = core(pool);
    let ada = Learner::new("ada");
    let lesson = core.catalog.lesson("async").unwrap();
    let (i, long) = lesson
        .sections
        .iter()
        .enumerate()
        .find(|(i, s)| *i > 0 && s.pages().len() > 1)
        .expect("a section after the first long enough for pages");
    let (_, first) = ask(&core, &ada.lesson("async")).await;
    let jump = button(&first, &long.title);
    let (_, page1) = ask(&core, &ada.click(&jump)).await;
    let title = page1["data"]["embeds"][0]["title"].as_str().unwrap();
    assert!(
        title.contains(&format!("(1/{})", long.pages().len())),
        "{title}"
    );
    let (_, page2) = ask(&core, &ada.click(&next_page(&page1).unwrap())).await;
    assert_eq!(description(&page2), long.pages()[1]);
    let prev = button(&page2, "Prev");
    let (_, back) = ask(&core, &ada.click(&prev)).await;
    assert_eq!(description(&back), long.pages()[0]);
    // Prev on a section's first page goes to the last page of the one before.
    let (_, before) = ask(&core, &ada.click(&button(&back, "Prev"))).await;
    let previous = &lesson.sections[i - 1];
    assert_eq!(
        description(&before),
        *previous.pages().last().unwrap(),
        "{before:#}"
    );
}

#[sqlx::test]
async fn a_pick_in_jump_to_section_opens_that_section_in_place(pool: PgPool) {
    let core = core(pool);
    let ada = Learner::new("ada");
    let lesson = core.catalog.lesson("async").unwrap();
    let (_, first) = ask(&core, &ada.lesson("async")).await;
    let menu = &rows(&first)[0]["components"][0];
    assert_eq!(menu["type"], 3, "the first row is a select menu: {first:#}");
    assert!(menu["placeholder"].as_str().unwrap().starts_with("Jump to"));
    assert_eq!(
        menu["options"].as_array().unwrap().len(),
        lesson.sections.len()
    );
    let custom_id = menu["custom_id"].as_str().unwrap();
    let third = menu["options"][2]["value"].as_str().unwrap();
    let (answer, r) = ask(&core, &ada.pick(custom_id, &[third])).await;
    assert_eq!(answer.outcome, Outcome::Ok);
    assert_eq!(r["type"], 7);
    assert_eq!(
        r["data"]["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .split(" (")
            .next(),
        Some(lesson.sections[2].title.as_str())
    );
    // A pick of nothing, or of two, or of a value that is no button: refused.
    for values in [vec![], vec![third, third], vec!["sec:x"]] {
        let (answer, _) = ask(&core, &ada.pick(custom_id, &values)).await;
        assert_eq!(answer.outcome, Outcome::Refused, "{values:?}");
    }
}

#[sqlx::test]
async fn the_main_row_offers_exercises_only_for_a_lesson_that_has_some(pool: PgPool) {
    let core = core(pool);
    let ada = Learner::new("ada");
    for lesson in core.catalog.lessons() {
        let (_, r) = ask(&core, &ada.lesson(&lesson.id)).await;
        let offered = buttons(&r).iter().any(|b| b.0.starts_with("ex:"));
        assert_eq!(offered, !lesson.exercises.is_empty(), "{}", lesson.id);
        if offered {
            let (answer, ex) = ask(&core, &ada.click(&button(&r, "Exercises"))).await;
            assert_eq!(answer.outcome, Outcome::Ok);
            assert!(text(&ex).contains(&lesson.exercises[0].title), "{ex:#}");
        }
    }
}

#[sqlx::test]
async fn the_checklist_names_each_objective_once_with_numbered_toggles_that_show_their_state(
    pool: PgPool,
) {
    let core = core(pool);
    let ada = Learner::new("ada");
    let lesson = core.catalog.lesson("async").unwrap();
    let (_, first) = ask(&core, &ada.lesson("async")).await;
    let (_, list) = ask(&core, &ada.click(&button(&first, "checklist"))).await;
    let (_, list) = ask(&core, &ada.click(&button(&list, "1"))).await;
    let shown = text(&list);
    for o in &lesson.objectives {
        assert_eq!(shown.matches(o.text.as_str()).count(), 1, "{shown}");
    }
    assert!(shown.contains("a second click unticks"), "{shown}");
    let toggles: Vec<_> = buttons(&list)
        .into_iter()
        .filter(|b| b.0.starts_with("tick:"))
        .collect();
    assert_eq!(toggles.len(), lesson.objectives.len());
    for (i, (_, label, style)) in toggles.iter().enumerate() {
        let ticked = i == 0;
        assert!(label.ends_with(&(i + 1).to_string()), "{label}");
        assert!(label.chars().count() <= 4, "compact: {label}");
        assert_eq!(label.starts_with('✅'), ticked, "{label}");
        assert_eq!(*style, if ticked { 3 } else { 2 }, "{label}");
    }
    assert!(limits::check(&list).is_empty());
}

#[sqlx::test]
async fn a_question_letters_its_choices_and_the_feedback_bar_is_green_when_right_and_red_when_wrong(
    pool: PgPool,
) {
    let core = core(pool);
    let quiz = core.catalog.lesson("async").unwrap().quiz.clone().unwrap();
    for right in [true, false] {
        let ada = Learner::new(if right { "ada" } else { "bob" });
        let (_, q) = ask(&core, &quiz_cmd(&ada, "async")).await;
        let letters: Vec<String> = buttons(&q).into_iter().map(|b| b.1).collect();
        assert_eq!(rows(&q).len(), 1, "one row of letters");
        assert!(
            letters.iter().all(|l| l.len() == 1),
            "short letter labels: {letters:?}"
        );
        let question = quiz
            .questions
            .iter()
            .find(|x| text(&q).contains(&x.prompt))
            .unwrap();
        for c in &question.choices {
            assert!(text(&q).contains(&c.text), "every choice in full");
        }
        let want = if right {
            question.right_choice()
        } else {
            question
                .choices
                .iter()
                .find(|c| c.id != question.answer)
                .unwrap()
        };
        let (_, fb) = ask(&core, &ada.click(&choice_button(&q, &want.text))).await;
        assert_eq!(
            fb["data"]["embeds"][0]["color"],
            json!(if right { GREEN } else { RED }),
            "{fb:#}"
        );
        let answer = &question.right_choice().text;
        assert_eq!(
            text(&fb).matches(answer.as_str()).count(),
            1,
            "the right answer said once: {}",
            text(&fb)
        );
        assert!(limits::check(&fb).is_empty());
        for label in labels(&fb) {
            assert!(!label.ends_with('…'), "{label}");
        }
    }
}

fn quiz_cmd(learner: &Learner, lesson: &str) -> serenity::all::Interaction {
    learner.command(
        "quiz",
        vec![json!({"name": "lesson", "type": 3, "value": lesson})],
    )
}

/// Plays a whole quiz, right on the questions `right` picks; the results.
async fn play(core: &Core, who: &Learner, lesson: &str, right: impl Fn(&str) -> bool) -> Value {
    let quiz = core.catalog.lesson(lesson).unwrap().quiz.clone().unwrap();
    let (_, mut r) = ask(core, &quiz_cmd(who, lesson)).await;
    loop {
        let q = quiz
            .questions
            .iter()
            .find(|q| text(&r).contains(&q.prompt))
            .unwrap_or_else(|| panic!("a question in {r:#}"));
        let c = if right(&q.objective) {
            q.right_choice()
        } else {
            q.choices.iter().find(|c| c.id != q.answer).unwrap()
        };
        let fb = ask(core, &who.click(&choice_button(&r, &c.text))).await.1;
        let next = buttons(&fb)
            .into_iter()
            .find(|b| b.0.starts_with("qn:"))
            .unwrap()
            .0;
        r = ask(core, &who.click(&next)).await.1;
        if text(&r).contains("Your quiz results") {
            return r;
        }
    }
}

#[sqlx::test]
async fn results_offer_one_tick_all_button_that_ticks_every_mastered_objective(pool: PgPool) {
    let core = core(pool.clone());
    let ada = Learner::new("ada");
    let lesson = core.catalog.lesson("python-setup").unwrap();
    let missed = lesson.objectives.last().unwrap().id.clone();
    let r = play(&core, &ada, "python-setup", |o| o != missed).await;
    let n = lesson.objectives.len() - 1;
    assert!(n > 1, "the plural case");
    let all = button(&r, &format!("Tick all {n} on my checklist"));
    let ticks = buttons(&r)
        .into_iter()
        .filter(|b| b.0.starts_with("qt:"))
        .count();
    assert_eq!(ticks, n, "the menu offers each one too");
    // A button to read again the section of the objective missed.
    let section = lesson
        .section(&lesson.objectives.last().unwrap().section)
        .unwrap();
    let again = button(&r, &section.title);
    assert!(again.starts_with("sec:"));
    assert!(rows(&r).len() <= 5 && limits::check(&r).is_empty());
    for label in labels(&r) {
        assert!(!label.ends_with('…'), "{label}");
    }
    // Someone else's click ticks nothing.
    let (answer, _) = ask(&core, &Learner::new("bob").click(&all)).await;
    assert_eq!(answer.outcome, Outcome::Refused);
    let (answer, done) = ask(&core, &ada.click(&all)).await;
    assert_eq!(answer.outcome, Outcome::Ok);
    assert!(text(&done).contains(&n.to_string()), "{}", text(&done));
    let marks = marks(&pool, ada.id()).await;
    assert_eq!(marks.values().filter(|t| **t).count(), n);
    assert!(!marks.contains_key(&missed));
}

#[sqlx::test]
async fn results_say_tick_it_for_a_single_mastered_objective(pool: PgPool) {
    let core = core(pool);
    let ada = Learner::new("ada");
    let lesson = core.catalog.lesson("python-setup").unwrap();
    let only = lesson.objectives[0].id.clone();
    let r = play(&core, &ada, "python-setup", |o| o == only).await;
    assert!(text(&r).contains("one objective"), "{}", text(&r));
    let tick = button(&r, "Tick it on my checklist");
    assert!(tick.starts_with("qt:"));
    assert!(!buttons(&r).iter().any(|b| b.1.contains("Tick all")));
    let (_, done) = ask(&core, &ada.click(&tick)).await;
    assert!(
        buttons(&done).iter().any(|b| b.0.starts_with("chk:")),
        "the way to the checklist: {done:#}"
    );
}

#[sqlx::test]
async fn help_lists_teacher_commands_only_to_members_who_can_manage_the_server(pool: PgPool) {
    let core = core(pool);
    let (_, learner) = ask(&core, &Learner::new("ada").command("help", vec![])).await;
    assert!(
        !text(&learner).contains("/quiz-stats"),
        "{}",
        text(&learner)
    );
    // A button opens each lesson.
    for lesson in core.catalog.lessons() {
        let id = buttons(&learner)
            .into_iter()
            .find(|b| b.0.contains(&format!(":{}:", lesson.id)))
            .unwrap_or_else(|| panic!("no button for {}", lesson.id))
            .0;
        let (answer, _) = ask(&core, &Learner::new("ada").click(&id)).await;
        assert_eq!(answer.outcome, Outcome::Ok);
    }
    for (permissions, teacher) in [("0", false), ("32", true), ("8", true)] {
        let (_, r) = ask(&core, &guild_help(permissions)).await;
        assert_eq!(text(&r).contains("/quiz-stats"), teacher, "{permissions}");
        assert_eq!(
            text(&r).contains("/author upload"),
            teacher,
            "{permissions}"
        );
    }
}

/// `/help` in a server, from a member with the given permission bits.
fn guild_help(permissions: &str) -> serenity::all::Interaction {
    serde_json::from_value(json!({
        "id": "900", "application_id": "901", "type": 2, "token": "t", "version": 1,
        "guild_id": "77", "channel_id": "902", "locale": "en-US", "entitlements": [],
        "attachment_size_limit": 8388608, "app_permissions": "0",
        "member": {
            "user": {"id": "903", "username": "teacher", "discriminator": "0", "avatar": null},
            "roles": [], "joined_at": "2026-01-01T00:00:00+00:00", "deaf": false, "mute": false,
            "flags": 0, "permissions": permissions
        },
        "data": {"id": "904", "name": "help", "type": 1}
    }))
    .expect("a valid guild command payload")
}

#[sqlx::test]
async fn progress_offers_continue_where_the_learner_left_off_and_each_quiz(pool: PgPool) {
    let core = core(pool);
    let ada = Learner::new("ada");
    let lesson = core.catalog.lesson("async").unwrap();
    let (_, first) = ask(&core, &ada.lesson("async")).await;
    let (_, list) = ask(&core, &ada.click(&button(&first, "checklist"))).await;
    ask(&core, &ada.click(&button(&list, "1"))).await;
    let (_, r) = ask(&core, &ada.command("progress", vec![])).await;
    let go = button(&r, "Continue async");
    // The section of the first objective not ticked yet.
    let (_, page) = ask(&core, &ada.click(&go)).await;
    let section = lesson.section(&lesson.objectives[1].section).unwrap();
    assert!(text(&page).contains(&section.title), "{}", text(&page));
    assert!(button(&r, "Start python-setup").starts_with("sec:"));
    for l in core.catalog.lessons() {
        assert!(button(&r, &format!("Quiz: {}", l.id)).starts_with("qs:"));
    }
    assert!(limits::check(&r).is_empty());
}

#[sqlx::test]
async fn my_data_is_grouped_by_lesson_with_counts_and_the_newest_date(pool: PgPool) {
    let core = core(pool);
    let ada = Learner::new("ada");
    for o in ["a", "b", "c"] {
        core.store
            .tick(
                fixtures::snowflake(),
                ada.id(),
                tutorbot::content::LessonKey::built_in("async"),
                o,
                true,
            )
            .await
            .unwrap();
    }
    core.store
        .tick(
            fixtures::snowflake(),
            ada.id(),
            tutorbot::content::LessonKey::built_in("async"),
            "b",
            false,
        )
        .await
        .unwrap();
    // An attempt with no answer: nothing to show.
    ask(&core, &quiz_cmd(&ada, "python-setup")).await;
    let (_, r) = ask(&core, &ada.command("my-data", vec![])).await;
    let shown = text(&r);
    let title = &core.catalog.lesson("async").unwrap().title;
    assert!(shown.contains(title.as_str()), "{shown}");
    assert!(
        shown.contains("Checklist: 2 ticked, 1 unticked · newest "),
        "{shown}"
    );
    assert_eq!(shown.matches("Checklist:").count(), 1, "{shown}");
    assert!(!shown.contains("Quiz:"), "empty attempts hidden: {shown}");
}

#[sqlx::test]
async fn refusals_offer_the_next_step_as_buttons(pool: PgPool) {
    let core = core(pool);
    let ada = Learner::new("ada");
    let (answer, r) = ask(&core, &ada.lesson("asynk")).await;
    assert_eq!(answer.outcome, Outcome::Refused);
    let open = button(&r, "Asynchronous");
    let (answer, _) = ask(&core, &ada.click(&open)).await;
    assert_eq!(answer.outcome, Outcome::Ok);
    let (_, r) = ask(&core, &ada.click("sec:1:nope")).await;
    assert_eq!(
        buttons(&r).len(),
        core.catalog.lessons().len(),
        "an unknown button offers every lesson: {r:#}"
    );
}

#[sqlx::test]
async fn the_demo_shows_its_rust_only_when_asked(pool: PgPool) {
    let core = core(pool);
    let ada = Learner::new("ada");
    let (_, r) = ask(&core, &ada.click(&format!("dr:{}:gather", ada.id()))).await;
    assert!(is_ephemeral(&r));
    assert!(text(&r).contains("```rust"), "{}", text(&r));
    // Anyone may look: it is the same for everyone.
    let (answer, _) = ask(
        &core,
        &Learner::new("bob").click(&format!("dr:{}:gather", ada.id())),
    )
    .await;
    assert_eq!(answer.outcome, Outcome::Ok);
}

#[test]
fn every_preview_screen_keeps_discords_limits_and_cuts_no_label() {
    let catalog = catalog();
    let screens = tutorbot::core::preview::screens(&catalog, "async").unwrap();
    for (name, payload) in &screens {
        assert!(limits::check(payload).is_empty(), "{name}");
        for label in labels(payload) {
            assert!(!label.ends_with('…'), "{name}: {label}");
        }
    }
    let demo = &screens.iter().find(|(n, _)| n == "demo").unwrap().1;
    let fields = demo["data"]["embeds"][0]["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "the Python only: {demo:#}");
    assert!(buttons(demo).iter().any(|b| b.1.contains("Show the Rust")));
}

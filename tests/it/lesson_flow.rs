//! The lesson and checklist flows through the core, on real Postgres. The
//! flows a learner takes through every door (open a lesson, a section, the
//! checklist, tick) are written once in `scenarios.rs`; here are the rules
//! checked at the core.

use crate::support;

use serde_json::json;
use sqlx::PgPool;
use support::*;
use tutorbot::core::Outcome;

#[sqlx::test]
async fn a_tick_clicked_twice_counts_once(pool: PgPool) {
    let core = core(pool.clone());
    let ada = Learner::new("ada");
    let (_, r) = ask(&core, &ada.lesson("async")).await;
    let (_, r) = ask(&core, &ada.click(&button(&r, "checklist"))).await;
    let tick = button(&r, "⬜ 1");
    ask(&core, &ada.click(&tick)).await;
    ask(&core, &ada.click(&tick)).await;
    assert_eq!(
        core.store
            .ticked(ada.id(), tutorbot::content::LessonKey::built_in("async"))
            .await
            .unwrap()
            .len(),
        1
    );
}

#[sqlx::test]
async fn a_click_on_someone_elses_message_shows_the_clicker_their_own_view_and_changes_nothing(
    pool: PgPool,
) {
    let core = core(pool);
    let (ada, bob) = (Learner::new("ada"), Learner::new("bob"));
    let (_, r) = ask(&core, &ada.lesson("async")).await;
    let (_, r) = ask(&core, &ada.click(&button(&r, "checklist"))).await;
    let adas_tick = button(&r, "⬜ 1");
    let (answer, r) = ask(&core, &bob.click(&adas_tick)).await;
    assert_eq!(answer.outcome, Outcome::Ok);
    assert!(is_ephemeral(&r), "bob gets a new message of his own: {r:#}");
    assert!(
        buttons(&r)
            .iter()
            .all(|b| b.0.contains(&bob.id().to_string())),
        "bob's view carries bob's buttons"
    );
    assert!(core
        .store
        .ticked(ada.id(), tutorbot::content::LessonKey::built_in("async"))
        .await
        .unwrap()
        .is_empty());
    assert!(core
        .store
        .ticked(bob.id(), tutorbot::content::LessonKey::built_in("async"))
        .await
        .unwrap()
        .is_empty());
}

#[sqlx::test]
async fn an_unknown_lesson_gets_the_closest_names(pool: PgPool) {
    let core = core(pool);
    let (answer, r) = ask(&core, &Learner::new("ada").lesson("asnyc")).await;
    assert_eq!(answer.outcome, Outcome::Refused);
    assert!(is_ephemeral(&r));
    assert!(text(&r).contains("`async`"), "{}", text(&r));
}

#[sqlx::test]
async fn autocomplete_offers_lessons_matching_what_was_typed(pool: PgPool) {
    let core = core(pool);
    let ada = Learner::new("ada");
    let focused = json!({"name": "lesson", "type": 3, "value": "pyth", "focused": true});
    let ac = tutorbot::doors::wire::autocomplete(&ada.user, "lesson", &focused, 99).unwrap();
    let (_, r) = ask(&core, &ac).await;
    assert_eq!(r["type"], 8);
    let values: Vec<_> = r["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].clone())
        .collect();
    assert_eq!(values, vec![json!("python-setup")]);
}

#[sqlx::test]
async fn a_tampered_button_gets_a_clear_answer_and_writes_nothing(pool: PgPool) {
    let core = core(pool.clone());
    let ada = Learner::new("ada");
    let version = &core.catalog.lesson("async").unwrap().version;
    for custom_id in [
        "garbage".to_string(),
        format!("tick:{}:async:{version}:no-such-objective:1", ada.id()),
        format!("tick:{}:nope:{version}:explain-await:1", ada.id()),
        format!("tick:{}:async:{version}:x:7", ada.id()),
        "x".repeat(101),
    ] {
        let (answer, r) = ask(&core, &ada.click(&custom_id)).await;
        assert_eq!(answer.outcome, Outcome::Refused, "{custom_id}");
        assert!(is_ephemeral(&r));
        assert!(!text(&r).is_empty());
    }
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM learners")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 0);
}

#[sqlx::test]
async fn a_button_from_an_older_version_of_the_lesson_is_stale_and_offers_a_fresh_start(
    pool: PgPool,
) {
    let core = core(pool);
    let ada = Learner::new("ada");
    let lesson = core.catalog.lesson("async").unwrap();
    let objective = &lesson.objectives[0].id;
    let old = format!("tick:{}:async:deadbeef:{objective}:1", ada.id());
    assert_ne!(lesson.version, "deadbeef");
    let (answer, r) = ask(&core, &ada.click(&old)).await;
    assert_eq!(answer.outcome, Outcome::Refused);
    assert!(text(&r).contains("changed"), "{}", text(&r));
    let fresh = button(&r, "Start again");
    assert!(fresh.contains(&lesson.version));
    assert!(core
        .store
        .ticked(ada.id(), tutorbot::content::LessonKey::built_in("async"))
        .await
        .unwrap()
        .is_empty());
}

#[sqlx::test]
async fn with_postgres_gone_lessons_still_show_and_a_tick_says_it_was_not_saved(pool: PgPool) {
    let core = core(pool.clone());
    let ada = Learner::new("ada");
    let (_, r) = ask(&core, &ada.lesson("async")).await;
    let to_section = button(&r, &core.catalog.lesson("async").unwrap().sections[1].title);
    let tick = format!(
        "tick:{}:async:{}:{}:1",
        ada.id(),
        core.catalog.lesson("async").unwrap().version,
        core.catalog.lesson("async").unwrap().objectives[0].id
    );
    pool.close().await;

    let (answer, r) = ask(&core, &ada.lesson("async")).await;
    assert_eq!(answer.outcome, Outcome::Ok, "{r:#}");
    let (answer, _) = ask(&core, &ada.click(&to_section)).await;
    assert_eq!(answer.outcome, Outcome::Ok);
    let (answer, r) = ask(&core, &ada.click(&tick)).await;
    assert_eq!(answer.outcome, Outcome::Failed);
    assert!(is_ephemeral(&r));
    assert!(text(&r).contains("couldn't save"), "{}", text(&r));
}

#[sqlx::test]
async fn progress_counts_ticks_per_lesson_with_the_date_of_the_last_change(pool: PgPool) {
    let core = core(pool);
    let ada = Learner::new("ada");
    let lesson = core.catalog.lesson("async").unwrap();
    core.store
        .tick(
            fixtures::snowflake(),
            ada.id(),
            lesson.key(),
            &lesson.objectives[0].id,
            true,
        )
        .await
        .unwrap();
    core.store
        .tick(
            fixtures::snowflake(),
            ada.id(),
            lesson.key(),
            &lesson.objectives[1].id,
            true,
        )
        .await
        .unwrap();
    // A mark for an objective the lesson no longer has does not count.
    core.store
        .tick(
            fixtures::snowflake(),
            ada.id(),
            lesson.key(),
            "retired-objective",
            true,
        )
        .await
        .unwrap();
    let (_, r) = ask(&core, &ada.command("progress", vec![])).await;
    let shown = text(&r);
    assert!(
        shown.contains(&format!("2/{}", lesson.objectives.len())),
        "{shown}"
    );
    assert!(
        shown.contains(&chrono::Utc::now().format("%Y-%m-%d").to_string()),
        "{shown}"
    );
    assert!(
        shown.contains("not started"),
        "python-setup is untouched: {shown}"
    );
}

#[sqlx::test]
async fn forget_me_asks_first_then_deletes_everything(pool: PgPool) {
    let core = core(pool);
    let ada = Learner::new("ada");
    core.store
        .tick(
            fixtures::snowflake(),
            ada.id(),
            tutorbot::content::LessonKey::built_in("async"),
            "a",
            true,
        )
        .await
        .unwrap();
    let (_, r) = ask(&core, &ada.command("my-data", vec![])).await;
    assert!(
        text(&r).contains("Checklist: 1 ticked · newest"),
        "{}",
        text(&r)
    );

    let (_, r) = ask(&core, &ada.command("forget-me", vec![])).await;
    let cancel = button(&r, "No");
    let confirm = button(&r, "Yes");
    ask(&core, &ada.click(&cancel)).await;
    assert!(
        core.store.learner_data(ada.id()).await.unwrap().known,
        "cancel keeps it"
    );

    // Someone else pressing ada's confirm button deletes nothing.
    let (answer, _) = ask(&core, &Learner::new("bob").click(&confirm)).await;
    assert_eq!(answer.outcome, Outcome::Refused);
    assert!(core.store.learner_data(ada.id()).await.unwrap().known);

    let (_, r) = ask(&core, &ada.click(&confirm)).await;
    assert_eq!(r["type"], 7);
    assert!(!core.store.learner_data(ada.id()).await.unwrap().known);
}

#[sqlx::test]
async fn help_lists_every_learners_command_and_lesson(pool: PgPool) {
    let core = core(pool);
    let (_, r) = ask(&core, &Learner::new("ada").command("help", vec![])).await;
    let shown = text(&r);
    for c in tutorbot::core::commands::all(&core.catalog) {
        let name = serde_json::to_value(&c).unwrap()["name"]
            .as_str()
            .unwrap()
            .to_string();
        // Teachers' commands are listed only to members who can use them
        // (see screens::help_lists_teacher_commands_only_to_…).
        if name == "quiz-stats" || name == "author" {
            continue;
        }
        assert!(
            shown.contains(&format!("/{name}")),
            "help does not mention /{name}"
        );
    }
    for l in core.catalog.lessons() {
        assert!(shown.contains(&l.id));
    }
}

#[sqlx::test]
async fn a_tick_replayed_on_another_instance_after_a_later_untick_is_answered_and_changes_nothing(
    pool: PgPool,
) {
    let here = core(pool.clone());
    let options = pool.connect_options().as_ref().clone();
    let elsewhere = core(
        sqlx::postgres::PgPoolOptions::new()
            .max_connections(2)
            .connect_with(options)
            .await
            .unwrap(),
    );
    let ada = Learner::new("ada");
    let lesson = here.catalog.lesson("async").unwrap();
    let objective = &lesson.objectives[0].id;
    let tick = |on: u8| {
        format!(
            "tick:{}:async:{}:{objective}:{on}",
            ada.id(),
            lesson.version
        )
    };

    let first = ada.click(&tick(1));
    let (answer, _) = ask(&here, &first).await;
    assert_eq!(answer.outcome, Outcome::Ok);
    let (answer, _) = ask(&here, &ada.click(&tick(0))).await;
    assert_eq!(answer.outcome, Outcome::Ok);

    // The very same interaction (same id) again, on the other instance.
    let (answer, r) = ask(&elsewhere, &first).await;
    assert_eq!(answer.outcome, Outcome::Ok, "answered without error: {r:#}");
    assert_eq!(r["type"], 7, "redrawn in place: {r:#}");
    assert_eq!(
        marks(&pool, ada.id()).await.get(objective),
        Some(&false),
        "still unticked"
    );
    // The redraw shows the state as it is: the objective's button ticks it.
    assert!(
        buttons(&r).iter().any(|(id, _, _)| id == &tick(1)),
        "the checklist offers to tick it again: {r:#}"
    );
}

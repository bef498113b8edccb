//! Graded exercises attempted from the doors: through the HTTP door (the
//! list's buttons, the exercise, its form refilled, the modal submit, the
//! deferred verdict, "Try again" and the tick) and the console door (typed
//! answers up to `.`), against the real sandbox (skipped with a printed
//! reason where bubblewrap cannot run). Attempts are stored in Postgres,
//! shown in `/exercise`, `/progress` and `/my-data`, and deleted by
//! `/forget-me`. Tampered or stale exercise buttons and forms, which need
//! no sandbox, always run: refused, nothing run, nothing written.

use serde_json::Value;
use sqlx::PgPool;
use tokio::io::BufReader;
use tutorbot::core::{Action, ButtonId, Core};
use tutorbot::lab::{LabHandle, LabQueue, LabStatus};
use tutorbot::store::{NewAttempt, Store};

use crate::http_door::{Door, CHANNEL, COMMAND_ID, GUILD};
use crate::support;
use support::fixtures::*;

/// The lab on, with a real sandbox; `None` (reason printed) where it cannot run.
async fn lab_on() -> Option<LabHandle> {
    let sandbox = crate::lab::sandbox().await?;
    Some(LabHandle::fixed(LabStatus::On(LabQueue::new(
        sandbox, 2, 8,
    ))))
}

/// The console, fed `input` to its end (every run finished and shown), as
/// learner `ada`; all it wrote.
async fn console(core: Core, input: &str) -> String {
    let mut out: Vec<u8> = Vec::new();
    tutorbot::doors::console::run(core, "ada", BufReader::new(input.as_bytes()), &mut out)
        .await
        .expect("the console runs to the end of its input");
    String::from_utf8(out).expect("the console writes text")
}

/// The learner's ephemeral message holding `custom_id`, to click it on.
fn message_with(door: &Door, custom_id: &str) -> Value {
    ephemeral_bot_message(
        door.fake.application_id(),
        door.fake.bot_user_id(),
        snowflake(),
        CHANNEL,
        Some(GUILD),
        "",
        vec![action_row(vec![button(custom_id, "button", 1)])],
    )
}

/// The exercise form's id, as the bot draws it for `learner`.
fn form_id(learner: u64, version: &str, exercise: &str, predicted: Option<u8>) -> String {
    ButtonId::new(
        learner,
        Action::ExerciseSubmit {
            lesson: "async".into(),
            version: version.into(),
            exercise: exercise.into(),
            predicted,
        },
    )
    .encode()
}

/// Nothing refused by the fake Discord, except an edit that came before the
/// fake had stored the deferral it edits: Discord answers those "Unknown
/// Message" too, and the door retries them (`DiscordFollowup`), so each
/// must be followed by a successful edit of the same message.
fn assert_no_errors_but_early_edits(door: &Door) {
    let calls = door.fake.calls();
    for bad in door.fake.error_calls() {
        let early = bad.method == "PATCH"
            && bad.response["code"] == 10008
            && calls
                .iter()
                .any(|c| c.index > bad.index && c.path == bad.path && c.status == 200);
        assert!(
            early,
            "the fake Discord rejected #{} {} {}: {}",
            bad.index, bad.method, bad.path, bad.response
        );
    }
}

async fn attempts(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM exercise_attempts")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The verdict edited into the deferred answer of the submit with `token`.
async fn verdict_of(door: &Door, token: &str) -> support::fake_discord::RecordedCall {
    let verdict = door
        .fake
        .wait_for_call(|c| c.is_original_edit(token) && c.body["embeds"][0]["title"].is_string())
        .await;
    assert_eq!(verdict.status, 200, "{}", verdict.response);
    verdict
}

#[sqlx::test]
async fn from_the_list_an_exercise_opens_its_form_with_the_starter_passes_and_ticks_its_objective(
    pool: PgPool,
) {
    let Some(lab) = lab_on().await else { return };
    let door = Door::start_with(support::core(pool.clone()).with_lab(lab), pool.clone()).await;
    let catalog = support::catalog();
    let lesson = catalog.lesson("async").unwrap();
    let ex = lesson.exercise("keep-failures").unwrap();
    let user = snowflake();
    let o = door.origin(user);

    // The list: the learner's own, each exercise not tried, a button each.
    let list = door
        .deliver(&slash_command(
            &o,
            COMMAND_ID,
            "exercise",
            vec![opt_string("lesson", "async")],
        ))
        .await;
    assert_eq!(list.callback_type(), Some(4), "{}", list.body);
    assert!(list.is_ephemeral());
    let text = support::text(&list.body);
    assert_eq!(
        text.matches("not tried yet").count(),
        lesson.exercises.len(),
        "{text}"
    );
    assert_eq!(support::buttons(&list.body).len(), lesson.exercises.len());

    // The exercise, in place: its statement, its starter, "Write your answer".
    let open = support::button(&list.body, &ex.title);
    let shown = door
        .deliver(&button_click(&o.next(), &open, message_with(&door, &open)))
        .await;
    assert_eq!(shown.callback_type(), Some(7), "{}", shown.body);
    let text = support::text(&shown.body);
    assert!(text.contains("fetch_all_safe(urls)"), "{text}");
    assert!(text.contains("response.raise_for_status()"), "{text}");
    let write = support::button(&shown.body, "Write your answer");

    // The form: prefilled with the starter (no try yet).
    let form = door
        .deliver(&button_click(
            &o.next(),
            &write,
            message_with(&door, &write),
        ))
        .await;
    assert_eq!(form.callback_type(), Some(9), "{}", form.body);
    let code = &form.body["data"]["components"][0]["components"][0];
    assert_eq!(code["value"], ex.starter.as_str());
    assert_eq!(code["max_length"], 4000);
    let modal = form.body["data"]["custom_id"].as_str().unwrap().to_string();

    // Submitted with the reference solution: deferred (personal), then passed.
    let submit = o.next();
    let deferral = door
        .deliver(&modal_submit(&submit, &modal, &[("code", &ex.solution)]))
        .await;
    assert_eq!(deferral.callback_type(), Some(5));
    assert_eq!(deferral.body["data"]["flags"], 64, "{}", deferral.body);
    let verdict = verdict_of(&door, &submit.token).await;
    let text = support::text(&verdict.body);
    assert!(text.contains("Passed: Keep every result"), "{text}");
    assert!(text.contains("Every check passed"), "{text}");
    assert!(text.contains("exited with 0"), "the run is shown: {text}");
    assert!(text.contains("Tries so far: 1 · passed: 1"), "{text}");
    assert!(!text.contains("Hint"), "no hint on a pass: {text}");
    support::button(&verdict.body, "Try again");
    let tick = support::button(&verdict.body, "Tick on my checklist");
    door.door.followups().wait(|c| c.in_flight == 0).await;

    let row: (bool, String, Option<f64>, i32) = sqlx::query_as(
        "SELECT passed, code, predicted_secs, wall_ms FROM exercise_attempts
         WHERE learner_id = $1 AND lesson_id = 'async' AND exercise_id = 'keep-failures'",
    )
    .bind(user as i64)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (row.0, row.1.as_str(), row.2),
        (true, ex.solution.as_str(), None)
    );
    assert!(row.3 > 0);

    // The tick: the exercise's objective on the learner's checklist.
    let ticked = door
        .deliver(&button_click(&o.next(), &tick, verdict.response.clone()))
        .await;
    let objective = lesson.objective(&ex.objective).unwrap();
    assert!(
        support::text(&ticked.body).contains(&objective.text),
        "{}",
        ticked.body
    );
    assert_eq!(
        support::marks(&pool, user).await.get(&ex.objective),
        Some(&true)
    );

    // The list again: passed.
    let again = door
        .deliver(&slash_command(
            &o.next(),
            COMMAND_ID,
            "exercise",
            vec![opt_string("lesson", "async")],
        ))
        .await;
    assert!(
        support::text(&again.body).contains("✅ passed (tried 1×)"),
        "{}",
        again.body
    );
    assert_no_errors_but_early_edits(&door);
}

#[sqlx::test]
async fn the_starter_fails_with_the_checks_message_a_hint_more_each_try_and_try_again_refills_it(
    pool: PgPool,
) {
    let Some(lab) = lab_on().await else { return };
    let door = Door::start_with(support::core(pool.clone()).with_lab(lab), pool.clone()).await;
    let catalog = support::catalog();
    let lesson = catalog.lesson("async").unwrap();
    // A starter that fails its checks quickly (give-up's waits seconds).
    let ex = lesson.exercise("limit").unwrap();
    let user = snowflake();
    let o = door.origin(user);
    let modal = form_id(user, &lesson.version, "limit", None);

    let submit = o.next();
    door.deliver(&modal_submit(&submit, &modal, &[("code", &ex.starter)]))
        .await;
    let verdict = verdict_of(&door, &submit.token).await;
    let text = support::text(&verdict.body);
    assert!(text.contains("Not yet: At most two at a time"), "{text}");
    assert!(
        text.contains(
            "The check said:** 6 requests were in flight at the same time; the limit was 2"
        ),
        "{text}"
    );
    // The check's message, never the check's code.
    assert!(!text.contains("max_overlap"), "{text}");
    assert!(
        text.contains(&format!("Hint 1:** {}", ex.hints[0])),
        "{text}"
    );
    assert!(!text.contains("Hint 2"), "{text}");
    assert!(
        support::buttons(&verdict.body)
            .iter()
            .all(|(_, label, _)| !label.contains("Tick")),
        "no tick without a pass: {}",
        verdict.body
    );
    door.door.followups().wait(|c| c.in_flight == 0).await;

    // "Try again": the form, refilled with the learner's last code.
    let edited = "# my second try\n".to_string() + &ex.starter;
    let again = support::button(&verdict.body, "Try again");
    let form = door
        .deliver(&button_click(&o.next(), &again, verdict.response.clone()))
        .await;
    assert_eq!(form.callback_type(), Some(9), "{}", form.body);
    assert_eq!(
        form.body["data"]["components"][0]["components"][0]["value"],
        ex.starter.as_str()
    );
    let submit = o.next();
    let modal = form.body["data"]["custom_id"].as_str().unwrap().to_string();
    door.deliver(&modal_submit(&submit, &modal, &[("code", &edited)]))
        .await;
    let verdict = verdict_of(&door, &submit.token).await;
    let text = support::text(&verdict.body);
    assert!(
        text.contains(&format!("Hint 2:** {}", ex.hints[1])),
        "{text}"
    );
    assert!(text.contains("Tries so far: 2 · passed: 0"), "{text}");
    door.door.followups().wait(|c| c.in_flight == 0).await;

    // And the next form holds that second try.
    let form = door
        .deliver(&button_click(&o.next(), &again, verdict.response.clone()))
        .await;
    assert_eq!(
        form.body["data"]["components"][0]["components"][0]["value"],
        edited.as_str()
    );
    assert_eq!(attempts(&pool).await, 2);
    assert_no_errors_but_early_edits(&door);
}

#[sqlx::test]
async fn predict_then_run_shows_the_learners_guess_beside_the_time_measured(pool: PgPool) {
    let Some(lab) = lab_on().await else { return };
    let door = Door::start_with(support::core(pool.clone()).with_lab(lab), pool.clone()).await;
    let catalog = support::catalog();
    let ex = catalog.lesson("async").unwrap().exercise("gather").unwrap();
    let predict = ex.predict.as_ref().expect("gather asks for a prediction");
    let user = snowflake();
    let o = door.origin(user);

    // Named in the command: the exercise, asking for a guess before the form.
    let shown = door
        .deliver(&slash_command(
            &o,
            COMMAND_ID,
            "exercise",
            vec![
                opt_string("lesson", "async"),
                opt_string("exercise", "gather"),
            ],
        ))
        .await;
    let text = support::text(&shown.body);
    assert!(text.contains(&predict.question), "{text}");
    let buttons = support::buttons(&shown.body);
    let labels: Vec<&str> = buttons.iter().map(|(_, l, _)| l.as_str()).collect();
    let choices: Vec<&str> = predict.choices.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(labels, choices, "one button per choice, and nothing else");

    // The guess opens the form; its id carries the guess to the submit.
    let guess = support::button(&shown.body, &predict.choices[0].text);
    let form = door
        .deliver(&button_click(
            &o.next(),
            &guess,
            message_with(&door, &guess),
        ))
        .await;
    assert_eq!(form.callback_type(), Some(9), "{}", form.body);
    let modal = form.body["data"]["custom_id"].as_str().unwrap().to_string();
    let submit = o.next();
    door.deliver(&modal_submit(&submit, &modal, &[("code", &ex.solution)]))
        .await;
    let verdict = verdict_of(&door, &submit.token).await;
    let text = support::text(&verdict.body);
    assert!(text.contains("Passed"), "{text}");
    assert!(
        text.contains(&format!(
            "You predicted **{}**; your program took **",
            predict.choices[0].text
        )),
        "{text}"
    );
    assert!(text.contains("closest choice: "), "{text}");
    door.door.followups().wait(|c| c.in_flight == 0).await;
    let predicted: Option<f64> =
        sqlx::query_scalar("SELECT predicted_secs FROM exercise_attempts WHERE learner_id = $1")
            .bind(user as i64)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(predicted, Some(predict.choices[0].secs));
    assert_no_errors_but_early_edits(&door);
}

#[sqlx::test]
async fn tampered_or_stale_exercise_buttons_and_forms_are_refused_and_nothing_is_written(
    pool: PgPool,
) {
    // No lab at all: a refusal comes before the lab is asked.
    let door = Door::start(pool.clone()).await;
    let catalog = support::catalog();
    let version = catalog.lesson("async").unwrap().version.clone();
    let user = snowflake();
    let o = door.origin(user);
    let code = [("code", "print('hi')\n")];

    // A form drawn from an older version of the lesson: the stale answer.
    let stale = door
        .deliver(&modal_submit(
            &o.next(),
            &form_id(user, "00000000", "gather", None),
            &code,
        ))
        .await;
    assert_eq!(stale.callback_type(), Some(4), "{}", stale.body);
    let text = support::text(&stale.body);
    assert!(
        text.contains("has changed since these buttons were drawn"),
        "{text}"
    );

    // A guess the exercise never offered, a guess on an exercise that asks
    // none, an exercise the lesson does not have, someone else's form.
    for modal in [
        form_id(user, &version, "gather", Some(7)),
        form_id(user, &version, "keep-failures", Some(0)),
        form_id(user, &version, "no-such-one", None),
        form_id(user + 1, &version, "gather", None),
        "xs:1:async".to_string(),
    ] {
        let answer = door.deliver(&modal_submit(&o.next(), &modal, &code)).await;
        assert_eq!(answer.callback_type(), Some(4), "{modal}: {}", answer.body);
        assert!(answer.is_ephemeral(), "{modal}");
        let text = support::text(&answer.body);
        assert!(
            text.contains("I don't recognise that button")
                || text.contains("belongs to someone else's message"),
            "{modal}: {text}"
        );
    }

    // Buttons: a tampered guess, a form's id on a button, a stale tick.
    for id in [
        format!("xf:{user}:async:{version}:gather:9"),
        form_id(user, &version, "gather", None),
        format!("xt:{user}:async:00000000:gather"),
    ] {
        let answer = door
            .deliver(&button_click(&o.next(), &id, message_with(&door, &id)))
            .await;
        assert_eq!(answer.callback_type(), Some(4), "{id}: {}", answer.body);
    }

    // A well-formed form here, where the lab is not set up: said, not run.
    let off = door
        .deliver(&modal_submit(
            &o.next(),
            &form_id(user, &version, "gather", Some(0)),
            &code,
        ))
        .await;
    assert!(
        support::text(&off.body).contains("The lab is not set up here"),
        "{}",
        off.body
    );

    assert_eq!(attempts(&pool).await, 0);
    let learners: i64 = sqlx::query_scalar("SELECT count(*) FROM learners")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(learners, 0, "nothing written, not even the learner");
    assert_no_errors_but_early_edits(&door);
}

#[sqlx::test]
async fn in_the_console_an_exercise_is_answered_by_typed_lines_and_checked(pool: PgPool) {
    let Some(lab) = lab_on().await else { return };
    let core = support::core(pool.clone()).with_lab(lab);
    let catalog = support::catalog();
    let lesson = catalog.lesson("async").unwrap();
    let pass = lesson.exercise("keep-failures").unwrap();
    let fail = lesson.exercise("limit").unwrap();

    let out = console(
        core.clone(),
        &format!(
            "/exercise async keep-failures\n{}\n.\n",
            pass.solution.trim_end()
        ),
    )
    .await;
    assert!(out.contains("Type your answer below"), "{out}");
    assert!(out.contains("Passed: Keep every result"), "{out}");
    assert!(out.contains("Tick on my checklist"), "{out}");

    // `limit` asks for a guess first: button 1, then the lines.
    let out = console(
        core.clone(),
        &format!("/exercise async limit\n1\n{}\n.\n", fail.starter.trim_end()),
    )
    .await;
    assert!(out.contains("Not yet: At most two at a time"), "{out}");
    assert!(
        out.contains("6 requests were in flight at the same time; the limit was 2"),
        "{out}"
    );
    assert!(out.contains(&fail.hints[0]), "{out}");

    // A name the lesson does not have: said, and the next line is a command.
    let out = console(core.clone(), "/exercise async nope\n/help\n").await;
    assert!(out.contains("has no exercise `nope`"), "{out}");
    assert_eq!(attempts(&pool).await, 2);

    // What /exercise, /progress and /my-data show of it.
    let out = console(core.clone(), "/exercise async\n/progress\n/my-data\n").await;
    assert!(out.contains("✅ passed (tried 1×)"), "{out}");
    assert!(out.contains("tried 1×, not passed yet"), "{out}");
    assert!(out.contains("exercises passed 1/5"), "{out}");
    assert!(out.contains("🧪 Exercises: "), "{out}");
    assert!(
        out.contains("`keep-failures` 1 tried, 1 passed, `limit` 1 tried, 0 passed"),
        "{out}"
    );

    // /forget-me deletes them.
    let out = console(core, "/forget-me\n1\n").await;
    assert!(
        out.contains("everything I stored about you is deleted"),
        "{out}"
    );
    assert_eq!(attempts(&pool).await, 0);
}

/// #14: the console skipped predict-then-run. Now it asks the guess as
/// numbered buttons, takes the code lines up to `.` after it, and shows
/// the time measured beside the guess, as Discord's doors do.
#[sqlx::test]
async fn in_the_console_a_predict_then_run_exercise_asks_the_guess_by_number_then_shows_it_beside_the_time(
    pool: PgPool,
) {
    let Some(lab) = lab_on().await else { return };
    let core = support::core(pool.clone()).with_lab(lab);
    let catalog = support::catalog();
    let ex = catalog.lesson("async").unwrap().exercise("gather").unwrap();
    let predict = ex.predict.as_ref().expect("gather asks for a prediction");
    let guess = &predict.choices[1];

    // Before the guess, lines are not code: the exercise waits for a number.
    let out = console(core.clone(), "/exercise async gather\nprint('early')\n").await;
    assert!(out.contains(&predict.question), "{out}");
    for (i, choice) in predict.choices.iter().enumerate() {
        assert!(
            out.contains(&format!("[{}] {}", i + 1, choice.text)),
            "choice {i} as a numbered button: {out}"
        );
    }
    assert!(out.contains("Type the number of your guess"), "{out}");
    assert!(out.contains("I didn't understand that"), "{out}");
    assert_eq!(attempts(&pool).await, 0, "nothing ran before the guess");

    // The guess opens the form: the lines up to `.`, then the verdict.
    let out = console(
        core,
        &format!("/exercise async gather\n2\n{}\n.\n", ex.solution.trim_end()),
    )
    .await;
    assert!(
        out.contains(&format!(
            "**{}** · Your answer (Python): type it below, then a line holding only `.`",
            ex.title
        )),
        "{out}"
    );
    assert!(out.contains("Passed: Fetch five pages at once"), "{out}");
    assert!(
        out.contains(&format!(
            "You predicted **{}**; your program took **",
            guess.text
        )),
        "{out}"
    );
    assert!(out.contains("closest choice: "), "{out}");
    let predicted: Option<f64> = sqlx::query_scalar("SELECT predicted_secs FROM exercise_attempts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(predicted, Some(guess.secs));
}

/// A number naming none of the guesses is answered with the numbers that
/// would; the next line is a command again, and nothing runs.
#[sqlx::test]
async fn in_the_console_a_number_naming_no_guess_is_answered_and_runs_nothing(pool: PgPool) {
    // No lab: the refusal comes before the lab is asked.
    let core = support::core(pool.clone());
    let out = console(core, "/exercise async gather\n9\n/help\n").await;
    assert!(out.contains("There is no button 9 on screen"), "{out}");
    assert!(
        out.contains("tutorbot in the terminal"),
        "/help answered: {out}"
    );
    assert_eq!(attempts(&pool).await, 0);
}

#[sqlx::test]
async fn an_attempt_is_stored_once_a_pass_is_a_streak_day_and_forget_me_deletes_it(pool: PgPool) {
    let store = Store::from_pool(pool.clone());
    let learner = 42;
    let attempt = |passed| NewAttempt {
        lesson: tutorbot::content::LessonKey::built_in("async"),
        exercise: "gather",
        passed,
        wall_ms: 812,
        code: "print(1)\n",
        predicted_secs: Some(0.3),
    };
    let failed = store
        .record_exercise_attempt(1001, learner, &attempt(false))
        .await
        .unwrap();
    assert_eq!((failed.tries, failed.passes), (1, 0));
    let today = chrono::Utc::now().date_naive();
    let streak = store.streak(learner, "UTC", today).await.unwrap();
    assert_eq!(streak.current, 0, "a failed try is no streak day");

    let passed = store
        .record_exercise_attempt(1002, learner, &attempt(true))
        .await
        .unwrap();
    assert_eq!((passed.tries, passed.passes), (2, 1));
    // The same submit delivered again is stored once.
    let replay = store
        .record_exercise_attempt(1002, learner, &attempt(true))
        .await
        .unwrap();
    assert_eq!(replay, passed);
    let streak = store.streak(learner, "UTC", today).await.unwrap();
    assert_eq!(streak.current, 1, "a pass is a streak day");

    let data = store.learner_data(learner).await.unwrap();
    assert_eq!(data.exercises.len(), 1);
    assert_eq!((data.exercises[0].tries, data.exercises[0].passes), (2, 1));

    assert!(store.forget(1003, learner).await.unwrap());
    assert_eq!(attempts(&pool).await, 0);
    assert!(store
        .learner_data(learner)
        .await
        .unwrap()
        .exercises
        .is_empty());
}

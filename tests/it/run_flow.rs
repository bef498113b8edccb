//! `/run` through the console door: the learner types `/run`, their code and
//! a line holding `.`, and reads the verdict drawn by the core, from a real
//! sandbox (skipped with a printed reason where bubblewrap cannot run). The
//! lab's refusals, which need no sandbox, always run.

use std::time::Duration;

use sqlx::PgPool;
use tokio::io::BufReader;
use tutorbot::core::request::RunRequest;
use tutorbot::core::{Asked, Core, Learner, Request};
use tutorbot::lab::{LabHandle, LabQueue, LabStatus};

use crate::support;

/// The console, fed `input` to its end, with the lab in `status`; all it wrote.
async fn console(pool: PgPool, status: LabStatus, input: &str) -> String {
    let core = tutorbot_testkit::core(pool).with_lab(LabHandle::fixed(status));
    let mut out: Vec<u8> = Vec::new();
    tutorbot::doors::console::run(core, "ada", BufReader::new(input.as_bytes()), &mut out)
        .await
        .expect("the console runs to the end of its input");
    String::from_utf8(out).expect("the console writes text")
}

/// The lab on, with a real sandbox; `None` (reason printed) where it cannot run.
async fn lab_on(max_running: usize, max_queued: usize) -> Option<LabStatus> {
    let sandbox = crate::lab::sandbox().await?;
    Some(LabStatus::On(LabQueue::new(
        sandbox,
        max_running,
        max_queued,
    )))
}

#[sqlx::test]
async fn a_learner_runs_typed_code_and_reads_numbered_output_and_the_ending(pool: PgPool) {
    let Some(lab) = lab_on(2, 4).await else {
        return;
    };
    let out = console(
        pool,
        lab,
        "/run\nimport sys\nprint('hello')\n\nprint('oops', file=sys.stderr)\nraise ValueError('bad')\n.\n",
    )
    .await;
    assert!(out.contains("  1 | hello"), "{out}");
    assert!(out.contains("  1 | oops"), "{out}");
    assert!(out.contains("exited with 1: ValueError: bad"), "{out}");
    assert!(out.contains("Wall time"), "{out}");
    // The blank line inside the code was the learner's, not the end of it.
    assert!(!out.contains("I didn't understand"), "{out}");
}

#[sqlx::test]
async fn a_run_that_fetches_from_the_practice_server_shows_the_servers_timeline(pool: PgPool) {
    let Some(lab) = lab_on(2, 4).await else {
        return;
    };
    let code = "/run
import asyncio, httpx
async def main():
    async with httpx.AsyncClient() as client:
        urls = [f'http://127.0.0.1:8000/delay/{ms}' for ms in (100, 150, 200)]
        rs = await asyncio.gather(*(client.get(u) for u in urls))
        print([r.status_code for r in rs])
asyncio.run(main())
.
";
    let out = console(pool, lab, code).await;
    assert!(out.contains("[200, 200, 200]"), "{out}");
    assert!(out.contains("practice server saw 3 requests"), "{out}");
    assert_eq!(out.matches("/delay/").count(), 3, "{out}");
}

#[sqlx::test]
async fn run_where_the_lab_is_off_says_so_and_why_and_runs_nothing(pool: PgPool) {
    let off = LabStatus::Off {
        reason: "user namespaces are not allowed here".into(),
    };
    let out = console(pool, off, "/run\nprint('hi')\n.\n").await;
    assert!(
        out.contains("The lab is off on this server, because user namespaces are not allowed here"),
        "{out}"
    );
    assert!(!out.contains("1 | hi"), "{out}");
}

#[sqlx::test]
async fn empty_or_oversized_code_is_refused_before_anything_runs(pool: PgPool) {
    let starting = || LabStatus::Starting;
    let out = console(pool.clone(), starting(), "/run\n\n   \n.\n").await;
    assert!(out.contains("There is no code to run"), "{out}");
    let long = format!("/run\nx = '{}'\n.\n", "a".repeat(4001));
    let out = console(pool.clone(), starting(), &long).await;
    assert!(out.contains("the lab runs at most 4000"), "{out}");
    // Good code while the lab is still starting: told to try again soon.
    let out = console(pool, starting(), "/run\nprint(1)\n.\n").await;
    assert!(out.contains("still starting up"), "{out}");
}

#[sqlx::test]
async fn a_full_lab_shows_a_waiting_learner_their_place_and_refuses_a_second_run(pool: PgPool) {
    let Some(lab) = lab_on(1, 4).await else {
        return;
    };
    let core: Core = tutorbot_testkit::core(pool).with_lab(LabHandle::fixed(lab));
    let (followup, mut edits) = support::recorder();
    let run = |who: u64, code: &str| Request {
        who: Learner {
            id: who,
            guild: None,
        },
        interaction: tutorbot::doors::console::fresh_interaction_id(),
        asked: Asked::Run(RunRequest {
            code: code.into(),
            stdin: String::new(),
            token: format!("token-{who}"),
            offer_again: false,
        }),
    };
    // The first learner's run holds the lab's one slot for two seconds.
    let first = core
        .serve(
            run(1, "import time\ntime.sleep(2)\nprint('first')\n"),
            followup.clone(),
        )
        .await;
    assert_eq!(first.outcome, tutorbot::core::Outcome::Ok);
    let again = core
        .serve(run(1, "print('again')\n"), followup.clone())
        .await;
    let again = serde_json::to_value(&again.response).unwrap();
    assert!(
        support::text(&again).contains("You already have a run going"),
        "{again}"
    );
    let second = core.serve(run(2, "print('second')\n"), followup).await;
    assert_eq!(second.outcome, tutorbot::core::Outcome::Ok);
    let mut seen = Vec::new();
    while seen
        .iter()
        .filter(|e: &&String| e.contains("Your run"))
        .count()
        < 2
    {
        let edit = tokio::time::timeout(Duration::from_secs(30), edits.recv())
            .await
            .expect("the runs end within their limits")
            .expect("edits keep coming");
        seen.push(edit.to_string());
    }
    assert!(
        seen.iter().any(|e| e.contains("number 1 in the queue")),
        "{seen:#?}"
    );
    let first_done = seen.iter().position(|e| e.contains("first")).unwrap();
    let second_done = seen.iter().position(|e| e.contains("second")).unwrap();
    assert!(first_done < second_done, "{seen:#?}");
}

#[sqlx::test]
async fn exercise_lists_the_lessons_exercises_with_the_objective_each_proves(pool: PgPool) {
    let out = console(
        pool,
        LabStatus::Starting,
        "/exercise async\n/exercise no-such-lesson\n",
    )
    .await;
    let catalog = tutorbot_testkit::catalog();
    let lesson = catalog.lesson("async").expect("the async lesson");
    assert!(lesson.exercises.len() >= 5);
    for e in &lesson.exercises {
        assert!(out.contains(&e.title), "{} missing from {out}", e.title);
        let objective = lesson
            .objectives
            .iter()
            .find(|o| o.id == e.objective)
            .unwrap();
        assert!(out.contains(&objective.text), "{out}");
    }
    assert!(
        out.contains("There is no lesson called `no-such-lesson`"),
        "{out}"
    );
}

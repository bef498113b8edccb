//! Content reloads without a restart (`src/content/live.rs`): under a
//! steady stream of learners, every answer comes from one whole catalog
//! version, none is lost, and a broken edit is refused while the last good
//! content keeps serving.

use crate::support::{self, ask, text, Learner};

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use sqlx::PgPool;

use tutorbot::content::live::Live;
use tutorbot::content::{Catalog, Tree};
use tutorbot::core::{Core, Outcome};
use tutorbot::store::Store;

const OLD_TITLE: &str = "Introduction to Asynchronous Programming";
const OLD_LINE: &str = "**In one line:**";

/// Writes version `v` of the async lesson: its title (lesson.toml) and its
/// first section (01-overview.md) both name `v`, in two separate files, so a
/// half-reloaded lesson would show two different versions.
fn write_version(dir: &Path, v: usize) {
    let original = support::prompts_dir().join("async");
    let toml = std::fs::read_to_string(original.join("lesson.toml")).unwrap();
    let overview = std::fs::read_to_string(original.join("01-overview.md")).unwrap();
    std::fs::write(
        dir.join("async/lesson.toml"),
        toml.replacen(OLD_TITLE, &format!("Async v{v}"), 1),
    )
    .unwrap();
    std::fs::write(
        dir.join("async/01-overview.md"),
        overview.replacen(OLD_LINE, &format!("**Version {v}:**"), 1),
    )
    .unwrap();
}

/// The version a `/lesson async` answer shows in its title and in its
/// section, which must agree.
fn version_of(answer: &str) -> usize {
    let title: usize = between(answer, "Async v", "\n");
    let section: usize = between(answer, "**Version ", ":**");
    assert_eq!(
        title, section,
        "half a lesson: title v{title}, section v{section}"
    );
    title
}

fn between(text: &str, from: &str, to: &str) -> usize {
    let start = text
        .find(from)
        .unwrap_or_else(|| panic!("no {from:?} in {text}"))
        + from.len();
    let len = text[start..].find(to).unwrap();
    text[start..start + len].parse().unwrap()
}

#[sqlx::test]
async fn a_reload_under_steady_learners_loses_no_answer_and_never_serves_half_a_lesson(
    pool: PgPool,
) {
    let dir = tempfile::tempdir().unwrap();
    crate::content::copy_dir(support::prompts_dir(), dir.path());
    write_version(dir.path(), 0);
    let tree = Tree::Folder(dir.path().to_path_buf());
    let live = Live::new(tree.clone(), Arc::new(Catalog::load_tree(&tree).unwrap()));
    let core = Core::new(live.current(), Store::from_pool(pool)).with_live(live.clone());

    // Learners ask for the lesson again and again until the reloads are
    // done (and at least ASKS times each).
    let done = Arc::new(AtomicBool::new(false));
    const LEARNERS: usize = 4;
    const ASKS: usize = 10;
    const RELOADS: usize = 6;
    let mut learners = Vec::new();
    for n in 0..LEARNERS {
        let (core, done) = (core.clone(), done.clone());
        learners.push(tokio::spawn(async move {
            let learner = Learner::new(&format!("learner-{n}"));
            let mut seen = Vec::new();
            while seen.len() < ASKS || !done.load(Ordering::SeqCst) {
                let (answer, r) = ask(&core, &learner.lesson("async")).await;
                assert_eq!(answer.outcome, Outcome::Ok, "{}", text(&r));
                seen.push(version_of(&text(&r)));
                tokio::task::yield_now().await;
            }
            seen
        }));
    }
    let reloader = {
        let (live, done, dir) = (live.clone(), done.clone(), dir.path().to_path_buf());
        tokio::spawn(async move {
            let mut v = 0;
            let mut refused = 0;
            while v < RELOADS {
                v += 1;
                write_version(&dir, v);
                let ok = tokio::task::spawn_blocking({
                    let live = live.clone();
                    move || live.reload()
                })
                .await
                .unwrap();
                assert!(ok.is_ok(), "{:?}", ok.err());
                // Every third round, a broken edit: refused, nothing changes.
                if v % 3 == 0 {
                    let quiz = dir.join("async/quiz.toml");
                    let good = std::fs::read_to_string(&quiz).unwrap();
                    std::fs::write(&quiz, good.replacen("answer = \"", "answer = \"nope-", 1))
                        .unwrap();
                    let before = live.status().generation;
                    let live2 = live.clone();
                    let result = tokio::task::spawn_blocking(move || live2.reload())
                        .await
                        .unwrap();
                    assert!(result.is_err(), "a broken edit is refused");
                    assert_eq!(live.status().generation, before, "the last good one serves");
                    refused += 1;
                    std::fs::write(&quiz, good).unwrap();
                }
                tokio::task::yield_now().await;
            }
            done.store(true, Ordering::SeqCst);
            (v, refused)
        })
    };

    let (reloads, refused) = reloader.await.unwrap();
    assert_eq!((reloads, refused), (RELOADS, RELOADS / 3));
    for learner in learners {
        // Every ask was answered Ok, with one whole version (checked in the
        // task); and a learner never goes back to an older version.
        let seen = learner.await.unwrap();
        assert!(seen.len() >= ASKS);
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    }

    let status = live.status();
    assert_eq!(status.generation, 1 + reloads as u64);
    {
        let last = status.last_refused.expect("the refused reload is recorded");
        assert!(
            last.first.starts_with(&format!(
                "{}:",
                dir.path().join("async/quiz.toml").display()
            )),
            "named as path:line: {}",
            last.first
        );
    }
    // After the last reload, a new request sees the last version.
    let (_, r) = ask(&core, &Learner::new("late").lesson("async")).await;
    assert_eq!(version_of(&text(&r)), reloads);
}

/// A hang guard, not a timing claim: the reload is awaited by its signal.
const HANG: std::time::Duration = std::time::Duration::from_secs(60);

#[tokio::test]
async fn an_edit_under_prompts_dir_and_a_sighup_each_reload_the_content() {
    let dir = tempfile::tempdir().unwrap();
    crate::content::copy_dir(support::prompts_dir(), dir.path());
    write_version(dir.path(), 0);
    let tree = Tree::Folder(dir.path().to_path_buf());
    let live = Live::new(tree.clone(), Arc::new(Catalog::load_tree(&tree).unwrap()));
    tutorbot::content::live::watch(live.clone(), Some(dir.path().to_path_buf())).unwrap();
    let mut changes = live.subscribe();

    // An edit: the watcher reloads, and the new title is served.
    write_version(dir.path(), 1);
    tokio::time::timeout(HANG, changes.wait_for(|s| s.generation >= 2))
        .await
        .expect("the edit was seen")
        .unwrap();
    assert!(live
        .current()
        .lesson("async")
        .unwrap()
        .title
        .contains("Async v1"));

    // A broken edit: refused, and the last good content keeps serving.
    let lesson = dir.path().join("async/lesson.toml");
    let good = std::fs::read_to_string(&lesson).unwrap();
    std::fs::write(&lesson, good.replacen("title = ", "titel = ", 1)).unwrap();
    let status = tokio::time::timeout(HANG, changes.wait_for(|s| s.last_refused.is_some()))
        .await
        .expect("the broken edit was seen")
        .unwrap()
        .clone();
    let refused = status.last_refused.unwrap();
    assert!(
        refused
            .first
            .starts_with(&format!("{}:1: unknown field `titel`", lesson.display())),
        "{}",
        refused.first
    );
    assert!(live
        .current()
        .lesson("async")
        .unwrap()
        .title
        .contains("Async v1"));
    let generation = live.status().generation;

    // Fixed: the watcher serves it again.
    std::fs::write(&lesson, good.replacen("Async v1", "Async v2", 1)).unwrap();
    tokio::time::timeout(HANG, changes.wait_for(|s| s.generation > generation))
        .await
        .expect("reloaded")
        .unwrap();
    assert!(live
        .current()
        .lesson("async")
        .unwrap()
        .title
        .contains("Async v2"));

    // With no folder to watch, SIGHUP alone reloads.
    let by_signal = Live::new(tree.clone(), Arc::new(Catalog::load_tree(&tree).unwrap()));
    tutorbot::content::live::watch(by_signal.clone(), None).unwrap();
    let mut signalled = by_signal.subscribe();
    std::fs::write(&lesson, good.replacen("Async v1", "Async v3", 1)).unwrap();
    assert!(by_signal
        .current()
        .lesson("async")
        .unwrap()
        .title
        .contains("Async v2"));
    let pid = std::process::id().to_string();
    let hup = std::process::Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .unwrap();
    assert!(hup.success());
    tokio::time::timeout(HANG, signalled.wait_for(|s| s.generation >= 2))
        .await
        .expect("SIGHUP reloaded")
        .unwrap();
    assert!(by_signal
        .current()
        .lesson("async")
        .unwrap()
        .title
        .contains("Async v3"));
}

#[sqlx::test]
async fn healthz_and_metrics_show_the_content_version_and_the_last_refused_reload(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    crate::content::copy_dir(support::prompts_dir(), dir.path());
    let tree = Tree::Folder(dir.path().to_path_buf());
    let live = Live::new(tree.clone(), Arc::new(Catalog::load_tree(&tree).unwrap()));
    let core = Core::new(live.current(), Store::from_pool(pool)).with_live(live.clone());
    let metrics = Arc::new(tutorbot::metrics::Metrics::new());
    let router = tutorbot::doors::ops::ops_router(core, Arc::clone(&metrics), None);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(tutorbot::doors::server::serve(
        listener,
        router,
        async {
            let _ = stopped.await;
        },
        tutorbot::doors::server::ServeLimits::default(),
        metrics,
    ));
    let get = |path: &'static str| async move {
        reqwest::get(format!("http://{addr}{path}"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };

    let health: serde_json::Value = serde_json::from_str(&get("/healthz").await).unwrap();
    assert_eq!(health["content"]["generation"], 1);
    assert_eq!(health["content"]["version"], live.status().version.as_str());
    assert!(health["content"]["last_refused"].is_null());

    let quiz = dir.path().join("async/quiz.toml");
    let good = std::fs::read_to_string(&quiz).unwrap();
    std::fs::write(&quiz, good.replacen("[[questions]]", "[[questions]\n", 1)).unwrap();
    assert!(live.reload().is_err());

    let health: serde_json::Value = serde_json::from_str(&get("/healthz").await).unwrap();
    assert_eq!(
        health["content"]["generation"], 1,
        "still the last good one"
    );
    let first = health["content"]["last_refused"]["first"].as_str().unwrap();
    assert!(
        first.starts_with(&format!("{}:", quiz.display())),
        "named as path:line: {first}"
    );
    let metrics = get("/metrics").await;
    assert!(
        metrics.contains("tutorbot_content_generation 1"),
        "{metrics}"
    );
    let refused_line = metrics
        .lines()
        .find(|l| l.starts_with("tutorbot_content_last_refused_seconds "))
        .unwrap_or_else(|| panic!("{metrics}"));
    assert_ne!(refused_line, "tutorbot_content_last_refused_seconds 0");
    let version = i64::from_str_radix(&live.status().version, 16).unwrap();
    assert!(
        metrics.contains(&format!("tutorbot_content_version {version}")),
        "{metrics}"
    );

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[sqlx::test]
async fn a_learner_mid_quiz_when_the_quiz_reloads_meets_the_stale_button_answer(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    crate::content::copy_dir(support::prompts_dir(), dir.path());
    let tree = Tree::Folder(dir.path().to_path_buf());
    let live = Live::new(tree.clone(), Arc::new(Catalog::load_tree(&tree).unwrap()));
    let core = Core::new(live.current(), Store::from_pool(pool.clone())).with_live(live.clone());
    let ada = Learner::new("ada");
    let quiz = ada.command(
        "quiz",
        vec![serde_json::json!({"name": "lesson", "type": 3, "value": "async"})],
    );
    let (answer, r) = ask(&core, &quiz).await;
    assert_eq!(answer.outcome, Outcome::Ok, "{}", text(&r));
    let old_button = support::buttons(&r)[0].0.clone();

    // The author edits the quiz; the running bot reloads it.
    let path = dir.path().join("async/quiz.toml");
    let edited =
        std::fs::read_to_string(&path)
            .unwrap()
            .replacen("prompt = \"", "prompt = \"(Revised) ", 1);
    std::fs::write(&path, edited).unwrap();
    live.reload().unwrap();

    let (answer, r) = ask(&core, &ada.click(&old_button)).await;
    assert_eq!(answer.outcome, Outcome::Refused);
    assert!(text(&r).contains("has changed"), "{}", text(&r));
    let scored: i64 = sqlx::query_scalar("SELECT count(*) FROM quiz_answers")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(scored, 0, "an answer to the old quiz is never scored");
}

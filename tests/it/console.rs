//! The console door, driven through stdin as a learner (or a script) would,
//! against a real process and a real, fresh Postgres database: what only
//! the terminal does. The lesson flows it shares with the Discord doors are
//! in `scenarios.rs`.

use crate::support;

use support::url_of;

use std::io::Write;
use std::process::{Command, Stdio};

use sqlx::PgPool;

/// Runs `tutorbot console` with `input` on stdin; returns stdout.
fn console(url: &str, learner: &str, input: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tutorbot"))
        .args(["console", "--learner", learner])
        .current_dir(dir.path())
        .env("DATABASE_URL", url)
        .env("PROMPTS_DIR", support::prompts_dir())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tutorbot binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "console failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[sqlx::test]
async fn the_console_answers_nonsense_and_unknown_commands_clearly(pool: PgPool) {
    let url = url_of(&pool).await;
    let out = console(&url, "ada", "hello\n/nope\n42\n/lesson\n/help\n");
    assert!(out.contains("I didn't understand that"), "{out}");
    assert!(out.contains("I don't know the command `/nope`"), "{out}");
    assert!(
        out.contains("async (Introduction to Asynchronous Programming)"),
        "autocomplete choices: {out}"
    );
    assert!(out.contains("/progress"), "{out}");
}

#[test]
fn postgres_down_at_start_is_one_clear_line_naming_the_host_not_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tutorbot"))
        .args(["console"])
        .current_dir(dir.path())
        // Port 9 (discard) on loopback: nothing listens there.
        .env(
            "DATABASE_URL",
            "postgres://bot:hunter2@127.0.0.1:9/tutorbot",
        )
        .env("PROMPTS_DIR", support::prompts_dir())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot reach Postgres at 127.0.0.1:9/tutorbot"),
        "{err}"
    );
    assert!(err.contains("Start one"), "{err}");
    assert!(!err.contains("hunter2"), "the password leaked: {err}");
}

#[test]
fn tutorbot_check_passes_on_the_shipped_content_and_fails_with_path_and_line() {
    let ok = Command::new(env!("CARGO_BIN_EXE_tutorbot"))
        .args(["check"])
        .arg(support::prompts_dir())
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );

    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("broken")).unwrap();
    std::fs::write(
        dir.path().join("broken/lesson.toml"),
        "title = \"x\"\nsummary = \"y\"\nsections = 3\n",
    )
    .unwrap();
    let bad = Command::new(env!("CARGO_BIN_EXE_tutorbot"))
        .args(["check"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("broken/lesson.toml:3:"), "{err}");
    assert!(err.contains("ui.toml:1: cannot read"), "{err}");
}

#[sqlx::test]
async fn a_quiz_resumes_after_the_console_process_restarts(pool: PgPool) {
    let url = url_of(&pool).await;
    let count = support::catalog()
        .lesson("python-setup")
        .unwrap()
        .quiz
        .as_ref()
        .unwrap()
        .questions
        .len();
    let first = console(&url, "ada", "/quiz python-setup\n1\n");
    assert!(first.contains(&format!("Question 1 of {count}")), "{first}");
    assert!(first.contains(&format!("1 of {count} answered")), "{first}");

    let second = console(&url, "ada", "/quiz python-setup\n");
    assert!(
        second.contains(&format!("Question 2 of {count}")),
        "{second}"
    );
    let answers: i64 = sqlx::query_scalar("SELECT count(*) FROM quiz_answers")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(answers, 1);
}

//! The console door, driven through stdin as a learner (or a script) would,
//! against a real process and a real, fresh Postgres database: what only
//! the terminal does. The lesson flows it shares with the Discord doors are
//! in `scenarios.rs`.

use crate::support;

use support::url_of;

use std::io::Write;
use std::process::{Command, Stdio};

use sqlx::PgPool;

/// `tutorbot console` as a learner runs it, stdin, stdout and stderr piped.
struct Run<'a> {
    url: &'a str,
    learner: &'a str,
    /// `RUST_LOG`, or `None` to leave it unset (the console's default).
    rust_log: Option<&'a str>,
    /// Lines written to a `.env` in the working folder.
    dot_env: &'a str,
    env: &'a [(&'a str, &'a str)],
}

impl<'a> Run<'a> {
    fn new(url: &'a str) -> Self {
        Run {
            url,
            learner: "ada",
            rust_log: Some("warn"),
            dot_env: "",
            env: &[],
        }
    }

    /// Runs it with `input` on stdin, to the end; its output.
    fn output(&self, input: &[u8]) -> std::process::Output {
        let dir = tempfile::tempdir().unwrap();
        if !self.dot_env.is_empty() {
            std::fs::write(dir.path().join(".env"), self.dot_env).unwrap();
        }
        let mut command = Command::new(env!("CARGO_BIN_EXE_tutorbot"));
        command
            .args(["console", "--learner", self.learner])
            .current_dir(dir.path())
            .env("DATABASE_URL", self.url)
            .env("PROMPTS_DIR", support::prompts_dir())
            .env_remove("RUST_LOG")
            .env_remove("NO_COLOR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(level) = self.rust_log {
            command.env("RUST_LOG", level);
        }
        for (k, v) in self.env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("the tutorbot binary runs");
        child.stdin.take().unwrap().write_all(input).unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs it with `input`; stdout, after checking that it succeeded.
    fn stdout(&self, input: &str) -> String {
        let out = self.output(input.as_bytes());
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "console failed: {}\n{stdout}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }
}

/// Runs `tutorbot console` with `input` on stdin; returns stdout.
fn console(url: &str, learner: &str, input: &str) -> String {
    Run {
        learner,
        ..Run::new(url)
    }
    .stdout(input)
}

/// What the console printed after the line `after` was typed: the text
/// between that answer's start and the next rule or note.
fn answers(out: &str) -> Vec<&str> {
    out.split("────────────────────────────────────────")
        .collect()
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

#[sqlx::test]
async fn piped_console_output_holds_no_log_line_and_no_escape_code(pool: PgPool) {
    let url = url_of(&pool).await;
    // Unset RUST_LOG: the console's own default. A typo, a deletion and a
    // click each used to log on the learner's screen.
    let run = Run {
        rust_log: None,
        ..Run::new(&url)
    };
    let out = run.output(b"/foo\n/lesson async\n2\n/forget-me\n1\n/progress\n");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("Your progress"), "{stdout}");
    for (name, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        assert!(!text.contains('\x1b'), "an escape code on {name}: {text:?}");
        for level in ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"] {
            assert!(!text.contains(level), "a log line on {name}: {text}");
        }
    }
    assert_eq!(
        stderr, "",
        "nothing on stderr at the console's default level"
    );
}

#[sqlx::test]
async fn rust_log_from_dot_env_counts_and_a_piped_log_has_no_colour(pool: PgPool) {
    let url = url_of(&pool).await;
    let run = Run {
        rust_log: None,
        dot_env: "RUST_LOG=info\n",
        ..Run::new(&url)
    };
    let out = run.output(b"/progress\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("INFO"), "RUST_LOG from .env: {stderr}");
    assert!(stderr.contains("ready"), "{stderr}");
    assert!(!stderr.contains('\x1b'), "colour on a pipe: {stderr:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("INFO"), "logs stay off stdout: {stdout}");
}

async fn demo_runs(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM demo_runs")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn a_demo_typed_wrong_is_answered_with_its_usage_and_runs_nothing(pool: PgPool) {
    let url = url_of(&pool).await;
    let cases = [
        ("/demo foo", "`foo` is not one of `/demo`'s: `gather`"),
        ("/demo gather abc", "`n` takes a whole number, not `abc`"),
        (
            "/demo gather 99999999999999999999",
            "`99999999999999999999` is too large for `n`",
        ),
        ("/demo", "`/demo` needs one of: `gather`"),
        ("/demo gather 5 6", "`6` is one word too many for `/demo`"),
    ];
    for (line, said) in cases {
        let out = console(&url, "ada", &format!("{line}\n"));
        assert!(out.contains(said), "{line}: {out}");
        assert!(out.contains("Usage:"), "{line}: {out}");
        assert!(out.contains("`/demo gather [n]`"), "{line}: {out}");
        assert!(out.contains("`/demo limit [n] [max]`"), "{line}: {out}");
    }
    assert_eq!(demo_runs(&pool).await, 0, "no demo ran");
}

#[sqlx::test]
async fn numbers_that_name_no_button_of_the_last_screen_say_which_do(pool: PgPool) {
    let url = url_of(&pool).await;
    let lesson = support::catalog().lesson("async").unwrap().clone();
    let sections = lesson.sections.len();
    // "Jump to section…" numbers each section; then Prev (greyed out on the
    // first page), Next, the checklist, the quiz and the exercises.
    let prev = sections + 1;
    let last = sections + 4 + usize::from(!lesson.exercises.is_empty());
    let valid = format!("Type 1–{sections}, {}–{last}, or", prev + 1);
    let out = console(
        &url,
        "ada",
        &format!("/lesson async\n99\n0\n-1\n{prev}\n/help\n3\n"),
    );
    for n in ["99", "0", "-1"] {
        let said = format!("There is no button {n} on screen. {valid}");
        assert!(out.contains(&said), "{said} in {out}");
    }
    assert!(
        out.contains(&format!("Button {prev} is greyed out. {valid}")),
        "{out}"
    );
    // After the console's /help, the lesson's buttons are gone.
    assert_eq!(
        out.matches("There are no buttons on screen now.").count(),
        1,
        "{out}"
    );
}

#[sqlx::test]
async fn a_select_menus_options_are_numbered_and_a_number_picks_one(pool: PgPool) {
    let url = url_of(&pool).await;
    let lesson = support::catalog().lesson("async").unwrap().clone();
    let out = console(&url, "ada", "/lesson async\n3\n");
    assert!(
        out.contains(&format!(
            "Jump to section…:  [1] 1. {}",
            lesson.sections[0].title
        )),
        "{out}"
    );
    let third = answers(&out).last().copied().unwrap();
    assert!(
        third.contains(&format!("## {}", lesson.sections[2].title)),
        "{third}"
    );
}

#[sqlx::test]
async fn a_line_that_is_not_utf8_is_skipped_with_a_note(pool: PgPool) {
    let url = url_of(&pool).await;
    let out = Run::new(&url).output(b"/help\n\xff\xfe\n/progress\n");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("That line was not valid UTF-8 text, so I skipped it."),
        "{stdout}"
    );
    assert!(
        stdout.contains("Your progress"),
        "the session went on: {stdout}"
    );
}

#[test]
fn a_blank_learner_name_is_refused() {
    for name in ["", "   "] {
        let out = Command::new(env!("CARGO_BIN_EXE_tutorbot"))
            .args(["console", "--learner", name])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{name:?} was taken");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("a learner name needs"), "{err}");
    }
}

#[sqlx::test]
async fn quit_while_a_demo_runs_shows_its_result_before_leaving(pool: PgPool) {
    let url = url_of(&pool).await;
    let run = Run {
        env: &[("DEMO_DELAY_MS", "50")],
        ..Run::new(&url)
    };
    let out = run.stdout("/demo gather 3\n/quit\n/progress\n");
    assert!(
        out.contains("Finishing the demo or run still going"),
        "{out}"
    );
    assert!(out.contains("Speed-up"), "the result is shown: {out}");
    // A terminal gets the text timelines, and no picture it cannot show.
    assert!(out.contains("#3│"), "{out}");
    assert!(!out.contains("demo.png"), "{out}");
    assert!(
        !out.contains("Your progress"),
        "nothing after /quit is read: {out}"
    );
    let finished: i64 =
        sqlx::query_scalar("SELECT count(*) FROM demo_runs WHERE sequential_ms IS NOT NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(demo_runs(&pool).await, 1);
    assert_eq!(finished, 1, "the run recorded is the run shown");
}

#[sqlx::test]
async fn thirty_piped_lines_are_all_answered(pool: PgPool) {
    let url = url_of(&pool).await;
    // The shipped throttle lets a Discord user burst far fewer than 30.
    let out = console(&url, "ada", &"/progress\n".repeat(30));
    assert_eq!(out.matches("Your progress").count(), 30, "{out}");
    assert!(!out.contains("faster than I can keep up"), "{out}");
}

#[sqlx::test]
async fn console_help_says_how_the_console_works_and_lists_what_works_there(pool: PgPool) {
    let url = url_of(&pool).await;
    let out = console(&url, "ada", "/help\n");
    let help = answers(&out).last().copied().unwrap_or_default();
    assert!(help.contains("type a number to click"), "{help}");
    assert!(help.contains("/quit"), "{help}");
    assert!(help.contains("/?"), "{help}");
    assert!(help.contains("`/demo gather [n]`"), "{help}");
    assert!(help.contains("`/lesson <lesson>`"), "{help}");
    // Discord-only commands are named as such, never listed as usable.
    assert!(!help.contains("`/quiz-stats <"), "Discord only: {help}");
    assert!(!help.contains("`/author "), "Discord only: {help}");
    assert!(help.contains("work only in a Discord server"), "{help}");
    assert!(!help.contains("start typing"), "Discord only: {help}");
    assert!(help.contains("`async`"), "the lessons: {help}");
}

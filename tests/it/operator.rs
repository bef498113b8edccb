//! The operator's path: a setting missing at start stops the bot with one
//! clear line and status 78, and in a container (ON_CONFIG_ERROR=wait) the
//! bot waits to be stopped instead, so no restart policy loops on it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// The bot binary run in an empty folder (no `.env` of the developer's)
/// with a blank token and the given `ON_CONFIG_ERROR`.
fn serve_with_blank_token(on_config_error: &str) -> Command {
    let dir = std::env::temp_dir();
    let mut command = Command::new(env!("CARGO_BIN_EXE_tutorbot"));
    command
        .arg("serve")
        .current_dir(dir)
        .env("DISCORD_TOKEN", "")
        .env("ON_CONFIG_ERROR", on_config_error)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

#[test]
fn a_blank_discord_token_stops_serve_with_one_line_and_the_config_status() {
    let out = serve_with_blank_token("exit").output().unwrap();
    assert_eq!(out.status.code(), Some(78), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("error: DISCORD_TOKEN is not set"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_wrong_setting_is_a_config_error_too() {
    let out = serve_with_blank_token("exit")
        .env("DISCORD_TOKEN", "x")
        .env("DATABASE_MAX_CONNECTIONS", "many")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("DATABASE_MAX_CONNECTIONS"), "{stderr}");
}

#[test]
fn with_on_config_error_wait_a_blank_token_waits_to_be_stopped_instead_of_exiting() {
    let mut child = serve_with_blank_token("wait").spawn().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    let mut second = String::new();
    stderr.read_line(&mut first).unwrap();
    // The second line is written once the stop signals are caught: the
    // explicit signal that the process is waiting, not a timer.
    stderr.read_line(&mut second).unwrap();
    assert!(
        first.starts_with("error: DISCORD_TOKEN is not set"),
        "{first}"
    );
    assert!(second.starts_with("waiting to be stopped"), "{second}");
    assert!(
        child.try_wait().unwrap().is_none(),
        "it exited instead of waiting"
    );

    // SAFETY: kill(2) on our own child's pid, which has not been reaped.
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    assert_eq!(sent, 0);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(78), "{status:?}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(rest.is_empty(), "more lines after the wait: {rest}");
}

/// The README's quick start is `cargo run -- console`. With a second binary
/// (the lab's PID 1), `cargo run` refuses to guess which one to run unless
/// the manifest names it: this guards the first command a newcomer types.
#[test]
fn cargo_run_in_the_quick_start_runs_the_bot_among_two_binaries() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .expect("the manifest");
    let manifest: toml::Table = manifest.parse().expect("the manifest parses");
    let package = manifest["package"].as_table().expect("[package]");
    assert_eq!(
        package.get("default-run").and_then(|v| v.as_str()),
        Some("tutorbot"),
        "`cargo run` must run the bot"
    );
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("the README");
    assert!(readme.contains("cargo run -- console"), "the quick start");
}

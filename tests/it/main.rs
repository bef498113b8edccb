//! tutorbot's integration tests, as one test binary.
//!
//! Each module was once a test binary of its own (`tests/*.rs`), each
//! compiling its own copy of the support code and linking tutorbot again:
//! fourteen links of the same crates. Here they share one build, one
//! [`support`] module, and the `tutorbot-testkit` crate (the fake Discord and
//! the other pieces the benches use too).
//!
//! Run one module with `cargo test --test it -- lesson_flow::`, one test with
//! its full name, e.g. `cargo test --test it -- console::the_console_answers`.
//!
//! Sharing a process means no test may rely on owning it: none sets
//! environment variables or installs a global tracing subscriber, servers
//! bind port 0, and child processes get their environment explicitly
//! (`env_clear`). Each `#[sqlx::test]` has its own database.

mod support;

mod console;
mod content;
mod demo_flow;
mod examples;
mod exercise_flow;
mod fake_discord_e2e;
mod faults;
mod fixtures_selftest;
mod floods;
mod gateway_door;
mod hardening;
mod hostile_input;
mod http_door;
mod lab;
mod lab_exercises;
mod lab_hostile;
mod lab_init;
mod lesson_files;
mod lesson_flow;
mod operator;
mod outage;
mod packs;
mod quiz_flow;
mod reload;
mod reminders;
mod review_flow;
mod run_flow;
mod scenarios;
mod screens;
mod store;

//! tutorbot: a Discord bot that tutors programming.
//!
//! Learners read a lesson section by section, tick its checklist of learning
//! objectives, answer quizzes with buttons, and watch real concurrent HTTP
//! fetches next to sequential ones. Every learner's progress lives in
//! Postgres, so any instance, after any restart, carries on where they were.
//!
//! # Layout
//!
//! Doors (thin) call one core; the core parses, decides and draws; the parts
//! below it do the work (see `DESIGN.md` in the shared folder):
//!
//! ```text
//!  doors::gateway ─┐  (both share doors::discord
//!  doors::http   ──┤   and doors::ops)
//!                  └─ Interaction ─> core::request (parse) ─┐
//!  doors::console ─── Request ──────────────────────────────┤
//!                                                           ▼
//!        decide: core::{lesson, checklist, quiz, demo, progress, account}
//!           │ outcome, or CoreError (refusal / failure)         │
//!           ▼                                                   ▼
//!        draw: core::view ─> serenity builders     store (SQL) · content · demo engine
//! ```
//!
//! - [`settings`]: typed settings, loaded once; secrets wrapped.
//! - [`clock`]: wall-clock time, injected where reviews and reminders are scheduled.
//! - [`content`]: every word a learner reads, loaded from `prompts/` and checked.
//! - [`store`]: all SQL; idempotent writes.
//! - [`core`]: parse ([`core::request`]), decide (one module a feature),
//!   draw ([`core::view`]); refusals apart from failures ([`core::error`]).
//!   Discord's rules (limits, ephemeral personal views, stale buttons) are
//!   kept here.
//! - [`demo`]: the demo engine (real fetches, timed), its loopback target
//!   and its lifecycle ([`demo::DemoService`]).
//! - [`lab`]: learners' Python in a bubblewrap sandbox (limits, the
//!   practice server inside it, verdicts), on or off as the machine allows.
//! - [`doors`]: the console door and the two Discord doors (gateway, HTTP
//!   endpoint), which share [`doors::discord`] and [`doors::ops`].
//! - [`schedule`]: due work claimed in Postgres: the daily review reminders.
//! - [`metrics`]: counters and a latency histogram, served on `/metrics`.
//! - [`redact`]: the log writer that keeps tokens and passwords out of
//!   every log line, whatever the libraries below us print.
//! - [`app`]: start-up shared by every door; [`cli`]: the `tutorbot` command;
//!   [`telemetry`]: where logs go (never onto the console learner's screen).

pub mod app;
pub mod cli;
pub mod clock;
pub mod content;
pub mod core;
pub mod demo;
pub mod doors;
pub mod lab;
pub mod metrics;
pub mod redact;
pub mod schedule;
pub mod settings;
pub mod store;
pub mod telemetry;

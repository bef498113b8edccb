//! tutorbot: a Discord bot that tutors programming.
//!
//! Learners read a lesson section by section, tick its checklist of learning
//! objectives, answer quizzes with buttons, and watch real concurrent HTTP
//! fetches next to sequential ones. Every learner's progress lives in
//! Postgres, so any instance, after any restart, carries on where they were.
//!
//! # Layout
//!
//! One core, several doors (see `DESIGN.md` in the shared folder):
//!
//! ```text
//!  doors::console ─┐
//!  (gateway, http) ┼─> core::Core::handle(Interaction) ─> lesson / checklist / progress / account
//!                  ┘            │                                  │
//!                               └─ serenity response builders      store (sqlx, Postgres)
//! ```
//!
//! - [`settings`]: typed settings, loaded once; secrets wrapped.
//! - [`content`]: every word a learner reads, loaded from `prompts/` and checked.
//! - [`store`]: all SQL; idempotent writes.
//! - [`core`]: the router and the views; Discord's rules (limits, ephemeral
//!   personal views, stale buttons) are kept here.
//! - [`demo`]: the demo engine (real fetches, timed) and its loopback target.
//! - [`doors`]: the console door and the two Discord doors (gateway, HTTP
//!   endpoint) stay thin.
//! - [`metrics`]: counters and a latency histogram, served on `/metrics`.
//! - [`app`]: start-up shared by every door; [`cli`]: the `tutorbot` command.

pub mod app;
pub mod cli;
pub mod content;
pub mod core;
pub mod demo;
pub mod doors;
pub mod metrics;
pub mod settings;
pub mod store;

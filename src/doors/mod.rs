//! The doors: thin adapters that turn their input into an `Interaction`,
//! call the core, and deliver its answer.
//!
//! ```text
//!  gateway (serenity Client) ─┐
//!  http (axum endpoint)      ─┴─ discord: deadline, first answer, follow-ups, replay guard
//!  console (terminal)           ops: /healthz, /metrics, serving, shutdown
//! ```
//!
//! No door imports another door: the two Discord doors share [`discord`]
//! (the delivery pipeline) and [`ops`] (health, metrics, serving, stopping);
//! the console uses neither. [`wire`] builds and reads Discord's JSON for
//! the console and the tests.

pub mod console;
pub mod discord;
pub mod gateway;
pub mod http;
pub mod ops;
pub mod wire;

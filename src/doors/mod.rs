//! The doors: thin adapters that hand their input to the core and deliver
//! its answer. The Discord doors hand it serenity's `Interaction`
//! ([`Core::handle`](crate::core::Core::handle)); the console builds the
//! core's own `Request` from typed words
//! ([`Core::serve`](crate::core::Core::serve)).
//!
//! ```text
//!  gateway (serenity Client) ─┐
//!  http (axum endpoint)      ─┴─ discord: deadline, first answer, follow-ups, replay guard
//!  console (terminal)           ops: /healthz, /metrics, serving, shutdown
//! ```
//!
//! No door imports another door: the two Discord doors share [`discord`]
//! (the delivery pipeline) and [`ops`] (health, metrics, serving, stopping);
//! the console uses neither. [`wire`] builds the Discord JSON a console
//! learner's interactions would be, for the tests that drive the Discord
//! path with them.

pub mod console;
pub mod discord;
pub mod gateway;
pub mod http;
pub mod ops;
pub mod server;
pub mod wire;

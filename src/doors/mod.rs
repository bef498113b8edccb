//! The doors: thin adapters that turn their input into an `Interaction`,
//! call the core, and deliver its answer.

pub mod console;
pub mod gateway;
pub mod http;
pub mod wire;

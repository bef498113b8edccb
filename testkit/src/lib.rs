//! tutorbot's test kit, shared by the integration tests (`tests/it`) and the
//! benches, compiled once as a crate of its own.
//!
//! - [`fake_discord`]: Discord on loopback (REST, gateway, attachment CDN)
//!   that drives the real serenity client and refuses what Discord refuses
//!   (its limits come from `tutorbot::core::limits`).
//! - [`fixtures`]: interaction payloads exactly as Discord sends them.
//! - [`followup`]: [`followup::Discard`], a door that drops every later edit.
//! - [`load`], [`process`], [`tcp_proxy`]: a load generator, `tutorbot http`
//!   as a child process, and a TCP proxy that can cut Postgres off;
//!   [`round_trips`] counts a client's round trips to Postgres on the wire.
//!
//! It is a dev-dependency of tutorbot and depends on tutorbot's library in
//! turn; cargo allows that cycle for dev-dependencies only.

pub mod door;
pub mod fake_discord;
pub mod fixtures;
pub mod followup;
pub mod load;
pub mod process;
pub mod round_trips;
pub mod tcp_proxy;

use std::path::Path;
use std::sync::Arc;

use sqlx::PgPool;
use tutorbot::content::Catalog;
use tutorbot::core::Core;
use tutorbot::store::Store;

/// The repository's own prompts/ folder (the kit lives one level below it).
pub fn prompts_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../prompts"))
}

/// The shipped content; a test cannot run without it.
pub fn catalog() -> Catalog {
    Catalog::load(prompts_dir()).unwrap_or_else(|d| panic!("the shipped content must load:\n{d}"))
}

/// A core over the shipped content and `pool` (a test's fresh database).
pub fn core(pool: PgPool) -> Core {
    Core::new(Arc::new(catalog()), Store::from_pool(pool))
}

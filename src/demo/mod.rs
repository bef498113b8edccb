//! The demo engine: real concurrent HTTP fetches next to sequential ones, so
//! a learner sees what `join_all` (the twin of Python's `asyncio.gather`)
//! does, and what the common mistakes cost.
//!
//! # Pieces
//! - [`target`]: the built-in demo target, an axum router serving
//!   `GET /delay/{ms}[?fail=1]` (sleep `ms`, answer `200`, or `500` with
//!   `fail`; `ms` at most [`MAX_TARGET_DELAY_MS`], else `400`). Every door
//!   starts it with the bot on loopback ([`spawn_target`]), so the demo works
//!   with no internet and no learner can point the bot anywhere. The operator
//!   may configure another base URL serving the same routes.
//! - [`DemoEngine`]: one shared `reqwest::Client` (whole-request timeout on
//!   every fetch, idle pool as large as the cap, no proxy, no redirects), the
//!   target base URL, and a global cap on fetches in flight. Its demos:
//!   [`gather`](DemoEngine::gather), [`blocking`](DemoEngine::blocking),
//!   [`errors`](DemoEngine::errors), [`timeout`](DemoEngine::timeout),
//!   [`limit`](DemoEngine::limit), [`taskgroup`](DemoEngine::taskgroup)
//!   (and [`concurrent`](DemoEngine::concurrent), the concurrent half of
//!   `gather`, for the benchmark).
//! - [`chart`]: a pure function drawing one run as a text timeline (one row
//!   per request, a bar from start to end on a shared axis) for a code block.
//! - [`picture`]: the same timelines, every run of a demo on one axis, as a
//!   PNG for the result's embed (font embedded; a few kilobytes).
//!
//! # Data, not prose
//! The engine returns structured reports ([`GatherReport`] ...): for every run
//! its wall time and each request's start and end offsets from the run's start
//! and its [`Outcome`]. It contains no learner-facing text; the caller renders
//! messages from `prompts/`. Chart glyphs and unit labels are parameters
//! ([`Glyphs`]) with plain defaults.
//!
//! # Bounds and errors
//! Every parameter is validated first, against [`DemoConfig`]: n in
//! `1..=max_n` (default 50), delays in `min_delay_ms..=max_delay_ms`, k within
//! n, and n × delay within `max_total_ms` for the demos that run one after
//! another. A violation is [`DemoError::OutOfRange`] naming the parameter and
//! its inclusive bounds: the learner's mistake
//! ([`DemoError::is_learner_error`]). Everything else is ours: the cap is full
//! ([`DemoError::Busy`]), the target failed ([`DemoError::Target`]: refused,
//! timed out, or a status the demo did not ask for), bad configuration, or an
//! internal failure. A transport error voids the whole demo rather than
//! showing a learner a chart distorted by our own failure.
//!
//! # The global cap
//! A `tokio::sync::Semaphore` of `max_in_flight` slots (default 200) over all
//! demos of this process. A demo takes, all at once, as many slots as it may
//! run at the same time (n for `gather`, `errors`, `blocking` and
//! `taskgroup`, k for `limit`, 1 for `timeout`) and holds them until it ends, so the cap is never
//! exceeded and a demo never stalls halfway. If the slots are not free it
//! waits at most `busy_wait` (default 2 s: the caller has deferred its answer
//! already, and demos of a few seconds free slots quickly), then gets
//! [`DemoError::Busy`]; it never queues for ever. `busy_wait = 0` answers
//! `Busy` at once. The per-learner cooldown is the caller's business.
//!
//! # Progress
//! Long demos take an optional `tokio::sync::watch::Sender<`[`Progress`]`>`:
//! the engine publishes the run under way and the requests finished so far
//! after every request, without ever waiting on the reader; the caller reads
//! the latest value at its own pace (about once a second for a Discord edit).
//! When the demo ends the sender is dropped, so `changed()` on the receiver
//! returns an error.
//!
//! # Faithful to the Python it mirrors
//! - `gather`: a `for` loop of awaited fetches, then `join_all` over n
//!   spawned fetch tasks, like `asyncio.gather`, which wraps each coroutine
//!   in a task. Spawning lets the runtime's threads share the work of opening
//!   many connections at once (about a third less overhead at n = 1000 on
//!   two cores than polling every future in one task); the tasks are aborted
//!   if the demo is dropped, so nothing runs outside the cap.
//! - `blocking`: a dedicated OS thread with its own `current_thread` runtime
//!   (one thread, like an asyncio loop); n tasks calling `std::thread::sleep`
//!   gathered there take n × delay, the same tasks awaiting
//!   `tokio::time::sleep` take one delay. The bot's runtime never blocks.
//! - `errors`: `try_join_all` returns the first error and drops the futures
//!   still pending (their spans end `Cancelled` at that moment), like
//!   `gather` without `return_exceptions` (one difference for the lesson
//!   text: Python's `gather` propagates the first exception but leaves the
//!   other tasks running, while dropping Rust futures cancels them);
//!   `join_all` of `Result`s collects
//!   every outcome, like `return_exceptions=True`. Failing fetches answer
//!   after half the delay so the early stop shows. For more than 30 futures
//!   `try_join_all` switches to `FuturesOrdered` and reports errors in input
//!   order, not completion order; index 0 always fails (when any does), which
//!   keeps the "first error" the earliest one either way.
//! - `timeout`: `tokio::time::timeout` (the twin of `asyncio.wait_for`) drops
//!   the fetch at the limit; its span ends `Cancelled` there.
//! - `limit`: all n started with `join_all`, a `Semaphore` of k permits (the
//!   twin of `asyncio.Semaphore`) lets k run at once; the report groups the
//!   fetches into waves (ceil(n/k) of them with equal delays).
//! - `taskgroup`: the same n tasks, the first failing, joined like `gather`
//!   (the join returns at the error, the tasks run on: a dropped
//!   `JoinHandle` detaches) and like a `TaskGroup` (a `JoinSet` shut down at
//!   the error: the others are aborted, and the join waits until they stop).
//!
//! # Wiring (for the core)
//! ```ignore
//! let target = demo::spawn_target().await?;                 // 127.0.0.1:0
//! let base = operator_url.unwrap_or_else(|| target.base_url());
//! let engine = demo::DemoEngine::new(demo::DemoConfig::default(), &base)?;
//! let (tx, mut rx) = tokio::sync::watch::channel(demo::Progress::default());
//! let job = tokio::spawn({ let e = engine.clone(); async move { e.gather(5, 1000, Some(tx)).await } });
//! // ... every second: if rx.has_changed() { edit the message with *rx.borrow_and_update() } ...
//! let report = job.await??;
//! let axis = demo::shared_axis(&[&report.sequential, &report.concurrent]);
//! let opts = demo::ChartOptions { axis: Some(axis), ..Default::default() };
//! let seq_chart = demo::render(&report.sequential, &opts);
//! ```
//! Keep the [`TargetHandle`] alive as long as the bot runs: dropping it stops
//! the target.

/// The largest `n` a demo takes unless the operator sets `DEMO_MAX_N`: the
/// one place this bound is written (the engine's default, the settings'
/// default, and the bound Discord's client offers all read it).
pub const DEFAULT_MAX_N: usize = 50;

pub mod chart;
mod demos;
mod engine;
pub mod error;
pub mod model;
pub mod picture;
mod service;
pub mod target;
mod taskgroup;

#[cfg(test)]
mod tests;

pub use chart::{render, shared_axis, ChartOptions, Glyphs};
pub use engine::{DemoConfig, DemoEngine};
pub use error::{DemoError, Param, TargetProblem};
pub use model::{
    BlockingReport, ErrorsReport, FirstError, GatherReport, LimitReport, Outcome, Progress, Run,
    RunKind, Span, TaskGroupReport, TimeoutReport,
};
pub use service::DemoService;
pub use target::{
    bind_loopback, router, serve_target, spawn_target, spawn_target_on, TargetHandle,
    MAX_TARGET_DELAY_MS,
};

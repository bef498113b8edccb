//! The structured results of the demos: runs, spans, progress and reports.
//!
//! Every time is an offset from the start of its run (`Duration`), measured
//! with `std::time::Instant` on the machine running the engine.

use std::time::Duration;

use serde::Serialize;

/// Which way a run executed its requests (or tasks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunKind {
    /// One after another (`for` loop with `.await`).
    Sequential,
    /// All at once with `futures::future::join_all` (`asyncio.gather`).
    Concurrent,
    /// `join_all` of tasks that block their thread with `std::thread::sleep`
    /// on a single-threaded runtime (`time.sleep` inside `async def`).
    Blocking,
    /// The same tasks awaiting `tokio::time::sleep` (`await asyncio.sleep`).
    Awaiting,
    /// `futures::future::try_join_all`: the first error wins, the rest are
    /// dropped (`asyncio.gather` without `return_exceptions`).
    AllOrNothing,
    /// `join_all` of `Result`s: every outcome collected
    /// (`asyncio.gather(..., return_exceptions=True)`).
    Collected,
    /// One fetch under `tokio::time::timeout` (`asyncio.wait_for`).
    Timeout,
    /// All at once, but a `tokio::sync::Semaphore` lets only k run at a time
    /// (`asyncio.Semaphore`).
    Limited,
    /// Spawned tasks joined until the first error; the others run on
    /// (`asyncio.gather` without `return_exceptions`).
    GatherFirstError,
    /// A `tokio::task::JoinSet` shut down at the first error: the others are
    /// cancelled (`asyncio.TaskGroup`).
    TaskGroup,
}

/// How one request (or task) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Finished fine (a 2xx answer, or a sleep that ran to its end).
    Ok,
    /// The target answered an error status (the `errors` demo's failures).
    Failed { status: u16 },
    /// Dropped before it finished: the rest of a `try_join_all` after the
    /// first error, or the fetch cut off by `timeout`.
    Cancelled,
}

/// One request's life within a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    /// Position of the request in the demo (0-based).
    pub index: usize,
    /// When it started, from the start of the run.
    pub start: Duration,
    /// When it ended (or was dropped), from the start of the run.
    pub end: Duration,
    pub outcome: Outcome,
}

impl Span {
    pub fn duration(&self) -> Duration {
        self.end.saturating_sub(self.start)
    }
}

/// One run of a demo: its wall time and every request's span, by index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    pub kind: RunKind,
    /// From the start of the run until the combinator (loop, `join_all`,
    /// `try_join_all`, `timeout` ...) returned.
    pub wall: Duration,
    /// One per request, sorted by `index`.
    pub spans: Vec<Span>,
}

impl Run {
    /// How many spans ended with `outcome`-like results.
    pub fn count(&self, pred: impl Fn(&Outcome) -> bool) -> usize {
        self.spans.iter().filter(|s| pred(&s.outcome)).count()
    }

    pub fn ok_count(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Ok))
    }

    pub fn failed_count(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed { .. }))
    }

    pub fn cancelled_count(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Cancelled))
    }

    /// The largest number of spans that overlapped at one instant (spans are
    /// half-open: one ending exactly when the next starts do not overlap).
    pub fn max_overlap(&self) -> usize {
        let mut events: Vec<(Duration, i32)> = Vec::with_capacity(self.spans.len() * 2);
        for s in &self.spans {
            events.push((s.start, 1));
            events.push((s.end, -1));
        }
        // Ends before starts at the same instant.
        events.sort_by_key(|&(t, d)| (t, d));
        let (mut cur, mut best) = (0i32, 0i32);
        for (_, d) in events {
            cur += d;
            best = best.max(cur);
        }
        best as usize
    }

    /// The latest end among the spans (zero for an empty run).
    pub fn last_end(&self) -> Duration {
        self.spans.iter().map(|s| s.end).max().unwrap_or_default()
    }
}

/// Live progress of a demo, published on a `tokio::sync::watch` channel.
///
/// The engine updates it after every finished request; the caller reads the
/// latest value at its own pace (about once a second for a Discord edit). The
/// engine drops its sender when the demo ends, so `Receiver::changed()`
/// returning an error means "finished".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// The run under way.
    pub phase: RunKind,
    /// 0-based number of that run within the demo.
    pub phase_index: usize,
    /// How many runs the demo has (2 for `gather`, 1 for `limit` ...).
    pub phases: usize,
    /// Requests of this run finished so far (whatever their outcome).
    pub done: usize,
    /// Requests in this run.
    pub total: usize,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            phase: RunKind::Sequential,
            phase_index: 0,
            phases: 0,
            done: 0,
            total: 0,
        }
    }
}

/// Ratio of two wall times (`slow / fast`), 0 if `fast` is zero.
pub fn ratio(slow: Duration, fast: Duration) -> f64 {
    if fast.is_zero() {
        0.0
    } else {
        slow.as_secs_f64() / fast.as_secs_f64()
    }
}

/// `/demo gather`: n fetches one after another, then all at once.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GatherReport {
    pub n: usize,
    pub delay_ms: u64,
    pub sequential: Run,
    pub concurrent: Run,
}

impl GatherReport {
    /// sequential wall / concurrent wall.
    pub fn speedup(&self) -> f64 {
        ratio(self.sequential.wall, self.concurrent.wall)
    }
}

/// The blocking mistake: n tasks that `std::thread::sleep` versus n tasks that
/// await `tokio::time::sleep`, both on one single-threaded runtime.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockingReport {
    pub n: usize,
    pub delay_ms: u64,
    pub blocking: Run,
    pub awaiting: Run,
}

impl BlockingReport {
    /// blocking wall / awaiting wall (about n: the blocking tasks got no
    /// speed-up at all).
    pub fn slowdown(&self) -> f64 {
        ratio(self.blocking.wall, self.awaiting.wall)
    }

    /// blocking wall / (n × delay): about 1.0, i.e. the blocking run was as
    /// slow as running the tasks one after another.
    pub fn blocking_vs_sequential(&self) -> f64 {
        ratio(
            self.blocking.wall,
            Duration::from_millis(self.delay_ms) * self.n as u32,
        )
    }
}

/// The request whose error ended a `try_join_all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FirstError {
    pub index: usize,
    pub status: u16,
}

/// A failure among many: `try_join_all` next to `join_all` of `Result`s.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorsReport {
    pub n: usize,
    /// Delay of the fetches that succeed.
    pub delay_ms: u64,
    /// Delay of the fetches that fail (half of `delay_ms`: the target answers
    /// the error sooner, so the all-or-nothing run visibly stops early).
    pub fail_delay_ms: u64,
    /// Indices of the fetches that fail (spread evenly, always including 0
    /// when there is any).
    pub failing: Vec<usize>,
    /// The `try_join_all` run: spans of the requests still pending when the
    /// first error arrived end `Cancelled` at that moment.
    pub all_or_nothing: Run,
    /// The error `try_join_all` returned (`None` when no fetch fails).
    pub first_error: Option<FirstError>,
    /// The `join_all` of `Result`s run: every outcome.
    pub collected: Run,
}

/// One slow fetch under `tokio::time::timeout`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeoutReport {
    pub delay_ms: u64,
    pub limit_ms: u64,
    /// True when the limit fired and the fetch was cancelled.
    pub timed_out: bool,
    /// When `timeout` returned, from the start.
    pub elapsed: Duration,
    /// One span: `Cancelled` at about `limit_ms`, or `Ok` at about `delay_ms`.
    pub run: Run,
}

/// n fetches under a semaphore of k permits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LimitReport {
    pub n: usize,
    pub k: usize,
    pub delay_ms: u64,
    /// Span starts are the moments each fetch got its permit.
    pub run: Run,
    /// Request indices per wave. The semaphore's k permits are k slots; each
    /// slot runs its requests one after another; wave w holds the w-th request
    /// of every slot. With equal delays that gives `expected_waves` waves.
    pub waves: Vec<Vec<usize>>,
    /// ceil(n / k).
    pub expected_waves: usize,
}

/// One task fails among several: `gather` lets the others run on, a task
/// group cancels them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskGroupReport {
    pub n: usize,
    /// Delay of the fetches that succeed.
    pub delay_ms: u64,
    /// Delay of request #1 (index 0), which fails: half of `delay_ms`.
    pub fail_delay_ms: u64,
    /// Like `gather` without `return_exceptions`: the wall time is when the
    /// join returned with the error; the other spans end after it, `Ok`.
    pub gather: Run,
    /// Like `TaskGroup`: the other spans end `Cancelled` at the failure; the
    /// wall time is when they had all stopped.
    pub group: Run,
}

impl TaskGroupReport {
    /// The tasks of the `gather` run still running when it returned.
    pub fn ran_on(&self) -> usize {
        self.gather
            .spans
            .iter()
            .filter(|s| s.end > self.gather.wall)
            .count()
    }
}

//! The demo engine's one error type.
//!
//! [`DemoError`] keeps the learner's mistakes ([`DemoError::OutOfRange`]) apart
//! from our own failures (everything else), so the caller can answer the first
//! with the bounds and the second with an apology. The `Display` texts are for
//! logs only; the caller renders learner messages from `prompts/` using the
//! structured fields.

use std::fmt;

use serde::Serialize;

/// Which demo parameter was out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Param {
    /// The number of fetches (or tasks) in a demo.
    N,
    /// How many of the n fetches fail (`errors` demo).
    Failures,
    /// How many may run at once (`limit` demo).
    Concurrency,
    /// The delay of one fetch, in milliseconds.
    DelayMs,
    /// The time limit of the `timeout` demo, in milliseconds.
    LimitMs,
    /// n × delay: the time the slowest run of a demo (sequential, blocking,
    /// or one slot of `limit`) would take, in milliseconds.
    TotalMs,
}

impl Param {
    /// A stable, short identifier (`"n"`, `"delay_ms"` ...), e.g. for a
    /// prompt key.
    pub fn as_str(self) -> &'static str {
        match self {
            Param::N => "n",
            Param::Failures => "failures",
            Param::Concurrency => "concurrency",
            Param::DelayMs => "delay_ms",
            Param::LimitMs => "limit_ms",
            Param::TotalMs => "total_ms",
        }
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What went wrong with the demo target (always our failure, never the
/// learner's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetProblem {
    /// No connection could be made (refused, reset, DNS ...).
    Unreachable,
    /// A fetch hit the engine's request timeout.
    TimedOut,
    /// The target answered a status the demo did not ask for (a 404 from a
    /// misconfigured operator target, a success where `?fail=1` was asked ...).
    UnexpectedStatus(u16),
    /// Anything else on the wire (a broken body, a protocol error).
    Protocol,
}

impl fmt::Display for TargetProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetProblem::Unreachable => f.write_str("unreachable"),
            TargetProblem::TimedOut => f.write_str("timed out"),
            TargetProblem::UnexpectedStatus(s) => write!(f, "answered unexpected status {s}"),
            TargetProblem::Protocol => f.write_str("broke the protocol"),
        }
    }
}

/// Everything a demo can fail with.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The learner asked for something outside the bounds (inclusive).
    #[error("{param} = {value} is out of range {min}..={max}")]
    OutOfRange {
        param: Param,
        value: u64,
        min: u64,
        max: u64,
    },
    /// Too many demo fetches are already in flight: the demo could not get
    /// its `wanted` slots within the configured wait.
    #[error("demo capacity busy: wanted {wanted} slots, {available} of {cap} free")]
    Busy {
        wanted: usize,
        available: usize,
        cap: usize,
    },
    /// The demo target failed us; `detail` is for the log.
    #[error("demo target {url} {problem}: {detail}")]
    Target {
        url: String,
        problem: TargetProblem,
        detail: String,
    },
    /// The engine was configured wrongly (operator's mistake, at start-up).
    #[error("invalid demo configuration: {0}")]
    Config(String),
    /// A bug or a resource failure inside the engine (thread spawn, runtime).
    #[error("demo engine failure: {0}")]
    Internal(String),
}

impl DemoError {
    /// True for the learner's mistakes (answer with the bounds), false for our
    /// own failures (answer with an apology, log it).
    pub fn is_learner_error(&self) -> bool {
        matches!(self, DemoError::OutOfRange { .. })
    }

    pub(crate) fn out_of_range(param: Param, value: u64, min: u64, max: u64) -> Self {
        DemoError::OutOfRange {
            param,
            value,
            min,
            max,
        }
    }
}

/// `Ok(())` if `min <= value <= max`, else [`DemoError::OutOfRange`].
pub(crate) fn check_range(param: Param, value: u64, min: u64, max: u64) -> Result<(), DemoError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(DemoError::out_of_range(param, value, min, max))
    }
}

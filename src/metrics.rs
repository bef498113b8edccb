//! Prometheus metrics, hand-rolled with atomics: no registry, no locks.
//!
//! Both Discord doors record every interaction here and serve
//! [`Metrics::render`] on `GET /metrics` (text format 0.0.4):
//!
//! - `tutorbot_interactions_total{kind, outcome}`: interactions by kind
//!   (`ping`, `command`, `autocomplete`, `component`, `modal`, `other`) and
//!   the core's [`Outcome`] (`ok`, `refused`, `failed`).
//! - `tutorbot_interaction_duration_seconds`: a histogram of the time from
//!   receiving an interaction to its first answer being delivered (gateway:
//!   the callback returned; HTTP: the response body is ready).
//! - `tutorbot_database_errors_total`: interactions the core answered with
//!   [`Outcome::Failed`] (the database is the only thing the core can fail
//!   on), plus failed `/healthz` database checks.
//! - `tutorbot_rejected_requests_total{reason}`: HTTP requests refused before
//!   the core (`overloaded`, `too_large`, `bad_signature`, `stale`, `replay`,
//!   `malformed`).
//! - `tutorbot_duplicate_interactions_total`: interactions delivered again
//!   and answered only once.
//! - `tutorbot_delivery_errors_total`: answers Discord did not accept
//!   (gateway door: the callback failed).
//! - `tutorbot_interactions_in_flight`: interactions being handled now.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use serenity::all::Interaction;

use crate::core::Outcome;

/// What kind of interaction (the `kind` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ping,
    Command,
    Autocomplete,
    Component,
    Modal,
    Other,
}

impl Kind {
    const ALL: [Kind; 6] = [
        Kind::Ping,
        Kind::Command,
        Kind::Autocomplete,
        Kind::Component,
        Kind::Modal,
        Kind::Other,
    ];

    pub fn of(interaction: &Interaction) -> Kind {
        match interaction {
            Interaction::Ping(_) => Kind::Ping,
            Interaction::Command(_) => Kind::Command,
            Interaction::Autocomplete(_) => Kind::Autocomplete,
            Interaction::Component(_) => Kind::Component,
            Interaction::Modal(_) => Kind::Modal,
            _ => Kind::Other,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Ping => "ping",
            Kind::Command => "command",
            Kind::Autocomplete => "autocomplete",
            Kind::Component => "component",
            Kind::Modal => "modal",
            Kind::Other => "other",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

const OUTCOMES: [Outcome; 3] = [Outcome::Ok, Outcome::Refused, Outcome::Failed];

fn outcome_index(outcome: Outcome) -> usize {
    match outcome {
        Outcome::Ok => 0,
        Outcome::Refused => 1,
        Outcome::Failed => 2,
    }
}

/// The `outcome` label of an [`Outcome`].
pub fn outcome_label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Ok => "ok",
        Outcome::Refused => "refused",
        Outcome::Failed => "failed",
    }
}

/// Why the HTTP door refused a request before it reached the core.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// 413: the body is over the limit.
    TooLarge,
    /// 401: a signature header is missing or the signature does not verify.
    BadSignature,
    /// 401: the signed timestamp is outside the accepted window.
    Stale,
    /// 409: this interaction was already received.
    Replay,
    /// 400: the body is not an interaction.
    Malformed,
    /// 503: `HTTP_MAX_IN_FLIGHT` interactions were being handled already
    /// (load shed, before anything else was looked at).
    Overloaded,
}

impl Rejection {
    const ALL: [Rejection; 6] = [
        Rejection::TooLarge,
        Rejection::BadSignature,
        Rejection::Stale,
        Rejection::Replay,
        Rejection::Malformed,
        Rejection::Overloaded,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Rejection::TooLarge => "too_large",
            Rejection::BadSignature => "bad_signature",
            Rejection::Stale => "stale",
            Rejection::Replay => "replay",
            Rejection::Malformed => "malformed",
            Rejection::Overloaded => "overloaded",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Upper bounds of the latency histogram, in seconds.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// Every counter both doors keep. Share it in an `Arc`.
#[derive(Debug, Default)]
pub struct Metrics {
    interactions: [[AtomicU64; 3]; 6],
    /// Per-bucket (not cumulative) counts; the last one is `+Inf`.
    latency: [AtomicU64; LATENCY_BUCKETS.len() + 1],
    latency_sum_nanos: AtomicU64,
    database_errors: AtomicU64,
    rejected: [AtomicU64; Rejection::ALL.len()],
    duplicates: AtomicU64,
    delivery_errors: AtomicU64,
    in_flight: AtomicI64,
    shards_connected: AtomicI64,
}

impl Metrics {
    pub fn new() -> Self {
        Self::default()
    }

    /// One interaction answered by the core, and how long it took.
    pub fn interaction(&self, kind: Kind, outcome: Outcome, elapsed: Duration) {
        self.interactions[kind.index()][outcome_index(outcome)].fetch_add(1, Relaxed);
        if outcome == Outcome::Failed {
            self.database_errors.fetch_add(1, Relaxed);
        }
        let seconds = elapsed.as_secs_f64();
        let bucket = LATENCY_BUCKETS
            .iter()
            .position(|upper| seconds <= *upper)
            .unwrap_or(LATENCY_BUCKETS.len());
        self.latency[bucket].fetch_add(1, Relaxed);
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.latency_sum_nanos.fetch_add(nanos, Relaxed);
    }

    /// A database check (`/healthz`) that failed.
    pub fn database_error(&self) {
        self.database_errors.fetch_add(1, Relaxed);
    }

    pub fn rejected(&self, why: Rejection) {
        self.rejected[why.index()].fetch_add(1, Relaxed);
    }

    pub fn duplicate(&self) {
        self.duplicates.fetch_add(1, Relaxed);
    }

    pub fn delivery_error(&self) {
        self.delivery_errors.fetch_add(1, Relaxed);
    }

    /// Counts one interaction in flight until the guard is dropped.
    pub fn in_flight(&self) -> InFlightGauge<'_> {
        self.in_flight.fetch_add(1, Relaxed);
        InFlightGauge(self)
    }

    /// How many gateway shards of this process are connected now.
    pub fn set_shards_connected(&self, n: i64) {
        self.shards_connected.store(n, Relaxed);
    }

    /// How many interactions of this kind ended with this outcome.
    pub fn count(&self, kind: Kind, outcome: Outcome) -> u64 {
        self.interactions[kind.index()][outcome_index(outcome)].load(Relaxed)
    }

    pub fn rejections(&self, why: Rejection) -> u64 {
        self.rejected[why.index()].load(Relaxed)
    }

    pub fn duplicates(&self) -> u64 {
        self.duplicates.load(Relaxed)
    }

    pub fn database_errors(&self) -> u64 {
        self.database_errors.load(Relaxed)
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        let _ = writeln!(
            out,
            "# HELP tutorbot_interactions_total Interactions answered, by kind and outcome.\n\
             # TYPE tutorbot_interactions_total counter"
        );
        for kind in Kind::ALL {
            for outcome in OUTCOMES {
                let _ = writeln!(
                    out,
                    "tutorbot_interactions_total{{kind=\"{}\",outcome=\"{}\"}} {}",
                    kind.label(),
                    outcome_label(outcome),
                    self.count(kind, outcome)
                );
            }
        }

        let _ = writeln!(
            out,
            "# HELP tutorbot_interaction_duration_seconds Time from receiving an interaction to its first answer.\n\
             # TYPE tutorbot_interaction_duration_seconds histogram"
        );
        let mut cumulative = 0u64;
        for (i, upper) in LATENCY_BUCKETS.iter().enumerate() {
            cumulative += self.latency[i].load(Relaxed);
            let _ = writeln!(
                out,
                "tutorbot_interaction_duration_seconds_bucket{{le=\"{upper}\"}} {cumulative}"
            );
        }
        cumulative += self.latency[LATENCY_BUCKETS.len()].load(Relaxed);
        let _ = writeln!(
            out,
            "tutorbot_interaction_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}"
        );
        let sum = self.latency_sum_nanos.load(Relaxed) as f64 / 1e9;
        let _ = writeln!(out, "tutorbot_interaction_duration_seconds_sum {sum}");
        let _ = writeln!(
            out,
            "tutorbot_interaction_duration_seconds_count {cumulative}"
        );

        let mut counter = |name: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        };
        counter(
            "tutorbot_database_errors_total",
            "Interactions that failed on the database, and failed health checks.",
            self.database_errors.load(Relaxed),
        );
        counter(
            "tutorbot_duplicate_interactions_total",
            "Interactions delivered more than once and answered once.",
            self.duplicates.load(Relaxed),
        );
        counter(
            "tutorbot_delivery_errors_total",
            "Answers Discord did not accept.",
            self.delivery_errors.load(Relaxed),
        );

        let _ = writeln!(
            out,
            "# HELP tutorbot_rejected_requests_total HTTP requests refused before the core, by reason.\n\
             # TYPE tutorbot_rejected_requests_total counter"
        );
        for why in Rejection::ALL {
            let _ = writeln!(
                out,
                "tutorbot_rejected_requests_total{{reason=\"{}\"}} {}",
                why.label(),
                self.rejections(why)
            );
        }

        let _ = writeln!(
            out,
            "# HELP tutorbot_interactions_in_flight Interactions being handled now.\n\
             # TYPE tutorbot_interactions_in_flight gauge\n\
             tutorbot_interactions_in_flight {}",
            self.in_flight.load(Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP tutorbot_gateway_shards_connected Gateway shards of this process connected now.\n\
             # TYPE tutorbot_gateway_shards_connected gauge\n\
             tutorbot_gateway_shards_connected {}",
            self.shards_connected.load(Relaxed)
        );
        out
    }
}

/// Decrements the in-flight gauge when dropped.
pub struct InFlightGauge<'a>(&'a Metrics);

impl Drop for InFlightGauge<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_a_cumulative_histogram() {
        let m = Metrics::new();
        m.interaction(Kind::Component, Outcome::Ok, Duration::from_millis(3));
        m.interaction(Kind::Component, Outcome::Ok, Duration::from_millis(30));
        m.interaction(Kind::Command, Outcome::Failed, Duration::from_secs(10));
        m.rejected(Rejection::Stale);
        m.rejected(Rejection::Overloaded);
        let text = m.render();
        assert!(text.contains("tutorbot_interactions_total{kind=\"component\",outcome=\"ok\"} 2"));
        assert!(text.contains("tutorbot_interactions_total{kind=\"command\",outcome=\"failed\"} 1"));
        assert!(text.contains("tutorbot_interaction_duration_seconds_bucket{le=\"0.0025\"} 0"));
        assert!(text.contains("tutorbot_interaction_duration_seconds_bucket{le=\"0.005\"} 1"));
        assert!(text.contains("tutorbot_interaction_duration_seconds_bucket{le=\"0.05\"} 2"));
        assert!(text.contains("tutorbot_interaction_duration_seconds_bucket{le=\"5\"} 2"));
        assert!(text.contains("tutorbot_interaction_duration_seconds_bucket{le=\"+Inf\"} 3"));
        assert!(text.contains("tutorbot_interaction_duration_seconds_count 3"));
        assert!(text.contains("tutorbot_database_errors_total 1"));
        assert!(text.contains("tutorbot_rejected_requests_total{reason=\"stale\"} 1"));
        assert!(text.contains("tutorbot_rejected_requests_total{reason=\"overloaded\"} 1"));
        {
            let _g = m.in_flight();
            assert!(m.render().contains("tutorbot_interactions_in_flight 1"));
        }
        assert!(m.render().contains("tutorbot_interactions_in_flight 0"));
        // Every sample line is `name{labels} value` or `name value`.
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (_, value) = line.rsplit_once(' ').expect("a value");
            assert!(value.parse::<f64>().is_ok(), "{line}");
        }
    }
}

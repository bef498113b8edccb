//! The hand-written metrics and throttle that `src/metrics.rs` and
//! `src/core/throttle.rs` were before they moved onto `prometheus-client`
//! and `governor` (commit 922558e), kept here only so that the bench can
//! measure old and new in the same run, on the same machine. Nothing else
//! uses them.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tutorbot::core::throttle::Clock;
use tutorbot::core::Outcome;
use tutorbot::metrics::{outcome_label, Kind, Rejection, LATENCY_BUCKETS};

const KINDS: [Kind; 6] = [
    Kind::Ping,
    Kind::Command,
    Kind::Autocomplete,
    Kind::Component,
    Kind::Modal,
    Kind::Other,
];
const OUTCOMES: [Outcome; 3] = [Outcome::Ok, Outcome::Refused, Outcome::Failed];
const REJECTIONS: [Rejection; 6] = [
    Rejection::TooLarge,
    Rejection::BadSignature,
    Rejection::Stale,
    Rejection::Replay,
    Rejection::Malformed,
    Rejection::Overloaded,
];

fn outcome_index(outcome: Outcome) -> usize {
    match outcome {
        Outcome::Ok => 0,
        Outcome::Refused => 1,
        Outcome::Failed => 2,
    }
}

/// The old `Metrics`: atomics and a hand-written text renderer.
#[derive(Debug, Default)]
pub struct OldMetrics {
    interactions: [[AtomicU64; 3]; 6],
    latency: [AtomicU64; LATENCY_BUCKETS.len() + 1],
    latency_sum_nanos: AtomicU64,
    database_errors: AtomicU64,
    rejected: [AtomicU64; 6],
    duplicates: AtomicU64,
    delivery_errors: AtomicU64,
    in_flight: AtomicI64,
}

impl OldMetrics {
    pub fn interaction(&self, kind: Kind, outcome: Outcome, elapsed: Duration) {
        self.interactions[kind as usize][outcome_index(outcome)].fetch_add(1, Relaxed);
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

    pub fn rejected(&self, why: Rejection) {
        self.rejected[why as usize].fetch_add(1, Relaxed);
    }

    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        let _ = writeln!(
            out,
            "# HELP tutorbot_interactions_total Interactions answered, by kind and outcome.\n\
             # TYPE tutorbot_interactions_total counter"
        );
        for kind in KINDS {
            for outcome in OUTCOMES {
                let _ = writeln!(
                    out,
                    "tutorbot_interactions_total{{kind=\"{}\",outcome=\"{}\"}} {}",
                    kind.label(),
                    outcome_label(outcome),
                    self.interactions[kind as usize][outcome_index(outcome)].load(Relaxed)
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
        for why in REJECTIONS {
            let _ = writeln!(
                out,
                "tutorbot_rejected_requests_total{{reason=\"{}\"}} {}",
                why.label(),
                self.rejected[why as usize].load(Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP tutorbot_interactions_in_flight Interactions being handled now.\n\
             # TYPE tutorbot_interactions_in_flight gauge\n\
             tutorbot_interactions_in_flight {}",
            self.in_flight.load(Relaxed)
        );
        out
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The old `Throttle`: float token buckets in one mutex-guarded map, full
/// buckets dropped (or the map cleared) when it reaches its capacity.
pub struct OldThrottle {
    burst: f64,
    rate: f64,
    capacity: usize,
    clock: Arc<dyn Clock>,
    buckets: Mutex<HashMap<u64, Bucket>>,
}

impl OldThrottle {
    pub fn with_clock(burst: u32, rate: u32, capacity: usize, clock: Arc<dyn Clock>) -> Self {
        OldThrottle {
            burst: f64::from(burst.max(1)),
            rate: f64::from(rate.max(1)),
            capacity: capacity.max(1),
            clock,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn admit(&self, learner: u64) -> bool {
        let now = self.clock.now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= self.capacity && !buckets.contains_key(&learner) {
            self.make_room(&mut buckets, now);
        }
        let bucket = buckets.entry(learner).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        bucket.tokens = self.refilled(bucket, now);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    pub fn tracked(&self) -> usize {
        self.buckets.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    fn refilled(&self, bucket: &Bucket, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        (bucket.tokens + elapsed * self.rate).min(self.burst)
    }

    fn make_room(&self, buckets: &mut HashMap<u64, Bucket>, now: Instant) {
        buckets.retain(|_, b| self.refilled(b, now) < self.burst);
        if buckets.len() >= self.capacity - self.capacity / 4 {
            buckets.clear();
        }
    }
}

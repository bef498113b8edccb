//! Prometheus metrics, kept by the official Rust client (`prometheus-client`).
//!
//! Both Discord doors record every interaction here and serve
//! [`Metrics::render`] on `GET /metrics`, in the Prometheus text format
//! 0.0.4 ([`CONTENT_TYPE`]):
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
//! - `tutorbot_http_connections_open`: HTTP connections open now, and
//!   `tutorbot_http_connections_closed_total{reason}`: connections the
//!   server closed itself (`evicted`: the idle one closed to make room at
//!   the cap; `refused`: closed on arrival, every other one busy;
//!   `timeout`: no whole request head within the header timeout).
//! - `tutorbot_gateway_shards_connected`: gateway shards connected to
//!   Discord now; absent until the gateway door first reports (a process
//!   that serves only the HTTP endpoint has no shards to count).
//!
//! # Why the handles
//! The registry owns the metrics and renders them; [`Metrics`] also keeps a
//! handle (a shared `Arc`) to each labelled series, made once in
//! [`Metrics::new`]. So recording is one atomic add (a counter) or one
//! short uncontended lock (the histogram), never a label lookup, and every
//! series is on `/metrics` from the start, at zero, as dashboards expect.
//!
//! # Reading it back
//! Tests and `/healthz` read counts back through [`Metrics::count`] and its
//! siblings, from the same handles the registry renders.

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use prometheus_client::encoding::{prometheus_text, EncodeLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use serenity::all::Interaction;

use crate::core::Outcome;

/// The `Content-Type` of [`Metrics::render`]'s text (Prometheus text format
/// 0.0.4, UTF-8).
pub const CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

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
    /// (load shed, before the signature was checked).
    Overloaded,
    /// 408: the body did not arrive within the door's read deadline.
    SlowBody,
}

impl Rejection {
    const ALL: [Rejection; 7] = [
        Rejection::TooLarge,
        Rejection::BadSignature,
        Rejection::Stale,
        Rejection::Replay,
        Rejection::Malformed,
        Rejection::Overloaded,
        Rejection::SlowBody,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Rejection::TooLarge => "too_large",
            Rejection::BadSignature => "bad_signature",
            Rejection::Stale => "stale",
            Rejection::Replay => "replay",
            Rejection::Malformed => "malformed",
            Rejection::Overloaded => "overloaded",
            Rejection::SlowBody => "slow_body",
        }
    }
}

/// Why the HTTP server closed a connection itself (see `doors::server`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionClose {
    /// Idle the longest when the cap was reached: closed to make room.
    Evicted,
    /// Arrived at the cap with every open connection busy: closed at once.
    Refused,
    /// Sent no whole request head within the header timeout (slow or idle).
    Timeout,
}

impl ConnectionClose {
    const ALL: [ConnectionClose; 3] = [
        ConnectionClose::Evicted,
        ConnectionClose::Refused,
        ConnectionClose::Timeout,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ConnectionClose::Evicted => "evicted",
            ConnectionClose::Refused => "refused",
            ConnectionClose::Timeout => "timeout",
        }
    }
}

/// Upper bounds of the latency histogram, in seconds.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// The labels of `tutorbot_interactions_total`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct InteractionLabels {
    kind: &'static str,
    outcome: &'static str,
}

/// The label of `tutorbot_rejected_requests_total`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RejectionLabels {
    reason: &'static str,
}

/// Every metric both doors keep. Share it in an `Arc`.
#[derive(Debug)]
pub struct Metrics {
    /// What `/metrics` renders. Behind a lock only so that a metric can be
    /// registered after start (the shards gauge); recording never takes it.
    registry: Mutex<Registry>,
    /// Handles into `tutorbot_interactions_total`, by [`Kind`] then outcome.
    interactions: [[Counter; 3]; 6],
    latency: Histogram,
    database_errors: Counter,
    /// Handles into `tutorbot_rejected_requests_total`, by [`Rejection`].
    rejected: [Counter; Rejection::ALL.len()],
    duplicates: Counter,
    delivery_errors: Counter,
    in_flight: Gauge,
    connections_open: Gauge,
    /// Handles into `tutorbot_http_connections_closed_total`, by [`ConnectionClose`].
    connections_closed: [Counter; ConnectionClose::ALL.len()],
    /// Registered by the first [`Metrics::set_shards_connected`].
    shards_connected: OnceLock<Gauge>,
    /// Registered by the first [`Metrics::set_content`].
    content: OnceLock<[Gauge; 3]>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::default();

        // Help texts without their final period: the registry adds one.
        let interactions_family = Family::<InteractionLabels, Counter>::default();
        registry.register(
            "tutorbot_interactions",
            "Interactions answered, by kind and outcome",
            interactions_family.clone(),
        );
        let interactions = Kind::ALL.map(|kind| {
            OUTCOMES.map(|outcome| {
                interactions_family.get_or_create_owned(&InteractionLabels {
                    kind: kind.label(),
                    outcome: outcome_label(outcome),
                })
            })
        });

        let latency = Histogram::new(LATENCY_BUCKETS);
        registry.register(
            "tutorbot_interaction_duration_seconds",
            "Time from receiving an interaction to its first answer",
            latency.clone(),
        );

        let database_errors = Counter::default();
        registry.register(
            "tutorbot_database_errors",
            "Interactions that failed on the database, and failed health checks",
            database_errors.clone(),
        );
        let duplicates = Counter::default();
        registry.register(
            "tutorbot_duplicate_interactions",
            "Interactions delivered more than once and answered once",
            duplicates.clone(),
        );
        let delivery_errors = Counter::default();
        registry.register(
            "tutorbot_delivery_errors",
            "Answers Discord did not accept",
            delivery_errors.clone(),
        );

        let rejected_family = Family::<RejectionLabels, Counter>::default();
        registry.register(
            "tutorbot_rejected_requests",
            "HTTP requests refused before the core, by reason",
            rejected_family.clone(),
        );
        let rejected = Rejection::ALL.map(|why| {
            rejected_family.get_or_create_owned(&RejectionLabels {
                reason: why.label(),
            })
        });

        let in_flight = Gauge::default();
        registry.register(
            "tutorbot_interactions_in_flight",
            "Interactions being handled now",
            in_flight.clone(),
        );

        let connections_open = Gauge::default();
        registry.register(
            "tutorbot_http_connections_open",
            "HTTP connections open now",
            connections_open.clone(),
        );
        let closed_family = Family::<RejectionLabels, Counter>::default();
        registry.register(
            "tutorbot_http_connections_closed",
            "HTTP connections the server closed itself, by reason",
            closed_family.clone(),
        );
        let connections_closed = ConnectionClose::ALL.map(|why| {
            closed_family.get_or_create_owned(&RejectionLabels {
                reason: why.label(),
            })
        });

        Metrics {
            registry: Mutex::new(registry),
            connections_open,
            connections_closed,
            interactions,
            latency,
            database_errors,
            rejected,
            duplicates,
            delivery_errors,
            in_flight,
            shards_connected: OnceLock::new(),
            content: OnceLock::new(),
        }
    }

    /// One interaction answered by the core, and how long it took.
    pub fn interaction(&self, kind: Kind, outcome: Outcome, elapsed: Duration) {
        self.interactions[kind as usize][outcome_index(outcome)].inc();
        if outcome == Outcome::Failed {
            self.database_errors.inc();
        }
        self.latency.observe(elapsed.as_secs_f64());
    }

    /// A database check (`/healthz`) that failed.
    pub fn database_error(&self) {
        self.database_errors.inc();
    }

    pub fn rejected(&self, why: Rejection) {
        self.rejected[why as usize].inc();
    }

    pub fn duplicate(&self) {
        self.duplicates.inc();
    }

    pub fn delivery_error(&self) {
        self.delivery_errors.inc();
    }

    /// Counts one interaction in flight until the guard is dropped.
    pub fn in_flight(&self) -> InFlightGauge<'_> {
        self.in_flight.inc();
        InFlightGauge(self)
    }

    /// A connection accepted (`tutorbot_http_connections_open` up).
    pub fn connection_opened(&self) {
        self.connections_open.inc();
    }

    /// A connection gone, whoever closed it.
    pub fn connection_ended(&self) {
        self.connections_open.dec();
    }

    /// A connection the server closed itself, and why.
    pub fn connection_closed(&self, why: ConnectionClose) {
        self.connections_closed[why as usize].inc();
    }

    /// How many connections the server closed for this reason.
    pub fn connections_closed(&self, why: ConnectionClose) -> u64 {
        self.connections_closed[why as usize].get()
    }

    /// HTTP connections open now.
    pub fn connections_open(&self) -> i64 {
        self.connections_open.get()
    }

    /// How many gateway shards are connected to Discord now
    /// (`tutorbot_gateway_shards_connected`).
    pub fn set_shards_connected(&self, n: i64) {
        self.shards_connected
            .get_or_init(|| {
                let gauge = Gauge::default();
                self.registry().register(
                    "tutorbot_gateway_shards_connected",
                    "Gateway shards connected to Discord now",
                    gauge.clone(),
                );
                gauge
            })
            .set(n);
    }

    /// The content served and the last refused reload
    /// (`tutorbot_content_generation`, `tutorbot_content_version`: the
    /// fingerprint as a number, `tutorbot_content_last_refused_seconds`: Unix
    /// time, 0 for never).
    pub fn set_content(&self, status: &crate::content::live::Status) {
        let [generation, version, refused] = self.content.get_or_init(|| {
            let gauges: [Gauge; 3] = Default::default();
            let mut registry = self.registry();
            let names = [
                (
                    "tutorbot_content_generation",
                    "Content catalogs served since start, 1 at start",
                ),
                (
                    "tutorbot_content_version",
                    "Fingerprint of the content served, as a number",
                ),
                (
                    "tutorbot_content_last_refused_seconds",
                    "Unix time of the last reload refused for broken content, 0 for never",
                ),
            ];
            for ((name, help), gauge) in names.into_iter().zip(&gauges) {
                registry.register(name, help, gauge.clone());
            }
            gauges
        });
        generation.set(i64::try_from(status.generation).unwrap_or(i64::MAX));
        version.set(i64::from_str_radix(&status.version, 16).unwrap_or(0));
        refused.set(status.last_refused.as_ref().map_or(0, |r| r.at as i64));
    }

    /// How many interactions of this kind ended with this outcome.
    pub fn count(&self, kind: Kind, outcome: Outcome) -> u64 {
        self.interactions[kind as usize][outcome_index(outcome)].get()
    }

    pub fn rejections(&self, why: Rejection) -> u64 {
        self.rejected[why as usize].get()
    }

    pub fn duplicates(&self) -> u64 {
        self.duplicates.get()
    }

    pub fn database_errors(&self) -> u64 {
        self.database_errors.get()
    }

    /// The Prometheus text exposition (format 0.0.4, see [`CONTENT_TYPE`]).
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        // Writing into a `String` cannot fail; if the encoder ever reports
        // an error, the scrape gets what was written rather than a panic.
        if let Err(e) = prometheus_text::encode(&mut out, &self.registry()) {
            tracing::error!(error = %e, "metrics: encoding failed");
        }
        out
    }

    fn registry(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Decrements the in-flight gauge when dropped.
pub struct InFlightGauge<'a>(&'a Metrics);

impl Drop for InFlightGauge<'_> {
    fn drop(&mut self) {
        self.0.in_flight.dec();
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

    #[test]
    fn every_series_is_there_from_the_start_at_zero() {
        let text = Metrics::new().render();
        for kind in Kind::ALL {
            for outcome in OUTCOMES {
                let line = format!(
                    "tutorbot_interactions_total{{kind=\"{}\",outcome=\"{}\"}} 0\n",
                    kind.label(),
                    outcome_label(outcome)
                );
                assert!(text.contains(&line), "{line} in {text}");
            }
        }
        for why in Rejection::ALL {
            let line = format!(
                "tutorbot_rejected_requests_total{{reason=\"{}\"}} 0\n",
                why.label()
            );
            assert!(text.contains(&line), "{line} in {text}");
        }
        for line in [
            "tutorbot_database_errors_total 0\n",
            "tutorbot_duplicate_interactions_total 0\n",
            "tutorbot_delivery_errors_total 0\n",
            "tutorbot_interactions_in_flight 0\n",
            "tutorbot_interaction_duration_seconds_count 0\n",
        ] {
            assert!(text.contains(line), "{line} in {text}");
        }
    }

    #[test]
    fn the_handles_follow_the_label_order() {
        // `interaction` and `rejected` index the handles by discriminant;
        // the handles were made in `ALL` order.
        for (i, kind) in Kind::ALL.into_iter().enumerate() {
            assert_eq!(kind as usize, i);
        }
        for (i, why) in Rejection::ALL.into_iter().enumerate() {
            assert_eq!(why as usize, i);
        }
        let m = Metrics::new();
        m.interaction(Kind::Modal, Outcome::Refused, Duration::ZERO);
        m.rejected(Rejection::Replay);
        m.duplicate();
        m.delivery_error();
        let text = m.render();
        assert!(
            text.contains("tutorbot_interactions_total{kind=\"modal\",outcome=\"refused\"} 1\n")
        );
        assert!(text.contains("tutorbot_rejected_requests_total{reason=\"replay\"} 1\n"));
        assert!(text.contains("tutorbot_duplicate_interactions_total 1\n"));
        assert!(text.contains("tutorbot_delivery_errors_total 1\n"));
        assert_eq!(m.count(Kind::Modal, Outcome::Refused), 1);
        assert_eq!(m.count(Kind::Modal, Outcome::Ok), 0);
        assert_eq!(m.rejections(Rejection::Replay), 1);
        assert_eq!(m.duplicates(), 1);
        assert_eq!(m.database_errors(), 0);
    }

    #[test]
    fn the_shards_gauge_appears_once_the_gateway_reports() {
        let m = Metrics::new();
        assert!(!m.render().contains("tutorbot_gateway_shards_connected"));
        m.set_shards_connected(3);
        assert!(m
            .render()
            .contains("\ntutorbot_gateway_shards_connected 3\n"));
        m.set_shards_connected(0);
        let text = m.render();
        assert!(
            text.contains("\ntutorbot_gateway_shards_connected 0\n"),
            "{text}"
        );
        assert_eq!(
            text.matches("# TYPE tutorbot_gateway_shards_connected gauge\n")
                .count(),
            1,
            "registered once: {text}"
        );
    }

    /// What a text-format 0.0.4 parser requires: every sample belongs to the
    /// family of the `# TYPE` line before it (a histogram's samples end in
    /// `_bucket`, `_sum` or `_count`), each family is described once, and
    /// help texts are single lines.
    #[test]
    fn the_text_is_prometheus_text_format_0_0_4() {
        let m = Metrics::new();
        m.interaction(Kind::Command, Outcome::Ok, Duration::from_millis(7));
        m.set_shards_connected(1);
        let text = m.render();
        assert!(text.ends_with('\n'));
        let mut families = std::collections::HashSet::new();
        let mut current: Option<(String, String)> = None;
        for line in text.lines() {
            if let Some(help) = line.strip_prefix("# HELP ") {
                let (_, help) = help.split_once(' ').expect("a help text");
                assert!(!help.ends_with(".."), "{line}");
                continue;
            }
            if let Some(ty) = line.strip_prefix("# TYPE ") {
                let (name, ty) = ty.split_once(' ').expect("a type");
                assert!(["counter", "gauge", "histogram"].contains(&ty), "{line}");
                assert!(families.insert(name.to_string()), "{name} twice");
                current = Some((name.to_string(), ty.to_string()));
                continue;
            }
            assert!(!line.starts_with('#'), "{line}");
            let (family, ty) = current.as_ref().expect("a sample after its TYPE");
            let name = line.split(['{', ' ']).next().expect("a name");
            let belongs = if ty == "histogram" {
                ["_bucket", "_sum", "_count"]
                    .iter()
                    .any(|suffix| name == format!("{family}{suffix}"))
            } else {
                name == family
            };
            assert!(belongs, "{line} under {family}");
        }
        assert_eq!(families.len(), 10, "{text}");
    }
}

//! [`DemoEngine`]: the shared HTTP client, the target URL, the global cap on
//! fetches in flight, and the bookkeeping every demo shares (fetch, spans).
//! The demos themselves are in `demos.rs`.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use reqwest::{Client, Url};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore, TryAcquireError};
use tokio::task::{JoinError, JoinHandle};

use super::error::{check_range, DemoError, Param, TargetProblem};
use super::model::{Outcome, Progress, Run, RunKind, Span};
use super::target::MAX_TARGET_DELAY_MS;

/// Bounds and sizes of the engine. The defaults suit one small Discord
/// server; the operator may change them (never a learner).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoConfig {
    /// Largest n a learner may ask for (n is always at least 1).
    pub max_n: usize,
    /// Bounds of a fetch's delay (and of the `timeout` demo's limit), in ms.
    pub min_delay_ms: u64,
    pub max_delay_ms: u64,
    /// Largest n × delay of one demo, in ms: bounds the sequential run of
    /// `gather`, the blocked thread of `blocking`, one slot of `limit`.
    pub max_total_ms: u64,
    /// Global cap on demo fetches (or tasks) in flight, over all demos.
    /// A demo holds as many slots as it may run at once (n for `gather`,
    /// k for `limit` ...) for its whole duration.
    pub max_in_flight: usize,
    /// How long a demo may wait for its slots before giving up with
    /// [`DemoError::Busy`]. Zero: answer `Busy` at once.
    pub busy_wait: Duration,
    /// Timeout of every fetch (reqwest's whole-request timeout). Must exceed
    /// `max_delay_ms`.
    pub request_timeout: Duration,
    /// Timeout to open one connection to the target.
    pub connect_timeout: Duration,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            max_n: super::DEFAULT_MAX_N,
            min_delay_ms: 10,
            max_delay_ms: 5_000,
            max_total_ms: 60_000,
            max_in_flight: 200,
            busy_wait: Duration::from_secs(2),
            request_timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(5),
        }
    }
}

impl DemoConfig {
    /// Check the configuration's own consistency.
    pub fn validate(&self) -> Result<(), DemoError> {
        let bad = |s: String| Err(DemoError::Config(s));
        if self.max_n == 0 {
            return bad("max_n must be at least 1".into());
        }
        if self.max_in_flight < self.max_n {
            return bad(format!(
                "max_in_flight ({}) must be at least max_n ({}), or a demo of max_n could never run",
                self.max_in_flight, self.max_n
            ));
        }
        if self.max_in_flight > Semaphore::MAX_PERMITS || self.max_in_flight > u32::MAX as usize {
            return bad(format!(
                "max_in_flight ({}) is too large",
                self.max_in_flight
            ));
        }
        if self.min_delay_ms == 0 || self.min_delay_ms > self.max_delay_ms {
            return bad(format!(
                "delay bounds {}..={} ms must be non-empty and start above 0",
                self.min_delay_ms, self.max_delay_ms
            ));
        }
        if self.max_delay_ms > MAX_TARGET_DELAY_MS {
            return bad(format!(
                "max_delay_ms ({}) exceeds what the target serves ({MAX_TARGET_DELAY_MS})",
                self.max_delay_ms
            ));
        }
        if self.max_total_ms < self.max_delay_ms {
            return bad(format!(
                "max_total_ms ({}) must be at least max_delay_ms ({})",
                self.max_total_ms, self.max_delay_ms
            ));
        }
        if self.request_timeout <= Duration::from_millis(self.max_delay_ms) {
            return bad(format!(
                "request_timeout ({:?}) must exceed max_delay_ms ({} ms)",
                self.request_timeout, self.max_delay_ms
            ));
        }
        Ok(())
    }
}

/// The demo engine. Cheap to clone (all clones share the client and the cap).
#[derive(Debug, Clone)]
pub struct DemoEngine {
    pub(crate) client: Client,
    pub(crate) base: Arc<Url>,
    pub(crate) slots: Arc<Semaphore>,
    pub(crate) config: DemoConfig,
}

impl DemoEngine {
    /// Build an engine fetching from `target_base` (`http://127.0.0.1:PORT`
    /// of the built-in target, or the operator's own target serving the same
    /// `GET /delay/{ms}[?fail=1]`; a path prefix is kept).
    pub fn new(config: DemoConfig, target_base: &str) -> Result<Self, DemoError> {
        config.validate()?;
        let base = parse_base(target_base)?;
        let client = Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.connect_timeout)
            // Connections stay open between demos, as many as may be in flight.
            .pool_max_idle_per_host(config.max_in_flight)
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_nodelay(true)
            // Fetch the target and nothing else: no proxy from the
            // environment, no redirect to elsewhere.
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| DemoError::Config(format!("HTTP client: {e}")))?;
        Ok(DemoEngine {
            client,
            base: Arc::new(base),
            slots: Arc::new(Semaphore::new(config.max_in_flight)),
            config,
        })
    }

    pub fn config(&self) -> &DemoConfig {
        &self.config
    }

    /// The target's base URL.
    pub fn target(&self) -> &Url {
        &self.base
    }

    /// Slots free right now under the global cap.
    pub fn available_slots(&self) -> usize {
        self.slots.available_permits()
    }

    /// The URL of one fetch.
    pub(crate) fn delay_url(&self, delay_ms: u64, fail: bool) -> Url {
        let mut url = (*self.base).clone();
        {
            // `parse_base` guarantees a base that can hold path segments.
            let mut segs = url.path_segments_mut().expect("base URL cannot be a base");
            segs.pop_if_empty()
                .push("delay")
                .push(&delay_ms.to_string());
        }
        if fail {
            url.set_query(Some("fail=1"));
        }
        url
    }

    /// Take `n` slots of the global cap, waiting at most `busy_wait`.
    pub(crate) async fn reserve(&self, n: usize) -> Result<OwnedSemaphorePermit, DemoError> {
        let cap = self.config.max_in_flight;
        let busy = |slots: &Semaphore| DemoError::Busy {
            wanted: n,
            available: slots.available_permits(),
            cap,
        };
        let wanted = u32::try_from(n).map_err(|_| busy(&self.slots))?;
        match self.slots.clone().try_acquire_many_owned(wanted) {
            Ok(p) => return Ok(p),
            Err(TryAcquireError::Closed) => {
                return Err(DemoError::Internal("demo slots closed".into()))
            }
            Err(TryAcquireError::NoPermits) if self.config.busy_wait.is_zero() => {
                return Err(busy(&self.slots))
            }
            Err(TryAcquireError::NoPermits) => {}
        }
        match tokio::time::timeout(
            self.config.busy_wait,
            self.slots.clone().acquire_many_owned(wanted),
        )
        .await
        {
            Ok(Ok(p)) => Ok(p),
            Ok(Err(_closed)) => Err(DemoError::Internal("demo slots closed".into())),
            Err(_elapsed) => Err(busy(&self.slots)),
        }
    }

    /// One GET with the engine's client (see [`fetch`]).
    pub(crate) async fn fetch(&self, url: Url) -> Result<u16, reqwest::Error> {
        fetch(&self.client, url).await
    }

    /// Turn a transport error into our failure.
    pub(crate) fn target_error(&self, e: &reqwest::Error) -> DemoError {
        let problem = if e.is_timeout() {
            TargetProblem::TimedOut
        } else if e.is_connect() {
            TargetProblem::Unreachable
        } else {
            TargetProblem::Protocol
        };
        tracing::warn!(target_url = %self.base, error = %e, "demo target failed");
        DemoError::Target {
            url: self.base.to_string(),
            problem,
            detail: e.to_string(),
        }
    }

    pub(crate) fn unexpected_status(&self, status: u16) -> DemoError {
        tracing::warn!(target_url = %self.base, status, "demo target answered unexpectedly");
        DemoError::Target {
            url: self.base.to_string(),
            problem: TargetProblem::UnexpectedStatus(status),
            detail: format!("status {status}"),
        }
    }

    // ---- validation shared by the demos ----

    pub(crate) fn check_n(&self, n: usize) -> Result<(), DemoError> {
        check_range(Param::N, n as u64, 1, self.config.max_n as u64)
    }

    pub(crate) fn check_delay(&self, param: Param, ms: u64) -> Result<(), DemoError> {
        check_range(
            param,
            ms,
            self.config.min_delay_ms,
            self.config.max_delay_ms,
        )
    }

    /// n × delay within `max_total_ms` (`per_slot` runs one after another).
    pub(crate) fn check_total(&self, per_slot: usize, delay_ms: u64) -> Result<(), DemoError> {
        let total = (per_slot as u64).saturating_mul(delay_ms);
        check_range(Param::TotalMs, total, 0, self.config.max_total_ms)
    }
}

/// One GET; `Ok(status)` once the whole (tiny) body is read, so the
/// connection goes back to the pool.
pub(crate) async fn fetch(client: &Client, url: Url) -> Result<u16, reqwest::Error> {
    let resp = client.get(url).send().await?;
    let status = resp.status().as_u16();
    resp.bytes().await?;
    Ok(status)
}

fn parse_base(s: &str) -> Result<Url, DemoError> {
    let url = Url::parse(s).map_err(|e| DemoError::Config(format!("target URL {s:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() || url.host().is_none() {
        return Err(DemoError::Config(format!(
            "target URL {s:?} must be an http(s) URL with a host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(DemoError::Config(format!(
            "target URL {s:?} must have no query or fragment"
        )));
    }
    Ok(url)
}

// ---- recording spans ----

/// Collects the spans of one run, and publishes progress. Shared by
/// reference (futures polled by the demo's task) or in an `Arc` (spawned
/// tasks).
pub(crate) struct Recorder {
    t0: Instant,
    spans: Mutex<Vec<Option<Span>>>,
    progress: Option<watch::Sender<Progress>>,
    /// The first transport error of the run, if any (the run is then void).
    error: Mutex<Option<reqwest::Error>>,
}

impl Recorder {
    /// Start a run now and announce it on `progress`.
    pub(crate) fn start(
        n: usize,
        phase: RunKind,
        phase_index: usize,
        phases: usize,
        progress: Option<&watch::Sender<Progress>>,
    ) -> Self {
        if let Some(tx) = progress {
            tx.send_replace(Progress {
                phase,
                phase_index,
                phases,
                done: 0,
                total: n,
            });
        }
        Recorder {
            t0: Instant::now(),
            spans: Mutex::new(vec![None; n]),
            progress: progress.cloned(),
            error: Mutex::new(None),
        }
    }

    pub(crate) fn now(&self) -> Duration {
        self.t0.elapsed()
    }

    /// Mark request `index` as started now.
    pub(crate) fn track(&self, index: usize) -> Track<'_> {
        Track {
            rec: self,
            index,
            start: self.now(),
            done: false,
        }
    }

    fn record(&self, span: Span) {
        let mut spans = self.spans.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(slot) = spans.get_mut(span.index) {
            *slot = Some(span);
        }
        drop(spans);
        if let Some(tx) = &self.progress {
            tx.send_modify(|p| p.done += 1);
        }
    }

    /// Remember a transport error (the first one wins).
    pub(crate) fn fail(&self, e: reqwest::Error) {
        let mut slot = self.error.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            *slot = Some(e);
        }
    }

    /// Close the run: wall time is now.
    pub(crate) fn finish(&self, kind: RunKind) -> Result<Run, reqwest::Error> {
        self.finish_at(kind, self.now())
    }

    /// Close the run with the given wall time. Spans never started
    /// (impossible in the demos) are left out.
    pub(crate) fn finish_at(&self, kind: RunKind, wall: Duration) -> Result<Run, reqwest::Error> {
        if let Some(e) = self.error.lock().unwrap_or_else(|p| p.into_inner()).take() {
            return Err(e);
        }
        let spans = std::mem::take(&mut *self.spans.lock().unwrap_or_else(|p| p.into_inner()))
            .into_iter()
            .flatten()
            .collect();
        Ok(Run { kind, wall, spans })
    }
}

/// A started request. Finish it with an outcome; dropped unfinished (by
/// `try_join_all` or `timeout`) it records `Cancelled` at the moment of the
/// drop.
pub(crate) struct Track<'r> {
    rec: &'r Recorder,
    index: usize,
    start: Duration,
    done: bool,
}

impl Track<'_> {
    pub(crate) fn finish(mut self, outcome: Outcome) {
        self.done = true;
        self.rec.record(Span {
            index: self.index,
            start: self.start,
            end: self.rec.now(),
            outcome,
        });
    }
}

impl Drop for Track<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.rec.record(Span {
                index: self.index,
                start: self.start,
                end: self.rec.now(),
                outcome: Outcome::Cancelled,
            });
        }
    }
}

/// A spawned task that is aborted when its handle is dropped (so a demo
/// dropped by its caller leaves no fetch running outside the cap).
pub(crate) struct AbortOnDrop<T>(pub(crate) JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> Future for AbortOnDrop<T> {
    type Output = Result<T, JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}

/// The outcome of an HTTP status.
pub(crate) fn outcome_of(status: u16) -> Outcome {
    if (200..300).contains(&status) {
        Outcome::Ok
    } else {
        Outcome::Failed { status }
    }
}

//! What an operator reads and does to a running door: health, metrics,
//! serving, shutdown.
//!
//! Every long-running door serves `GET /healthz` and `GET /metrics`
//! ([`ops_router`]) on a server of its own ([`OpsServer`]) on `OPS_ADDR`,
//! loopback by default: never on the HTTP door's public address, so a
//! stranger who can reach `POST /interactions` can neither read the
//! metrics nor make the process query its database. `/healthz` is what a
//! load balancer or an orchestrator asks "should this process get traffic,
//! or be restarted?":
//!
//! - the database answers `SELECT 1` within a second, else **503**. A good
//!   answer is kept for [`HEALTH_CACHE`], and checks wait for the one in
//!   progress rather than start their own: a flood of health checks costs
//!   one query a second, not one each (and during an outage, one at a time);
//! - for the gateway door, each shard this process runs is connected, or
//!   was disconnected for less than `GATEWAY_UNHEALTHY_AFTER_SECS`
//!   ([`ShardHealth`]), else **503** with a body naming the shard. A short
//!   disconnection is normal (Discord asks for reconnects, sessions are
//!   resumed), so it does not count against the process at once; a shard
//!   down for longer means nobody on it is being answered.
//!
//! The body is JSON either way, so a human with `curl` sees which part is
//! down. It also says whether the lab is on, starting, or off and why
//! (`"lab"`), which never makes the check fail. The gauge `tutorbot_gateway_shards_connected` on `/metrics` says
//! how many shards are connected now.
//!
//! [`bind`], [`OpsServer`] and [`shutdown_signal`] are the serving and
//! stopping both Discord doors share (connections are served with limits,
//! by [`super::server`]). No door is imported here: a door hands in what it
//! knows (its metrics, its shards' health).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::server::{self, ServeLimits};
use crate::core::Core;
use crate::metrics::Metrics;

/// Default of `GATEWAY_UNHEALTHY_AFTER_SECS`: how long a shard may be
/// disconnected before `/healthz` answers 503.
pub const DEFAULT_UNHEALTHY_AFTER: Duration = Duration::from_secs(60);

/// How long `/healthz` waits for the database.
const DATABASE_CHECK: Duration = Duration::from_secs(1);

/// How long a good database check is reused by `/healthz`.
pub const HEALTH_CACHE: Duration = Duration::from_secs(1);

/// The connection of each gateway shard this process runs, as last seen.
///
/// The gateway door reports what it sees ([`ShardHealth::observe`]);
/// `/healthz` judges it against `unhealthy_after`. A shard that never
/// connected counts as disconnected since the door started, so a process
/// that cannot reach Discord at all (a bad network, a revoked token) turns
/// unhealthy too.
#[derive(Debug)]
pub struct ShardHealth {
    unhealthy_after: Duration,
    shards: Mutex<BTreeMap<u32, Link>>,
}

/// One shard's connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    Connected,
    /// Disconnected (or not yet connected) since then.
    Down(Instant),
}

/// One shard in a [`ShardHealth::report`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardReport {
    pub shard: u32,
    pub connected: bool,
    /// How long it has been disconnected (zero when connected).
    pub down_for: Duration,
    /// Disconnected for longer than the bound.
    pub unhealthy: bool,
}

impl ShardHealth {
    /// These shards, none connected yet (as of `now`).
    pub fn new(
        shards: impl IntoIterator<Item = u32>,
        unhealthy_after: Duration,
        now: Instant,
    ) -> Self {
        ShardHealth {
            unhealthy_after,
            shards: Mutex::new(shards.into_iter().map(|s| (s, Link::Down(now))).collect()),
        }
    }

    /// Records whether `shard` is connected at `now`. A shard not known yet
    /// (Discord's recommended count decides how many run) is added. Returns
    /// how many shards are connected.
    pub fn observe(&self, shard: u32, connected: bool, now: Instant) -> usize {
        let mut shards = self.lock();
        let link = shards.entry(shard).or_insert(Link::Down(now));
        match (*link, connected) {
            (_, true) => *link = Link::Connected,
            (Link::Connected, false) => *link = Link::Down(now),
            // Still down: since the first time it was seen down.
            (Link::Down(_), false) => {}
        }
        shards.values().filter(|l| **l == Link::Connected).count()
    }

    /// The shards known, in order.
    pub fn shards(&self) -> Vec<u32> {
        self.lock().keys().copied().collect()
    }

    /// Each shard's connection as of `now`.
    pub fn report(&self, now: Instant) -> Vec<ShardReport> {
        self.lock()
            .iter()
            .map(|(&shard, link)| {
                let down_for = match link {
                    Link::Connected => Duration::ZERO,
                    Link::Down(since) => now.saturating_duration_since(*since),
                };
                ShardReport {
                    shard,
                    connected: *link == Link::Connected,
                    down_for,
                    unhealthy: *link != Link::Connected && down_for > self.unhealthy_after,
                }
            })
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u32, Link>> {
        self.shards.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[derive(Clone)]
struct Ops {
    core: Core,
    metrics: Arc<Metrics>,
    shards: Option<Arc<ShardHealth>>,
    /// The last database check and when it was made. Behind an async lock
    /// so that concurrent health checks wait for one query, not make many.
    database: Arc<tokio::sync::Mutex<Option<(Instant, bool)>>>,
}

impl Ops {
    /// Whether the database answers, asked at most once per [`HEALTH_CACHE`].
    async fn database_up(&self) -> bool {
        let mut last = self.database.lock().await;
        // Only a good answer is reused: after an outage the first check
        // that succeeds says so at once, not a second later.
        if let Some((at, true)) = *last {
            if at.elapsed() < HEALTH_CACHE {
                return true;
            }
        }
        let up = self.core.store.healthy(DATABASE_CHECK).await;
        if !up {
            self.metrics.database_error();
        }
        *last = Some((Instant::now(), up));
        up
    }
}

/// `GET /healthz` (see the module docs) and `GET /metrics` (Prometheus
/// text). `shards` is the gateway door's view of its shards (`None` for the
/// HTTP door, which has none).
pub fn ops_router(core: Core, metrics: Arc<Metrics>, shards: Option<Arc<ShardHealth>>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .with_state(Ops {
            core,
            metrics,
            shards,
            database: Arc::default(),
        })
}

async fn healthz(State(ops): State<Ops>) -> Response {
    let database = ops.database_up().await;
    let mut body = json!({
        "status": "ok",
        "database": if database { "up" } else { "down" },
    });
    let mut healthy = database;
    if let Some(live) = &ops.core.live {
        let status = live.status();
        body["content"] = json!({
            "generation": status.generation,
            "version": status.version,
            "last_refused": status.last_refused.map(|r| json!({
                "at": r.at,
                "problems": r.problems,
                "first": r.first,
            })),
        });
    }
    if let Some(shards) = &ops.shards {
        let report = shards.report(Instant::now());
        let unhealthy: Vec<String> = report
            .iter()
            .filter(|s| s.unhealthy)
            .map(|s| {
                format!(
                    "shard {} disconnected for {} s",
                    s.shard,
                    s.down_for.as_secs()
                )
            })
            .collect();
        healthy &= unhealthy.is_empty();
        let shards: Vec<_> = report
            .iter()
            .map(|s| {
                json!({
                    "shard": s.shard,
                    "connected": s.connected,
                    "disconnected_for_secs": s.down_for.as_secs(),
                })
            })
            .collect();
        body["gateway"] = json!({ "shards": shards, "unhealthy": unhealthy });
    }
    // Reported, never failing the check: the bot serves without its lab.
    if let Some(lab) = &ops.core.lab {
        body["lab"] = lab.health();
    }
    if healthy {
        (StatusCode::OK, axum::Json(body)).into_response()
    } else {
        body["status"] = json!("unavailable");
        (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
    }
}

async fn metrics_text(State(ops): State<Ops>) -> Response {
    if let Some(live) = &ops.core.live {
        ops.metrics.set_content(&live.status());
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        ops.metrics.render(),
    )
        .into_response()
}

/// Binds `addr`, with an error that names the setting it came from.
pub async fn bind(addr: SocketAddr, setting: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {setting} {addr}"))
}

/// `/healthz` and `/metrics` served on their own address until stopped.
pub struct OpsServer {
    /// Where it listens (the port chosen, if `OPS_ADDR` asked for port 0).
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl OpsServer {
    /// Binds `addr` (`OPS_ADDR`) and serves `router` there, with the same
    /// connection limits as the public address. Prints
    /// `ops on http://ADDR` to stdout once it accepts connections.
    pub async fn start(
        router: Router,
        addr: SocketAddr,
        limits: ServeLimits,
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<OpsServer> {
        let listener = bind(addr, "OPS_ADDR").await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server::serve(
            listener,
            router,
            async move {
                let _ = stopped.await;
            },
            limits,
            metrics,
        ));
        tracing::info!(%addr, "serving GET /healthz and GET /metrics");
        println!("ops on http://{addr}");
        Ok(OpsServer { addr, stop, task })
    }

    /// Stops serving and waits until it has.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        match self.task.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "the ops server failed"),
            Err(e) => tracing::warn!(error = %e, "the ops server task failed"),
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => tracing::info!("Ctrl-C: shutting down"),
        _ = term => tracing::info!("SIGTERM: shutting down"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_turns_unhealthy_only_after_the_bound_and_recovers_at_once() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let health = ShardHealth::new([0, 1], s(60), t0);
        // Never connected: down since the start, unhealthy after the bound.
        assert!(health.report(t0 + s(60)).iter().all(|r| !r.unhealthy));
        assert!(health.report(t0 + s(61)).iter().all(|r| r.unhealthy));

        assert_eq!(health.observe(0, true, t0 + s(1)), 1);
        assert_eq!(health.observe(1, true, t0 + s(1)), 2);
        // Shard 1 drops; seen down again later, it stays down since the first time.
        assert_eq!(health.observe(1, false, t0 + s(100)), 1);
        assert_eq!(health.observe(1, false, t0 + s(130)), 1);
        let report = health.report(t0 + s(161));
        assert_eq!(
            report[1],
            ShardReport {
                shard: 1,
                connected: false,
                down_for: s(61),
                unhealthy: true
            }
        );
        assert!(!report[0].unhealthy && report[0].connected);
        assert_eq!(health.observe(1, true, t0 + s(162)), 2);
        assert!(health.report(t0 + s(500)).iter().all(|r| !r.unhealthy));

        // A shard learned later (autosharding) is added.
        assert_eq!(health.observe(2, true, t0 + s(1)), 3);
        assert_eq!(health.shards(), vec![0, 1, 2]);
    }
}

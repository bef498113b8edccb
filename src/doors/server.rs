//! Serving HTTP with connection limits: what a stranger who opens sockets
//! and sends nothing, or almost nothing, can hold.
//!
//! `axum::serve` has no timer and no cap: a connection that sends a header
//! byte every few seconds, or none after its last answer, stays open for
//! ever, and each holds a task, a buffer and a file descriptor. Here every
//! connection is served by hyper's HTTP/1 server *with a timer*, and the
//! accept loop keeps a registry of open connections:
//!
//! - **header timeout** ([`ServeLimits::header_timeout`]): hyper closes a
//!   connection whose request head is not complete this long after it
//!   started waiting for one. It waits for one as soon as a connection
//!   opens and again after every answer, so the same timer is the
//!   keep-alive **idle timeout**: an idle connection is closed after it.
//! - **small buffers** ([`ServeLimits::max_buf`]): a request head longer
//!   than this is refused (hyper answers 431) instead of buffered, so 500
//!   unfinished 380 KB header lines cost 500 × 16 KiB, not 187 MiB.
//! - **a cap on open connections** ([`ServeLimits::max_connections`]): at
//!   the cap, a new connection closes the connection idle the longest (one
//!   with no request being handled: keep-alive, or still sending its head,
//!   which is what a slow-loris attacker's are); if every connection is busy
//!   with a request, the new one is closed at once. Discord's own
//!   connections, busy or fresh, therefore keep getting in while a flood of
//!   idle ones churns.
//! - **running out of file descriptors** (`EMFILE`) closes the connection
//!   idle the longest too, and is logged (once a second at most), instead
//!   of a silent stall; `nofile` is raised to its hard limit at start
//!   ([`raise_nofile_limit`]) and the cap lowered to fit under it.
//! - **shutdown**: idle connections are closed at once, busy ones finish
//!   their request (the body deadline bounds how long one can take) and are
//!   then closed; after [`ServeLimits::shutdown_grace`] whatever is left is
//!   dropped.
//!
//! Request bodies have their own deadline and size limit, in the HTTP door
//! (`super::http`): only it knows how much a body may be.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::metrics::{ConnectionClose, Metrics};

/// Default of `HTTP_HEADER_TIMEOUT_SECS`: how long a connection may take to
/// send a request head, counted from when it opens or from its last answer
/// (so also how long an idle keep-alive connection stays open).
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Default of `HTTP_MAX_CONNECTIONS`: open connections per listener.
pub const DEFAULT_MAX_CONNECTIONS: usize = 2048;

/// The read buffer of one connection, and so the longest request head:
/// hyper's smallest allowed. Discord's heads are under 1 KiB.
pub const MAX_BUF: usize = 16 * 1024;

/// File descriptors kept free of connections (the database pool, the
/// demo's sockets, logs, the gateway's websocket).
pub const RESERVED_FDS: u64 = 256;

/// The limits one listener serves under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeLimits {
    /// See [`DEFAULT_HEADER_TIMEOUT`].
    pub header_timeout: Duration,
    /// See [`DEFAULT_MAX_CONNECTIONS`] (at least 1).
    pub max_connections: usize,
    /// See [`MAX_BUF`] (hyper refuses less than 8 KiB).
    pub max_buf: usize,
    /// How long shutdown waits for connections busy with a request.
    pub shutdown_grace: Duration,
}

impl Default for ServeLimits {
    fn default() -> Self {
        ServeLimits {
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_buf: MAX_BUF,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

impl ServeLimits {
    /// `HTTP_HEADER_TIMEOUT_SECS` and `HTTP_MAX_CONNECTIONS`; the rest fixed.
    pub fn from_settings(settings: &crate::settings::Settings) -> Self {
        ServeLimits {
            header_timeout: settings.http_header_timeout,
            max_connections: settings.http_max_connections,
            ..ServeLimits::default()
        }
    }
}

/// Raises the soft `nofile` limit to the hard one, where the process may,
/// and returns the soft limit now in force (`None` where it cannot be read).
pub fn raise_nofile_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => Some(n),
        Err(e) => {
            tracing::warn!(error = %e, "could not read or raise the open-files limit (nofile)");
            None
        }
    }
}

/// `max_connections` lowered, if need be, to fit under `nofile` with
/// [`RESERVED_FDS`] to spare.
pub fn fit_under_nofile(max_connections: usize, nofile: Option<u64>) -> usize {
    let Some(nofile) = nofile else {
        return max_connections.max(1);
    };
    let room = nofile.saturating_sub(RESERVED_FDS).max(1);
    let fitted = (max_connections as u64).min(room) as usize;
    if fitted < max_connections {
        tracing::warn!(
            max_connections,
            nofile,
            fitted,
            "HTTP_MAX_CONNECTIONS lowered to fit under the open-files limit"
        );
    }
    fitted.max(1)
}

/// One open connection, as the accept loop sees it.
struct Conn {
    /// Requests being handled on it now.
    busy: usize,
    /// When it last became idle (opened, or answered its last request).
    idle_since: Instant,
    /// Closes it (dropped without a goodbye: it was idle).
    close: Arc<Notify>,
}

/// The open connections of one listener.
#[derive(Default)]
struct Registry {
    next: u64,
    conns: HashMap<u64, Conn>,
}

type Shared = Arc<Mutex<Registry>>;

fn lock(registry: &Shared) -> std::sync::MutexGuard<'_, Registry> {
    registry.lock().unwrap_or_else(|p| p.into_inner())
}

impl Registry {
    fn open(&mut self, close: Arc<Notify>) -> u64 {
        self.next += 1;
        self.conns.insert(
            self.next,
            Conn {
                busy: 0,
                idle_since: Instant::now(),
                close,
            },
        );
        self.next
    }

    /// Takes the connection idle the longest out of the registry and tells
    /// it to close; false when every connection is busy.
    fn evict_oldest_idle(&mut self) -> bool {
        let oldest = self
            .conns
            .iter()
            .filter(|(_, c)| c.busy == 0)
            .min_by_key(|(_, c)| c.idle_since)
            .map(|(&id, _)| id);
        match oldest.and_then(|id| self.conns.remove(&id)) {
            Some(conn) => {
                conn.close.notify_one();
                true
            }
            None => false,
        }
    }

    fn is_idle(&self, id: u64) -> bool {
        self.conns.get(&id).map_or(true, |c| c.busy == 0)
    }
}

/// Marks a connection busy while one request is being handled.
struct Busy {
    registry: Shared,
    id: u64,
}

impl Busy {
    fn start(registry: &Shared, id: u64) -> Busy {
        if let Some(c) = lock(registry).conns.get_mut(&id) {
            c.busy += 1;
        }
        Busy {
            registry: Arc::clone(registry),
            id,
        }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        if let Some(c) = lock(&self.registry).conns.get_mut(&self.id) {
            c.busy = c.busy.saturating_sub(1);
            c.idle_since = Instant::now();
        }
    }
}

/// Serves `router` on `listener` under `limits` until `shutdown` completes,
/// then closes idle connections at once and lets busy ones finish (for at
/// most [`ServeLimits::shutdown_grace`]).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    limits: ServeLimits,
    metrics: Arc<Metrics>,
) -> std::io::Result<()> {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(limits.max_buf.max(8192))
        .keep_alive(true);
    let http = Arc::new(http);
    let max_connections = limits.max_connections.max(1);
    let registry: Shared = Arc::default();
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks = JoinSet::new();
    let mut last_warned: Option<Instant> = None;
    tokio::pin!(shutdown);

    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
            // Reap finished connections as they go, so the set stays small.
            Some(_) = tasks.join_next(), if !tasks.is_empty() => continue,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(e) => {
                // EMFILE/ENFILE: make room by closing the oldest idle
                // connection, and say so (not on every failed accept).
                let out_of_fds = matches!(e.raw_os_error(), Some(23 | 24));
                if last_warned.map_or(true, |t| t.elapsed() >= Duration::from_secs(1)) {
                    tracing::warn!(error = %e, out_of_fds, "accepting a connection failed");
                    last_warned = Some(Instant::now());
                }
                if out_of_fds && lock(&registry).evict_oldest_idle() {
                    metrics.connection_closed(ConnectionClose::Evicted);
                }
                // Back off a moment: the condition rarely clears at once.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let close = Arc::new(Notify::new());
        let id = {
            let mut reg = lock(&registry);
            if reg.conns.len() >= max_connections {
                if reg.evict_oldest_idle() {
                    metrics.connection_closed(ConnectionClose::Evicted);
                } else {
                    // Every connection is busy with a request: this one
                    // waits for nothing, it is closed now.
                    drop(reg);
                    metrics.connection_closed(ConnectionClose::Refused);
                    drop(stream);
                    continue;
                }
            }
            reg.open(Arc::clone(&close))
        };
        metrics.connection_opened();
        tasks.spawn(connection(
            stream,
            Arc::clone(&http),
            router.clone(),
            Arc::clone(&registry),
            id,
            close,
            stop_rx.clone(),
            Arc::clone(&metrics),
        ));
    }

    // Shutdown: stop accepting, then close or drain every connection.
    drop(listener);
    let _ = stop_tx.send(true);
    let drained = tokio::time::timeout(limits.shutdown_grace, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            left = tasks.len(),
            "connections still busy after the shutdown grace; dropping them"
        );
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
    }
    Ok(())
}

/// Serves one connection until it ends, is evicted, or shutdown closes it.
#[allow(clippy::too_many_arguments)]
async fn connection(
    stream: TcpStream,
    http: Arc<http1::Builder>,
    router: Router,
    registry: Shared,
    id: u64,
    close: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
    metrics: Arc<Metrics>,
) {
    let service = {
        let registry = Arc::clone(&registry);
        hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let busy = Busy::start(&registry, id);
            let router = router.clone();
            async move {
                let response = router.oneshot(request.map(Body::new)).await;
                drop(busy);
                Ok::<_, Infallible>(match response {
                    Ok(r) => r,
                    Err(never) => match never {},
                })
            }
        })
    };
    let conn = http.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    let mut draining = *stop.borrow();
    if draining {
        // Accepted just as shutdown began: nothing was asked yet.
        return finish(&registry, id, &metrics);
    }
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    if e.is_timeout() {
                        metrics.connection_closed(ConnectionClose::Timeout);
                    }
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                break;
            }
            // Evicted at the cap: it was idle, drop it as it is.
            () = close.notified() => break,
            changed = stop.changed(), if !draining => {
                draining = true;
                if changed.is_err() || lock(&registry).is_idle(id) {
                    break;
                }
                // Busy: answer the request in hand, then close.
                conn.as_mut().graceful_shutdown();
            }
        }
    }
    finish(&registry, id, &metrics);
}

fn finish(registry: &Shared, id: u64, metrics: &Metrics) {
    lock(registry).conns.remove(&id);
    metrics.connection_ended();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_evicts_the_connection_idle_the_longest_and_never_a_busy_one() {
        let mut reg = Registry::default();
        let first = reg.open(Arc::new(Notify::new()));
        let second = reg.open(Arc::new(Notify::new()));
        let shared: Shared = Arc::new(Mutex::new(reg));
        // The first is busy: the second, though younger, goes.
        let busy = Busy::start(&shared, first);
        assert!(lock(&shared).evict_oldest_idle());
        assert!(lock(&shared).conns.contains_key(&first));
        assert!(!lock(&shared).conns.contains_key(&second));
        // Only a busy one left: nothing to evict.
        assert!(!lock(&shared).evict_oldest_idle());
        drop(busy);
        assert!(lock(&shared).is_idle(first));
        assert!(lock(&shared).evict_oldest_idle());
        assert!(lock(&shared).conns.is_empty());
    }

    #[test]
    fn the_cap_fits_under_the_open_files_limit() {
        assert_eq!(
            fit_under_nofile(2048, Some(1024)),
            1024 - RESERVED_FDS as usize
        );
        assert_eq!(fit_under_nofile(2048, Some(1_048_576)), 2048);
        assert_eq!(fit_under_nofile(2048, None), 2048);
        assert_eq!(fit_under_nofile(2048, Some(10)), 1);
        assert_eq!(fit_under_nofile(0, None), 1);
    }
}

//! The built-in demo target: a tiny HTTP server that answers after a delay.
//!
//! `GET /delay/{ms}` sleeps `ms` milliseconds (with `tokio::time::sleep`, so a
//! thousand waiting requests cost nothing) and answers `200 ok`;
//! `GET /delay/{ms}?fail=1` answers `500 fail` after the same delay. `ms` above
//! [`MAX_TARGET_DELAY_MS`] (or not a number) is answered `400` at once.
//!
//! Every door starts it with the bot on `127.0.0.1:0` ([`spawn_target`]), so
//! the demo needs no internet and fetches nothing a learner chose.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::Router;
use serde::Deserialize;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The longest delay the target accepts, in milliseconds.
pub const MAX_TARGET_DELAY_MS: u64 = 10_000;

/// Listen backlog of [`bind_loopback`]: a demo may open hundreds of
/// connections in the same millisecond (the kernel caps it at `somaxconn`).
pub const LISTEN_BACKLOG: u32 = 4096;

#[derive(Debug, Deserialize)]
struct DelayQuery {
    fail: Option<u32>,
}

async fn delay(Path(ms): Path<u64>, Query(q): Query<DelayQuery>) -> (StatusCode, &'static str) {
    if ms > MAX_TARGET_DELAY_MS {
        return (StatusCode::BAD_REQUEST, "bad delay");
    }
    tokio::time::sleep(Duration::from_millis(ms)).await;
    if q.fail.unwrap_or(0) != 0 {
        (StatusCode::INTERNAL_SERVER_ERROR, "fail")
    } else {
        (StatusCode::OK, "ok")
    }
}

/// The target's routes, to serve or to merge into another router.
pub fn router() -> Router {
    Router::new().route("/delay/{ms}", get(delay))
}

/// Bind `127.0.0.1:port` (0: any free port) with a large listen backlog.
/// Must be called inside a tokio runtime.
pub fn bind_loopback(port: u16) -> io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serve the target on `listener` until the task is dropped or fails.
pub async fn serve_target(listener: TcpListener) -> io::Result<()> {
    axum::serve(listener.tap_io(nodelay), router()).await
}

fn nodelay(stream: &mut tokio::net::TcpStream) {
    if let Err(e) = stream.set_nodelay(true) {
        tracing::trace!("demo target: TCP_NODELAY: {e}");
    }
}

/// A running built-in target. Dropping the handle stops accepting new
/// connections (the task is aborted); [`TargetHandle::shutdown`] stops
/// gracefully, letting requests in flight finish.
#[derive(Debug)]
pub struct TargetHandle {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl TargetHandle {
    /// The address the target listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, the base URL to hand to
    /// [`DemoEngine::new`](super::DemoEngine::new).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stop accepting, let requests in flight finish, and wait for the end.
    pub async fn shutdown(mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task
                .await
                .map_err(|e| io::Error::other(format!("demo target task: {e}")))?,
            None => Ok(()),
        }
    }
}

impl Drop for TargetHandle {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Start the built-in target on `127.0.0.1` at a free port, on the current
/// tokio runtime.
pub async fn spawn_target() -> io::Result<TargetHandle> {
    spawn_target_on(bind_loopback(0)?)
}

/// Start the built-in target on an already bound listener, on the current
/// tokio runtime.
pub fn spawn_target_on(listener: TcpListener) -> io::Result<TargetHandle> {
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener.tap_io(nodelay), router())
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
    });
    tracing::debug!(%addr, "demo target listening");
    Ok(TargetHandle {
        addr,
        stop: Some(stop),
        task: Some(task),
    })
}

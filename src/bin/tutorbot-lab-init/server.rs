//! The practice server's connections, on PID 1's single-threaded event loop.
//!
//! Each connection is a task on a `LocalSet`: read a head (bounded by
//! [`http::head_end`]), drop its body, route it, wait out a delay, answer,
//! and keep the connection for the next request when the client asked to.
//! Nothing a connection does blocks the loop, so a learner's slow or stuck
//! connections never delay the reaping of the learner's process and the
//! report that follows it.
//!
//! # Bounds
//! At most [`MAX_CONNECTIONS`] connections are open. A new one past that
//! closes the connection that has waited longest for bytes from its client
//! (never one in the middle of a delay): a learner who opens hundreds of
//! sockets and sends nothing (slowloris) costs their own oldest sockets,
//! and a fresh request, like the hidden checks' `/requests`, is still
//! served. At most [`MAX_RECORDS`] requests are recorded and reported.

use std::cell::RefCell;
use std::collections::HashMap;
use std::os::fd::RawFd;
use std::rc::Rc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::AbortHandle;

use crate::http::{self, HeadError, Record, Route};

/// Most connections open at once (PID 1 raises its own open-files limit
/// well past this).
pub const MAX_CONNECTIONS: usize = 256;

/// Most requests recorded (for `/requests` and the report).
pub const MAX_RECORDS: usize = 200;

/// The practice server's state, shared by its connection tasks (one
/// thread: `Rc` and `RefCell`, never held across an `.await`).
pub struct Server {
    /// The report pipe, where each record is also written as one line.
    report: RawFd,
    records: RefCell<Vec<Record>>,
    conns: RefCell<Conns>,
}

#[derive(Default)]
struct Conns {
    next_id: u64,
    open: HashMap<u64, Conn>,
}

struct Conn {
    /// When the client last sent bytes (or connected).
    heard: Instant,
    /// Waiting out a delay: the server's turn, not the client's.
    delaying: bool,
    abort: AbortHandle,
}

impl Server {
    pub fn new(report: RawFd) -> Rc<Server> {
        Rc::new(Server {
            report,
            records: RefCell::new(Vec::new()),
            conns: RefCell::new(Conns::default()),
        })
    }

    /// Serves a new connection on its own task, making room first.
    pub fn admit(self: &Rc<Server>, stream: TcpStream) {
        if self.conns.borrow().open.len() >= MAX_CONNECTIONS && !self.evict_one() {
            // Every connection is mid-delay (each ends within 10 s): this
            // one is closed unanswered.
            return;
        }
        let id = {
            let mut conns = self.conns.borrow_mut();
            conns.next_id += 1;
            conns.next_id
        };
        let task = tokio::task::spawn_local(serve(self.clone(), id, stream));
        self.conns.borrow_mut().open.insert(
            id,
            Conn {
                heard: Instant::now(),
                delaying: false,
                abort: task.abort_handle(),
            },
        );
    }

    /// Closes the connection that has waited longest for its client, if
    /// one is not mid-delay. Whether one was closed.
    pub fn evict_one(&self) -> bool {
        let victim = {
            let mut conns = self.conns.borrow_mut();
            let oldest = conns
                .open
                .iter()
                .filter(|(_, c)| !c.delaying)
                .min_by_key(|(_, c)| c.heard)
                .map(|(id, _)| *id);
            oldest.and_then(|id| conns.open.remove(&id))
        };
        match victim {
            Some(conn) => {
                conn.abort.abort();
                true
            }
            None => false,
        }
    }

    fn heard(&self, id: u64) {
        if let Some(c) = self.conns.borrow_mut().open.get_mut(&id) {
            c.heard = Instant::now();
        }
    }

    fn delaying(&self, id: u64, delaying: bool) {
        if let Some(c) = self.conns.borrow_mut().open.get_mut(&id) {
            c.delaying = delaying;
        }
    }

    fn record(&self, record: Record) {
        let mut records = self.records.borrow_mut();
        if records.len() >= MAX_RECORDS {
            return;
        }
        let line = http::report_line(&record);
        records.push(record);
        // One write of one short line (under PIPE_BUF), so it never
        // interleaves with run.py's lines on the same pipe. A closed pipe
        // means the bot has stopped listening: nothing to do about it.
        // SAFETY: writes from a live buffer to a descriptor we hold.
        let _ = unsafe { libc::write(self.report, line.as_ptr().cast(), line.len()) };
    }
}

/// Forgets a connection when its task ends, however it ends.
struct Forget<'a> {
    server: &'a Server,
    id: u64,
}

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        if let Ok(mut conns) = self.server.conns.try_borrow_mut() {
            conns.open.remove(&self.id);
        }
    }
}

/// One connection: requests until the client closes, asks to close, or
/// sends something that is not HTTP.
async fn serve(server: Rc<Server>, id: u64, mut stream: TcpStream) {
    let _forget = Forget {
        server: &server,
        id,
    };
    let mut buf: Vec<u8> = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        // The head: bytes until its empty line, bounded.
        let end = loop {
            match http::head_end(&buf) {
                Ok(Some(end)) => break end,
                Ok(None) => {}
                Err(HeadError::TooLarge) => {
                    let no = http::answer(400, "Bad Request", "request head too large", false);
                    return refuse(stream, &no).await;
                }
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            server.heard(id);
        };
        let parsed = http::parse_head(&buf[..end]);
        buf.drain(..end);
        let Some(head) = parsed else {
            let no = http::answer(400, "Bad Request", "bad request line", false);
            return refuse(stream, &no).await;
        };
        // The body, read and dropped: what is buffered, then the rest.
        let mut left = head.body_len;
        let buffered = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        buf.drain(..buffered);
        left -= buffered as u64;
        while left > 0 {
            let want = chunk.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            match stream.read(&mut chunk[..want]).await {
                Ok(0) | Err(_) => return,
                Ok(n) => left -= n as u64,
            }
            server.heard(id);
        }

        let start = monotonic();
        let route = http::route(&head.method, &head.target);
        let (status, reason, body, delayed) = match route {
            Route::Answer {
                status,
                reason,
                body,
            } => (status, reason, body, false),
            Route::Requests => {
                let body = http::requests_body(&server.records.borrow());
                (200, "OK", body, false)
            }
            Route::Delay { ms, fail } => {
                if ms > 0 {
                    server.delaying(id, true);
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    server.delaying(id, false);
                }
                let (status, reason, body) = http::delay_answer(ms, fail);
                (status, reason, body, true)
            }
        };
        let answer = http::answer(status, reason, &body, head.keep_alive);
        if stream.write_all(&answer).await.is_err() {
            return;
        }
        if delayed {
            server.record(Record::new(&head.target, status, start, monotonic()));
        }
        if !head.keep_alive {
            return;
        }
    }
}

/// Most bytes read and dropped after a refusal, waiting for the client to
/// close.
const MAX_LINGER_BYTES: usize = 4 << 20;

/// Answers a request that cannot be served, then closes without losing the
/// answer: closing a socket with unread bytes sends a reset, which can
/// overtake the answer at the client (a client still sending a 1 MB header
/// would see "connection reset" instead of the 400). So: answer, end our
/// side, and read and drop what the client still sends until it closes,
/// up to a bound. A client that neither sends nor closes holds only an idle
/// connection, the first to go when room is needed.
async fn refuse(mut stream: TcpStream, answer: &[u8]) {
    if stream.write_all(answer).await.is_err() || stream.shutdown().await.is_err() {
        return;
    }
    let mut chunk = [0u8; 4096];
    let mut dropped = 0;
    while dropped < MAX_LINGER_BYTES {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => dropped += n,
        }
    }
}

/// `CLOCK_MONOTONIC` in seconds: the clock of Python's `time.monotonic()`,
/// which run.py and the hidden checks read.
pub fn monotonic() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime fills the timespec we own; CLOCK_MONOTONIC
    // always exists on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

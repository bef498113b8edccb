//! A proxy in front of Postgres that counts round trips: the client's Sync
//! and simple Query messages, each of which the server answers with
//! ReadyForQuery before the client goes on. (A prepared statement run is
//! Bind/Execute/Sync; sqlx's ping is a bare Sync.)

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Postgres's untyped pre-startup requests (SSL, GSS encryption).
const SSL_REQUEST: u32 = 80_877_103;
const GSSENC_REQUEST: u32 = 80_877_104;

pub struct RoundTripCounter {
    pub addr: SocketAddr,
    count: Arc<watch::Sender<u64>>,
    task: tokio::task::JoinHandle<()>,
}

impl RoundTripCounter {
    /// A counting proxy in front of the Postgres server of `DATABASE_URL`,
    /// and that URL's options pointed at it.
    pub async fn in_front_of_postgres() -> (RoundTripCounter, sqlx::postgres::PgConnectOptions) {
        let direct: sqlx::postgres::PgConnectOptions = std::env::var("DATABASE_URL")
            .expect("DATABASE_URL (set by .cargo/config.toml)")
            .parse()
            .expect("DATABASE_URL parses");
        let upstream = tokio::net::lookup_host((direct.get_host(), direct.get_port()))
            .await
            .unwrap()
            .next()
            .unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let count = Arc::new(watch::channel(0u64).0);
        let counter = count.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let counter = counter.clone();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    link(client, server, counter).await;
                });
            }
        });
        let proxied = direct.host("127.0.0.1").port(addr.port());
        (RoundTripCounter { addr, count, task }, proxied)
    }

    /// Round trips so far, over every connection.
    pub fn count(&self) -> u64 {
        *self.count.borrow()
    }
}

impl Drop for RoundTripCounter {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Forwards both ways; counts the client's messages as they pass.
async fn link(client: TcpStream, server: TcpStream, count: Arc<watch::Sender<u64>>) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let upstream = async move {
        let mut parser = Frontend::default();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match client_read.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            // Counted before forwarding: the answer cannot arrive first.
            let trips = parser.feed(&buf[..n]);
            if trips > 0 {
                count.send_modify(|c| *c += trips);
            }
            if server_write.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    };
    let downstream = async move {
        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
    };
    tokio::select! {
        _ = upstream => {}
        _ = downstream => {}
    }
}

/// The client's side of the protocol, cut into messages.
#[derive(Default)]
struct Frontend {
    pending: Vec<u8>,
    started: bool,
}

impl Frontend {
    /// Takes bytes from the client; returns the round trips they complete.
    fn feed(&mut self, bytes: &[u8]) -> u64 {
        self.pending.extend_from_slice(bytes);
        let mut trips = 0;
        loop {
            if !self.started {
                // Untyped: length (4 bytes, itself included), then a code.
                if self.pending.len() < 8 {
                    return trips;
                }
                let len = u32::from_be_bytes(self.pending[0..4].try_into().unwrap()) as usize;
                let code = u32::from_be_bytes(self.pending[4..8].try_into().unwrap());
                if self.pending.len() < len {
                    return trips;
                }
                self.pending.drain(..len);
                // After the startup message every message is typed.
                self.started = !matches!(code, SSL_REQUEST | GSSENC_REQUEST);
                continue;
            }
            // Typed: one byte, then the length (itself included).
            if self.pending.len() < 5 {
                return trips;
            }
            let kind = self.pending[0];
            let len = u32::from_be_bytes(self.pending[1..5].try_into().unwrap()) as usize;
            if self.pending.len() < 1 + len {
                return trips;
            }
            self.pending.drain(..1 + len);
            if kind == b'S' || kind == b'Q' {
                trips += 1;
            }
        }
    }
}

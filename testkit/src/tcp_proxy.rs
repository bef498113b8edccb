//! A TCP proxy the test controls, to take Postgres away from the bot without
//! touching the machine's shared server (other tests are using it).

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Forwards 127.0.0.1:<port> to `upstream` until cut.
pub struct TcpProxy {
    pub addr: SocketAddr,
    /// `true` while the link is cut: live connections drop, new ones close at once.
    cut: Arc<watch::Sender<bool>>,
    /// How many links are open right now.
    links: Arc<watch::Sender<usize>>,
    task: tokio::task::JoinHandle<()>,
}

impl TcpProxy {
    /// A proxy in front of the Postgres server of `DATABASE_URL`, and that
    /// URL's options pointed at the proxy instead.
    pub async fn in_front_of_postgres() -> (TcpProxy, sqlx::postgres::PgConnectOptions) {
        let direct: sqlx::postgres::PgConnectOptions = std::env::var("DATABASE_URL")
            .expect("DATABASE_URL (set by .cargo/config.toml)")
            .parse()
            .expect("DATABASE_URL parses");
        let upstream = tokio::net::lookup_host((direct.get_host(), direct.get_port()))
            .await
            .unwrap()
            .next()
            .unwrap();
        let proxy = TcpProxy::start(upstream).await;
        let proxied = direct.host("127.0.0.1").port(proxy.addr.port());
        (proxy, proxied)
    }

    pub async fn start(upstream: SocketAddr) -> TcpProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (cut, _) = watch::channel(false);
        let cut = Arc::new(cut);
        let state = cut.clone();
        let (links, _) = watch::channel(0usize);
        let links = Arc::new(links);
        let open = links.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                let mut down = state.subscribe();
                if *down.borrow_and_update() {
                    drop(client);
                    continue;
                }
                let open = open.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    open.send_modify(|n| *n += 1);
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = down.wait_for(|cut| *cut) => {}
                    }
                    drop((client, server));
                    open.send_modify(|n| *n -= 1);
                });
            }
        });
        TcpProxy {
            addr,
            cut,
            links,
            task,
        }
    }

    /// Drops every live connection and refuses new ones.
    pub fn cut(&self) {
        self.cut.send_replace(true);
    }

    /// Waits until every link the proxy carried is closed (after [`Self::cut`]).
    pub async fn all_links_closed(&self) {
        let mut links = self.links.subscribe();
        let _ = links.wait_for(|n| *n == 0).await;
    }

    /// Lets connections through again.
    pub fn restore(&self) {
        self.cut.send_replace(false);
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

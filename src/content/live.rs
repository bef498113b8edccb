//! Content that reloads without a restart.
//!
//! [`Live`] holds the catalog being served behind an atomic pointer
//! (arc-swap): a request takes one [`Arc<Catalog>`] when it starts and
//! answers from that whole version, whatever happens meanwhile, so a reload
//! never shows half a lesson. A reload loads and checks the whole tree
//! first; a tree with any mistake is refused, the last good catalog keeps
//! serving, and each mistake goes to the log as `path:line`. Learners in the
//! middle of a lesson or quiz that changed press buttons that carry the old
//! version, and meet the stale-button path.
//!
//! [`watch`] reloads when a file under `PROMPTS_DIR` changes (notify) and on
//! SIGHUP. [`Live::status`] is what `/healthz` and `/metrics` show.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwap;

use super::lesson::Fingerprint;
use super::{Catalog, Diagnostics, Tree};

/// The catalog being served, and where it reloads from.
pub struct Live {
    current: ArcSwap<Catalog>,
    tree: Tree,
    /// The status, and a signal to whoever waits for the next reload.
    status: tokio::sync::watch::Sender<Status>,
}

/// What the last reloads did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// How many catalogs were served: 1 at start, one more each reload.
    pub generation: u64,
    /// A fingerprint of every lesson's version in the catalog served.
    pub version: String,
    /// The last reload that was refused, if any.
    pub last_refused: Option<Refused>,
}

/// A reload refused for broken content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// Seconds since the Unix epoch.
    pub at: u64,
    pub problems: usize,
    /// The first mistake, as `path:line: message`.
    pub first: String,
}

impl Live {
    /// Serves `catalog`, loaded from `tree`.
    pub fn new(tree: Tree, catalog: Arc<Catalog>) -> Arc<Live> {
        let status = Status {
            generation: 1,
            version: version_of(&catalog),
            last_refused: None,
        };
        Arc::new(Live {
            current: ArcSwap::new(catalog),
            tree,
            status: tokio::sync::watch::Sender::new(status),
        })
    }

    /// The catalog to answer one request from.
    pub fn current(&self) -> Arc<Catalog> {
        self.current.load_full()
    }

    pub fn status(&self) -> Status {
        self.status.borrow().clone()
    }

    /// Changes with every reload, served or refused.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<Status> {
        self.status.subscribe()
    }

    /// Loads and checks the tree again, and serves it if it is whole;
    /// otherwise keeps serving the last good catalog and returns every
    /// mistake (also logged, one line each).
    pub fn reload(&self) -> Result<Status, Diagnostics> {
        match Catalog::load_tree(&self.tree) {
            Ok(catalog) => {
                let version = version_of(&catalog);
                self.current.store(Arc::new(catalog));
                self.status.send_modify(|status| {
                    status.generation += 1;
                    status.version = version;
                });
                let status = self.status();
                tracing::info!(
                    generation = status.generation,
                    version = %status.version,
                    "content reloaded"
                );
                Ok(status)
            }
            Err(diags) => {
                for d in diags.iter() {
                    tracing::warn!("content reload refused: {d}");
                }
                let at = SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                let refused = Refused {
                    at,
                    problems: diags.len(),
                    first: diags
                        .iter()
                        .next()
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                };
                self.status
                    .send_modify(|status| status.last_refused = Some(refused));
                Err(diags)
            }
        }
    }
}

/// The content version: every lesson's id and version, fingerprinted.
fn version_of(catalog: &Catalog) -> String {
    let mut fp = Fingerprint::default();
    for lesson in catalog.lessons() {
        fp.add(lesson.id.as_bytes());
        fp.add(lesson.version.as_bytes());
    }
    fp.hex()
}

/// Editors save in several writes: changes closer together than this make
/// one reload.
pub const SETTLE: Duration = Duration::from_millis(250);

/// Reloads `live` when a file under `dir` changes and on SIGHUP, until the
/// runtime stops. Fails only if the watcher or the signal cannot start.
pub fn watch(live: Arc<Live>, dir: Option<PathBuf>) -> anyhow::Result<()> {
    use notify::Watcher;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<&'static str>();
    let watcher = match dir {
        Some(dir) => {
            let changed = tx.clone();
            let mut watcher =
                notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                    if event.is_ok_and(|e| !e.kind.is_access()) {
                        let _ = changed.send("a file changed");
                    }
                })?;
            watcher.watch(&dir, notify::RecursiveMode::Recursive)?;
            Some(watcher)
        }
        None => None,
    };
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    tokio::spawn(async move {
        while hangup.recv().await.is_some() {
            if tx.send("SIGHUP").is_err() {
                break;
            }
        }
    });
    tokio::spawn(async move {
        // Dropping the watcher stops it: it lives as long as this task.
        let _watcher = watcher;
        while let Some(why) = rx.recv().await {
            // Let a burst of writes settle, then reload once for all of it.
            loop {
                match tokio::time::timeout(SETTLE, rx.recv()).await {
                    Ok(Some(_)) => continue,
                    Ok(None) => return,
                    Err(_) => break,
                }
            }
            tracing::info!(reason = why, "reloading content");
            let live = live.clone();
            let _ = tokio::task::spawn_blocking(move || live.reload()).await;
        }
    });
    Ok(())
}

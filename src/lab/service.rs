//! The lab as the bot holds it: starting, on (with its queue), or off with
//! the reason.
//!
//! [`LabHandle::start`] answers at once and proves the sandbox in the
//! background (one real run, [`Lab::start`]), so the bot's start-up never
//! waits for it; until then the lab is [`LabStatus::Starting`]. `/healthz`
//! reports the status ([`LabHandle::health`]) without failing on it: a bot
//! with the lab off still serves lessons, quizzes and demos.

use serde_json::{json, Value};
use tokio::sync::watch;

use super::probe::Lab;
use super::queue::LabQueue;
use crate::settings::LabSettings;

/// Where the lab stands.
#[derive(Debug, Clone)]
pub enum LabStatus {
    Starting,
    On(LabQueue),
    Off { reason: String },
}

/// A shared view of the lab's status, cheap to clone.
#[derive(Debug, Clone)]
pub struct LabHandle {
    status: watch::Receiver<LabStatus>,
    /// A fixed handle keeps its sender, so that a lab fixed at `Starting`
    /// stays starting (rather than reading as a start-up that died).
    _fixed: Option<std::sync::Arc<watch::Sender<LabStatus>>>,
}

impl LabHandle {
    /// Starts proving the sandbox on the current runtime; answers at once.
    pub fn start(settings: &LabSettings) -> LabHandle {
        let (tx, rx) = watch::channel(LabStatus::Starting);
        let settings = settings.clone();
        tokio::spawn(async move {
            let status = match Lab::start(settings.config).await {
                Lab::On(sandbox) => {
                    tracing::info!(
                        max_running = settings.max_running,
                        max_queued = settings.max_queued,
                        "the lab is on"
                    );
                    LabStatus::On(LabQueue::new(
                        sandbox,
                        settings.max_running,
                        settings.max_queued,
                    ))
                }
                Lab::Off { reason } => LabStatus::Off { reason },
            };
            let _ = tx.send(status);
        });
        LabHandle {
            status: rx,
            _fixed: None,
        }
    }

    /// A handle that stays at `status` (tests; a lab set up by hand).
    pub fn fixed(status: LabStatus) -> LabHandle {
        let (tx, rx) = watch::channel(status);
        LabHandle {
            status: rx,
            _fixed: Some(std::sync::Arc::new(tx)),
        }
    }

    pub fn status(&self) -> LabStatus {
        self.status.borrow().clone()
    }

    /// Waits until the lab is on or off.
    pub async fn started(&self) -> LabStatus {
        let mut rx = self.status.clone();
        let seen = rx
            .wait_for(|s| !matches!(s, LabStatus::Starting))
            .await
            .map(|status| status.clone());
        seen.unwrap_or_else(|_| LabStatus::Off {
            reason: "the lab's start-up task ended without a word".into(),
        })
    }

    /// The lab's part of `/healthz`.
    pub fn health(&self) -> Value {
        match self.status() {
            LabStatus::Starting => json!({ "status": "starting" }),
            LabStatus::On(queue) => {
                let (running, queued) = queue.load();
                json!({ "status": "on", "running": running, "queued": queued })
            }
            LabStatus::Off { reason } => json!({ "status": "off", "reason": reason }),
        }
    }
}

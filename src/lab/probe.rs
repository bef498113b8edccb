//! Whether the lab can run here, decided once at start.
//!
//! [`Lab::start`] finds bubblewrap and the runtime, then runs one tiny
//! program in a real sandbox (`import httpx, aiohttp`). If any step fails the
//! lab is [`Lab::Off`] with the reason: the bot starts anyway, `/run` says the
//! lab is off here and why, and `/healthz` reports it.

use std::sync::Arc;

use super::limits::LabConfig;
use super::sandbox::{Job, Sandbox};
use super::verdict::Ending;

/// The lab, on or off.
#[derive(Debug, Clone)]
pub enum Lab {
    On(Arc<Sandbox>),
    Off { reason: String },
}

/// The program the probe runs: what every lesson's code needs.
const PROBE: &str = "import asyncio, httpx, aiohttp\nprint('ready')\n";

impl Lab {
    /// Finds the sandbox's parts and proves them with one run.
    pub async fn start(config: LabConfig) -> Lab {
        let sandbox = match Sandbox::new(config).await {
            Ok(s) => s,
            Err(e) => return Lab::off(e.to_string()),
        };
        let job = Job::new(PROBE, "").expect("the probe is a valid job");
        match sandbox.run(&job).await {
            Ok(v) if v.passed() && v.stdout.text.trim() == "ready" => Lab::On(Arc::new(sandbox)),
            Ok(v) => {
                let why = match &v.ending {
                    Ending::Exited { error: Some(e), .. } => e.clone(),
                    other => other.to_string(),
                };
                Lab::off(format!(
                    "the sandbox's Python cannot import httpx and aiohttp: {why}"
                ))
            }
            Err(e) => Lab::off(e.to_string()),
        }
    }

    fn off(reason: String) -> Lab {
        tracing::warn!("the lab is off: {reason}");
        Lab::Off { reason }
    }

    /// The sandbox, when the lab is on.
    pub fn sandbox(&self) -> Option<&Arc<Sandbox>> {
        match self {
            Lab::On(s) => Some(s),
            Lab::Off { .. } => None,
        }
    }

    /// Why the lab is off, when it is.
    pub fn off_reason(&self) -> Option<&str> {
        match self {
            Lab::On(_) => None,
            Lab::Off { reason } => Some(reason),
        }
    }
}

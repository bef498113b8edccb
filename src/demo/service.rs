//! The demo engine's lifecycle: started with the bot, stopped with it.

use std::time::Duration;

use super::{spawn_target, DemoConfig, DemoEngine, TargetHandle};
use crate::settings::DemoSettings;

/// The demo engine, its built-in target, and the operator's settings.
pub struct DemoService {
    pub engine: DemoEngine,
    pub delay_ms: u64,
    pub cooldown: Duration,
    // Kept alive with the core: dropping it stops the built-in target.
    _target: Option<TargetHandle>,
}

impl DemoService {
    /// Starts the built-in target on loopback (unless the operator set
    /// `DEMO_TARGET`) and the engine that fetches from it.
    pub async fn start(settings: &DemoSettings) -> anyhow::Result<DemoService> {
        let (target, base) = match &settings.target {
            Some(url) => (None, url.clone()),
            None => {
                let t = spawn_target().await?;
                let base = t.base_url();
                (Some(t), base)
            }
        };
        let max_n = settings.max_n as usize;
        let config = DemoConfig {
            max_n,
            max_in_flight: (settings.max_in_flight as usize).max(max_n),
            ..DemoConfig::default()
        };
        let engine = DemoEngine::new(config, &base)?;
        let delay_ms =
            (settings.delay.as_millis() as u64).clamp(config.min_delay_ms, config.max_delay_ms);
        tracing::info!(target = %engine.target(), delay_ms, max_n, "demo engine ready");
        Ok(DemoService {
            engine,
            delay_ms,
            cooldown: settings.cooldown,
            _target: target,
        })
    }
}

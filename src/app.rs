//! Start-up shared by every door: settings, content, store, core.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;

use crate::content::Catalog;
use crate::core::{Core, Throttle};
use crate::demo::DemoService;
use crate::settings::Settings;
use crate::store::{Store, HANDLED_KEEP, HANDLED_SWEEP_EVERY};

/// Loads and checks the content, failing with every `path:line` problem.
pub fn load_catalog(settings: &Settings) -> anyhow::Result<Catalog> {
    Catalog::load(&settings.prompts_dir).map_err(|diags| {
        anyhow::anyhow!(
            "the content in {} has {} problem(s):\n{diags}",
            settings.prompts_dir.display(),
            diags.len()
        )
    })
}

/// Content checked, database created and migrated: the core, ready to serve,
/// with demos, the lab (starting) and (unless `LEARNER_RATE=0`) the
/// per-learner throttle.
pub async fn start(settings: &Settings) -> anyhow::Result<Core> {
    let started = Instant::now();
    let catalog = load_catalog(settings)?;
    let store = Store::connect(&settings.database)
        .await
        .context("starting the store")?;
    // Ends when the pool closes at shutdown; never keeps the process up.
    tokio::spawn(
        store
            .clone()
            .sweep_handled_every(HANDLED_SWEEP_EVERY, HANDLED_KEEP),
    );
    let demos = DemoService::start(&settings.demo)
        .await
        .context("starting the demo engine")?;
    tracing::info!(
        lessons = catalog.lessons().len(),
        database = %settings.database.display_target(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "ready"
    );
    // Proved in the background: start-up does not wait for a sandbox run.
    let lab = crate::lab::LabHandle::start(&settings.lab);
    let core = Core::new(Arc::new(catalog), store)
        .with_demos(demos)
        .with_lab(lab);
    let learner = settings.learner;
    Ok(if learner.rate == 0 {
        tracing::info!("LEARNER_RATE=0: the per-learner throttle is off");
        core
    } else {
        core.with_throttle(Throttle::new(learner.burst, learner.rate))
    })
}

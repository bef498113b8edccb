//! Start-up shared by every door: settings, content, store, core.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;

use crate::content::live::Live;
use crate::content::{Catalog, Tree};
use crate::core::{Core, Throttle};
use crate::demo::DemoService;
use crate::settings::Settings;
use crate::store::{Store, HANDLED_KEEP, HANDLED_SWEEP_EVERY};

/// Logs go to stderr, so the console door's stdout stays the learner's.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// The content tree the settings name: `PROMPTS_DIR`, else the built-in one.
pub fn content_tree(settings: &Settings) -> Tree {
    match &settings.prompts_dir {
        Some(dir) => Tree::Folder(dir.clone()),
        None => Tree::BuiltIn,
    }
}

/// Loads and checks the content, failing with every `path:line` problem.
pub fn load_catalog(settings: &Settings) -> anyhow::Result<Catalog> {
    let tree = content_tree(settings);
    Catalog::load_tree(&tree).map_err(|diags| {
        anyhow::anyhow!(
            "the content in {} has {} problem(s):\n{diags}",
            tree.name(),
            diags.len()
        )
    })
}

/// Content checked, database created and migrated: the core, ready to serve,
/// with demos and (unless `LEARNER_RATE=0`) the per-learner throttle.
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
    // Content reloads on SIGHUP, and on any change under PROMPTS_DIR.
    let live = Live::new(content_tree(settings), Arc::new(catalog));
    // Without a watcher (inotify limits, say) the bot still serves; it only
    // cannot reload by itself.
    if let Err(e) = crate::content::live::watch(live.clone(), settings.prompts_dir.clone()) {
        tracing::warn!(error = %e, "content will not reload without a restart");
    }
    let core = Core::new(live.current(), store)
        .with_demos(demos)
        .with_live(live);
    let learner = settings.learner;
    Ok(if learner.rate == 0 {
        tracing::info!("LEARNER_RATE=0: the per-learner throttle is off");
        core
    } else {
        core.with_throttle(Throttle::new(learner.burst, learner.rate))
    })
}

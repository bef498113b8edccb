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
    // Content reloads on SIGHUP, and on any change under PROMPTS_DIR.
    let live = Live::new(content_tree(settings), Arc::new(catalog));
    // Without a watcher (inotify limits, say) the bot still serves; it only
    // cannot reload by itself.
    if let Err(e) = crate::content::live::watch(live.clone(), settings.prompts_dir.clone()) {
        tracing::warn!(error = %e, "content will not reload without a restart");
    }
    // Servers' own lessons: what every server serves now, then every
    // change any instance publishes (LISTEN/NOTIFY, and a periodic check).
    let packs = crate::core::packs::Packs::new(settings.packs.clone());
    packs.start(store.clone()).await;
    let core = Core::new(live.current(), store)
        .with_demos(demos)
        .with_lab(lab)
        .with_live(live)
        .with_packs(packs);
    let learner = settings.learner;
    Ok(if learner.rate == 0 {
        tracing::info!("LEARNER_RATE=0: the per-learner throttle is off");
        core
    } else {
        core.with_throttle(Throttle::new(learner.burst, learner.rate))
    })
}

/// Starts the daily review reminders (unless `REMINDERS=off` or there is no
/// `DISCORD_TOKEN` to send with): rounds until the pool closes at shutdown.
pub fn start_reminders(settings: &Settings, core: &Core) {
    use secrecy::ExposeSecret;
    if !settings.reminders {
        tracing::info!("REMINDERS=off: this process sends no review reminders");
        return;
    }
    let Some(token) = settings.discord.token.as_ref() else {
        tracing::info!("no DISCORD_TOKEN: review reminders are off");
        return;
    };
    let http = crate::doors::discord::discord_http(
        token.expose_secret(),
        settings.discord.api_base.as_deref(),
        settings.discord.application_id,
    );
    let reminders = crate::schedule::Reminders {
        store: core.store.clone(),
        http: Arc::new(http),
        catalog: Arc::clone(&core.catalog),
        clock: Arc::clone(&core.clock),
        config: settings.reminder,
        lessons: Some(core.clone()),
    };
    let pool = core.store.pool().clone();
    tokio::spawn(reminders.run(async move { pool.close_event().await }));
}

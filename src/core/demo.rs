//! `/demo`: the lesson, happening for real.
//!
//! A demo is slow by design, so the core answers at once with a deferral and
//! runs the demo on a task of its own, editing the original message through
//! the door's [`Followup`] about once a second while it runs and once more
//! with the result (drawn by [`view::demo`]). Before anything runs, the
//! learner's numbers were checked when the request was parsed, and here the
//! learner's cooldown is claimed in Postgres (so it holds across instances
//! and restarts); the engine's global cap on fetches in flight protects the
//! bot from a crowd. The engine itself, and its lifecycle, live in
//! [`crate::demo`].

use std::sync::Arc;
use std::time::Duration;

use serenity::all::EditInteractionResponse;
use tokio::sync::watch;

use super::error::{self, CoreError, Refusal};
use super::request::{DemoKind, DemoRequest, Learner};
use super::view;
use super::{Core, Followup};
use crate::demo::{self, DemoError, DemoService, Progress};
use crate::store::DemoClaim;

/// How often a running demo edits its message (Discord's edits are rate
/// limited; about once a second reads as live).
pub const PROGRESS_EVERY: Duration = Duration::from_secs(1);

/// A demo claimed and running (or, for an interaction delivered again, the
/// first delivery's run): answered with a deferral.
#[derive(Debug)]
pub struct DemoStarted;

/// `/demo <kind> ...`: claims the learner's cooldown, then starts the run.
pub async fn start(
    core: &Core,
    who: Learner,
    interaction: u64,
    request: DemoRequest,
    followup: Arc<dyn Followup>,
) -> Result<DemoStarted, CoreError> {
    let service = core.demos.clone().ok_or(Refusal::DemoUnavailable)?;
    let kind = request.kind;
    let claim = core
        .store
        .claim_demo(
            interaction,
            who.id,
            kind.name(),
            kind.n() as i32,
            service.cooldown,
        )
        .await
        .map_err(error::save)?;
    let run_id = match claim {
        DemoClaim::Claimed(id) => id,
        // Delivered again: the first delivery's run edits this message.
        DemoClaim::Replayed => return Ok(DemoStarted),
        DemoClaim::Cooldown(left) => {
            let seconds = left.as_secs_f64().ceil().max(1.0) as u64;
            return Err(Refusal::Cooldown { seconds }.into());
        }
    };
    let core = core.clone();
    tokio::spawn(async move {
        let job = Job {
            who,
            kind,
            run_id,
            token: &request.token,
            picture: request.picture,
        };
        run(&core, &service, job, followup.as_ref()).await;
    });
    Ok(DemoStarted)
}

/// One claimed demo to run: which, for whom, its row, where its edits go,
/// and whether its result carries a picture.
struct Job<'a> {
    who: Learner,
    kind: DemoKind,
    run_id: i64,
    token: &'a str,
    picture: bool,
}

/// Runs one demo, editing the message as it goes, and records its times.
async fn run(core: &Core, service: &DemoService, job: Job<'_>, followup: &dyn Followup) {
    let Job {
        who,
        kind,
        run_id,
        token,
        picture,
    } = job;
    let t = &core.catalog.demo_texts;
    let (tx, mut rx) = watch::channel(Progress::default());
    let engine = service.engine.clone();
    let delay = service.delay_ms;
    let demo = async move {
        match kind {
            DemoKind::Gather { n } => engine.gather(n, delay, Some(tx)).await.map(Report::Gather),
            DemoKind::Blocking { n } => engine
                .blocking(n, delay, Some(tx))
                .await
                .map(Report::Blocking),
            DemoKind::Errors { n, failures } => engine
                .errors(n, failures, delay, Some(tx))
                .await
                .map(Report::Errors),
            DemoKind::Timeout => {
                let slow = (delay * 4).min(engine.config().max_delay_ms);
                engine.timeout(slow, slow / 2).await.map(Report::Timeout)
            }
            DemoKind::Limit { n, k } => {
                engine.limit(n, k, delay, Some(tx)).await.map(Report::Limit)
            }
            DemoKind::TaskGroup { n } => engine
                .taskgroup(n, delay, Some(tx))
                .await
                .map(Report::TaskGroup),
        }
    };
    tokio::pin!(demo);
    let mut ticker = tokio::time::interval(PROGRESS_EVERY);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let result = loop {
        tokio::select! {
            result = &mut demo => break result,
            _ = ticker.tick() => {
                if rx.has_changed().unwrap_or(false) {
                    let p = *rx.borrow_and_update();
                    edit(followup, token, view::demo::progress(t, kind, p)).await;
                }
            }
        }
    };
    let final_edit = match result {
        Ok(report) => {
            let (a, b) = report.times();
            if let Err(e) = core.store.finish_demo(run_id, a, b).await {
                tracing::warn!(error = %e, source = ?e.source, "demo times not recorded");
            }
            let report = Arc::new(report);
            let png = if picture {
                draw_picture(core, kind, report.clone()).await
            } else {
                None
            };
            view::demo::finished(t, who, kind, delay, &report, png)
        }
        Err(e) => {
            tracing::warn!(error = %e, demo = kind.name(), "demo failed");
            view::demo::failed(t, matches!(e, DemoError::Busy { .. }))
        }
    };
    edit(followup, token, final_edit).await;
}

/// The result's picture, drawn on a blocking thread (it takes milliseconds
/// of CPU). Without it (a warning) the result still shows the text
/// timelines.
async fn draw_picture(core: &Core, kind: DemoKind, report: Arc<Report>) -> Option<Vec<u8>> {
    let catalog = core.catalog.clone();
    let drawn = tokio::task::spawn_blocking(move || {
        view::demo_picture::picture(&catalog.demo_texts, kind, &report)
    })
    .await;
    match drawn {
        Ok(Ok(png)) => Some(png),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, demo = kind.name(), "demo picture not drawn");
            None
        }
        Err(e) => {
            tracing::warn!(error = %e, demo = kind.name(), "demo picture not drawn");
            None
        }
    }
}

async fn edit(followup: &dyn Followup, token: &str, edit: EditInteractionResponse) {
    if let Err(e) = followup.edit_original(token, edit).await {
        tracing::warn!(error = %e, "demo message edit failed");
    }
}

/// What a finished demo found: the engine's report for its kind.
#[derive(Debug)]
pub enum Report {
    Gather(demo::GatherReport),
    Blocking(demo::BlockingReport),
    Errors(demo::ErrorsReport),
    Timeout(demo::TimeoutReport),
    Limit(demo::LimitReport),
    TaskGroup(demo::TaskGroupReport),
}

impl Report {
    /// Its runs, in the order the demo ran them.
    pub fn runs(&self) -> Vec<&demo::Run> {
        match self {
            Report::Gather(r) => vec![&r.sequential, &r.concurrent],
            Report::Blocking(r) => vec![&r.blocking, &r.awaiting],
            Report::Errors(r) => vec![&r.all_or_nothing, &r.collected],
            Report::Timeout(r) => vec![&r.run],
            Report::Limit(r) => vec![&r.run],
            Report::TaskGroup(r) => vec![&r.gather, &r.group],
        }
    }

    /// The two times stored for `/progress` and `/my-data`.
    pub fn times(&self) -> (Option<i32>, Option<i32>) {
        let ms = |d: Duration| Some(d.as_millis().min(i32::MAX as u128) as i32);
        match self {
            Report::Gather(r) => (ms(r.sequential.wall), ms(r.concurrent.wall)),
            Report::Blocking(r) => (ms(r.blocking.wall), ms(r.awaiting.wall)),
            Report::Errors(r) => (ms(r.all_or_nothing.wall), ms(r.collected.wall)),
            Report::Timeout(r) => (ms(r.elapsed), None),
            Report::Limit(r) => (ms(r.run.wall), None),
            Report::TaskGroup(r) => (ms(r.gather.wall), ms(r.group.wall)),
        }
    }
}

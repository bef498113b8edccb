//! `/demo`: the lesson, happening for real.
//!
//! A demo is slow by design, so the core answers at once with a deferral and
//! runs the demo on a task of its own, editing the original message through
//! the door's [`Followup`] about once a second while it runs and once more
//! with the result. Before anything runs, the learner's numbers are checked
//! against their bounds, and the learner's cooldown is claimed in Postgres
//! (so it holds across instances and restarts); the engine's global cap on
//! fetches in flight protects the bot from a crowd.

use std::sync::Arc;
use std::time::Duration;

use serenity::all::{
    CommandInteraction, CreateEmbed, CreateEmbedFooter, CreateInteractionResponse,
    CreateInteractionResponseMessage, EditInteractionResponse, ResolvedValue,
};
use tokio::sync::watch;

use super::view::{self, COLOUR};
use super::{integer_option, Answer, Core, Followup, Learner};
use crate::content::DemoTexts;
use crate::demo::{
    self, ChartOptions, DemoConfig, DemoEngine, DemoError, Progress, Run, RunKind, TargetHandle,
};
use crate::settings::DemoSettings;
use crate::store::DemoClaim;

/// How often a running demo edits its message (Discord's edits are rate
/// limited; about once a second reads as live).
pub const PROGRESS_EVERY: Duration = Duration::from_secs(1);
/// Rows of a chart: keeps two charts and the code inside one embed.
const CHART_ROWS: usize = 12;

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
                let t = demo::spawn_target().await?;
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

/// Which demo, with the learner's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Gather { n: usize },
    Blocking { n: usize },
    Errors { n: usize, failures: usize },
    Timeout,
    Limit { n: usize, k: usize },
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Gather { .. } => "gather",
            Kind::Blocking { .. } => "blocking",
            Kind::Errors { .. } => "errors",
            Kind::Timeout => "timeout",
            Kind::Limit { .. } => "limit",
        }
    }

    fn n(self) -> usize {
        match self {
            Kind::Gather { n }
            | Kind::Blocking { n }
            | Kind::Errors { n, .. }
            | Kind::Limit { n, .. } => n,
            Kind::Timeout => 1,
        }
    }
}

/// `/demo <subcommand> ...`.
pub async fn command(
    core: &Core,
    who: Learner,
    cmd: &CommandInteraction,
    followup: Arc<dyn Followup>,
) -> Answer {
    let t = &core.catalog.demo_texts;
    let Some(service) = core.demos.clone() else {
        return Answer::refused(view::notice(t.unavailable.as_str()));
    };
    let kind = match parse(cmd, service.engine.config().max_n) {
        Ok(kind) => kind,
        Err(Refusal::OutOfRange(name, value, min, max)) => {
            return Answer::refused(view::notice(&t.out_of_range.fill(&[
                ("name", &name),
                ("value", &value),
                ("min", &min),
                ("max", &max),
            ])))
        }
        Err(Refusal::UnknownDemo(sub)) => {
            tracing::warn!(demo = sub.as_str(), "unknown demo");
            let command = format!("demo {sub}");
            return Answer::refused(view::notice(
                &core
                    .catalog
                    .texts
                    .unknown_command
                    .fill(&[("command", &command)]),
            ));
        }
    };
    let run_id = match core
        .store
        .claim_demo(
            cmd.id.get(),
            who.id,
            kind.name(),
            kind.n() as i32,
            service.cooldown,
        )
        .await
    {
        Ok(DemoClaim::Claimed(id)) => id,
        // Delivered again: the first delivery's run edits this message.
        Ok(DemoClaim::Replayed) => {
            return Answer::ok(CreateInteractionResponse::Defer(
                CreateInteractionResponseMessage::new(),
            ))
        }
        Ok(DemoClaim::Cooldown(left)) => {
            let seconds = left.as_secs_f64().ceil().max(1.0) as u64;
            return Answer::refused(view::notice(&t.cooldown.fill(&[("seconds", &seconds)])));
        }
        Err(e) => {
            tracing::warn!(error = %e, source = ?e.source, "demo claim failed");
            return Answer::failed(view::notice(core.catalog.texts.save_failed.as_str()));
        }
    };
    let token = cmd.token.clone();
    let core = core.clone();
    tokio::spawn(async move {
        run(&core, &service, kind, run_id, &token, followup.as_ref()).await;
    });
    Answer::ok(CreateInteractionResponse::Defer(
        CreateInteractionResponseMessage::new(),
    ))
}

/// Why a `/demo` was refused before anything ran.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Refusal {
    /// (name, value, min, max) of the first number out of bounds.
    OutOfRange(&'static str, i64, i64, i64),
    /// A subcommand we never registered (only a forged client sends one).
    UnknownDemo(String),
}

/// The learner's numbers, checked; without a subcommand (the console's
/// `/demo`), the gather demo.
fn parse(cmd: &CommandInteraction, max_n: usize) -> Result<Kind, Refusal> {
    let sub = cmd
        .data
        .options()
        .into_iter()
        .find_map(|o| {
            matches!(
                o.value,
                ResolvedValue::SubCommand(_) | ResolvedValue::SubCommandGroup(_)
            )
            .then(|| o.name.to_string())
        })
        .unwrap_or_else(|| "gather".into());
    let max_n = max_n as i64;
    let n_default = if sub == "limit" {
        10.min(max_n)
    } else {
        5.min(max_n)
    };
    let n = integer_option(cmd, "n").unwrap_or(n_default);
    let check = |name, v: i64, min: i64, max: i64| {
        if (min..=max).contains(&v) {
            Ok(v as usize)
        } else {
            Err(Refusal::OutOfRange(name, v, min, max))
        }
    };
    Ok(match sub.as_str() {
        "blocking" => Kind::Blocking {
            n: check("n", n, 1, max_n)?,
        },
        "errors" => {
            let n = check("n", n, 1, max_n)?;
            let failures = integer_option(cmd, "failures").unwrap_or(2.min(n as i64));
            Kind::Errors {
                n,
                failures: check("failures", failures, 0, n as i64)?,
            }
        }
        "timeout" => Kind::Timeout,
        "limit" => {
            let n = check("n", n, 1, max_n)?;
            let k = integer_option(cmd, "max").unwrap_or(3.min(n as i64));
            Kind::Limit {
                n,
                k: check("max", k, 1, n as i64)?,
            }
        }
        "gather" => Kind::Gather {
            n: check("n", n, 1, max_n)?,
        },
        _ => return Err(Refusal::UnknownDemo(sub)),
    })
}

/// Runs one demo, editing the message as it goes, and records its times.
async fn run(
    core: &Core,
    service: &DemoService,
    kind: Kind,
    run_id: i64,
    token: &str,
    followup: &dyn Followup,
) {
    let t = &core.catalog.demo_texts;
    let title = title(t, kind);
    let (tx, mut rx) = watch::channel(Progress::default());
    let engine = service.engine.clone();
    let delay = service.delay_ms;
    let job = async move {
        match kind {
            Kind::Gather { n } => engine.gather(n, delay, Some(tx)).await.map(Report::Gather),
            Kind::Blocking { n } => engine
                .blocking(n, delay, Some(tx))
                .await
                .map(Report::Blocking),
            Kind::Errors { n, failures } => engine
                .errors(n, failures, delay, Some(tx))
                .await
                .map(Report::Errors),
            Kind::Timeout => {
                let slow = (delay * 4).min(engine.config().max_delay_ms);
                engine.timeout(slow, slow / 2).await.map(Report::Timeout)
            }
            Kind::Limit { n, k } => engine.limit(n, k, delay, Some(tx)).await.map(Report::Limit),
        }
    };
    tokio::pin!(job);
    let mut ticker = tokio::time::interval(PROGRESS_EVERY);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let result = loop {
        tokio::select! {
            result = &mut job => break result,
            _ = ticker.tick() => {
                if rx.has_changed().unwrap_or(false) {
                    let p = *rx.borrow_and_update();
                    let text = t.progress.fill(&[
                        ("title", &title),
                        ("phase", &phase_name(t, p.phase, kind)),
                        ("done", &p.done),
                        ("total", &p.total),
                    ]);
                    edit(followup, token, EditInteractionResponse::new().content(text)).await;
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
            EditInteractionResponse::new()
                .content("")
                .embed(render(t, kind, delay, &report))
        }
        Err(e) => {
            tracing::warn!(error = %e, demo = kind.name(), "demo failed");
            let text = match e {
                DemoError::Busy { .. } => t.busy.as_str(),
                _ => t.failed.as_str(),
            };
            EditInteractionResponse::new().content(text)
        }
    };
    edit(followup, token, final_edit).await;
}

async fn edit(followup: &dyn Followup, token: &str, edit: EditInteractionResponse) {
    if let Err(e) = followup.edit_original(token, edit).await {
        tracing::warn!(error = %e, "demo message edit failed");
    }
}

enum Report {
    Gather(demo::GatherReport),
    Blocking(demo::BlockingReport),
    Errors(demo::ErrorsReport),
    Timeout(demo::TimeoutReport),
    Limit(demo::LimitReport),
}

impl Report {
    /// The two times stored for `/progress` and `/my-data`.
    fn times(&self) -> (Option<i32>, Option<i32>) {
        let ms = |d: Duration| Some(d.as_millis().min(i32::MAX as u128) as i32);
        match self {
            Report::Gather(r) => (ms(r.sequential.wall), ms(r.concurrent.wall)),
            Report::Blocking(r) => (ms(r.blocking.wall), ms(r.awaiting.wall)),
            Report::Errors(r) => (ms(r.all_or_nothing.wall), ms(r.collected.wall)),
            Report::Timeout(r) => (ms(r.elapsed), None),
            Report::Limit(r) => (ms(r.run.wall), None),
        }
    }
}

fn title(t: &DemoTexts, kind: Kind) -> String {
    match kind {
        Kind::Gather { n } => t.gather_title.fill(&[("n", &n)]),
        Kind::Blocking { n } => t.blocking_title.fill(&[("n", &n)]),
        Kind::Errors { n, failures } => t.errors_title.fill(&[("n", &n), ("failures", &failures)]),
        Kind::Timeout => t.timeout_title.as_str().to_string(),
        Kind::Limit { n, k } => t.limit_title.fill(&[("n", &n), ("k", &k)]),
    }
}

fn phase_name(t: &DemoTexts, phase: RunKind, kind: Kind) -> String {
    match phase {
        RunKind::Sequential => t.phase_sequential.as_str().into(),
        RunKind::Concurrent => t.phase_concurrent.as_str().into(),
        RunKind::Blocking => t.phase_blocking.as_str().into(),
        RunKind::Awaiting => t.phase_awaiting.as_str().into(),
        RunKind::AllOrNothing => t.phase_all_or_nothing.as_str().into(),
        RunKind::Collected => t.phase_collected.as_str().into(),
        RunKind::Timeout => t.phase_timeout.as_str().into(),
        RunKind::Limited => {
            let k = if let Kind::Limit { k, .. } = kind {
                k
            } else {
                0
            };
            t.phase_limited.fill(&[("k", &k)])
        }
    }
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

/// The result: what happened, the timelines on one axis, and the code.
fn render(t: &DemoTexts, kind: Kind, delay: u64, report: &Report) -> CreateEmbed {
    let runs: Vec<&Run> = match report {
        Report::Gather(r) => vec![&r.sequential, &r.concurrent],
        Report::Blocking(r) => vec![&r.blocking, &r.awaiting],
        Report::Errors(r) => vec![&r.all_or_nothing, &r.collected],
        Report::Timeout(r) => vec![&r.run],
        Report::Limit(r) => vec![&r.run],
    };
    let options = ChartOptions {
        axis: Some(demo::shared_axis(&runs)),
        max_rows: CHART_ROWS,
        ..ChartOptions::default()
    };
    let (explain, result, python, rust) = match report {
        Report::Gather(r) => (
            t.gather_explain.fill(&[("n", &r.n), ("delay", &delay)]),
            t.gather_result.fill(&[
                ("sequential", &ms(r.sequential.wall)),
                ("concurrent", &ms(r.concurrent.wall)),
                ("speedup", &format!("{:.1}", r.speedup())),
                ("n", &r.n),
            ]),
            &t.gather_python,
            &t.gather_rust,
        ),
        Report::Blocking(r) => (
            t.blocking_explain.fill(&[("n", &r.n)]),
            t.blocking_result.fill(&[
                ("blocking", &ms(r.blocking.wall)),
                ("awaiting", &ms(r.awaiting.wall)),
                ("slowdown", &format!("{:.1}", r.slowdown())),
                ("n", &r.n),
            ]),
            &t.blocking_python,
            &t.blocking_rust,
        ),
        Report::Errors(r) => (
            t.errors_explain.as_str().to_string(),
            t.errors_result.fill(&[
                ("aon", &ms(r.all_or_nothing.wall)),
                ("first", &r.first_error.map_or(0, |f| f.index + 1)),
                ("lost", &r.all_or_nothing.cancelled_count()),
                ("ok", &r.collected.ok_count()),
                ("failed", &r.collected.failed_count()),
                ("collected", &ms(r.collected.wall)),
            ]),
            &t.errors_python,
            &t.errors_rust,
        ),
        Report::Timeout(r) => (
            t.timeout_explain
                .fill(&[("delay", &r.delay_ms), ("limit", &r.limit_ms)]),
            if r.timed_out {
                &t.timeout_result
            } else {
                &t.timeout_completed
            }
            .fill(&[("elapsed", &ms(r.elapsed)), ("limit", &r.limit_ms)]),
            &t.timeout_python,
            &t.timeout_rust,
        ),
        Report::Limit(r) => (
            t.limit_explain.fill(&[("k", &r.k)]),
            t.limit_result.fill(&[
                ("wall", &ms(r.run.wall)),
                ("waves", &r.waves.len()),
                ("n", &r.n),
                ("k", &r.k),
                ("expected", &r.expected_waves),
                ("delay", &r.delay_ms),
            ]),
            &t.limit_python,
            &t.limit_rust,
        ),
    };
    let mut description = vec![explain, String::new(), result];
    for run in runs {
        description.push(String::new());
        description.push(t.chart_heading.fill(&[
            ("name", &phase_name(t, run.kind, kind)),
            ("ms", &ms(run.wall)),
        ]));
        description.push(format!("```\n{}\n```", demo::render(run, &options)));
    }
    CreateEmbed::new()
        .title(view::truncate(&title(t, kind), 256))
        .description(view::truncate(&description.join("\n"), 4096))
        .field(t.field_python.as_str(), python.as_str(), false)
        .field(t.field_rust.as_str(), rust.as_str(), false)
        .footer(CreateEmbedFooter::new(t.footer.fill(&[("delay", &delay)])))
        .colour(COLOUR)
}

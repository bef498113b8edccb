//! The demo's views: its progress line, and the result with its timelines.
//!
//! The result leads with what the learner is learning: what happened, the
//! timelines (as text in the embed, for the console and screen readers,
//! and, in Discord, as a picture attached to the result and shown as its
//! image), and the Python. The Rust the bot really ran is one click away
//! ("Show the Rust"), so it never competes with the Python on screen.

use std::time::Duration;

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAttachment, CreateEmbed, CreateEmbedFooter,
    CreateInteractionResponse, EditInteractionResponse,
};

use super::{truncate, COLOUR};
use crate::content::DemoTexts;
use crate::core::button::Action;
use crate::core::demo::Report;
use crate::core::limits;
use crate::core::request::{DemoKind, Learner};
use crate::demo::{self as engine, ChartOptions, Progress, Run, RunKind};

/// Rows of a chart: keeps two charts and the code inside one embed.
const CHART_ROWS: usize = 12;

/// The edit while a demo runs: which half, and how many fetches are done.
pub fn progress(t: &DemoTexts, kind: DemoKind, p: Progress) -> EditInteractionResponse {
    super::edit().content(t.progress.fill(&[
        ("title", &title(t, kind)),
        ("phase", &phase_name(t, p.phase, kind)),
        ("done", &p.done),
        ("total", &p.total),
    ]))
}

/// The file name the result's picture is attached under; the embed's image
/// points at it (`attachment://demo.png`).
pub const PICTURE: &str = "demo.png";

/// The last edit of a demo that ran: the result replaces the progress line,
/// with the Rust the bot ran one click away ("Show the Rust"). With a
/// `picture` (a PNG from [`super::demo_picture::picture`]), the edit
/// attaches it and the embed shows it as its image.
pub fn finished(
    t: &DemoTexts,
    who: Learner,
    kind: DemoKind,
    delay: u64,
    report: &Report,
    picture: Option<Vec<u8>>,
) -> EditInteractionResponse {
    let show_rust = Action::DemoRust {
        demo: kind.name().to_string(),
    };
    let embed = result(t, kind, delay, report);
    let edit = super::edit()
        .content("")
        .components(vec![CreateActionRow::Buttons(vec![super::button(
            super::id(who, show_rust),
            t.button_show_rust.as_str(),
            ButtonStyle::Secondary,
        )])]);
    match picture {
        Some(png) => edit
            .embed(embed.image(format!("attachment://{PICTURE}")))
            .new_attachment(CreateAttachment::bytes(png, PICTURE)),
        None => edit.embed(embed),
    }
}

/// "Show the Rust": the Rust behind a demo, for whoever clicks (it is the
/// same for everyone, so anyone's click on the message is answered).
pub fn rust(t: &DemoTexts, demo: &str) -> CreateInteractionResponse {
    let rust = match demo {
        "gather" => &t.gather_rust,
        "blocking" => &t.blocking_rust,
        "errors" => &t.errors_rust,
        "timeout" => &t.timeout_rust,
        "limit" => &t.limit_rust,
        "taskgroup" => &t.taskgroup_rust,
        _ => return super::notice(t.unavailable.as_str()),
    };
    super::notice(&t.rust_shown.fill(&[("code", &rust.as_str())]))
}

/// The last edit of a demo that could not run: busy (try again soon) or failed.
pub fn failed(t: &DemoTexts, busy: bool) -> EditInteractionResponse {
    super::edit().content(if busy {
        t.busy.as_str()
    } else {
        t.failed.as_str()
    })
}

pub fn title(t: &DemoTexts, kind: DemoKind) -> String {
    match kind {
        DemoKind::Gather { n } => t.gather_title.fill(&[("n", &n)]),
        DemoKind::Blocking { n } => t.blocking_title.fill(&[("n", &n)]),
        DemoKind::Errors { n, failures } => {
            t.errors_title.fill(&[("n", &n), ("failures", &failures)])
        }
        DemoKind::Timeout => t.timeout_title.as_str().to_string(),
        DemoKind::Limit { n, k } => t.limit_title.fill(&[("n", &n), ("k", &k)]),
        DemoKind::TaskGroup { n } => t.taskgroup_title.fill(&[("n", &n)]),
    }
}

pub fn phase_name(t: &DemoTexts, phase: RunKind, kind: DemoKind) -> String {
    match phase {
        RunKind::Sequential => t.phase_sequential.as_str().into(),
        RunKind::Concurrent => t.phase_concurrent.as_str().into(),
        RunKind::Blocking => t.phase_blocking.as_str().into(),
        RunKind::Awaiting => t.phase_awaiting.as_str().into(),
        RunKind::AllOrNothing => t.phase_all_or_nothing.as_str().into(),
        RunKind::Collected => t.phase_collected.as_str().into(),
        RunKind::Timeout => t.phase_timeout.as_str().into(),
        RunKind::Limited => {
            let k = if let DemoKind::Limit { k, .. } = kind {
                k
            } else {
                0
            };
            t.phase_limited.fill(&[("k", &k)])
        }
        RunKind::GatherFirstError => t.phase_gather_first_error.as_str().into(),
        RunKind::TaskGroup => t.phase_task_group.as_str().into(),
    }
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

/// The result: what happened, the timelines on one axis, and the code.
fn result(t: &DemoTexts, kind: DemoKind, delay: u64, report: &Report) -> CreateEmbed {
    let runs: Vec<&Run> = report.runs();
    let options = ChartOptions {
        axis: Some(engine::shared_axis(&runs)),
        max_rows: CHART_ROWS,
        ..ChartOptions::default()
    };
    let (explain, result, python) = match report {
        Report::Gather(r) => (
            t.gather_explain.fill(&[("n", &r.n), ("delay", &delay)]),
            t.gather_result.fill(&[
                ("sequential", &ms(r.sequential.wall)),
                ("concurrent", &ms(r.concurrent.wall)),
                ("speedup", &format!("{:.1}", r.speedup())),
                ("n", &r.n),
            ]),
            &t.gather_python,
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
        ),
        Report::TaskGroup(r) => (
            t.taskgroup_explain
                .fill(&[("fail", &r.fail_delay_ms), ("delay", &r.delay_ms)]),
            t.taskgroup_result.fill(&[
                ("gather", &ms(r.gather.wall)),
                ("ran_on", &r.ran_on()),
                ("last", &ms(r.gather.last_end())),
                ("group", &ms(r.group.wall)),
                ("cancelled", &r.group.cancelled_count()),
            ]),
            &t.taskgroup_python,
        ),
    };
    let mut description = vec![explain, String::new(), result];
    for run in runs {
        description.push(String::new());
        description.push(t.chart_heading.fill(&[
            ("name", &phase_name(t, run.kind, kind)),
            ("ms", &ms(run.wall)),
        ]));
        description.push(format!("```\n{}\n```", engine::render(run, &options)));
    }
    CreateEmbed::new()
        .title(truncate(&title(t, kind), limits::EMBED_TITLE_MAX))
        .description(truncate(
            &description.join("\n"),
            limits::EMBED_DESCRIPTION_MAX,
        ))
        .field(t.field_python.as_str(), python.as_str(), false)
        .footer(CreateEmbedFooter::new(t.footer.fill(&[("delay", &delay)])))
        .colour(COLOUR)
}

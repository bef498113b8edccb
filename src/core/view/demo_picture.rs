//! The demo result's picture: the runs of a finished demo drawn on one time
//! axis by [`crate::demo::picture`], with headings and a legend in the
//! learner's words (`prompts/demos.toml`). [`super::demo::finished`]
//! attaches it to the result.

use crate::content::DemoTexts;
use crate::core::demo::Report;
use crate::core::request::DemoKind;
use crate::demo::picture::{draw, Legend, Panel};
use crate::demo::{shared_axis, DemoError, Glyphs};

use super::demo::phase_name;

/// The result's picture: every run of the demo on one time axis, as a PNG.
/// Takes milliseconds: call it off the async runtime (`spawn_blocking`).
pub fn picture(t: &DemoTexts, kind: DemoKind, report: &Report) -> Result<Vec<u8>, DemoError> {
    let runs = report.runs();
    let headings: Vec<String> = runs
        .iter()
        .map(|run| {
            t.picture_heading.fill(&[
                ("name", &phase_name(t, run.kind, kind)),
                ("ms", &run.wall.as_millis()),
            ])
        })
        .collect();
    let panels: Vec<Panel> = runs
        .iter()
        .zip(&headings)
        .map(|(&run, heading)| Panel {
            heading: heading.as_str(),
            run,
        })
        .collect();
    let glyphs = Glyphs::default();
    let legend = Legend {
        ok: t.picture_ok.as_str(),
        failed: t.picture_failed.as_str(),
        cancelled: t.picture_cancelled.as_str(),
        returned: t.picture_returned.as_str(),
        unit_ms: glyphs.unit_ms,
        unit_s: glyphs.unit_s,
    };
    draw(&panels, shared_axis(&runs), &legend)
}

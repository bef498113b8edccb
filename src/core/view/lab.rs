//! `/run` drawn: the refusals before a run, the place while it waits, and the
//! verdict (output with line numbers, the ending in words, the times, the
//! practice server's timeline).
//!
//! The verdict is one embed. Its description holds at most
//! [`limits::EMBED_DESCRIPTION_MAX`] characters, so each stream gets a
//! budget of lines and characters and says how many lines it left out; the
//! learner's output can hold backticks, which would close our code block, so
//! a run of three is broken with a zero-width space.

use std::time::Duration;

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAttachment, CreateEmbed, CreateInputText,
    CreateInteractionResponse, CreateModal, EditInteractionResponse, InputTextStyle,
};

use super::{button, edit, rows, truncate, COLOUR_DONE};
use crate::content::LabTexts;
use crate::core::error::Refusal;
use crate::core::limits;
use crate::core::request::{RUN_AGAIN_ID, RUN_FORM_CODE, RUN_FORM_ID, RUN_FORM_STDIN};
use crate::lab::limits::{MAX_CODE_CHARS, MAX_STDIN_CHARS};
use crate::lab::{BadJob, Captured, Ending, Place, Span, Verdict};

/// Red, for a run that did not end well.
const COLOUR_BAD: u32 = 0xED4245;
/// Characters of stdout shown in the message.
const STDOUT_BUDGET: usize = 1800;
/// Characters of stderr shown in the message.
const STDERR_BUDGET: usize = 1000;
/// Lines of stdout and of stderr shown in the message.
const STDOUT_LINES: usize = 30;
const STDERR_LINES: usize = 15;
/// The attachment holding the whole verdict when the message shows part.
pub const ATTACHMENT: &str = "run.txt";
/// Requests drawn in the timeline, and the width of its bars.
const TIMELINE_ROWS: usize = 12;
const TIMELINE_WIDTH: usize = 30;

/// The words of a lab refusal (`refusal.rs` draws them as a notice).
pub fn refusal(t: &LabTexts, refusal: &Refusal) -> String {
    match refusal {
        Refusal::LabOff { reason: Some(r) } => t.run_off.fill(&[("reason", &truncate(r, 300))]),
        Refusal::LabOff { reason: None } => t.run_off_here.as_str().to_string(),
        Refusal::LabStarting => t.run_starting.as_str().to_string(),
        Refusal::LabAlreadyRunning => t.run_already.as_str().to_string(),
        Refusal::LabFull { queued } => t.run_full.fill(&[("queued", queued)]),
        Refusal::BadCode(BadJob::Empty) => t.run_empty.as_str().to_string(),
        Refusal::BadCode(BadJob::CodeTooLong { chars, max }) => {
            t.run_too_long.fill(&[("chars", chars), ("max", max)])
        }
        Refusal::BadCode(BadJob::StdinTooLong { chars, max }) => {
            t.run_stdin_too_long.fill(&[("chars", chars), ("max", max)])
        }
        // Not a lab refusal: refusal.rs never sends one here.
        _ => String::new(),
    }
}

/// The deferred answer while the job waits or runs.
pub fn place(t: &LabTexts, place: Place) -> EditInteractionResponse {
    let text = match place {
        Place::Queued(n) => t.run_queued.fill(&[("place", &n)]),
        Place::Running => t.run_running.as_str().to_string(),
    };
    edit().content(text)
}

/// Our failure: the sandbox broke, not the learner's code.
pub fn failed(t: &LabTexts) -> EditInteractionResponse {
    edit().content(t.run_failed.as_str())
}

/// The verdict, in one embed. With `discord` (Discord's doors): a "Run
/// again" button that opens the form, and, when the message shows only part
/// of the output, the whole verdict as a text attachment ([`ATTACHMENT`]).
pub fn verdict(t: &LabTexts, v: &Verdict, discord: bool) -> EditInteractionResponse {
    let (embed, partial) = verdict_embed(t, v, discord);
    let shown = edit().content("").embed(embed);
    if !discord {
        return shown;
    }
    let shown = if partial {
        let whole = crate::lab::cli::render(v);
        shown.new_attachment(CreateAttachment::bytes(whole.into_bytes(), ATTACHMENT))
    } else {
        shown
    };
    shown.components(rows(vec![button(
        RUN_AGAIN_ID.to_string(),
        t.button_run_again.as_str(),
        ButtonStyle::Primary,
    )]))
}

/// `/run`'s form: a paragraph for the code (Discord's 4000 characters, the
/// lab's own bound) and an optional one for `input()`.
pub fn form(t: &LabTexts) -> CreateInteractionResponse {
    let code = CreateInputText::new(
        InputTextStyle::Paragraph,
        field(t.run_form_code.as_str()),
        RUN_FORM_CODE,
    )
    .placeholder(truncate(t.run_form_code_hint.as_str(), 100))
    .max_length(limits::TEXT_INPUT_VALUE_MAX.min(MAX_CODE_CHARS) as u16)
    .required(true);
    let stdin = CreateInputText::new(
        InputTextStyle::Paragraph,
        field(t.run_form_stdin.as_str()),
        RUN_FORM_STDIN,
    )
    .max_length(limits::TEXT_INPUT_VALUE_MAX.min(MAX_STDIN_CHARS) as u16)
    .required(false);
    CreateInteractionResponse::Modal(
        CreateModal::new(
            RUN_FORM_ID,
            truncate(t.run_form_title.as_str(), limits::MODAL_TITLE_MAX),
        )
        .components(vec![
            CreateActionRow::InputText(code),
            CreateActionRow::InputText(stdin),
        ]),
    )
}

fn field(label: &str) -> String {
    truncate(label, limits::TEXT_INPUT_LABEL_MAX)
}

/// The verdict's embed, and whether it shows only part of the output
/// (`attached`: the rest is said to be in [`ATTACHMENT`]).
pub fn verdict_embed(t: &LabTexts, v: &Verdict, attached: bool) -> (CreateEmbed, bool) {
    let mut partial = false;
    let mut parts: Vec<String> = Vec::new();
    if v.stdout.text.is_empty() && v.stderr.text.is_empty() {
        parts.push(t.run_no_output.as_str().to_string());
    }
    for (heading, out, budget, lines) in [
        (&t.run_stdout, &v.stdout, STDOUT_BUDGET, STDOUT_LINES),
        (&t.run_stderr, &v.stderr, STDERR_BUDGET, STDERR_LINES),
    ] {
        if out.text.is_empty() {
            continue;
        }
        parts.push(heading.as_str().to_string());
        let (block, cut) = numbered(t, out, budget, lines, attached);
        partial |= cut;
        parts.push(block);
    }
    let ending = v.ending.to_string();
    // The ending's mark says how the code ended; an exercise's checks are
    // judged apart (view::exercise), so a program that ran well gets ✅.
    parts.push(if matches!(v.ending, Ending::Exited { code: 0, .. }) {
        t.run_ending_ok.fill(&[("ending", &ending)])
    } else {
        t.run_ending_bad.fill(&[("ending", &ending)])
    });
    parts.push(
        t.run_times
            .fill(&[("wall", &secs(v.wall)), ("cpu", &secs(v.cpu))]),
    );
    if !v.requests.is_empty() {
        parts.push(t.run_timeline.fill(&[("count", &v.requests.len())]));
        parts.push(format!("```\n{}\n```", timeline(&v.requests)));
    }
    let embed = CreateEmbed::new()
        .title(truncate(t.run_title.as_str(), limits::EMBED_TITLE_MAX))
        .description(truncate(&parts.join("\n"), limits::EMBED_DESCRIPTION_MAX))
        .colour(if v.passed() { COLOUR_DONE } else { COLOUR_BAD });
    (embed, partial)
}

/// One stream as a code block with line numbers, within `budget`
/// characters and `max_lines` lines; the lines left out are counted (and
/// said to be in the attachment when `attached`). Also: whether any were.
pub fn numbered(
    t: &LabTexts,
    out: &Captured,
    budget: usize,
    max_lines: usize,
    attached: bool,
) -> (String, bool) {
    let lines: Vec<&str> = out.text.lines().collect();
    let mut shown = String::new();
    let mut kept = 0;
    for (i, line) in lines.iter().enumerate().take(max_lines) {
        let line = format!("{:>3} | {}\n", i + 1, defuse(&truncate(line, 120)));
        if shown.chars().count() + line.chars().count() > budget {
            break;
        }
        shown.push_str(&line);
        kept += 1;
    }
    let mut block = format!("```\n{shown}```");
    let left = lines.len() - kept;
    if left > 0 {
        block.push('\n');
        block.push_str(&if attached {
            t.run_more_attached
                .fill(&[("count", &left), ("file", &ATTACHMENT)])
        } else {
            t.run_more_lines.fill(&[("count", &left)])
        });
    }
    if out.cut {
        block.push('\n');
        block.push_str(t.run_cut.as_str());
    }
    (block, left > 0)
}

/// The practice server's requests, one bar each on one time axis, like the
/// `/demo` timelines: overlapping bars ran concurrently.
pub fn timeline(requests: &[Span]) -> String {
    let end = requests
        .iter()
        .map(|r| r.end)
        .max()
        .unwrap_or_default()
        .max(Duration::from_millis(1));
    let cell = |d: Duration| {
        ((d.as_secs_f64() / end.as_secs_f64()) * TIMELINE_WIDTH as f64).round() as usize
    };
    let mut rows: Vec<String> = requests
        .iter()
        .take(TIMELINE_ROWS)
        .map(|r| {
            let (a, b) = (cell(r.start), cell(r.end).max(cell(r.start) + 1));
            let b = b.min(TIMELINE_WIDTH);
            let a = a.min(b.saturating_sub(1));
            format!(
                "{}{}{} {:>5} ms {} {}",
                " ".repeat(a),
                "█".repeat(b - a),
                " ".repeat(TIMELINE_WIDTH - b),
                r.end.as_millis(),
                r.status,
                defuse(&truncate(&r.path, 40)),
            )
        })
        .collect();
    if requests.len() > TIMELINE_ROWS {
        rows.push(format!("… +{}", requests.len() - TIMELINE_ROWS));
    }
    rows.join("\n")
}

pub(super) fn secs(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64())
}

/// The learner's text, unable to close our code block.
pub(super) fn defuse(text: &str) -> String {
    text.replace("```", "`\u{200b}`\u{200b}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict_with(stdout: &str) -> Verdict {
        Verdict {
            ending: Ending::Exited {
                code: 0,
                error: None,
            },
            stdout: Captured {
                text: stdout.to_string(),
                cut: false,
            },
            stderr: Captured::default(),
            wall: Duration::from_millis(300),
            cpu: Duration::from_millis(20),
            requests: Vec::new(),
            check: None,
            code_wall: None,
        }
    }

    fn texts() -> LabTexts {
        crate::content::Catalog::built_in()
            .expect("the built-in prompts load")
            .lab_texts
    }

    #[test]
    fn long_output_keeps_the_description_within_discords_limit_and_counts_the_rest() {
        let many: String = (0..5000).map(|i| format!("line {i}\n")).collect();
        let (embed, partial) = verdict_embed(&texts(), &verdict_with(&many), false);
        assert!(partial);
        let embed = serde_json::to_value(embed).unwrap();
        let description = embed["description"].as_str().unwrap();
        assert!(description.chars().count() <= limits::EMBED_DESCRIPTION_MAX);
        assert!(description.contains("  1 | line 0"));
        assert!(
            description.contains("more lines not shown"),
            "{description}"
        );
    }

    #[test]
    fn backticks_in_the_output_cannot_close_the_code_block() {
        let (embed, _) = verdict_embed(&texts(), &verdict_with("```\nhi\n"), false);
        let embed = serde_json::to_value(embed).unwrap();
        let description = embed["description"].as_str().unwrap();
        // Our own block's fences only: open and close.
        assert_eq!(description.matches("```").count(), 2, "{description}");
    }

    #[test]
    fn the_timeline_draws_overlapping_requests_side_by_side() {
        let span = |start, end| Span {
            path: "/delay/300".into(),
            status: 200,
            start: Duration::from_millis(start),
            end: Duration::from_millis(end),
        };
        let drawn = timeline(&[span(0, 300), span(5, 305)]);
        let rows: Vec<&str> = drawn.lines().collect();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.starts_with('█')), "{drawn}");
    }
}

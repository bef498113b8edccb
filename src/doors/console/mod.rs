//! The console door: the very same core, in a terminal, with no Discord.
//!
//! A learner types `/lesson async`; the door reads it into the same
//! [`Call`](crate::core::request::Call) a Discord command becomes, and from
//! it the core's own [`Request`] (the same parse, bounds and refusals as in
//! Discord), hands it to [`Core::serve`], and prints the answer: the embed as
//! text and every button with a number. Typing a number clicks that button of
//! the last screen. Input may be piped, so tests and scripts can drive it line
//! by line. The door builds nothing a learner reads but its own chrome (help,
//! usage, which numbers are buttons), all from `prompts/ui.toml`.
//!
//! - [`words`]: what a typed line asks (command, number, help, quit).
//! - [`screen`]: how an answer is drawn, rendered for a terminal or plain
//!   for a pipe ([`Look`]).
//!
//! `/run` reads the lines after it, as typed, up to a line holding only
//! `.`, and hands them to the lab as one program; `/exercise LESSON ID`
//! shows the exercise, then reads the answer the same way and hands it to
//! the lab with the exercise's checks. A predict-then-run exercise first
//! asks for a guess with its buttons, numbered like any other; the guess
//! "opens the form" as in Discord (the core answers the click with it),
//! and a form here is the typed lines up to `.`, sent as the form's submit
//! would be (the lesson's version and the guess included), so the verdict
//! shows the measured time beside the guess.
//!
//! Nothing typed is dropped: a line that is not UTF-8 is skipped with a
//! note, and `/quit` (like the end of input) lets a demo still running
//! finish and show its result before the console returns.

mod highlight;
pub mod screen;
pub mod words;

use std::io::IsTerminal;
use std::sync::Arc;

use serde_json::Value;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

use crate::core::followup::ChannelFollowup;
use crate::core::request::{AttemptRequest, RunRequest, RUN_FORM_ID};
use crate::core::{Action, Asked, ButtonId, Core, Followup, Learner, Outcome, Request};
pub use screen::Look;
use screen::Shown;
use words::{Declared, Typed};

/// The learner id a console name stands for: stable across runs and builds
/// (FNV-1a, unlike std's hasher), so the same name finds the same progress
/// after a restart; positive and non-zero, like a Discord snowflake.
pub fn learner_id(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h >> 2).max(1)
}

/// Runs the console with plain output (see [`run_with`]).
pub async fn run<R, W>(core: Core, learner: &str, input: R, out: W) -> anyhow::Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    run_with(core, learner, input, out, Look::Plain).await
}

/// How stdout should be drawn on: rendered to the terminal's width when it
/// is one (in colour unless `NO_COLOR` is set), plain otherwise.
pub fn look_of_stdout() -> Look {
    if !std::io::stdout().is_terminal() {
        return Look::Plain;
    }
    let width = termimad::crossterm::terminal::size().map_or(80, |(w, _)| w as usize);
    Look::Terminal {
        width,
        colour: crate::telemetry::colour_allowed(true, std::env::var_os("NO_COLOR")),
    }
}

/// Runs the console until `/quit` or the end of input, drawing with `look`.
/// A demo still running then is waited for, and its result shown, before
/// this returns.
pub async fn run_with<R, W>(
    core: Core,
    learner: &str,
    input: R,
    mut out: W,
    look: Look,
) -> anyhow::Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let catalog = core.catalog.clone();
    let texts = &catalog.texts;
    let who = Learner {
        id: learner_id(learner),
        guild: None,
    };
    let commands = Declared::of(core.commands())?;
    let bounds = core.bounds();
    let (followup, mut rx) = ChannelFollowup::pair();
    let mut followup: Option<Arc<dyn Followup>> = Some(followup);
    // The buttons of the last screen: the only ones a number clicks.
    let mut screen: Vec<Shown> = Vec::new();
    let mut input = Lines::new(input);
    let mut seq = 0u64;
    // The code lines typed after `/run`, until the line `.`.
    let mut running: Option<Vec<String>> = None;
    // The exercise those lines answer, after `/exercise` or a guess.
    let mut answering: Option<Answering> = None;

    say(
        &mut out,
        &look.markdown(&texts.console_welcome.fill(&[("learner", &learner)])),
    )
    .await?;
    loop {
        let line = tokio::select! {
            line = input.next(), if followup.is_some() => line?,
            Some(update) = rx.recv() => {
                let drawn = screen::message(&update, look);
                screen = drawn.buttons;
                say(&mut out, &drawn.text).await?;
                continue;
            }
            else => break,
        };
        let line = match line {
            Line::Text(line) => line,
            Line::NotText => {
                say(
                    &mut out,
                    &look.markdown(texts.console_invalid_text.as_str()),
                )
                .await?;
                continue;
            }
            Line::End => {
                // Let slow work finish (the select above drains its edits
                // until the last sender is gone), then leave.
                followup = None;
                continue;
            }
        };
        // `/run`'s code: every line as typed, up to a line holding only `.`.
        if let Some(code) = running.as_mut() {
            if line.trim() != "." {
                code.push(line);
                continue;
            }
        }
        let asked = if let Some(code) = running.take() {
            let mut code = code.join("\n");
            code.push('\n');
            Typed::Asked(Ok(match answering.take() {
                Some(a) => Asked::Attempt(AttemptRequest {
                    lesson: a.lesson,
                    version: a.version,
                    exercise: a.exercise,
                    predicted: a.predicted,
                    code,
                    token: String::new(),
                    discord: false,
                }),
                None => Asked::Run(RunRequest {
                    code,
                    stdin: String::new(),
                    token: String::new(),
                    offer_again: false,
                }),
            }))
        } else {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if line == "/run" {
                running = Some(Vec::new());
                continue;
            }
            seq += 1;
            words::read(line, who, &catalog, &commands, bounds, &screen, seq)
        };
        let asked = match asked {
            Typed::Asked(asked) => asked,
            Typed::Quit => {
                // Ours is one sender; a running demo holds another.
                if followup.as_ref().is_some_and(|f| Arc::strong_count(f) > 1) {
                    say(&mut out, &look.markdown(texts.console_waiting.as_str())).await?;
                }
                followup = None;
                continue;
            }
            Typed::Help => {
                screen.clear();
                let help = look.markdown(&words::help(&catalog, &commands));
                say(&mut out, &format!("{}\n{help}", screen::RULE)).await?;
                continue;
            }
            Typed::Unknown => {
                say(&mut out, texts.console_unknown_input.as_str()).await?;
                continue;
            }
            Typed::Note(note) => {
                say(&mut out, &look.markdown(&note)).await?;
                continue;
            }
        };
        // An exercise typed here is answered by typed lines, not a form.
        let asked = asked.map(|asked| match asked {
            Asked::Exercise(mut e) => {
                e.typed = true;
                Asked::Exercise(e)
            }
            other => other,
        });
        let exercise = match &asked {
            Ok(Asked::Exercise(e)) => Some(Answering {
                lesson: e.lesson.clone(),
                version: None,
                exercise: e.exercise.clone(),
                predicted: None,
            }),
            _ => None,
        };
        let answer = match asked {
            Ok(asked) => {
                let request = Request {
                    who,
                    interaction: fresh_interaction_id(),
                    asked,
                };
                let Some(follow) = followup.clone() else {
                    // Input is read only while followups are open.
                    continue;
                };
                core.serve(request, follow).await
            }
            Err(refusal) => core.refuse(who, refusal),
        };
        let value = serde_json::to_value(&answer.response)?;
        // The answer's lines come next, up to `.`; unless the exercise asks
        // for a guess first (its buttons), which opens the form.
        if answer.outcome == Outcome::Ok && exercise.is_some() && !has_buttons(&value) {
            running = Some(Vec::new());
            answering = exercise;
        }
        let text = match value.get("type").and_then(Value::as_u64) {
            // Autocomplete: show the choices the learner could pick.
            Some(8) => screen::choices(&value, texts.console_choices.as_str()),
            // Deferred: the edits that follow will show.
            Some(5) | Some(6) => continue,
            // A form (a modal): the lines typed next fill it.
            Some(9) => {
                let data = value.get("data").unwrap_or(&Value::Null);
                let Some(filling) = form(data, who) else {
                    // No other form is ever drawn for a console learner.
                    continue;
                };
                running = Some(Vec::new());
                answering = filling;
                let (title, label) = form_words(data);
                look.markdown(
                    &texts
                        .console_form
                        .fill(&[("title", &title), ("label", &label)]),
                )
            }
            _ => {
                let drawn = screen::message(value.get("data").unwrap_or(&Value::Null), look);
                // A refusal without buttons is a notice on top of the
                // screen: its buttons still count.
                if answer.outcome == Outcome::Ok || !drawn.buttons.is_empty() {
                    screen = drawn.buttons;
                }
                drawn.text
            }
        };
        say(&mut out, &text).await?;
    }
    out.flush().await?;
    Ok(())
}

/// The exercise typed lines answer: as typed (`/exercise LESSON ID`, the
/// lesson served now), or as a form names it (the version it was drawn
/// from, and the learner's guess).
struct Answering {
    lesson: String,
    version: Option<String>,
    exercise: String,
    predicted: Option<u8>,
}

/// Whether a message answer carries buttons (or a select menu).
fn has_buttons(answer: &Value) -> bool {
    answer
        .pointer("/data/components")
        .and_then(Value::as_array)
        .is_some_and(|rows| !rows.is_empty())
}

/// What the lines typed into a form answer: `Some(None)` for `/run`'s
/// form, `Some(Some(..))` for an exercise's form drawn for `who`; `None`
/// for any other.
fn form(data: &Value, who: Learner) -> Option<Option<Answering>> {
    let id = data.get("custom_id").and_then(Value::as_str)?;
    if id == RUN_FORM_ID {
        return Some(None);
    }
    match ButtonId::parse(id).ok()? {
        ButtonId {
            owner,
            action:
                Action::ExerciseSubmit {
                    lesson,
                    version,
                    exercise,
                    predicted,
                },
        } if owner == who.id => Some(Some(Answering {
            lesson,
            version: Some(version),
            exercise,
            predicted,
        })),
        _ => None,
    }
}

/// A form's title and its first field's label.
fn form_words(data: &Value) -> (String, String) {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_string();
    (
        text(data.get("title")),
        text(data.pointer("/components/0/components/0/label")),
    )
}

/// One line of input.
enum Line {
    Text(String),
    /// A line that is not UTF-8: skipped, with a note.
    NotText,
    End,
}

/// Input read line by line as bytes, so that one line that is not text
/// costs that line only. Cancel-safe: a line half read when another branch
/// of a `select!` wins stays in `buf` for the next call.
struct Lines<R> {
    input: R,
    buf: Vec<u8>,
}

impl<R: AsyncBufRead + Unpin> Lines<R> {
    fn new(input: R) -> Self {
        Lines {
            input,
            buf: Vec::new(),
        }
    }

    async fn next(&mut self) -> std::io::Result<Line> {
        let n = self.input.read_until(b'\n', &mut self.buf).await?;
        if n == 0 && self.buf.is_empty() {
            return Ok(Line::End);
        }
        let mut bytes = std::mem::take(&mut self.buf);
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
        }
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        Ok(match String::from_utf8(bytes) {
            Ok(line) => Line::Text(line),
            Err(_) => Line::NotText,
        })
    }
}

/// A fresh interaction id, shaped like Discord's (milliseconds since
/// Discord's epoch, then 22 bits) and never the same twice, in this process
/// or another: the store remembers handled ids for an hour, and an id seen
/// again is taken for a replay.
pub fn fresh_interaction_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;
    const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;
    static NEXT: OnceLock<AtomicU64> = OnceLock::new();
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(DISCORD_EPOCH_MS, |d| d.as_millis() as u64);
    // A random start per process keeps two consoles started in the same
    // millisecond apart.
    let low = NEXT
        .get_or_init(|| AtomicU64::new(rand::random()))
        .fetch_add(1, Ordering::Relaxed);
    (now_ms.saturating_sub(DISCORD_EPOCH_MS) << 22) | (low & 0x3F_FFFF)
}

async fn say<W: AsyncWrite + Unpin>(out: &mut W, text: &str) -> std::io::Result<()> {
    out.write_all(text.as_bytes()).await?;
    out.write_all(b"\n").await?;
    out.flush().await
}

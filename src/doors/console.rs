//! The console door: the very same core, in a terminal, with no Discord.
//!
//! A learner types `/lesson async`; the door turns that into the interaction
//! Discord would send (see [`super::wire`]), hands it to the core, and prints
//! the answer: the embed as text and every button with a number. Typing a
//! number clicks that button. Input may be piped, so tests and scripts can
//! drive it line by line. The door builds nothing a learner reads: it only
//! renders what the core answered.

use std::sync::Arc;

use serde_json::Value;
use serenity::all::Interaction;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

use super::wire;
use crate::core::followup::ChannelFollowup;
use crate::core::{Core, Followup};

/// A button as the console shows it.
#[derive(Debug, Clone)]
struct Shown {
    custom_id: String,
    disabled: bool,
}

/// Runs the console until `/quit` or the end of input. Slow work started by
/// the last lines (a demo) is waited for before returning.
pub async fn run<R, W>(core: Core, learner: &str, input: R, mut out: W) -> anyhow::Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let texts = core.catalog.texts.clone();
    let user = wire::ConsoleUser::named(learner);
    let definitions = serde_json::to_value(core.commands())?;
    let (followup, mut rx) = ChannelFollowup::pair();
    let mut followup: Option<Arc<dyn Followup>> = Some(followup);
    let mut buttons: Vec<Shown> = Vec::new();
    let mut lines = input.lines();
    let mut seq = 0u64;

    say(
        &mut out,
        &texts.console_welcome.fill(&[("learner", &learner)]),
    )
    .await?;
    loop {
        let line = tokio::select! {
            line = lines.next_line(), if followup.is_some() => line?,
            Some(update) = rx.recv() => {
                say(&mut out, &render(&update, &mut buttons)).await?;
                continue;
            }
            else => break,
        };
        let Some(line) = line else {
            // End of input: let slow work finish, then leave.
            followup = None;
            continue;
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line == "/quit" || line == "/exit" {
            break;
        }
        seq += 1;
        let interaction = match parse(line, &user, &definitions, &buttons, seq) {
            Parsed::Interaction(i) => i,
            Parsed::Help => {
                say(&mut out, texts.console_help.as_str()).await?;
                continue;
            }
            Parsed::Unknown => {
                say(&mut out, texts.console_unknown_input.as_str()).await?;
                continue;
            }
        };
        let follow = followup
            .clone()
            .expect("input is read only while followups are open");
        let answer = core.handle(&interaction, follow).await;
        let value = serde_json::to_value(&answer.response)?;
        let text = match value.get("type").and_then(Value::as_u64) {
            // Autocomplete: show the choices the learner could pick.
            Some(8) => render_choices(&value, texts.console_choices.as_str()),
            // Deferred: the edits that follow will show.
            Some(5) | Some(6) => continue,
            _ => render(value.get("data").unwrap_or(&Value::Null), &mut buttons),
        };
        say(&mut out, &text).await?;
    }
    out.flush().await?;
    Ok(())
}

enum Parsed {
    Interaction(Box<Interaction>),
    Help,
    Unknown,
}

/// Turns a typed line into the interaction Discord would have sent.
fn parse(
    line: &str,
    user: &wire::ConsoleUser,
    definitions: &Value,
    buttons: &[Shown],
    seq: u64,
) -> Parsed {
    if let Ok(n) = line.parse::<usize>() {
        return match n.checked_sub(1).and_then(|i| buttons.get(i)) {
            Some(b) if !b.disabled => wire::component(user, &b.custom_id, seq)
                .map_or(Parsed::Unknown, |i| Parsed::Interaction(Box::new(i))),
            _ => Parsed::Unknown,
        };
    }
    let Some(rest) = line.strip_prefix('/') else {
        return Parsed::Unknown;
    };
    let mut words = rest.split_whitespace();
    let name = words.next().unwrap_or_default();
    if name == "console-help" || name == "?" {
        return Parsed::Help;
    }
    let args: Vec<&str> = words.collect();
    let Some(def) = definitions
        .as_array()
        .and_then(|defs| defs.iter().find(|d| d["name"] == name))
    else {
        // Unknown commands still go to the core, which answers them.
        return wire::command(user, name, vec![], seq)
            .map_or(Parsed::Unknown, |i| Parsed::Interaction(Box::new(i)));
    };
    let options = wire::options_from_words(def, &args);
    // A required option left out: ask the core what could go there, as
    // Discord's autocomplete would.
    if let Some(focused) = wire::missing_autocomplete(def, &options) {
        return wire::autocomplete(user, name, &focused, seq)
            .map_or(Parsed::Unknown, |i| Parsed::Interaction(Box::new(i)));
    }
    wire::command(user, name, options, seq)
        .map_or(Parsed::Unknown, |i| Parsed::Interaction(Box::new(i)))
}

async fn say<W: AsyncWrite + Unpin>(out: &mut W, text: &str) -> std::io::Result<()> {
    out.write_all(text.as_bytes()).await?;
    out.write_all(b"\n").await?;
    out.flush().await
}

fn render_choices(value: &Value, heading: &str) -> String {
    let mut out = vec![heading.to_string()];
    for c in value["data"]["choices"].as_array().into_iter().flatten() {
        out.push(format!(
            "  {} ({})",
            c["value"].as_str().unwrap_or(""),
            c["name"].as_str().unwrap_or("")
        ));
    }
    out.join("\n")
}

/// Renders a message (content, embeds, buttons) as plain text, numbering
/// the buttons and remembering them for the next click.
fn render(data: &Value, buttons: &mut Vec<Shown>) -> String {
    let mut out = Vec::new();
    out.push("────────────────────────────────────────".to_string());
    if let Some(c) = data["content"].as_str().filter(|c| !c.is_empty()) {
        out.push(c.to_string());
    }
    for e in data["embeds"].as_array().into_iter().flatten() {
        if let Some(a) = e["author"]["name"].as_str() {
            out.push(format!("[{a}]"));
        }
        if let Some(t) = e["title"].as_str() {
            out.push(format!("## {t}"));
        }
        if let Some(d) = e["description"].as_str() {
            out.push(d.to_string());
        }
        for f in e["fields"].as_array().into_iter().flatten() {
            out.push(format!(
                "**{}**\n{}",
                f["name"].as_str().unwrap_or(""),
                f["value"].as_str().unwrap_or("")
            ));
        }
        if let Some(f) = e["footer"]["text"].as_str() {
            out.push(format!("-- {f}"));
        }
    }
    for a in data["attachments"].as_array().into_iter().flatten() {
        if let Some(name) = a["filename"].as_str() {
            out.push(format!("(attachment: {name})"));
        }
    }
    if let Some(rows) = data["components"].as_array() {
        buttons.clear();
        for row in rows {
            let mut line = Vec::new();
            for b in row["components"].as_array().into_iter().flatten() {
                let Some(id) = b["custom_id"].as_str() else {
                    continue;
                };
                let disabled = b["disabled"].as_bool().unwrap_or(false);
                buttons.push(Shown {
                    custom_id: id.to_string(),
                    disabled,
                });
                let mark = match (b["style"].as_u64(), disabled) {
                    (Some(3), _) => "✓",
                    (Some(4), _) => "✗",
                    (_, true) => "·",
                    _ => "",
                };
                line.push(format!(
                    "[{}]{} {}",
                    buttons.len(),
                    mark,
                    b["label"].as_str().unwrap_or("")
                ));
            }
            if !line.is_empty() {
                out.push(line.join("  "));
            }
        }
    }
    out.join("\n")
}

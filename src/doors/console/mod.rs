//! The console door: the very same core, in a terminal, with no Discord.
//!
//! A learner types `/lesson async`; the door reads it into the same
//! [`Call`] a Discord command becomes, and from it the core's own
//! [`Request`] (the same parse, bounds and refusals as in Discord), hands it
//! to [`Core::serve`], and prints the answer: the embed as text and every
//! button with a number. Typing a number clicks that button. Input may be piped, so tests and scripts can
//! drive it line by line. The door builds nothing a learner reads: it only
//! renders what the core answered.

use std::sync::Arc;

use serde_json::Value;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

use crate::core::followup::ChannelFollowup;
use crate::core::request::{Call, ClickRequest};
use crate::core::{Asked, ButtonId, Core, Followup, Learner, Refusal, Request};

/// A button as the console shows it.
#[derive(Debug, Clone)]
struct Shown {
    custom_id: String,
    disabled: bool,
}

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

/// Runs the console until `/quit` or the end of input. Slow work started by
/// the last lines (a demo) is waited for before returning.
pub async fn run<R, W>(core: Core, learner: &str, input: R, mut out: W) -> anyhow::Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let texts = core.catalog.texts.clone();
    let who = Learner {
        id: learner_id(learner),
        guild: None,
    };
    let commands = Declared::of(&core)?;
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
        let asked = match parse(line, who, &core, &commands, &buttons, seq) {
            Parsed::Asked(asked) => asked,
            Parsed::Refused(refusal) => Err(refusal),
            Parsed::Help => {
                say(&mut out, texts.console_help.as_str()).await?;
                continue;
            }
            Parsed::Unknown => {
                say(&mut out, texts.console_unknown_input.as_str()).await?;
                continue;
            }
        };
        let answer = match asked {
            Ok(asked) => {
                let request = Request {
                    who,
                    interaction: fresh_interaction_id(),
                    asked,
                };
                let follow = followup
                    .clone()
                    .expect("input is read only while followups are open");
                core.serve(request, follow).await
            }
            Err(refusal) => core.refuse(who, refusal),
        };
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

enum Parsed {
    Asked(Result<Asked, Refusal>),
    Refused(Refusal),
    Help,
    Unknown,
}

/// The slash commands as declared, read once: each command's options (and
/// its subcommands' options) in order, with whether each is an integer and
/// whether a missing one is asked for with suggestions.
struct Declared(Vec<Value>);

impl Declared {
    fn of(core: &Core) -> anyhow::Result<Declared> {
        match serde_json::to_value(core.commands())? {
            Value::Array(defs) => Ok(Declared(defs)),
            _ => Ok(Declared(Vec::new())),
        }
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|d| d["name"] == name)
    }
}

/// Option name and whether it is an integer, in declared order.
fn options_of(declared: &Value) -> Vec<(&str, bool)> {
    declared["options"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| o["type"] != 1 && o["type"] != 2)
        .filter_map(|o| Some((o["name"].as_str()?, o["type"] == 4)))
        .collect()
}

/// Turns a typed line into a request, through the same [`Call`] the Discord
/// doors use, so the same checks answer it.
fn parse(
    line: &str,
    who: Learner,
    core: &Core,
    commands: &Declared,
    buttons: &[Shown],
    seq: u64,
) -> Parsed {
    if let Ok(n) = line.parse::<usize>() {
        return match n.checked_sub(1).and_then(|i| buttons.get(i)) {
            Some(b) if !b.disabled => match ButtonId::parse(&b.custom_id) {
                Ok(button) => Parsed::Asked(Ok(Asked::Click(ClickRequest {
                    own: button.owner == who.id,
                    action: button.action,
                }))),
                Err(_) => Parsed::Refused(Refusal::UnknownButton),
            },
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
    let Some(def) = commands.get(name) else {
        return Parsed::Refused(Refusal::UnknownCommand(name.to_string()));
    };
    let subcommands: Vec<&str> = def["options"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| o["type"] == 1)
        .filter_map(|o| o["name"].as_str())
        .collect();
    let call = Call::from_words(name, &args, &subcommands, |sub| match sub {
        Some(sub) => def["options"]
            .as_array()
            .and_then(|opts| opts.iter().find(|o| o["name"] == sub))
            .map(options_of)
            .unwrap_or_default(),
        None => options_of(def),
    });
    // A required option left out: show what could go there, as Discord's
    // autocomplete would.
    let missing = def["options"].as_array().into_iter().flatten().any(|o| {
        o["autocomplete"] == true
            && o["required"] == true
            && !call.options.iter().any(|(n, _)| o["name"] == n.as_str())
    });
    if missing {
        return Parsed::Asked(Ok(Asked::Suggest(String::new())));
    }
    Parsed::Asked(Request::from_call(
        &call,
        &format!("console-{seq}"),
        core.bounds(),
    ))
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

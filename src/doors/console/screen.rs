//! Drawing the core's answers: rendered for a terminal, or plain for a pipe.
//!
//! A message (content, embeds, attachments) becomes one Markdown document:
//! the lesson's title once (an embed's author line is left out when the
//! content already names it), the embed's title as a heading, its text, its
//! fields, its footer in italics. Then the document is drawn for the
//! [`Look`]:
//!
//! - [`Look::Plain`], when stdout is not a terminal: the Markdown as the
//!   core wrote it, no escape code, nothing wrapped, so that tests and
//!   scripts read exactly what the core said.
//! - [`Look::Terminal`]: rendered by `termimad` (bold, italics, inline code,
//!   code blocks, lists, headings) and wrapped to the terminal's width; in
//!   colour unless `NO_COLOR` is set, when the Markdown is still rendered
//!   but with no style at all.
//!
//! In colour, code blocks fenced as Python or Rust get syntax colours
//! ([`super::highlight`]).
//!
//! The buttons follow, numbered from 1 in the order Discord shows them, a
//! row a line (wrapped when wider than the screen): `[1] label  [2]✓ label`.
//! A select menu is drawn the same way: its placeholder, then each option
//! numbered like a button (the core puts a button id in every option's
//! value, so typing its number picks it).
//! A mark says a state, never a colour: `✓` a ticked objective or a right
//! answer, `✗` a wrong answer, `·` greyed out. A checklist's toggles show
//! only their objective's number, since the checklist above lists each
//! objective once with that number.

use serde_json::Value;
use termimad::crossterm::style::Stylize;
use termimad::{Alignment, MadSkin};
use unicode_width::UnicodeWidthStr;

use super::highlight::{self, Lang};
use crate::core::{Action, ButtonId};

/// How the console draws: plain for a pipe, rendered for a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// The core's Markdown as written; button rows wrapped at [`PLAIN_WIDTH`].
    Plain,
    /// Rendered Markdown, wrapped to `width` columns; `colour` unless
    /// `NO_COLOR` says otherwise.
    Terminal { width: usize, colour: bool },
}

/// The width a plain transcript's button rows wrap at.
pub const PLAIN_WIDTH: usize = 100;
/// The rule drawn above every message: where one message ends and the next
/// starts, for a reader and for the test kit.
pub const RULE: &str = "────────────────────────────────────────";

/// A button on screen: what a typed number clicks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub custom_id: String,
    pub disabled: bool,
}

/// A message drawn: its text and the buttons it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    pub text: String,
    pub buttons: Vec<Shown>,
}

impl Look {
    fn width(self) -> usize {
        match self {
            Look::Plain => PLAIN_WIDTH,
            // Narrower than 20 columns nothing reads well; wider than 100
            // lines get too long to read.
            Look::Terminal { width, .. } => width.clamp(20, 100),
        }
    }

    fn colour(self) -> bool {
        matches!(self, Look::Terminal { colour: true, .. })
    }

    /// Markdown drawn for this look (for the console's own texts too).
    pub fn markdown(self, md: &str) -> String {
        match self {
            Look::Plain => md.to_string(),
            Look::Terminal { colour, .. } => {
                let skin = skin(colour);
                let md = apart(md);
                let render = |md: &str| {
                    let text = skin.text(md, Some(self.width())).to_string();
                    text.trim_end_matches('\n').to_string()
                };
                if !colour {
                    return render(&md);
                }
                // Code in a language the highlighter knows is drawn by it;
                // the prose around it (and any other code) by termimad.
                let mut out = Vec::new();
                for block in blocks(&md) {
                    match block {
                        Block::Prose(p) if p.trim().is_empty() => {}
                        Block::Prose(p) => out.push(render(&p)),
                        Block::Code(lang, code) => out.push(
                            highlight::highlight(lang, code.trim_end_matches('\n'))
                                .lines()
                                .map(|l| {
                                    if l.is_empty() {
                                        String::new()
                                    } else {
                                        format!("  {l}")
                                    }
                                })
                                .collect::<Vec<_>>()
                                .join("\n"),
                        ),
                    }
                }
                out.join("\n\n")
            }
        }
    }
}

/// A blank line between a code block and a block right after it (a
/// program and its output): the renderer drops the fences, which alone
/// kept them apart.
fn apart(md: &str) -> String {
    let mut out = String::with_capacity(md.len() + 16);
    let mut in_code = false;
    let mut just_closed = false;
    for line in md.lines() {
        let fence = line.trim_start().starts_with("```");
        if fence && !in_code && just_closed {
            out.push('\n');
        }
        just_closed = fence && in_code;
        if fence {
            in_code = !in_code;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A run of Markdown, or a fenced code block in a language
/// [`highlight`] knows (its fences dropped).
#[derive(Debug, PartialEq, Eq)]
enum Block {
    Prose(String),
    Code(Lang, String),
}

/// The Markdown cut at the code blocks the highlighter colours.
fn blocks(md: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut prose = String::new();
    // The language, the fence line that opened the block, its body.
    let mut code: Option<(Lang, &str, String)> = None;
    for line in md.lines() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut code, fence) {
            (Some((lang, _, body)), Some(_)) => {
                out.push(Block::Code(*lang, std::mem::take(body)));
                code = None;
            }
            (Some((_, _, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, Some(info)) if !prose_in_code(&prose) && Lang::from_info(info).is_some() => {
                out.push(Block::Prose(std::mem::take(&mut prose)));
                code = Lang::from_info(info).map(|l| (l, line, String::new()));
            }
            (None, _) => {
                prose.push_str(line);
                prose.push('\n');
            }
        }
    }
    // A block never closed stays Markdown, as the renderer would draw it.
    if let Some((_, fence, body)) = code {
        if let Some(Block::Prose(before)) = out.pop() {
            prose = before;
        }
        prose.push_str(fence);
        prose.push('\n');
        prose.push_str(&body);
    }
    out.push(Block::Prose(prose));
    out
}

/// Whether the prose so far ends inside a code block of another language
/// (an odd number of fences), where a fence only closes it.
fn prose_in_code(prose: &str) -> bool {
    prose
        .lines()
        .filter(|l| l.trim_start().starts_with("```"))
        .count()
        % 2
        == 1
}

fn skin(colour: bool) -> MadSkin {
    let mut skin = if colour {
        MadSkin::default()
    } else {
        MadSkin::no_style()
    };
    for h in &mut skin.headers {
        h.align = Alignment::Left;
    }
    skin
}

/// Draws a message (the `data` of a response, or an edit's body).
pub fn message(data: &Value, look: Look) -> Drawn {
    let mut text = look.markdown(&document(data));
    let buttons = buttons(data);
    let rows = button_rows(data, look);
    if !rows.is_empty() {
        text.push_str("\n\n");
        text.push_str(&rows);
    }
    Drawn {
        text: format!("{RULE}\n{text}"),
        buttons,
    }
}

/// The message as one Markdown document.
fn document(data: &Value) -> String {
    let mut parts: Vec<String> = Vec::new();
    let content = data["content"].as_str().filter(|c| !c.trim().is_empty());
    if let Some(c) = content {
        parts.push(c.to_string());
    }
    for e in data["embeds"].as_array().into_iter().flatten() {
        if let Some(a) = e["author"]["name"].as_str() {
            // The lesson's title once: the intro line already names it.
            if !content.is_some_and(|c| c.contains(a)) {
                parts.push(format!("*{a}*"));
            }
        }
        if let Some(t) = e["title"].as_str() {
            parts.push(format!("## {t}"));
        }
        if let Some(d) = e["description"].as_str() {
            parts.push(d.to_string());
        }
        for f in e["fields"].as_array().into_iter().flatten() {
            parts.push(format!(
                "**{}**\n{}",
                f["name"].as_str().unwrap_or(""),
                f["value"].as_str().unwrap_or("")
            ));
        }
        if let Some(f) = e["footer"]["text"].as_str() {
            parts.push(format!("*{f}*"));
        }
    }
    for a in data["attachments"].as_array().into_iter().flatten() {
        if let Some(name) = a["filename"].as_str() {
            parts.push(format!("(attachment: {name})"));
        }
    }
    parts.join("\n\n")
}

/// Every button of the message, in order, a select menu's options counted
/// as buttons (an option's value is the button id it stands for); links are
/// not clicked by number, and the core draws none.
fn buttons(data: &Value) -> Vec<Shown> {
    button_values(data)
        .into_iter()
        .flat_map(|row| row.buttons)
        .map(|b| Shown {
            custom_id: b["custom_id"].as_str().unwrap_or_default().to_string(),
            disabled: b["disabled"].as_bool().unwrap_or(false),
        })
        .collect()
}

/// One row as the console draws it: a select menu's placeholder, then its
/// buttons (or options).
struct Row {
    heading: Option<String>,
    buttons: Vec<Value>,
}

fn button_values(data: &Value) -> Vec<Row> {
    data["components"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|row| {
            let items = row["components"].as_array().into_iter().flatten();
            let mut heading = None;
            let mut buttons = Vec::new();
            for item in items {
                if let Some(options) = item["options"].as_array() {
                    heading = item["placeholder"].as_str().map(str::to_string);
                    buttons.extend(options.iter().map(|o| {
                        serde_json::json!({
                            "custom_id": o["value"],
                            "label": o["label"],
                            "style": 2,
                        })
                    }));
                } else if item["custom_id"].is_string() {
                    buttons.push(item.clone());
                }
            }
            Row { heading, buttons }
        })
        .collect()
}

/// The buttons, a row a line, each row wrapped to the look's width.
fn button_rows(data: &Value, look: Look) -> String {
    let mut lines = Vec::new();
    let mut number = 0;
    let mut line = String::new();
    let mut used = 0;
    let mut ticks = false;
    for row in button_values(data) {
        // A checklist's toggles are only numbers: they run on across
        // Discord's rows of five; any other row starts a line.
        let all_ticks = row.buttons.iter().all(is_tick);
        let runs_on = ticks && all_ticks;
        if !runs_on && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        ticks = all_ticks;
        if let Some(heading) = &row.heading {
            let heading = format!("{heading}:");
            used = heading.width();
            line.push_str(&heading);
        }
        for b in &row.buttons {
            number += 1;
            let (plain, styled) = button(number, b, look.colour());
            let width = plain.width();
            if used > 0 && used + 2 + width > look.width() {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            if used > 0 {
                line.push_str("  ");
                used += 2;
            }
            line.push_str(&styled);
            used += width;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.join("\n")
}

fn action(b: &Value) -> Option<Action> {
    b["custom_id"]
        .as_str()
        .and_then(|id| ButtonId::parse(id).ok())
        .map(|id| id.action)
}

fn is_tick(b: &Value) -> bool {
    matches!(action(b), Some(Action::Tick { .. }))
}

/// One button as `[n]mark label`: plain, and styled for the terminal.
fn button(number: usize, b: &Value, colour: bool) -> (String, String) {
    let disabled = b["disabled"].as_bool().unwrap_or(false);
    let label = b["label"].as_str().unwrap_or("");
    let (mark, label) = match action(b) {
        // A toggle: its objective's number (the label's last word, after
        // the mark Discord shows), ticked or not.
        Some(Action::Tick { ticked, .. }) => {
            let number = label.split_whitespace().last().unwrap_or(label);
            (if ticked { "" } else { "✓" }, number)
        }
        _ => {
            let mark = match (disabled, b["style"].as_u64()) {
                (true, Some(3)) => "✓",
                (true, Some(4)) => "✗",
                (true, _) => "·",
                _ => "",
            };
            (mark, label)
        }
    };
    let plain = format!("[{number}]{mark} {label}");
    if !colour {
        return (plain.clone(), plain);
    }
    let tag = format!("[{number}]").bold().cyan().to_string();
    let mark = match mark {
        "✓" => mark.green().to_string(),
        "✗" => mark.red().to_string(),
        _ => mark.to_string(),
    };
    let label = if disabled {
        label.dim().to_string()
    } else {
        label.to_string()
    };
    (plain, format!("{tag}{mark} {label}"))
}

/// Autocomplete choices, one a line under `heading`.
pub fn choices(value: &Value, heading: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lesson_screen() -> Value {
        json!({
            "content": "📘 **Async**: waiting well",
            "embeds": [{
                "author": {"name": "Async"},
                "title": "Why wait",
                "description": "Use `await` in an **async** function.\n\n```python\nimport asyncio\n```",
                "footer": {"text": "Section 1 of 2"}
            }],
            "components": [{"type": 1, "components": [
                {"type": 2, "style": 1, "label": "Why wait", "custom_id": "x:1", "disabled": true},
                {"type": 2, "style": 2, "label": "How", "custom_id": "x:2"}
            ]}, {"type": 1, "components": [
                {"type": 2, "style": 3, "label": "✅ My checklist", "custom_id": "x:3"}
            ]}]
        })
    }

    #[test]
    fn a_piped_message_is_the_markdown_as_written_with_the_title_once() {
        let drawn = message(&lesson_screen(), Look::Plain);
        assert_eq!(drawn.text.matches("Async").count(), 1, "{}", drawn.text);
        assert!(
            drawn.text.contains("`await` in an **async**"),
            "{}",
            drawn.text
        );
        assert!(!drawn.text.contains('\x1b'));
        // Green is a colour, not a state: the checklist button has no mark.
        assert!(
            drawn
                .text
                .ends_with("[1]· Why wait  [2] How\n[3] ✅ My checklist"),
            "{}",
            drawn.text
        );
        assert_eq!(drawn.buttons.len(), 3);
        assert!(drawn.buttons[0].disabled);
    }

    #[test]
    fn a_terminal_without_colour_renders_markdown_with_no_escape_code() {
        let look = Look::Terminal {
            width: 40,
            colour: false,
        };
        let drawn = message(&lesson_screen(), look);
        assert!(!drawn.text.contains("**"), "{}", drawn.text);
        assert!(!drawn.text.contains("```"), "{}", drawn.text);
        assert!(drawn.text.contains("import asyncio"), "{}", drawn.text);
        assert!(!drawn.text.contains('\x1b'), "{:?}", drawn.text);
    }

    #[test]
    fn a_terminal_wraps_text_to_its_width() {
        let look = Look::Terminal {
            width: 30,
            colour: false,
        };
        let long = "word ".repeat(40);
        let drawn = look.markdown(&long);
        assert!(drawn.lines().count() > 5, "{drawn}");
        for line in drawn.lines() {
            assert!(line.width() <= 30, "{line:?} is wider than 30");
        }
    }

    #[test]
    fn a_program_and_its_output_stay_apart_in_a_terminal() {
        let md = "```py\nprint(1)\n```\n```text\n1\n```\nafter";
        assert_eq!(
            apart(md),
            "```py\nprint(1)\n```\n\n```text\n1\n```\nafter\n"
        );
    }

    #[test]
    fn a_colour_terminal_colours_python_code_and_keeps_every_character() {
        let md = "Run **this**:\n\n```python\nasync def main():\n    await asyncio.sleep(1)\n```\n\nThen `that`.";
        let out = Look::Terminal {
            width: 80,
            colour: true,
        }
        .markdown(md);
        assert!(out.contains(&"async".magenta().to_string()), "{out:?}");
        let plain = strip_escapes(&out);
        assert!(
            plain.contains("  async def main():\n      await asyncio.sleep(1)"),
            "{plain}"
        );
        assert!(plain.contains("Then that."), "{plain}");
        assert!(!plain.contains("```"), "{plain}");
    }

    #[test]
    fn code_in_another_language_or_never_closed_is_left_to_the_renderer() {
        let blocks = blocks("a\n```text\nasync\n```\n```python\nx = 1\n");
        assert_eq!(
            blocks,
            vec![Block::Prose(
                "a\n```text\nasync\n```\n```python\nx = 1\n".into()
            )]
        );
        let out = Look::Terminal {
            width: 80,
            colour: false,
        }
        .markdown("```python\nasync\n```");
        assert!(!out.contains('\u{1b}'), "{out:?}");
    }

    fn strip_escapes(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn button_rows_wrap_between_buttons() {
        let row: Vec<Value> = (0..6)
            .map(|i| json!({"type": 2, "style": 2, "label": "x".repeat(30), "custom_id": format!("b:{i}")}))
            .collect();
        let data = json!({"components": [{"type": 1, "components": row}]});
        let drawn = message(&data, Look::Plain);
        let lines: Vec<&str> = drawn
            .text
            .lines()
            .skip(1)
            .filter(|l| !l.is_empty())
            .collect();
        // Each button is 34 columns wide: two fit in 100.
        assert_eq!(lines.len(), 3, "{}", drawn.text);
        assert!(lines[1].starts_with("[3] "), "{}", drawn.text);
        assert!(lines.iter().all(|l| l.width() <= PLAIN_WIDTH));
    }
}

//! What a typed line asks: a slash command, a button's number, the
//! console's own help, or leaving.
//!
//! A command's words go through [`Call::from_words`] and then the core's own
//! [`Request::from_call`], so the console reaches the very checks Discord's
//! doors do; words Discord's client would never send (`/demo foo`, a number
//! that is not one) are answered here with the command's usage. A number
//! clicks a button of the last screen only, and a number that names none
//! is answered with the numbers that would.

use serde_json::Value;

use super::screen::Shown;
use crate::content::ui::Texts;
use crate::content::Catalog;
use crate::core::request::{Call, ClickRequest, DemoRequest, WordsError};
use crate::core::{Asked, Bounds, ButtonId, Learner, Refusal, Request};

/// Commands Discord's doors serve and the console cannot: `/quiz-stats`
/// and `/author` need a server and its permissions (and `/author upload`
/// an attachment); the console's help leaves them out.
const DISCORD_ONLY: &[&str] = &["quiz-stats", "author"];

/// What a typed line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Typed {
    /// A request for the core (or a refusal found while parsing it).
    Asked(Result<Asked, Refusal>),
    /// The console's own help.
    Help,
    /// `/quit` or `/exit`.
    Quit,
    /// A line that is neither a command nor a number.
    Unknown,
    /// A mistake the console answers itself (usage, a number naming no
    /// button): Markdown to show, leaving the screen's buttons as they are.
    Note(String),
}

/// The slash commands as declared, read once: each command's options (and
/// its subcommands' options) in order, with whether each is an integer and
/// whether a missing one is asked for with suggestions.
pub struct Declared(Vec<Value>);

impl Declared {
    /// The commands the core declares, as Discord would receive them.
    pub fn of(commands: Vec<serenity::all::CreateCommand>) -> anyhow::Result<Declared> {
        match serde_json::to_value(commands)? {
            Value::Array(defs) => Ok(Declared(defs)),
            _ => Ok(Declared(Vec::new())),
        }
    }

    /// A command the console serves, by name.
    fn get(&self, name: &str) -> Option<&Value> {
        self.0
            .iter()
            .find(|d| d["name"] == name && !DISCORD_ONLY.contains(&name))
    }

    /// Every command the console serves.
    fn served(&self) -> impl Iterator<Item = &Value> {
        self.0.iter().filter(|d| {
            d["name"]
                .as_str()
                .is_some_and(|n| !DISCORD_ONLY.contains(&n))
        })
    }
}

fn subcommands(def: &Value) -> Vec<&Value> {
    def["options"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| o["type"] == 1)
        .collect()
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

/// `/name sub <required> [optional]` for a command or one of its subcommands.
fn usage_line(name: &str, sub: Option<&Value>, of: &Value) -> String {
    let mut line = format!("/{name}");
    if let Some(sub) = sub {
        line.push(' ');
        line.push_str(sub["name"].as_str().unwrap_or_default());
    }
    for o in of["options"].as_array().into_iter().flatten() {
        let n = o["name"].as_str().unwrap_or_default();
        if o["required"] == true {
            line.push_str(&format!(" <{n}>"));
        } else {
            line.push_str(&format!(" [{n}]"));
        }
    }
    line
}

/// A command's usage: a line for it, or one for each of its subcommands,
/// each with its description.
fn usage(texts: &Texts, def: &Value) -> Vec<String> {
    let name = def["name"].as_str().unwrap_or_default();
    let line = |sub: Option<&Value>, of: &Value| {
        texts.console_help_command.fill(&[
            ("usage", &usage_line(name, sub, of)),
            (
                "description",
                &of["description"].as_str().unwrap_or_default(),
            ),
        ])
    };
    let subs = subcommands(def);
    if subs.is_empty() {
        vec![line(None, def)]
    } else {
        subs.into_iter().map(|s| line(Some(s), s)).collect()
    }
}

/// The console's help: how the console works, the commands it serves, and
/// the lessons.
pub fn help(catalog: &Catalog, commands: &Declared) -> String {
    let texts = &catalog.texts;
    let lines: Vec<String> = commands.served().flat_map(|d| usage(texts, d)).collect();
    let lessons: Vec<String> = catalog
        .lessons()
        .iter()
        .map(|l| {
            texts.help_lesson_line.fill(&[
                ("lesson", &l.id),
                ("title", &l.title),
                ("summary", &l.summary),
            ])
        })
        .collect();
    format!(
        "## {}\n\n{}",
        texts.console_help_title,
        texts.console_help.fill(&[
            ("commands", &lines.join("\n")),
            ("lessons", &lessons.join("\n")),
        ])
    )
}

/// Reads one typed line (trimmed, not empty).
pub fn read(
    line: &str,
    who: Learner,
    catalog: &Catalog,
    commands: &Declared,
    bounds: Bounds,
    screen: &[Shown],
    seq: u64,
) -> Typed {
    let texts = &catalog.texts;
    if is_number(line) {
        return click(texts, line, who, screen);
    }
    let Some(rest) = line.strip_prefix('/') else {
        return Typed::Unknown;
    };
    let mut words = rest.split_whitespace();
    let name = words.next().unwrap_or_default();
    match name {
        "quit" | "exit" => return Typed::Quit,
        "help" | "?" | "console-help" => return Typed::Help,
        _ => {}
    }
    let args: Vec<&str> = words.collect();
    let Some(def) = commands.get(name) else {
        return Typed::Asked(Err(Refusal::UnknownCommand(name.to_string())));
    };
    let subs = subcommands(def);
    let sub_names: Vec<&str> = subs.iter().filter_map(|s| s["name"].as_str()).collect();
    let call = Call::from_words(name, &args, &sub_names, |sub| match sub {
        Some(sub) => subs
            .iter()
            .find(|o| o["name"] == sub)
            .map(|o| options_of(o))
            .unwrap_or_default(),
        None => options_of(def),
    });
    let call = match call {
        Ok(call) => call,
        Err(e) => return Typed::Note(explain(texts, def, name, &sub_names, &e)),
    };
    // A required option left out: show what could go there, as Discord's
    // autocomplete would.
    let missing = def["options"].as_array().into_iter().flatten().any(|o| {
        o["autocomplete"] == true
            && o["required"] == true
            && !call.options.iter().any(|(n, _)| o["name"] == n.as_str())
    });
    if missing {
        return Typed::Asked(Ok(Asked::Suggest(String::new())));
    }
    let asked = Request::from_call(&call, &format!("console-{seq}"), bounds);
    Typed::Asked(asked.map(|asked| match asked {
        // A terminal shows no picture: the text timelines tell the same.
        Asked::Demo(demo) => Asked::Demo(DemoRequest {
            picture: false,
            ..demo
        }),
        other => other,
    }))
}

/// What is wrong with a command's words, then its usage.
fn explain(texts: &Texts, def: &Value, command: &str, subs: &[&str], e: &WordsError) -> String {
    let subcommands = subs
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let word = |w: &str| shorten(w, 40);
    let what = match e {
        WordsError::MissingSubcommand => texts
            .console_missing_subcommand
            .fill(&[("command", &command), ("subcommands", &subcommands)]),
        WordsError::UnknownSubcommand(w) => texts.console_unknown_subcommand.fill(&[
            ("word", &word(w)),
            ("command", &command),
            ("subcommands", &subcommands),
        ]),
        WordsError::UnknownOption(o) => texts
            .console_unknown_option
            .fill(&[("command", &command), ("option", &word(o))]),
        WordsError::ExtraWord(w) => texts
            .console_extra_word
            .fill(&[("word", &word(w)), ("command", &command)]),
        WordsError::Repeated(o) => texts.console_repeated_option.fill(&[("option", o)]),
        WordsError::NotANumber { option, word: w } => texts
            .console_not_a_number
            .fill(&[("option", option), ("word", &word(w))]),
        WordsError::TooLarge { option, word: w } => texts
            .console_too_large
            .fill(&[("option", option), ("word", &word(w))]),
    };
    let usage = texts
        .console_usage
        .fill(&[("usage", &usage(texts, def).join("\n"))]);
    format!("{what}\n{usage}")
}

/// Whether a line is a whole number, signed or not, of any size.
fn is_number(line: &str) -> bool {
    let digits = line.strip_prefix(['-', '+']).unwrap_or(line);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A typed number: a click on that button of the last screen, or which
/// numbers would be one.
fn click(texts: &Texts, typed: &str, who: Learner, screen: &[Shown]) -> Typed {
    let valid = numbers(
        screen
            .iter()
            .enumerate()
            .filter(|(_, b)| !b.disabled)
            .map(|(i, _)| i + 1),
    );
    let shown = typed
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| screen.get(i));
    let number = shorten(typed, 24);
    match shown {
        Some(b) if b.disabled => Typed::Note(
            texts
                .console_button_greyed
                .fill(&[("number", &number), ("valid", &valid)]),
        ),
        Some(b) => Typed::Asked(match ButtonId::parse(&b.custom_id) {
            Ok(button) => Ok(Asked::Click(ClickRequest {
                own: button.owner == who.id,
                action: button.action,
            })),
            Err(_) => Err(Refusal::UnknownButton),
        }),
        None if valid.is_empty() => Typed::Note(texts.console_no_buttons.as_str().to_string()),
        None => Typed::Note(
            texts
                .console_no_such_button
                .fill(&[("number", &number), ("valid", &valid)]),
        ),
    }
}

/// Ascending numbers with runs written as ranges: `1–5, 7`.
fn numbers(ns: impl Iterator<Item = usize>) -> String {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for n in ns {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == n => *end = n,
            _ => runs.push((n, n)),
        }
    }
    runs.iter()
        .map(|&(a, b)| match b - a {
            0 => a.to_string(),
            1 => format!("{a}, {b}"),
            _ => format!("{a}–{b}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A learner's word, cut to `max` characters for quoting it back.
fn shorten(word: &str, max: usize) -> String {
    if word.chars().count() <= max {
        return word.replace('`', "'");
    }
    let cut: String = word.chars().take(max - 1).collect();
    format!("{}…", cut.replace('`', "'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_ranges() {
        assert_eq!(numbers([1, 2, 3, 4, 5, 7].into_iter()), "1–5, 7");
        assert_eq!(numbers([1, 2, 4].into_iter()), "1, 2, 4");
        assert_eq!(numbers(std::iter::empty()), "");
    }

    #[test]
    fn a_number_is_digits_with_an_optional_sign() {
        for yes in ["0", "-1", "+3", "99999999999999999999"] {
            assert!(is_number(yes), "{yes}");
        }
        for no in ["", "-", "1.5", "1e3", "one", " 1"] {
            assert!(!is_number(no), "{no}");
        }
    }

    #[test]
    fn a_long_word_is_shortened_and_cannot_close_a_code_span() {
        assert_eq!(shorten("a`b", 10), "a'b");
        assert_eq!(shorten(&"x".repeat(50), 5), "xxxx…");
    }
}

//! Doors as a learner meets them: one scenario, every door.
//!
//! A learner scenario (open a lesson, tick an objective, play a quiz) is the
//! same whichever door the learner came through; what differs is how the
//! door is driven. [`Door`] is the little a scenario needs (type a command,
//! click a button by its label, restart the door) and [`Seen`] is what the
//! learner then sees: the text and the buttons. Three drivers implement it:
//!
//! - [`ConsoleDoor`]: `tutorbot::doors::console::run` with an in-memory
//!   reader and writer, read back as the terminal shows it.
//! - [`GatewayDoor`]: the real serenity client of the gateway door, connected
//!   to the fake Discord's gateway; each step is a dispatched interaction
//!   and the callback the bot made through REST.
//! - [`HttpDoor`]: `tutorbot http` as a child process, each step a POST
//!   signed as Discord signs it; the answer is the inline response.
//!
//! The Discord drivers also check what only they can see (the call
//! succeeded, Discord's limits held, answers are ephemeral, clicks update in
//! place) and report it in [`Seen`]; the console leaves those `None`.
//! Scenarios are generic over the door and written with `async fn`; they are
//! never boxed, so the trait uses `async fn` directly.

mod console;
mod discord;

pub use console::ConsoleDoor;
pub use discord::{GatewayDoor, HttpDoor};

use serde_json::Value;
use sqlx::PgPool;

/// A door a learner works through, from a scenario's point of view.
#[allow(async_fn_in_trait)]
pub trait Door: Sized {
    /// Which door, for assertion messages.
    const NAME: &'static str;

    /// Opens the door on `pool` for the learner called `learner` (a learner
    /// is the same learner across restarts, another name another learner).
    async fn open(pool: &PgPool, learner: &str) -> Self;

    /// The learner types `/name` with string options, in the command's
    /// order (`("lesson", "async")`).
    async fn command(&mut self, name: &str, options: &[(&str, &str)]) -> Seen;

    /// The learner clicks the button labelled `label` on the last message
    /// shown (an exact label first, else the one label containing it).
    async fn click(&mut self, label: &str) -> Seen;

    /// Stops the door and starts it again on the same database: nothing the
    /// door held in memory survives.
    async fn restart(&mut self);

    /// Stops the door for good.
    async fn close(self);
}

/// What the learner sees after a step.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seen {
    /// Content, embed author, title, description, fields and footer, one
    /// piece a line.
    pub text: String,
    /// The buttons, in order.
    pub buttons: Vec<Button>,
    /// Whether only the learner sees it; `None` where the door cannot tell.
    pub ephemeral: Option<bool>,
    /// Whether a click changed the message it was on rather than sending a
    /// new one; `None` where the door cannot tell.
    pub in_place: Option<bool>,
}

/// A button as the learner sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Button {
    pub label: String,
    pub mark: Mark,
}

/// How a button stands out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Plain,
    /// Green (style 3): a ticked objective, a right answer.
    Success,
    /// Red (style 4): a wrong answer.
    Danger,
    /// Greyed out.
    Disabled,
}

impl Seen {
    /// Whether the text contains `needle`.
    pub fn shows(&self, needle: &str) -> bool {
        self.text.contains(needle)
    }

    /// The button labelled `label`: exactly, else the only one containing it.
    pub fn button(&self, label: &str) -> Option<&Button> {
        if let Some(b) = self.buttons.iter().find(|b| b.label == label) {
            return Some(b);
        }
        let mut containing = self.buttons.iter().filter(|b| b.label.contains(label));
        match (containing.next(), containing.next()) {
            (Some(b), None) => Some(b),
            _ => None,
        }
    }

    /// The index of [`Self::button`] among the buttons; panics with what
    /// was shown if there is none.
    pub fn position(&self, label: &str) -> usize {
        let b = self
            .button(label)
            .unwrap_or_else(|| panic!("no button labelled {label:?} in {self:#?}"));
        self.buttons
            .iter()
            .position(|x| std::ptr::eq(x, b))
            .expect("found among them")
    }

    /// What a Discord message (the `data` of a response, or a webhook body)
    /// shows.
    pub fn from_message(message: &Value) -> Seen {
        let mut lines = Vec::new();
        let mut push = |v: &Value| {
            if let Some(s) = v.as_str().filter(|s| !s.is_empty()) {
                lines.push(s.to_string());
            }
        };
        push(&message["content"]);
        for e in message["embeds"].as_array().into_iter().flatten() {
            push(&e["author"]["name"]);
            push(&e["title"]);
            push(&e["description"]);
            for f in e["fields"].as_array().into_iter().flatten() {
                push(&f["name"]);
                push(&f["value"]);
            }
            push(&e["footer"]["text"]);
        }
        let buttons = clickables(message)
            .into_iter()
            .map(|(b, _)| Button {
                label: b["label"].as_str().unwrap_or_default().to_string(),
                mark: match (b["style"].as_u64(), b["disabled"].as_bool()) {
                    (Some(3), _) => Mark::Success,
                    (Some(4), _) => Mark::Danger,
                    (_, Some(true)) => Mark::Disabled,
                    _ => Mark::Plain,
                },
            })
            .collect();
        let flags = message["flags"].as_u64().unwrap_or(0);
        Seen {
            text: lines.join("\n"),
            buttons,
            ephemeral: Some(flags & 64 != 0),
            in_place: None,
        }
    }
}

/// Every component a learner can click, in order, with the select menu it
/// belongs to: a button stands for itself (`None`); each option of a select
/// menu counts as one button labelled with the option's label (`Some` of
/// the menu), as the console numbers them.
pub fn clickables(message: &Value) -> Vec<(Value, Option<Value>)> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .flat_map(|c| match c["options"].as_array() {
            Some(options) => options
                .iter()
                .map(|o| (o.clone(), Some(c.clone())))
                .collect::<Vec<_>>(),
            None if c["custom_id"].is_string() => vec![(c, None)],
            None => Vec::new(),
        })
        .collect()
}

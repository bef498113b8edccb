//! Draw: the core's outcomes turned into serenity's builders.
//!
//! One module a feature ([`lesson`], [`quiz`], [`demo`], [`progress`],
//! [`account`]), each a set of pure functions from an outcome (and the
//! catalog, for the words) to a [`CreateInteractionResponse`]; [`refusal`]
//! draws every refusal and failure. Views read nothing but what they are
//! given: no store, no clock. This module holds the small pieces they share:
//! notices, button ids, button rows, select menus, bars, truncation.
//!
//! A select menu is only another way to show buttons: each option's value
//! is a button id ([`select`]), so a pick needs no parsing of its own, the
//! console numbers the options like buttons, and a stale or forged option is
//! refused like a stale or forged button. Labels are short and fixed (a
//! letter, a number, "Next ▶"); where a title might not fit a button, a
//! shorter label is chosen rather than one cut with "…".

pub mod account;
pub mod author;
pub mod demo;
pub mod demo_picture;
pub mod exercise;
pub mod lab;
pub mod lesson;
pub mod progress;
pub mod quiz;
pub mod refusal;
pub mod review;

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateInteractionResponse, CreateInteractionResponseMessage, CreateSelectMenu,
    CreateSelectMenuKind, CreateSelectMenuOption, EditInteractionResponse,
};

use super::button::{Action, ButtonId};
use super::limits;
use super::request::Learner;
use crate::content::{Lesson, Quiz};

/// The colour of tutorbot's embeds.
pub const COLOUR: u32 = 0x5865F2;
/// Green, for a completed checklist.
pub const COLOUR_DONE: u32 = 0x57F287;
/// Green, for a right answer.
pub const COLOUR_RIGHT: u32 = 0x57F287;
/// Red, for a wrong answer.
pub const COLOUR_WRONG: u32 = 0xED4245;

pub use super::limits::{BUTTONS_PER_ROW, ROWS_MAX};

/// Every message the core draws starts here: allowed mentions none, so no
/// text (a teacher's lesson included) can ever ping anyone.
pub fn message() -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new().allowed_mentions(CreateAllowedMentions::new())
}

/// Every edit of a message the core drew (a demo's), likewise.
pub fn edit() -> EditInteractionResponse {
    EditInteractionResponse::new().allowed_mentions(CreateAllowedMentions::new())
}

/// A short ephemeral answer that changes nothing.
pub fn notice(text: &str) -> CreateInteractionResponse {
    CreateInteractionResponse::Message(
        message()
            .content(truncate(text, limits::CONTENT_MAX))
            .ephemeral(true),
    )
}

/// A short ephemeral answer with buttons (e.g. "start again").
pub fn notice_with(text: &str, buttons: Vec<CreateButton>) -> CreateInteractionResponse {
    CreateInteractionResponse::Message(
        message()
            .content(truncate(text, limits::CONTENT_MAX))
            .components(rows(buttons))
            .ephemeral(true),
    )
}

/// A view: answers a command with a new ephemeral message, or a click on the
/// learner's own message by updating that message in place.
pub fn show(
    in_place: bool,
    content: Option<String>,
    embed: CreateEmbed,
    components: Vec<CreateActionRow>,
) -> CreateInteractionResponse {
    let mut msg = message()
        .embed(embed)
        .components(components)
        .content(content.unwrap_or_default());
    if in_place {
        CreateInteractionResponse::UpdateMessage(msg)
    } else {
        msg = msg.ephemeral(true);
        CreateInteractionResponse::Message(msg)
    }
}

/// Buttons packed into rows of five, at most five rows.
pub fn rows(buttons: Vec<CreateButton>) -> Vec<CreateActionRow> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    for b in buttons {
        row.push(b);
        if row.len() == BUTTONS_PER_ROW {
            rows.push(CreateActionRow::Buttons(std::mem::take(&mut row)));
        }
    }
    if !row.is_empty() {
        rows.push(CreateActionRow::Buttons(row));
    }
    rows.truncate(ROWS_MAX);
    rows
}

/// A button with a label cut to Discord's 80 characters.
pub fn button(custom_id: String, label: &str, style: ButtonStyle) -> CreateButton {
    CreateButton::new(custom_id)
        .label(truncate(label, limits::BUTTON_LABEL_MAX))
        .style(style)
}

/// The custom_id of a button drawn for `who`.
pub fn id(who: Learner, action: Action) -> String {
    ButtonId::new(who.id, action).encode()
}

/// The button id that opens section `index` of a lesson.
pub fn section_id(who: Learner, lesson: &Lesson, index: usize) -> String {
    page_id(who, lesson, index, 0)
}

/// The button id that opens page `page` of section `index` of a lesson.
pub fn page_id(who: Learner, lesson: &Lesson, index: usize, page: usize) -> String {
    id(
        who,
        Action::Section {
            lesson: lesson.id.clone(),
            version: lesson.version.clone(),
            section: lesson.sections[index].id.clone(),
            page: u8::try_from(page).unwrap_or(u8::MAX),
        },
    )
}

/// One option of a select menu: what it says, and the button id it clicks.
pub struct Pick {
    pub label: String,
    pub id: String,
    pub description: Option<String>,
}

/// A select menu whose options stand for buttons: each option's value is a
/// button id, so a pick is parsed and served exactly like that button's
/// click (and the console draws the options as numbered buttons). `name`
/// keeps two menus of one message apart; at most 25 options are drawn.
pub fn select(who: Learner, name: &str, placeholder: &str, picks: Vec<Pick>) -> CreateActionRow {
    let options = picks
        .into_iter()
        .take(limits::SELECT_OPTIONS_MAX)
        .map(|p| {
            let option = CreateSelectMenuOption::new(
                truncate(&p.label, limits::SELECT_OPTION_TEXT_MAX),
                p.id,
            );
            match p.description {
                Some(d) => option.description(truncate(&d, limits::SELECT_OPTION_TEXT_MAX)),
                None => option,
            }
        })
        .collect();
    CreateActionRow::SelectMenu(
        CreateSelectMenu::new(
            format!("{SELECT_PREFIX}{name}:{}", who.id),
            CreateSelectMenuKind::String { options },
        )
        .placeholder(truncate(placeholder, limits::SELECT_PLACEHOLDER_MAX)),
    )
}

/// How the custom_id of every select menu the core draws starts (its
/// options carry the button ids; see [`select`]).
pub const SELECT_PREFIX: &str = "pick:";

/// The button id that starts (or resumes) a lesson's quiz.
pub fn quiz_start_id(who: Learner, lesson: &Lesson, quiz: &Quiz) -> String {
    id(
        who,
        Action::QuizStart {
            lesson: lesson.id.clone(),
            version: quiz.version.clone(),
        },
    )
}

/// `text` cut to at most `max` characters, with an ellipsis when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A ten-cell bar: `██████░░░░`.
pub fn bar(done: usize, total: usize) -> String {
    let cells = 10;
    let filled = (done * cells + total / 2)
        .checked_div(total)
        .unwrap_or(0)
        .min(cells);
    format!("{}{}", "█".repeat(filled), "░".repeat(cells - filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_counts_characters_not_bytes() {
        assert_eq!(truncate("héllo", 5), "héllo");
        assert_eq!(truncate("héllo wörld", 6), "héllo…");
    }

    #[test]
    fn bar_rounds_to_the_nearest_cell() {
        assert_eq!(bar(0, 6), "░░░░░░░░░░");
        assert_eq!(bar(3, 6), "█████░░░░░");
        assert_eq!(bar(6, 6), "██████████");
        assert_eq!(bar(0, 0), "░░░░░░░░░░");
    }

    #[test]
    fn rows_never_exceed_discords_grid() {
        let buttons = (0..30).map(|i| CreateButton::new(i.to_string())).collect();
        assert_eq!(rows(buttons).len(), ROWS_MAX);
    }
}

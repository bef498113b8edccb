//! The lesson's views: a section with its buttons, and the checklist.

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAutocompleteResponse, CreateButton, CreateEmbed,
    CreateEmbedAuthor, CreateEmbedFooter, CreateInteractionResponse,
};

use super::{
    bar, button, id, quiz_start_id, rows, section_id, show, truncate, COLOUR, COLOUR_DONE, ROWS_MAX,
};
use crate::content::{Catalog, Lesson};
use crate::core::button::Action;
use crate::core::checklist::ChecklistShown;
use crate::core::lesson::SectionShown;
use crate::core::limits;
use crate::core::request::Learner;

/// The row under every lesson view: checklist (or back to reading), quiz.
fn action_row(catalog: &Catalog, who: Learner, lesson: &Lesson, back: bool) -> CreateActionRow {
    let texts = &catalog.texts;
    let mut buttons: Vec<CreateButton> = Vec::new();
    if back {
        buttons.push(button(
            section_id(who, lesson, 0),
            texts.button_back_to_lesson.as_str(),
            ButtonStyle::Secondary,
        ));
    } else {
        let checklist = Action::Checklist {
            lesson: lesson.id.clone(),
            version: lesson.version.clone(),
        };
        buttons.push(button(
            id(who, checklist),
            texts.button_checklist.as_str(),
            ButtonStyle::Success,
        ));
    }
    if let Some(quiz) = &lesson.quiz {
        buttons.push(button(
            quiz_start_id(who, lesson, quiz),
            texts.button_quiz.as_str(),
            ButtonStyle::Primary,
        ));
    }
    CreateActionRow::Buttons(buttons)
}

/// Section `index` of a lesson as a learner reads it (also what a
/// teacher's preview shows, `view::author`).
pub fn section_embed(catalog: &Catalog, lesson: &Lesson, index: usize) -> CreateEmbed {
    let section = &lesson.sections[index];
    CreateEmbed::new()
        .author(CreateEmbedAuthor::new(&lesson.title))
        .title(&section.title)
        .description(&section.body)
        .colour(COLOUR)
        .footer(CreateEmbedFooter::new(catalog.texts.lesson_footer.fill(&[
            ("index", &(index + 1)),
            ("count", &lesson.sections.len()),
            ("lesson", &lesson.id),
        ])))
}

/// One section, with a button for every section and the action row.
pub fn section(catalog: &Catalog, who: Learner, shown: &SectionShown) -> CreateInteractionResponse {
    let texts = &catalog.texts;
    let SectionShown {
        lesson,
        index,
        in_place,
    } = *shown;
    let embed = section_embed(catalog, lesson, index);
    let buttons = lesson
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let style = if i == index {
                ButtonStyle::Primary
            } else {
                ButtonStyle::Secondary
            };
            button(section_id(who, lesson, i), &s.title, style).disabled(i == index)
        })
        .collect();
    let mut rows = rows(buttons);
    rows.truncate(ROWS_MAX - 1);
    rows.push(action_row(catalog, who, lesson, false));
    let content = (index == 0).then(|| {
        texts
            .lesson_intro
            .fill(&[("title", &lesson.title), ("summary", &lesson.summary)])
    });
    show(in_place, content, embed, rows)
}

/// The learner's checklist: each objective a toggle, green when ticked.
pub fn checklist(
    catalog: &Catalog,
    who: Learner,
    shown: &ChecklistShown,
) -> CreateInteractionResponse {
    let texts = &catalog.texts;
    let lesson = shown.lesson;
    let is_ticked = |id: &str| shown.ticked.iter().any(|t| t == id);
    let done = lesson
        .objectives
        .iter()
        .filter(|o| is_ticked(&o.id))
        .count();
    let total = lesson.objectives.len();
    let mut lines = vec![texts.checklist_intro.as_str().to_string(), String::new()];
    for (i, o) in lesson.objectives.iter().enumerate() {
        let template = if is_ticked(&o.id) {
            &texts.objective_ticked
        } else {
            &texts.objective_open
        };
        lines.push(template.fill(&[("number", &(i + 1)), ("text", &o.text)]));
    }
    lines.push(String::new());
    lines.push(texts.checklist_progress.fill(&[
        ("bar", &bar(done, total)),
        ("done", &done),
        ("total", &total),
    ]));
    let complete = done == total;
    if complete {
        lines.push(String::new());
        lines.push(texts.checklist_complete.fill(&[("lesson", &lesson.title)]));
    }
    let embed = CreateEmbed::new()
        .author(CreateEmbedAuthor::new(&lesson.title))
        .title(texts.checklist_title.as_str())
        .description(truncate(&lines.join("\n"), limits::EMBED_DESCRIPTION_MAX))
        .colour(if complete { COLOUR_DONE } else { COLOUR });
    let buttons = lesson
        .objectives
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let on = is_ticked(&o.id);
            let tick = Action::Tick {
                lesson: lesson.id.clone(),
                version: lesson.version.clone(),
                objective: o.id.clone(),
                ticked: !on,
            };
            let style = if on {
                ButtonStyle::Success
            } else {
                ButtonStyle::Secondary
            };
            let label = texts
                .objective_button
                .fill(&[("number", &(i + 1)), ("text", &o.text)]);
            button(id(who, tick), &label, style)
        })
        .collect();
    let mut rows = rows(buttons);
    rows.truncate(ROWS_MAX - 1);
    rows.push(action_row(catalog, who, lesson, true));
    show(shown.in_place, None, embed, rows)
}

/// Autocomplete: the lessons whose id or title match what was typed.
pub fn suggestions(catalog: &Catalog, typed: &str) -> CreateInteractionResponse {
    let mut choices = CreateAutocompleteResponse::new();
    for lesson in catalog.search(typed) {
        choices = choices.add_string_choice(
            truncate(&lesson.title, limits::CHOICE_TEXT_MAX),
            lesson.id.clone(),
        );
    }
    CreateInteractionResponse::Autocomplete(choices)
}

//! The lesson's views: a page of a section with its navigation, and the
//! checklist.
//!
//! A lesson page never carries more than three rows, whatever the number of
//! sections: a "Jump to section…" menu (a select whose options are section
//! buttons), Prev / Next through every page in reading order, and the main
//! row (checklist, quiz, exercises). Buttons carry short fixed labels, never
//! a title cut to fit.

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAutocompleteResponse, CreateButton, CreateEmbed,
    CreateEmbedAuthor, CreateEmbedFooter, CreateInteractionResponse,
};

use super::{
    bar, button, id, page_id, quiz_start_id, rows, section_id, select, show, truncate, Pick,
    COLOUR, COLOUR_DONE, ROWS_MAX,
};
use crate::content::{Catalog, Lesson};
use crate::core::button::Action;
use crate::core::checklist::ChecklistShown;
use crate::core::lesson::SectionShown;
use crate::core::limits;
use crate::core::request::Learner;

/// The main row under every lesson view: the checklist (or back to
/// reading), the quiz, and the exercises when the lesson has any.
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
    if !lesson.exercises.is_empty() {
        let exercises = Action::Exercises {
            lesson: lesson.id.clone(),
        };
        buttons.push(button(
            id(who, exercises),
            texts.button_exercises.as_str(),
            ButtonStyle::Secondary,
        ));
    }
    CreateActionRow::Buttons(buttons)
}

/// Page `page` of section `index` (whose pages are `pages`) as a learner
/// reads it; also what a teacher's preview shows (`view::author`).
pub fn section_embed(
    catalog: &Catalog,
    lesson: &Lesson,
    index: usize,
    page: usize,
    pages: &[String],
) -> CreateEmbed {
    let texts = &catalog.texts;
    let section = &lesson.sections[index];
    let title = if pages.len() > 1 {
        texts.section_title_paged.fill(&[
            ("title", &section.title),
            ("page", &(page + 1)),
            ("pages", &pages.len()),
        ])
    } else {
        section.title.clone()
    };
    let footer = texts.lesson_footer.fill(&[
        ("index", &(index + 1)),
        ("count", &lesson.sections.len()),
        ("lesson", &lesson.id),
    ]);
    let body = pages.get(page).map_or("", String::as_str);
    CreateEmbed::new()
        .author(CreateEmbedAuthor::new(&lesson.title))
        .title(title)
        .description(truncate(body, limits::EMBED_DESCRIPTION_MAX))
        .colour(COLOUR)
        .footer(CreateEmbedFooter::new(footer))
}

/// One page of a section, under at most three rows whatever the number of
/// sections: "Jump to section…", Prev / Next, and the main row. The
/// lesson's title is said once, in the embed's author line.
pub fn section(catalog: &Catalog, who: Learner, shown: &SectionShown) -> CreateInteractionResponse {
    let SectionShown {
        lesson,
        index,
        page,
        ref pages,
        in_place,
    } = *shown;
    let embed = section_embed(catalog, lesson, index, page, pages);
    let mut rows = Vec::new();
    if lesson.sections.len() > 1 {
        rows.push(jump(catalog, who, lesson, index));
    }
    rows.push(prev_next(catalog, who, lesson, index, page, pages.len()));
    rows.push(action_row(catalog, who, lesson, false));
    show(in_place, None, embed, rows)
}

/// "Jump to section…": one option a section, the current one marked.
fn jump(catalog: &Catalog, who: Learner, lesson: &Lesson, index: usize) -> CreateActionRow {
    let texts = &catalog.texts;
    let picks = lesson
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| Pick {
            label: texts
                .jump_option
                .fill(&[("number", &(i + 1)), ("title", &s.title)]),
            id: section_id(who, lesson, i),
            description: (i == index).then(|| texts.jump_here.as_str().to_string()),
        })
        .collect();
    select(who, "jump", texts.jump_placeholder.as_str(), picks)
}

/// Prev / Next through every page of every section, in reading order;
/// greyed out at either end.
fn prev_next(
    catalog: &Catalog,
    who: Learner,
    lesson: &Lesson,
    index: usize,
    page: usize,
    pages: usize,
) -> CreateActionRow {
    let texts = &catalog.texts;
    let prev = if page > 0 {
        Some(page_id(who, lesson, index, page - 1))
    } else if index > 0 {
        let last = lesson.sections[index - 1].pages().len() - 1;
        Some(page_id(who, lesson, index - 1, last))
    } else {
        None
    };
    let next = if page + 1 < pages {
        Some(page_id(who, lesson, index, page + 1))
    } else if index + 1 < lesson.sections.len() {
        Some(page_id(who, lesson, index + 1, 0))
    } else {
        None
    };
    // A greyed-out button still needs an id of its own in the message.
    let nav = |target: Option<String>, fallback: &str, label: &str| match target {
        Some(target) => button(target, label, ButtonStyle::Secondary),
        None => button(fallback.to_string(), label, ButtonStyle::Secondary).disabled(true),
    };
    CreateActionRow::Buttons(vec![
        nav(prev, "nav:prev", texts.button_prev.as_str()),
        nav(next, "nav:next", texts.button_next_page.as_str()),
    ])
}

/// The learner's checklist: each objective once, numbered, with a compact
/// numbered toggle under it whose colour and mark say its state.
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
    lines.push(String::new());
    lines.push(texts.checklist_how.as_str().to_string());
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
            let (template, style) = if on {
                (&texts.objective_button_ticked, ButtonStyle::Success)
            } else {
                (&texts.objective_button_open, ButtonStyle::Secondary)
            };
            button(
                id(who, tick),
                &template.fill(&[("number", &(i + 1))]),
                style,
            )
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

//! Lessons and checklists: `/lesson`, its section buttons and the toggles.
//!
//! Reading a section needs no database, so lessons keep showing while
//! Postgres is away; only the checklist reads and writes marks.

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedAuthor, CreateEmbedFooter,
};

use super::button::{Action, ButtonId};
use super::view::{self, COLOUR, COLOUR_DONE};
use super::{Answer, Core, Learner};
use crate::content::Lesson;

/// `/lesson <id>`: the lesson's first section, as a new ephemeral message.
pub fn open(core: &Core, who: Learner, id: &str) -> Answer {
    match core.catalog.lesson(id.trim()) {
        Some(lesson) => Answer::ok(section_view(core, who, lesson, 0, false)),
        None => Answer::refused(unknown_lesson(core, id)),
    }
}

/// The answer to a lesson id we do not have: the closest ones we do.
pub fn unknown_lesson(core: &Core, id: &str) -> serenity::all::CreateInteractionResponse {
    let suggestions = core
        .catalog
        .closest(id)
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let shown = view::truncate(id.trim(), 40);
    view::notice(
        &core
            .catalog
            .texts
            .unknown_lesson
            .fill(&[("lesson", &shown), ("suggestions", &suggestions)]),
    )
}

/// A click on a section button.
pub fn section_click(
    core: &Core,
    who: Learner,
    own: bool,
    lesson: &str,
    version: &str,
    section: &str,
) -> Answer {
    let Some(l) = current(core, lesson, version) else {
        return Answer::refused(stale(core, who, lesson));
    };
    match l.sections.iter().position(|s| s.id == section) {
        Some(i) => Answer::ok(section_view(core, who, l, i, own)),
        None => Answer::refused(stale(core, who, lesson)),
    }
}

/// A click on "Checklist" (or on someone else's tick: their view, not a tick).
pub async fn checklist_click(
    core: &Core,
    who: Learner,
    own: bool,
    lesson: &str,
    version: &str,
) -> Answer {
    let Some(l) = current(core, lesson, version) else {
        return Answer::refused(stale(core, who, lesson));
    };
    match core.store.ticked(who.id, &l.id).await {
        Ok(ticked) => Answer::ok(checklist_view(core, who, l, &ticked, own)),
        Err(e) => {
            tracing::warn!(error = %e, source = ?e.source, "checklist read failed");
            Answer::failed(view::notice(core.catalog.texts.load_failed.as_str()))
        }
    }
}

/// A click on an objective: set it as the button asked, then redraw from
/// the ticked set the same statement returned. A click handled before
/// (Discord's retry, another instance) redraws the state as it is.
pub async fn tick(
    core: &Core,
    who: Learner,
    interaction: u64,
    lesson: &str,
    version: &str,
    objective: &str,
    ticked: bool,
) -> Answer {
    let Some(l) = current(core, lesson, version) else {
        return Answer::refused(stale(core, who, lesson));
    };
    if l.objective(objective).is_none() {
        return Answer::refused(stale(core, who, lesson));
    }
    match core
        .store
        .tick(interaction, who.id, &l.id, objective, ticked)
        .await
    {
        Ok(tick) => Answer::ok(checklist_view(core, who, l, &tick.ticked, true)),
        Err(e) => {
            tracing::warn!(error = %e, source = ?e.source, "tick not saved");
            Answer::failed(view::notice(core.catalog.texts.save_failed.as_str()))
        }
    }
}

/// The lesson, if the button's version is the one we serve now.
fn current<'a>(core: &'a Core, lesson: &str, version: &str) -> Option<&'a Lesson> {
    core.catalog.lesson(lesson).filter(|l| l.version == version)
}

/// "This lesson changed since these buttons were drawn": with a fresh start.
pub fn stale(core: &Core, who: Learner, lesson: &str) -> serenity::all::CreateInteractionResponse {
    let texts = &core.catalog.texts;
    match core.catalog.lesson(lesson) {
        Some(l) => view::notice_with(
            &texts.stale_lesson.fill(&[("lesson", &l.title)]),
            vec![view::button(
                section_id(who, l, 0),
                texts.button_start_again.as_str(),
                ButtonStyle::Primary,
            )],
        ),
        None => unknown_lesson(core, lesson),
    }
}

fn section_id(who: Learner, lesson: &Lesson, index: usize) -> String {
    ButtonId::new(
        who.id,
        Action::Section {
            lesson: lesson.id.clone(),
            version: lesson.version.clone(),
            section: lesson.sections[index].id.clone(),
        },
    )
    .encode()
}

/// The row under every lesson view: checklist, quiz, and back to reading.
fn action_row(core: &Core, who: Learner, lesson: &Lesson, back: bool) -> CreateActionRow {
    let texts = &core.catalog.texts;
    let mut buttons: Vec<CreateButton> = Vec::new();
    if back {
        buttons.push(view::button(
            section_id(who, lesson, 0),
            texts.button_back_to_lesson.as_str(),
            ButtonStyle::Secondary,
        ));
    } else {
        let id = ButtonId::new(
            who.id,
            Action::Checklist {
                lesson: lesson.id.clone(),
                version: lesson.version.clone(),
            },
        );
        buttons.push(view::button(
            id.encode(),
            texts.button_checklist.as_str(),
            ButtonStyle::Success,
        ));
    }
    if let Some(quiz) = &lesson.quiz {
        let id = ButtonId::new(
            who.id,
            Action::QuizStart {
                lesson: lesson.id.clone(),
                version: quiz.version.clone(),
            },
        );
        buttons.push(view::button(
            id.encode(),
            texts.button_quiz.as_str(),
            ButtonStyle::Primary,
        ));
    }
    CreateActionRow::Buttons(buttons)
}

/// One section, with a button for every section and the action row.
pub fn section_view(
    core: &Core,
    who: Learner,
    lesson: &Lesson,
    index: usize,
    in_place: bool,
) -> serenity::all::CreateInteractionResponse {
    let texts = &core.catalog.texts;
    let section = &lesson.sections[index];
    let embed = CreateEmbed::new()
        .author(CreateEmbedAuthor::new(&lesson.title))
        .title(&section.title)
        .description(&section.body)
        .colour(COLOUR)
        .footer(CreateEmbedFooter::new(texts.lesson_footer.fill(&[
            ("index", &(index + 1)),
            ("count", &lesson.sections.len()),
            ("lesson", &lesson.id),
        ])));
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
            view::button(section_id(who, lesson, i), &s.title, style).disabled(i == index)
        })
        .collect();
    let mut rows = view::rows(buttons);
    rows.truncate(view::ROWS_MAX - 1);
    rows.push(action_row(core, who, lesson, false));
    let content = (index == 0).then(|| {
        texts
            .lesson_intro
            .fill(&[("title", &lesson.title), ("summary", &lesson.summary)])
    });
    view::show(in_place, content, embed, rows)
}

/// The learner's checklist: each objective a toggle, green when ticked.
pub fn checklist_view(
    core: &Core,
    who: Learner,
    lesson: &Lesson,
    ticked: &[String],
    in_place: bool,
) -> serenity::all::CreateInteractionResponse {
    let texts = &core.catalog.texts;
    let is_ticked = |id: &str| ticked.iter().any(|t| t == id);
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
        ("bar", &view::bar(done, total)),
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
        .description(view::truncate(&lines.join("\n"), 4096))
        .colour(if complete { COLOUR_DONE } else { COLOUR });
    let buttons = lesson
        .objectives
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let on = is_ticked(&o.id);
            let id = ButtonId::new(
                who.id,
                Action::Tick {
                    lesson: lesson.id.clone(),
                    version: lesson.version.clone(),
                    objective: o.id.clone(),
                    ticked: !on,
                },
            );
            let style = if on {
                ButtonStyle::Success
            } else {
                ButtonStyle::Secondary
            };
            let label = texts
                .objective_button
                .fill(&[("number", &(i + 1)), ("text", &o.text)]);
            view::button(id.encode(), &label, style)
        })
        .collect();
    let mut rows = view::rows(buttons);
    rows.truncate(view::ROWS_MAX - 1);
    rows.push(action_row(core, who, lesson, true));
    view::show(in_place, None, embed, rows)
}

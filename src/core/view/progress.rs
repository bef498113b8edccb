//! `/progress` and `/help`: where the learner is, and what they can do,
//! each with a button to go on (open a lesson, continue it, take its quiz).
//!
//! `/progress` lists the lessons served where it is asked (the built-in
//! ones, and in a server that server's), and matches the learner's records
//! to each by its scope as well as its id: what they did in another
//! server's lesson of the same id is neither counted nor shown here.

use serenity::all::{ButtonStyle, CreateActionRow, CreateEmbed, CreateInteractionResponse};

use super::{bar, button, quiz_start_id, section_id, select, truncate, Pick, COLOUR, ROWS_MAX};
use crate::content::{Catalog, Lesson};
use crate::core::limits;
use crate::core::progress::ProgressReport;
use crate::core::request::Learner;
use crate::store::Mark;

/// `/progress`: one line a lesson, counting only objectives the lesson has
/// now, and for each lesson Continue (at the section of its first objective
/// not ticked yet) and Take the quiz.
pub fn progress(
    catalog: &Catalog,
    who: Learner,
    report: &ProgressReport,
) -> CreateInteractionResponse {
    let texts = &catalog.texts;
    let mut lines = Vec::new();
    let mut rows = Vec::new();
    let lessons = catalog.lessons();
    for lesson in lessons {
        let mine: Vec<&Mark> = report
            .marks
            .iter()
            .filter(|m| m.scope == lesson.scope && m.lesson_id == lesson.id)
            .collect();
        let is_ticked = |o: &str| mine.iter().any(|m| m.ticked && m.objective_id == o);
        let done = lesson
            .objectives
            .iter()
            .filter(|o| is_ticked(&o.id))
            .count();
        let total = lesson.objectives.len();
        let last = match mine.iter().map(|m| m.updated_at).max() {
            Some(t) => texts
                .progress_last_change
                .fill(&[("date", &t.format("%Y-%m-%d"))]),
            None => texts.progress_not_started.as_str().to_string(),
        };
        let quiz = match report
            .scores
            .iter()
            .find(|(s, l, _, _)| *s == lesson.scope && *l == lesson.id)
        {
            Some((_, _, right, answered)) => texts
                .progress_quiz
                .fill(&[("right", right), ("total", answered)]),
            None => texts.progress_no_quiz.as_str().to_string(),
        };
        let mut line = texts.progress_line.fill(&[
            ("title", &lesson.title),
            ("lesson", &lesson.id),
            ("bar", &bar(done, total)),
            ("done", &done),
            ("total", &total),
            ("last", &last),
            ("quiz", &quiz),
        ]);
        if !lesson.exercises.is_empty() {
            line.push_str(" · ");
            line.push_str(&exercises_passed(catalog, lesson, report));
        }
        lines.push(line);
        // Where to continue: the section of the first objective not ticked.
        let at = lesson
            .objectives
            .iter()
            .find(|o| !is_ticked(&o.id))
            .and_then(|o| lesson.sections.iter().position(|s| s.id == o.section))
            .unwrap_or(0);
        let label = if mine.is_empty() {
            &texts.button_start_lesson
        } else {
            &texts.button_continue
        };
        let mut buttons = vec![button(
            section_id(who, lesson, at),
            &label.fill(&[("lesson", &lesson.id)]),
            ButtonStyle::Primary,
        )];
        if let Some(quiz) = &lesson.quiz {
            buttons.push(button(
                quiz_start_id(who, lesson, quiz),
                &texts.button_quiz_of.fill(&[("lesson", &lesson.id)]),
                ButtonStyle::Secondary,
            ));
        }
        rows.push(CreateActionRow::Buttons(buttons));
    }
    // More lessons than rows: one menu instead, each lesson continued.
    if rows.len() > ROWS_MAX {
        rows = open_lessons(catalog, who, lessons.iter());
    }
    lines.push(texts.progress_demos.fill(&[("count", &report.demos)]));
    let rt = &catalog.review_texts;
    lines.push(rt.progress_streak.fill(&[
        ("current", &super::review::days(rt, report.streak.current)),
        ("longest", &super::review::days(rt, report.streak.longest)),
    ]));
    lines.push(rt.progress_reviews.fill(&[("count", &report.reviews_due)]));
    let embed = CreateEmbed::new()
        .title(texts.progress_title.as_str())
        .description(truncate(&lines.join("\n\n"), limits::EMBED_DESCRIPTION_MAX))
        .colour(COLOUR);
    CreateInteractionResponse::Message(
        super::message()
            .embed(embed)
            .components(rows)
            .ephemeral(true),
    )
}

/// "exercises passed 2/5", counting only exercises the lesson has now.
fn exercises_passed(catalog: &Catalog, lesson: &Lesson, report: &ProgressReport) -> String {
    let passed = lesson
        .exercises
        .iter()
        .filter(|e| {
            report.exercises.iter().any(|t| {
                t.scope == lesson.scope
                    && t.lesson_id == lesson.id
                    && t.exercise_id == e.id
                    && t.passes > 0
            })
        })
        .count();
    catalog
        .lab_texts
        .progress_exercises
        .fill(&[("passed", &passed), ("total", &lesson.exercises.len())])
}

/// `/help`: what a learner can do, the lessons with a button to open each,
/// and the teachers' commands only for members who can use them.
pub fn help(catalog: &Catalog, who: Learner, teacher: bool) -> CreateInteractionResponse {
    let texts = &catalog.texts;
    let lessons = catalog
        .lessons()
        .iter()
        .map(|l| {
            texts.help_lesson_line.fill(&[
                ("lesson", &l.id),
                ("title", &l.title),
                ("summary", &l.summary),
            ])
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut text = texts.help_body.fill(&[("lessons", &lessons)]);
    if teacher {
        text.push_str("\n\n");
        text.push_str(texts.help_teacher.as_str());
    }
    let embed = CreateEmbed::new()
        .title(texts.help_title.as_str())
        .description(truncate(&text, limits::EMBED_DESCRIPTION_MAX))
        .colour(COLOUR);
    CreateInteractionResponse::Message(
        super::message()
            .embed(embed)
            .components(open_lessons(catalog, who, catalog.lessons().iter()))
            .ephemeral(true),
    )
}

/// A button to open each lesson (up to five, in one row), or one menu when
/// there are more: what `/help` and a refusal about a lesson offer.
pub fn open_lessons<'a>(
    catalog: &Catalog,
    who: Learner,
    lessons: impl Iterator<Item = &'a Lesson>,
) -> Vec<CreateActionRow> {
    let lessons: Vec<&Lesson> = lessons.collect();
    if lessons.is_empty() {
        return Vec::new();
    }
    if lessons.len() > super::BUTTONS_PER_ROW {
        let picks = lessons
            .iter()
            .map(|l| Pick {
                label: l.title.clone(),
                id: section_id(who, l, 0),
                description: Some(l.id.clone()),
            })
            .collect();
        return vec![select(
            who,
            "open",
            catalog.texts.open_lesson_placeholder.as_str(),
            picks,
        )];
    }
    let buttons = lessons
        .iter()
        .map(|l| {
            // The title when it fits on a button, else the short id.
            let mut label = catalog
                .texts
                .button_open_lesson
                .fill(&[("title", &l.title)]);
            if label.chars().count() > limits::BUTTON_LABEL_MAX {
                label = catalog.texts.button_open_lesson.fill(&[("title", &l.id)]);
            }
            button(section_id(who, l, 0), &label, ButtonStyle::Primary)
        })
        .collect();
    vec![CreateActionRow::Buttons(buttons)]
}

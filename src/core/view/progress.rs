//! `/progress` and `/help`.

use serenity::all::{CreateEmbed, CreateInteractionResponse};

use super::{bar, truncate, COLOUR};
use crate::content::{Catalog, Lesson};
use crate::core::limits;
use crate::core::progress::ProgressReport;

/// `/progress`: one line a lesson, counting only objectives the lesson has now.
pub fn progress(catalog: &Catalog, report: &ProgressReport) -> CreateInteractionResponse {
    let texts = &catalog.texts;
    let mut lines = Vec::new();
    for lesson in catalog.lessons() {
        let mine: Vec<_> = report
            .marks
            .iter()
            .filter(|m| m.lesson_id == lesson.id)
            .collect();
        let done = lesson
            .objectives
            .iter()
            .filter(|o| mine.iter().any(|m| m.ticked && m.objective_id == o.id))
            .count();
        let total = lesson.objectives.len();
        let last = match mine.iter().map(|m| m.updated_at).max() {
            Some(t) => texts
                .progress_last_change
                .fill(&[("date", &t.format("%Y-%m-%d"))]),
            None => texts.progress_not_started.as_str().to_string(),
        };
        let quiz = match report.scores.iter().find(|(l, _, _)| *l == lesson.id) {
            Some((_, right, answered)) => texts
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
    CreateInteractionResponse::Message(super::message().embed(embed).ephemeral(true))
}

/// "exercises passed 2/5", counting only exercises the lesson has now.
fn exercises_passed(catalog: &Catalog, lesson: &Lesson, report: &ProgressReport) -> String {
    let passed = lesson
        .exercises
        .iter()
        .filter(|e| {
            report
                .exercises
                .iter()
                .any(|t| t.lesson_id == lesson.id && t.exercise_id == e.id && t.passes > 0)
        })
        .count();
    catalog
        .lab_texts
        .progress_exercises
        .fill(&[("passed", &passed), ("total", &lesson.exercises.len())])
}

/// `/help`: what the bot does, every command, and the lessons it has.
pub fn help(catalog: &Catalog) -> CreateInteractionResponse {
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
    let embed = CreateEmbed::new()
        .title(texts.help_title.as_str())
        .description(truncate(
            &texts.help_body.fill(&[("lessons", &lessons)]),
            limits::EMBED_DESCRIPTION_MAX,
        ))
        .colour(COLOUR);
    CreateInteractionResponse::Message(super::message().embed(embed).ephemeral(true))
}

//! `/progress` (every lesson with its bar and last change) and `/help`.

use serenity::all::{CreateEmbed, CreateInteractionResponse, CreateInteractionResponseMessage};

use super::view::{self, COLOUR};
use super::{Answer, Core, Learner};

/// `/progress`: one line a lesson, counting only objectives the lesson has now.
pub async fn show(core: &Core, who: Learner) -> Answer {
    let texts = &core.catalog.texts;
    let marks = match core.store.marks(who.id).await {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(error = %e, source = ?e.source, "progress read failed");
            return Answer::failed(view::notice(texts.load_failed.as_str()));
        }
    };
    let scores = match core.store.best_scores(who.id).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, source = ?e.source, "scores read failed");
            return Answer::failed(view::notice(texts.load_failed.as_str()));
        }
    };
    let demos = match core.store.demo_count(who.id).await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, source = ?e.source, "demo count read failed");
            return Answer::failed(view::notice(texts.load_failed.as_str()));
        }
    };
    let mut lines = Vec::new();
    for lesson in core.catalog.lessons() {
        let mine: Vec<_> = marks.iter().filter(|m| m.lesson_id == lesson.id).collect();
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
        let quiz = match scores.iter().find(|(l, _, _)| *l == lesson.id) {
            Some((_, right, answered)) => texts
                .progress_quiz
                .fill(&[("right", right), ("total", answered)]),
            None => texts.progress_no_quiz.as_str().to_string(),
        };
        lines.push(texts.progress_line.fill(&[
            ("title", &lesson.title),
            ("lesson", &lesson.id),
            ("bar", &view::bar(done, total)),
            ("done", &done),
            ("total", &total),
            ("last", &last),
            ("quiz", &quiz),
        ]));
    }
    lines.push(texts.progress_demos.fill(&[("count", &demos)]));
    let embed = CreateEmbed::new()
        .title(texts.progress_title.as_str())
        .description(view::truncate(&lines.join("\n\n"), 4096))
        .colour(COLOUR);
    Answer::ok(CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .embed(embed)
            .ephemeral(true),
    ))
}

/// `/help`: what the bot does, every command, and the lessons it has.
pub fn help(core: &Core) -> CreateInteractionResponse {
    let texts = &core.catalog.texts;
    let lessons = core
        .catalog
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
        .description(view::truncate(
            &texts.help_body.fill(&[("lessons", &lessons)]),
            4096,
        ))
        .colour(COLOUR);
    CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .embed(embed)
            .ephemeral(true),
    )
}

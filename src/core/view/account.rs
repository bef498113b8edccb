//! `/my-data` and `/forget-me`.

use serenity::all::{ButtonStyle, CreateEmbed, CreateInteractionResponse};

use super::{button, id, notice, notice_with, truncate, COLOUR};
use crate::content::Catalog;
use crate::core::button::Action;
use crate::core::limits;
use crate::core::request::Learner;
use crate::store::LearnerData;

/// How many rows of each kind `/my-data` lists before summarising the rest.
const LIST_MAX: usize = 15;

/// `/my-data`: everything stored about the learner.
pub fn my_data(catalog: &Catalog, who: Learner, data: &LearnerData) -> CreateInteractionResponse {
    let texts = &catalog.texts;
    if !data.known {
        return notice(texts.my_data_nothing.as_str());
    }
    let since = data
        .since
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let mut out = vec![texts
        .my_data_intro
        .fill(&[("id", &who.id), ("since", &since)])];
    let more = |n: usize| texts.my_data_more.fill(&[("count", &n)]);

    out.push(texts.my_data_marks.fill(&[("count", &data.marks.len())]));
    for m in data.marks.iter().take(LIST_MAX) {
        out.push(texts.my_data_mark_line.fill(&[
            ("lesson", &m.lesson_id),
            ("objective", &m.objective_id),
            (
                "state",
                if m.ticked {
                    &texts.word_ticked
                } else {
                    &texts.word_unticked
                },
            ),
            ("date", &m.updated_at.format("%Y-%m-%d %H:%M")),
        ]));
    }
    if data.marks.len() > LIST_MAX {
        out.push(more(data.marks.len() - LIST_MAX));
    }
    out.push(
        texts
            .my_data_attempts
            .fill(&[("count", &data.attempts.len())]),
    );
    for a in data.attempts.iter().take(LIST_MAX) {
        out.push(texts.my_data_attempt_line.fill(&[
            ("lesson", &a.lesson_id),
            ("right", &a.right),
            ("answered", &a.answered),
            ("date", &a.started_at.format("%Y-%m-%d %H:%M")),
        ]));
    }
    if data.attempts.len() > LIST_MAX {
        out.push(more(data.attempts.len() - LIST_MAX));
    }
    out.push(
        texts
            .my_data_demos
            .fill(&[("count", &data.demo_runs.len())]),
    );
    for d in data.demo_runs.iter().take(LIST_MAX) {
        out.push(texts.my_data_demo_line.fill(&[
            ("demo", &d.demo),
            ("n", &d.n),
            ("date", &d.started_at.format("%Y-%m-%d %H:%M")),
        ]));
    }
    if data.demo_runs.len() > LIST_MAX {
        out.push(more(data.demo_runs.len() - LIST_MAX));
    }
    out.extend(exercise_lines(catalog, data));
    let rt = &catalog.review_texts;
    out.push(
        rt.my_data_cards
            .fill(&[("count", &data.review_cards), ("ratings", &data.review_log)]),
    );
    out.push(match &data.reminder {
        Some(r) if r.enabled => rt.my_data_reminder.fill(&[
            (
                "at",
                &format!("{:02}:{:02}", r.at_minute / 60, r.at_minute % 60),
            ),
            ("timezone", &r.timezone),
        ]),
        _ => rt.my_data_no_reminder.as_str().to_string(),
    });
    out.push(String::new());
    out.push(texts.my_data_footer.as_str().to_string());
    let embed = CreateEmbed::new()
        .title(texts.my_data_title.as_str())
        .description(truncate(&out.join("\n"), limits::EMBED_DESCRIPTION_MAX))
        .colour(COLOUR);
    CreateInteractionResponse::Message(super::message().embed(embed).ephemeral(true))
}

/// The exercise attempts: a heading, then one compact line a lesson (each
/// exercise's tries and passes, and the newest date; never the code).
fn exercise_lines(catalog: &Catalog, data: &LearnerData) -> Vec<String> {
    let t = &catalog.lab_texts;
    let tries: i64 = data.exercises.iter().map(|e| e.tries).sum();
    let mut out = vec![t.my_data_exercises.fill(&[("count", &tries)])];
    let mut lessons: Vec<&str> = data
        .exercises
        .iter()
        .map(|e| e.lesson_id.as_str())
        .collect();
    lessons.dedup();
    for lesson in lessons.into_iter().take(LIST_MAX) {
        let mine: Vec<_> = data
            .exercises
            .iter()
            .filter(|e| e.lesson_id == lesson)
            .collect();
        let items = mine
            .iter()
            .map(|e| {
                t.my_data_exercise_item.fill(&[
                    ("exercise", &e.exercise_id),
                    ("tries", &e.tries),
                    ("passes", &e.passes),
                ])
            })
            .collect::<Vec<_>>()
            .join(", ");
        let newest = mine.iter().map(|e| e.newest).max();
        out.push(t.my_data_exercise_lesson.fill(&[
            ("lesson", &lesson),
            ("exercises", &items),
            (
                "date",
                &newest.map_or_else(String::new, |d| d.format("%Y-%m-%d %H:%M").to_string()),
            ),
        ]));
    }
    out
}

/// `/forget-me`: asks first, with a confirm and a cancel button.
pub fn confirm_forget(catalog: &Catalog, who: Learner) -> CreateInteractionResponse {
    let texts = &catalog.texts;
    notice_with(
        texts.forget_confirm.as_str(),
        vec![
            button(
                id(who, Action::ForgetConfirm),
                texts.button_forget_yes.as_str(),
                ButtonStyle::Danger,
            ),
            button(
                id(who, Action::ForgetCancel),
                texts.button_forget_no.as_str(),
                ButtonStyle::Secondary,
            ),
        ],
    )
}

/// Forgotten: said in place of the question.
pub fn forgotten(catalog: &Catalog) -> CreateInteractionResponse {
    update_text(catalog.texts.forget_done.as_str())
}

/// The cancel button.
pub fn cancelled(catalog: &Catalog) -> CreateInteractionResponse {
    update_text(catalog.texts.forget_cancelled.as_str())
}

fn update_text(text: &str) -> CreateInteractionResponse {
    CreateInteractionResponse::UpdateMessage(super::message().content(text).components(vec![]))
}

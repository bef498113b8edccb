//! `/my-data` and `/forget-me`.

use chrono::{DateTime, Utc};
use serenity::all::{ButtonStyle, CreateEmbed, CreateInteractionResponse};

use super::{button, id, notice, notice_with, truncate, COLOUR};
use crate::content::{Catalog, LessonKey, Scope};
use crate::core::button::Action;
use crate::core::limits;
use crate::core::request::Learner;
use crate::store::{AuthorRole, LearnerData};

/// `/my-data`: everything stored about the learner, grouped by lesson (a
/// line a kind of record, with its count and newest date), then what is not
/// about one lesson (demos, review cards, the reminder). Kinds with nothing
/// stored are left out.
pub fn my_data(catalog: &Catalog, who: Learner, data: &LearnerData) -> CreateInteractionResponse {
    let texts = &catalog.texts;
    if !data.known && data.authored.is_empty() {
        return notice(texts.my_data_nothing.as_str());
    }
    // Someone known only as a lesson's uploader has never used a lesson:
    // there is no first day to name.
    let intro = match data.since {
        Some(since) => texts.my_data_intro.fill(&[
            ("id", &who.id),
            ("since", &since.format("%Y-%m-%d").to_string()),
        ]),
        None => texts.my_data_intro_author_only.fill(&[("id", &who.id)]),
    };
    let mut out = vec![intro];
    for group in by_lesson(catalog, data) {
        out.push(String::new());
        out.push(group.heading);
        out.extend(group.lines);
    }
    if !data.authored.is_empty() {
        out.push(String::new());
        out.push(texts.my_data_authored_title.as_str().to_string());
        out.extend(authored_lines(catalog, data));
    }
    // The review cards' line brings its own blank line before it.
    if let Some(line) = demos_line(catalog, data) {
        out.push(String::new());
        out.push(line);
    }
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

/// One lesson's part of `/my-data`: a heading and a line a kind of record.
struct Group {
    heading: String,
    lines: Vec<String>,
}

/// The lessons the learner has records in, each named by its scope and
/// id: the catalog's order first, then lessons not served here (no longer
/// served, or another server's: their records are still shown, each
/// server's lessons named with the server), by scope and id. Each kind of
/// record adds its line here.
fn by_lesson(catalog: &Catalog, data: &LearnerData) -> Vec<Group> {
    let texts = &catalog.texts;
    let mut keys: Vec<LessonKey<'_>> = data
        .marks
        .iter()
        .map(|m| LessonKey::new(m.scope, &m.lesson_id))
        .chain(
            data.attempts
                .iter()
                .map(|a| LessonKey::new(a.scope, &a.lesson_id)),
        )
        .chain(
            data.exercises
                .iter()
                .map(|e| LessonKey::new(e.scope, &e.lesson_id)),
        )
        .collect();
    let served = |key: &LessonKey<'_>| catalog.lessons().iter().position(|l| l.key() == *key);
    keys.sort_by_key(|key| (served(key).unwrap_or(usize::MAX), key.scope, key.id));
    keys.dedup();
    keys.into_iter()
        .map(|key| {
            let lesson = key.id;
            let here = served(&key).map(|at| &catalog.lessons()[at]);
            let heading = match (here, key.scope) {
                (Some(l), Scope::BuiltIn) => texts
                    .my_data_lesson
                    .fill(&[("lesson", &lesson), ("title", &l.title)]),
                (Some(l), Scope::Server(server)) => texts.my_data_pack_lesson.fill(&[
                    ("lesson", &lesson),
                    ("title", &l.title),
                    ("server", &server),
                ]),
                (None, Scope::BuiltIn) => texts.my_data_lesson_gone.fill(&[("lesson", &lesson)]),
                (None, Scope::Server(server)) => texts
                    .my_data_pack_lesson_elsewhere
                    .fill(&[("lesson", &lesson), ("server", &server)]),
            };
            let lines = [
                marks_line(catalog, data, key),
                attempts_line(catalog, data, key),
                exercises_line(catalog, data, key),
            ]
            .into_iter()
            .flatten()
            .collect();
            Group { heading, lines }
        })
        .filter(|g: &Group| !g.lines.is_empty())
        .collect()
}

fn date(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// "Checklist: 5 ticked, 1 unticked · newest 2026-11-26 14:03 UTC".
fn marks_line(catalog: &Catalog, data: &LearnerData, lesson: LessonKey<'_>) -> Option<String> {
    let texts = &catalog.texts;
    let marks: Vec<_> = data
        .marks
        .iter()
        .filter(|m| LessonKey::new(m.scope, &m.lesson_id) == lesson)
        .collect();
    let newest = marks.iter().map(|m| m.updated_at).max()?;
    let ticked = marks.iter().filter(|m| m.ticked).count();
    let counts = [
        (ticked, &texts.my_data_ticked),
        (marks.len() - ticked, &texts.my_data_unticked),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, t)| t.fill(&[("count", &n)]))
    .collect::<Vec<_>>()
    .join(", ");
    Some(
        texts
            .my_data_marks_line
            .fill(&[("counts", &counts), ("date", &date(newest))]),
    )
}

/// "Quiz: 2 attempts, best 7 of 7 · newest …"; attempts with no answer
/// are left out, as there is nothing in them to show.
fn attempts_line(catalog: &Catalog, data: &LearnerData, lesson: LessonKey<'_>) -> Option<String> {
    let texts = &catalog.texts;
    let attempts: Vec<_> = data
        .attempts
        .iter()
        .filter(|a| LessonKey::new(a.scope, &a.lesson_id) == lesson && a.answered > 0)
        .collect();
    let newest = attempts.iter().map(|a| a.started_at).max()?;
    let best = attempts.iter().max_by_key(|a| (a.right, a.answered))?;
    let count = match attempts.len() {
        1 => texts.my_data_attempts_one.as_str().to_string(),
        n => texts.my_data_attempts_many.fill(&[("count", &n)]),
    };
    Some(texts.my_data_attempts_line.fill(&[
        ("attempts", &count),
        ("right", &best.right),
        ("answered", &best.answered),
        ("date", &date(newest)),
    ]))
}

/// "🧪 Exercises: `gather` 2 tried, 1 passed, … · newest …" (never the code).
fn exercises_line(catalog: &Catalog, data: &LearnerData, lesson: LessonKey<'_>) -> Option<String> {
    let t = &catalog.lab_texts;
    let mine: Vec<_> = data
        .exercises
        .iter()
        .filter(|e| LessonKey::new(e.scope, &e.lesson_id) == lesson)
        .collect();
    let newest = mine.iter().map(|e| e.newest).max()?;
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
    Some(
        t.my_data_exercise_lesson
            .fill(&[("exercises", &items), ("date", &date(newest))]),
    )
}

/// One line a stored version of a server's lesson that names the person:
/// "`intro` version 2, server `…`: uploaded …, published …".
fn authored_lines(catalog: &Catalog, data: &LearnerData) -> Vec<String> {
    let texts = &catalog.texts;
    let mut lines: Vec<String> = Vec::new();
    let mut current: Option<(Scope, &str, i32)> = None;
    let mut roles: Vec<String> = Vec::new();
    let mut flush = |current: Option<(Scope, &str, i32)>, roles: &mut Vec<String>| {
        if let Some((scope, lesson, version)) = current {
            lines.push(texts.my_data_authored_line.fill(&[
                ("lesson", &lesson),
                ("version", &version),
                ("server", &scope.guild().unwrap_or_default()),
                ("roles", &roles.join(", ")),
            ]));
        }
        roles.clear();
    };
    // The store orders them by server, lesson, version and role.
    for a in &data.authored {
        let key = (a.scope, a.lesson_id.as_str(), a.version);
        if current != Some(key) {
            flush(current, &mut roles);
            current = Some(key);
        }
        let role = match a.role {
            AuthorRole::Uploaded => &texts.my_data_role_uploaded,
            AuthorRole::Published => &texts.my_data_role_published,
            AuthorRole::Served => &texts.my_data_role_served,
        };
        roles.push(role.fill(&[("date", &date(a.at))]));
    }
    flush(current, &mut roles);
    lines
}

/// "Demos: 3 runs (gather ×2, blocking ×1) · newest …".
fn demos_line(catalog: &Catalog, data: &LearnerData) -> Option<String> {
    let texts = &catalog.texts;
    let newest = data.demo_runs.iter().map(|d| d.started_at).max()?;
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for d in &data.demo_runs {
        match kinds.iter_mut().find(|(k, _)| *k == d.demo) {
            Some((_, n)) => *n += 1,
            None => kinds.push((&d.demo, 1)),
        }
    }
    let kinds = kinds
        .iter()
        .map(|(k, n)| texts.my_data_demo_kind.fill(&[("demo", k), ("count", n)]))
        .collect::<Vec<_>>()
        .join(", ");
    Some(texts.my_data_demos_line.fill(&[
        ("count", &data.demo_runs.len()),
        ("kinds", &kinds),
        ("date", &date(newest)),
    ]))
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

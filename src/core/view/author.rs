//! `/author`'s views: refusals, an upload's mistakes, its preview with
//! Publish and Cancel, and the answers to list, history, rollback,
//! remove, export and role.
//!
//! Everything a teacher wrote is drawn through [`super::message`] and
//! [`super::edit`], so allowed mentions are none: an `@everyone` in a
//! lesson shows as text and pings no one. Every answer is ephemeral: a
//! server's lessons change only when Publish is pressed.

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAttachment, CreateEmbed, CreateInteractionResponse,
    EditInteractionResponse,
};

use super::{button, edit, message, notice, truncate, COLOUR};
use crate::content::pack::{Format, PackLesson};
use crate::content::{AuthorTexts, Catalog, Diagnostics};
use crate::core::author::{deferral, AuthorOutcome};
use crate::core::error::AuthorRefusal;
use crate::core::limits;
use crate::core::request::{AUTHOR_CANCEL, AUTHOR_PUBLISH};
use crate::store::{PackDraft, ServedSource};

/// How many `file:line` mistakes an answer lists; the rest are counted.
pub const PROBLEMS_SHOWN: usize = 15;

/// The words for a refusal.
pub fn refusal(t: &AuthorTexts, why: &AuthorRefusal) -> String {
    match why {
        AuthorRefusal::Off => t.author_off.to_string(),
        AuthorRefusal::GuildOnly => t.author_guild_only.to_string(),
        AuthorRefusal::Forbidden => t.author_forbidden.to_string(),
        AuthorRefusal::RoleForbidden => t.author_role_forbidden.to_string(),
        AuthorRefusal::Host(host) => t.author_host.fill(&[("host", &code_safe(host, 60))]),
        AuthorRefusal::TooBig { size, max } => {
            t.author_too_big.fill(&[("size", size), ("max", max)])
        }
        AuthorRefusal::UnknownLesson(lesson) => t
            .author_unknown_lesson
            .fill(&[("lesson", &code_safe(lesson, 40))]),
        AuthorRefusal::NoVersion { lesson, version } => t
            .author_no_version
            .fill(&[("lesson", &code_safe(lesson, 40)), ("version", version)]),
        AuthorRefusal::Gone => t.author_gone.to_string(),
        AuthorRefusal::TooMany { would_be, max } => t
            .author_too_many
            .fill(&[("would_be", would_be), ("max", max)]),
        AuthorRefusal::TooLarge { would_be, max } => t
            .author_too_large
            .fill(&[("would_be", would_be), ("max", max)]),
    }
}

/// Who uploaded a version: a mention (which pings no one: allowed mentions
/// are none), or "a former member" once they used `/forget-me`.
fn uploader(t: &AuthorTexts, by: u64) -> String {
    if by == crate::store::FORMER_MEMBER {
        t.author_former_member.to_string()
    } else {
        format!("<@{by}>")
    }
}

/// Typed text shown inside backticks: cut, with no backtick to break out.
fn code_safe(text: &str, max: usize) -> String {
    truncate(&text.trim().replace('`', "'"), max)
}

/// The answer to a decided request.
pub fn outcome(catalog: &Catalog, outcome: &AuthorOutcome) -> CreateInteractionResponse {
    let t = &catalog.author_texts;
    match outcome {
        AuthorOutcome::Deferred => deferral(),
        AuthorOutcome::List(entries) if entries.is_empty() => notice(t.author_list_empty.as_str()),
        AuthorOutcome::List(entries) => {
            let lines: Vec<String> = entries
                .iter()
                .map(|e| {
                    t.author_list_line.fill(&[
                        ("id", &e.lesson_id),
                        ("version", &e.version),
                        ("title", &e.title),
                        ("when", &relative(e.published_at)),
                    ])
                })
                .collect();
            embed_notice(t.author_list_title.as_str(), &lines)
        }
        AuthorOutcome::History {
            lesson,
            versions,
            kept,
        } => {
            let mut lines: Vec<String> = versions
                .iter()
                .map(|v| {
                    let state = if v.current {
                        t.author_state_current.as_str()
                    } else if v.published {
                        t.author_state_published.as_str()
                    } else {
                        t.author_state_draft.as_str()
                    };
                    t.author_history_line.fill(&[
                        ("version", &v.version),
                        ("title", &v.title),
                        ("by", &uploader(t, v.uploaded_by)),
                        ("when", &relative(v.created_at)),
                        ("state", &state),
                    ])
                })
                .collect();
            lines.push(String::new());
            lines.push(t.author_history_kept.fill(&[("kept", kept)]));
            embed_notice(&t.author_history_title.fill(&[("lesson", lesson)]), &lines)
        }
        AuthorOutcome::RolledBack { lesson, version } => notice(
            &t.author_rolled_back
                .fill(&[("lesson", lesson), ("version", version)]),
        ),
        AuthorOutcome::Removed { lesson } => notice(&t.author_removed.fill(&[("lesson", lesson)])),
        AuthorOutcome::RoleSet { role } => {
            notice(&t.author_role_set.fill(&[("role", &format!("<@&{role}>"))]))
        }
        AuthorOutcome::Published { versions, already } => {
            let lessons = versions
                .iter()
                .map(|(id, v)| format!("`{id}` ({v})"))
                .collect::<Vec<_>>()
                .join(", ");
            let text = if *already {
                t.author_already_published.fill(&[("lessons", &lessons)])
            } else {
                t.author_published.fill(&[("lessons", &lessons)])
            };
            replace_preview(&text)
        }
        AuthorOutcome::Cancelled => replace_preview(t.author_cancelled.as_str()),
    }
}

/// The preview message, replaced by a line of text and no buttons.
fn replace_preview(text: &str) -> CreateInteractionResponse {
    CreateInteractionResponse::UpdateMessage(
        message()
            .content(truncate(text, limits::CONTENT_MAX))
            .embeds(Vec::new())
            .components(Vec::new()),
    )
}

/// An ephemeral embed of lines, cut to Discord's description limit.
fn embed_notice(title: &str, lines: &[String]) -> CreateInteractionResponse {
    let embed = CreateEmbed::new()
        .title(truncate(title, limits::EMBED_TITLE_MAX))
        .description(lines_within(lines, limits::EMBED_DESCRIPTION_MAX))
        .colour(COLOUR);
    CreateInteractionResponse::Message(message().embed(embed).ephemeral(true))
}

/// As many whole lines as fit in `max` characters.
fn lines_within(lines: &[String], max: usize) -> String {
    let mut out = String::new();
    for line in lines {
        let line = truncate(line, max);
        if out.chars().count() + line.chars().count() + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&line);
    }
    out
}

/// A Discord timestamp, shown relative ("3 minutes ago") in the reader's
/// own locale.
fn relative(at: chrono::DateTime<chrono::Utc>) -> String {
    format!("<t:{}:R>", at.timestamp())
}

/// An edit of the deferred answer that is one line of text.
pub fn text_edit(text: &str) -> EditInteractionResponse {
    edit().content(truncate(text, limits::CONTENT_MAX))
}

/// An upload's mistakes, each as `file:line: what is wrong`.
pub fn problems(t: &AuthorTexts, filename: &str, diags: &Diagnostics) -> EditInteractionResponse {
    let head = t.author_problems.fill(&[
        ("count", &diags.len()),
        ("file", &code_safe(filename, 80).replace('*', "")),
    ]);
    let lines: Vec<String> = diags
        .iter()
        .take(PROBLEMS_SHOWN)
        .map(|d| truncate(&d.to_string().replace("```", "'''"), 200))
        .collect();
    // The whole answer stays within a message's 2000 characters.
    let room = limits::CONTENT_MAX - head.chars().count() - 80;
    let mut listed = lines_within(&lines, room);
    let shown = listed.lines().count();
    let hidden = diags.len() - shown;
    if hidden > 0 {
        listed.push('\n');
        listed.push_str(&t.author_more_problems.fill(&[("count", &hidden)]));
    }
    text_edit(&format!("{head}\n```\n{listed}\n```"))
}

/// The preview of a stored draft: the first lesson's first page as a
/// learner will see it, what the upload holds, Publish and Cancel.
pub fn preview(
    catalog: &Catalog,
    draft: &PackDraft,
    lessons: &[PackLesson],
) -> EditInteractionResponse {
    let t = &catalog.author_texts;
    let mut embeds = Vec::new();
    if let Some(first) = lessons.first() {
        let pages = first.lesson.sections[0].pages();
        embeds.push(super::lesson::section_embed(
            catalog,
            &first.lesson,
            0,
            0,
            &pages,
        ));
    }
    let lines: Vec<String> = lessons
        .iter()
        .map(|l| {
            let version = draft
                .versions
                .iter()
                .find(|(id, _)| *id == l.lesson.id)
                .map_or(0, |(_, v)| *v);
            t.author_preview_lesson.fill(&[
                ("id", &l.lesson.id),
                ("version", &version),
                ("title", &l.lesson.title),
                ("sections", &l.lesson.sections.len()),
                (
                    "questions",
                    &l.lesson.quiz.as_ref().map_or(0, |q| q.questions.len()),
                ),
            ])
        })
        .collect();
    embeds.push(
        CreateEmbed::new()
            .title(truncate(
                t.author_preview_lessons_title.as_str(),
                limits::EMBED_TITLE_MAX,
            ))
            .description(lines_within(&lines, 1200))
            .colour(COLOUR),
    );
    let buttons = vec![
        button(
            format!("{AUTHOR_PUBLISH}{}", draft.upload),
            t.button_publish.as_str(),
            ButtonStyle::Success,
        ),
        button(
            format!("{AUTHOR_CANCEL}{}", draft.upload),
            t.button_cancel.as_str(),
            ButtonStyle::Secondary,
        ),
    ];
    edit()
        .content(truncate(
            &t.author_preview.fill(&[("count", &lessons.len())]),
            limits::CONTENT_MAX,
        ))
        .embeds(embeds)
        .components(vec![CreateActionRow::Buttons(buttons)])
}

/// A lesson's source, as a file.
pub fn exported(t: &AuthorTexts, served: &ServedSource) -> EditInteractionResponse {
    let lesson = &served.source.lesson_id;
    let format = Format::parse(&served.source.format).unwrap_or(Format::Md);
    text_edit(
        &t.author_exported
            .fill(&[("lesson", lesson), ("version", &served.version)]),
    )
    .new_attachment(CreateAttachment::bytes(
        served.source.source.clone(),
        format.file_name(lesson),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hundreds_of_mistakes_fit_one_message_and_the_rest_are_counted() {
        let catalog = Catalog::built_in().unwrap();
        let mut diags = Diagnostics::default();
        for i in 0..300 {
            diags.push(
                std::path::Path::new("lessons/a-long-folder-name/quiz.toml"),
                i + 1,
                "x".repeat(150),
            );
        }
        let edit =
            serde_json::to_value(problems(&catalog.author_texts, "pack.zip", &diags)).unwrap();
        let content = edit["content"].as_str().unwrap();
        assert!(
            content.chars().count() <= limits::CONTENT_MAX,
            "{}",
            content.len()
        );
        assert!(content.contains("lessons/a-long-folder-name/quiz.toml:1: xxx"));
        let shown = content.matches("quiz.toml:").count();
        assert!((5..=PROBLEMS_SHOWN).contains(&shown), "{shown}");
        assert!(
            content.contains(&format!("…and {} more.", 300 - shown)),
            "{content}"
        );
        assert_eq!(edit["allowed_mentions"]["parse"], serde_json::json!([]));
    }
}

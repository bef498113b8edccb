//! Every refusal and every failure, drawn in one place.
//!
//! A refusal says what to do instead, with a button where one helps (start
//! again, your own quiz); a failure says to try again. Both are ephemeral
//! notices: they change no message the learner already has.

use serenity::all::{ButtonStyle, CreateInteractionResponse};

use super::progress::open_lessons;
use super::{button, notice, notice_with, quiz_start_id, section_id, truncate};
use crate::content::{Catalog, Lesson};
use crate::core::error::{Failure, Refusal};
use crate::core::limits;
use crate::core::request::Learner;

/// The answer to a refusal.
pub fn refusal(catalog: &Catalog, who: Learner, refusal: &Refusal) -> CreateInteractionResponse {
    let texts = &catalog.texts;
    let demo = &catalog.demo_texts;
    match refusal {
        Refusal::UnknownCommand(command) => {
            notice(&texts.unknown_command.fill(&[("command", command)]))
        }
        Refusal::MissingLesson => with_lessons(
            catalog,
            who,
            texts.lesson_missing.as_str(),
            catalog.lessons().iter(),
        ),
        Refusal::UnknownLesson(id) => unknown_lesson(catalog, who, id),
        Refusal::UnknownButton => with_lessons(
            catalog,
            who,
            texts.unknown_button.as_str(),
            catalog.lessons().iter(),
        ),
        Refusal::NotYourButton => notice(texts.not_your_button.as_str()),
        Refusal::NotYourQuiz { lesson } => match catalog.lesson(lesson) {
            Some(l) => match &l.quiz {
                Some(quiz) => notice_with(
                    texts.quiz_not_yours.as_str(),
                    vec![button(
                        quiz_start_id(who, l, quiz),
                        texts.button_own_quiz.as_str(),
                        ButtonStyle::Primary,
                    )],
                ),
                None => notice(texts.unknown_button.as_str()),
            },
            None => notice(texts.unknown_button.as_str()),
        },
        Refusal::StaleLesson { lesson } => match catalog.lesson(lesson) {
            Some(l) => notice_with(
                &texts.stale_lesson.fill(&[("lesson", &l.title)]),
                vec![button(
                    section_id(who, l, 0),
                    texts.button_start_again.as_str(),
                    ButtonStyle::Primary,
                )],
            ),
            None => unknown_lesson(catalog, who, lesson),
        },
        Refusal::StaleQuiz { lesson } => match catalog.lesson(lesson) {
            Some(l) => match &l.quiz {
                Some(quiz) => notice_with(
                    &texts.quiz_stale.fill(&[("lesson", &l.title)]),
                    vec![button(
                        quiz_start_id(who, l, quiz),
                        texts.button_start_again.as_str(),
                        ButtonStyle::Primary,
                    )],
                ),
                None => notice(texts.unknown_button.as_str()),
            },
            None => notice(texts.unknown_button.as_str()),
        },
        Refusal::NoQuiz { lesson } => match catalog.lesson(lesson) {
            // The next step: back to reading it.
            Some(l) => with_lessons(
                catalog,
                who,
                &texts.quiz_none.fill(&[("lesson", &l.title)]),
                std::iter::once(l),
            ),
            None => notice(&texts.quiz_none.fill(&[("lesson", lesson)])),
        },
        Refusal::NotMastered => notice(texts.quiz_not_mastered.as_str()),
        Refusal::GuildOnly => notice(texts.quiz_stats_guild_only.as_str()),
        Refusal::Forbidden => notice(texts.quiz_stats_forbidden.as_str()),
        Refusal::DemoUnavailable => notice(demo.unavailable.as_str()),
        Refusal::OutOfRange {
            name,
            value,
            min,
            max,
        } => notice(&demo.out_of_range.fill(&[
            ("name", name),
            ("value", value),
            ("min", min),
            ("max", max),
        ])),
        Refusal::Cooldown { seconds } => notice(&demo.cooldown.fill(&[("seconds", seconds)])),
        Refusal::Throttled => notice(texts.slow_down.as_str()),
        Refusal::StaleReview { .. } => notice(catalog.review_texts.review_stale.as_str()),
        Refusal::BadTime(at) => notice(
            &catalog
                .review_texts
                .remind_bad_time
                .fill(&[("at", &truncate(&at.replace('`', "'"), 20))]),
        ),
        Refusal::BadTimezone(tz) => notice(
            &catalog
                .review_texts
                .remind_bad_timezone
                .fill(&[("timezone", &truncate(&tz.replace('`', "'"), 60))]),
        ),
        Refusal::LabOff { .. }
        | Refusal::LabStarting
        | Refusal::LabAlreadyRunning
        | Refusal::LabFull { .. }
        | Refusal::BadCode(_) => notice(&super::lab::refusal(&catalog.lab_texts, refusal)),
        Refusal::UnknownExercise { .. } | Refusal::NotPassed => {
            notice(&super::exercise::refusal(catalog, refusal))
        }
        Refusal::Author(why) => notice(&super::author::refusal(&catalog.author_texts, why)),
    }
}

/// The answer to our failure: nothing changed, try again.
pub fn failure(catalog: &Catalog, failure: &Failure) -> CreateInteractionResponse {
    let texts = &catalog.texts;
    notice(match failure {
        Failure::Load(_) => texts.load_failed.as_str(),
        Failure::Save(_) => texts.save_failed.as_str(),
    })
}

/// A lesson id we do not have: the closest ones we do, each a button.
fn unknown_lesson(catalog: &Catalog, who: Learner, id: &str) -> CreateInteractionResponse {
    let closest = catalog.closest(id);
    let suggestions = closest
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let shown = truncate(id.trim(), 40);
    let text = catalog
        .texts
        .unknown_lesson
        .fill(&[("lesson", &shown), ("suggestions", &suggestions)]);
    let lessons = closest.iter().filter_map(|s| catalog.lesson(s));
    with_lessons(catalog, who, &text, lessons)
}

/// A refusal with its next step: a button to open each lesson named.
fn with_lessons<'a>(
    catalog: &Catalog,
    who: Learner,
    text: &str,
    lessons: impl Iterator<Item = &'a Lesson>,
) -> CreateInteractionResponse {
    CreateInteractionResponse::Message(
        super::message()
            .content(truncate(text, limits::CONTENT_MAX))
            .components(open_lessons(catalog, who, lessons))
            .ephemeral(true),
    )
}

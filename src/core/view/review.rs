//! `/review`'s views: a card's question, the answer to a choice, the rating
//! buttons, and what is coming when nothing is due; plus time in words.
//! A card looks like a quiz question: choices lettered in the embed, one
//! row of letter buttons (the pieces are the quiz view's).

use chrono::{DateTime, Utc};
use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAutocompleteResponse, CreateEmbed, CreateEmbedFooter,
    CreateInteractionResponse,
};

use super::quiz::{answered_buttons, letter_buttons, lettered};
use super::{button, id, show, truncate, COLOUR, COLOUR_DONE, COLOUR_WRONG};
use crate::content::{Catalog, ReviewTexts};
use crate::core::button::Action;
use crate::core::limits;
use crate::core::remind::{suggest_timezones, RemindSet};
use crate::core::request::Learner;
use crate::core::review::{CardAt, ReviewStep};

/// One step of a review session.
pub fn step(catalog: &Catalog, who: Learner, step: &ReviewStep) -> CreateInteractionResponse {
    let t = &catalog.review_texts;
    match step {
        ReviewStep::Card { at, due, in_place } => card(catalog, who, at, *due, *in_place),
        ReviewStep::Wrong {
            at,
            picked,
            next_due,
            now,
        } => {
            let q = &at.question;
            let texts = &catalog.texts;
            let c = &q.choices[*picked];
            let lines = [
                q.prompt.clone(),
                String::new(),
                lettered(catalog, q, &at.choice_order(), Some(Some(*picked))),
                String::new(),
                texts
                    .quiz_wrong
                    .fill(&[("why", &c.why_wrong.clone().unwrap_or_default())]),
                texts
                    .quiz_explanation
                    .fill(&[("explanation", &q.explanation)]),
                String::new(),
                t.review_next_due
                    .fill(&[("when", &in_words(t, *now, *next_due))]),
            ];
            answered(catalog, who, at, &lines, Some(*picked), COLOUR_WRONG)
        }
        ReviewStep::Right { at } => right(catalog, who, at),
        ReviewStep::Rated { at, next_due, now } => {
            let lines = [
                at.question.prompt.clone(),
                String::new(),
                lettered(catalog, &at.question, &at.choice_order(), Some(None)),
                String::new(),
                catalog.texts.quiz_right.as_str().to_string(),
                catalog
                    .texts
                    .quiz_explanation
                    .fill(&[("explanation", &at.question.explanation)]),
                String::new(),
                t.review_next_due
                    .fill(&[("when", &in_words(t, *now, *next_due))]),
            ];
            answered(catalog, who, at, &lines, None, COLOUR_DONE)
        }
        ReviewStep::Counted { at, next_due, now } => {
            let lines = [
                at.question.prompt.clone(),
                String::new(),
                t.review_counted.as_str().to_string(),
                t.review_next_due
                    .fill(&[("when", &in_words(t, *now, *next_due))]),
            ];
            answered(catalog, who, at, &lines, None, COLOUR)
        }
        ReviewStep::Nothing {
            outlook,
            now,
            in_place,
        } => {
            let text = match outlook.next_due {
                Some(next) => t.review_nothing.fill(&[
                    ("when", &in_words(t, *now, next)),
                    ("cards", &cards(t, outlook.due_then)),
                ]),
                None => t.review_none_yet.as_str().to_string(),
            };
            let embed = CreateEmbed::new()
                .title(t.review_nothing_title.as_str())
                .description(truncate(&text, limits::EMBED_DESCRIPTION_MAX))
                .colour(COLOUR_DONE);
            show(*in_place, None, embed, Vec::new())
        }
    }
}

fn embed(catalog: &Catalog, at: &CardAt, due: Option<usize>) -> CreateEmbed {
    let t = &catalog.review_texts;
    let mut e = CreateEmbed::new()
        .title(truncate(
            &t.review_title.fill(&[("lesson", &at.lesson_title)]),
            limits::EMBED_TITLE_MAX,
        ))
        .colour(COLOUR);
    if let Some(due) = due {
        e = e.footer(CreateEmbedFooter::new(
            t.review_footer.fill(&[("due", &due)]),
        ));
    }
    e
}

fn card(
    catalog: &Catalog,
    who: Learner,
    at: &CardAt,
    due: usize,
    in_place: bool,
) -> CreateInteractionResponse {
    let q = &at.question;
    let order = at.choice_order();
    let row = letter_buttons(&order, |ci| {
        let answer = Action::ReviewAnswer {
            lesson: at.lesson_id.clone(),
            version: at.version.clone(),
            scope: at.scope(),
            question: at.index as u8,
            reps: at.card.card.reps,
            choice: ci as u8,
        };
        id(who, answer)
    });
    let text = format!("{}\n\n{}", q.prompt, lettered(catalog, q, &order, None));
    let embed =
        embed(catalog, at, Some(due)).description(truncate(&text, limits::EMBED_DESCRIPTION_MAX));
    show(in_place, None, embed, vec![row])
}

/// A right choice: the choices shown answered, and Hard / Good / Easy.
fn right(catalog: &Catalog, who: Learner, at: &CardAt) -> CreateInteractionResponse {
    let t = &catalog.review_texts;
    let rate = |rating: u8, label: &str, style| {
        let action = Action::ReviewRate {
            lesson: at.lesson_id.clone(),
            version: at.version.clone(),
            scope: at.scope(),
            question: at.index as u8,
            reps: at.card.card.reps,
            rating,
        };
        button(id(who, action), label, style)
    };
    let order = at.choice_order();
    let text = format!(
        "{}\n\n{}\n\n{}",
        at.question.prompt,
        lettered(catalog, &at.question, &order, Some(None)),
        t.review_right.as_str()
    );
    let embed = embed(catalog, at, None)
        .description(truncate(&text, limits::EMBED_DESCRIPTION_MAX))
        .colour(COLOUR_DONE);
    let rows = vec![
        answered_buttons(&at.question, &order, None),
        CreateActionRow::Buttons(vec![
            rate(2, t.button_hard.as_str(), ButtonStyle::Secondary),
            rate(3, t.button_good.as_str(), ButtonStyle::Primary),
            rate(4, t.button_easy.as_str(), ButtonStyle::Success),
        ]),
    ];
    show(true, None, embed, rows)
}

/// A card answered: what to say, the choices shown answered, "Next card".
fn answered(
    catalog: &Catalog,
    who: Learner,
    at: &CardAt,
    lines: &[String],
    picked: Option<usize>,
    colour: u32,
) -> CreateInteractionResponse {
    let t = &catalog.review_texts;
    let embed = embed(catalog, at, None)
        .description(truncate(&lines.join("\n"), limits::EMBED_DESCRIPTION_MAX))
        .colour(colour);
    let rows = vec![
        answered_buttons(&at.question, &at.choice_order(), picked),
        CreateActionRow::Buttons(vec![button(
            id(who, Action::ReviewNext),
            t.button_next_card.as_str(),
            ButtonStyle::Primary,
        )]),
    ];
    show(true, None, embed, rows)
}

/// A new message with, when `told`, the notice that reminders found the
/// learner's DMs closed and were switched off, as its text.
pub fn with_dms_closed(
    catalog: &Catalog,
    shown: CreateInteractionResponse,
    told: bool,
) -> CreateInteractionResponse {
    match shown {
        CreateInteractionResponse::Message(m) if told => CreateInteractionResponse::Message(
            m.content(catalog.review_texts.remind_dms_closed.as_str()),
        ),
        other => other,
    }
}

/// `/remind on` done.
pub fn remind_on(catalog: &Catalog, set: &RemindSet) -> CreateInteractionResponse {
    super::notice(
        &catalog
            .review_texts
            .remind_on
            .fill(&[("at", &set.at), ("timezone", &set.timezone)]),
    )
}

/// `/remind off` done.
pub fn remind_off(catalog: &Catalog) -> CreateInteractionResponse {
    super::notice(catalog.review_texts.remind_off.as_str())
}

/// Time zone suggestions for `/remind`'s autocomplete.
pub fn timezones(typed: &str) -> CreateInteractionResponse {
    let mut response = CreateAutocompleteResponse::new();
    for name in suggest_timezones(typed) {
        response = response.add_string_choice(name, name);
    }
    CreateInteractionResponse::Autocomplete(response)
}

/// How far `then` is from `now`, in words: "now", "in 20 minutes",
/// "in 3 hours", "in 4 days" (rounded to the nearest unit).
pub fn in_words(t: &ReviewTexts, now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let secs = (then - now).num_seconds();
    let round = |unit: i64| (secs + unit / 2) / unit;
    if secs < 60 {
        t.when_now.as_str().to_string()
    } else if secs < 60 * 60 - 30 {
        match round(60) {
            1 => t.when_minute.as_str().to_string(),
            n => t.when_minutes.fill(&[("n", &n)]),
        }
    } else if secs < 24 * 60 * 60 - 30 * 60 {
        match round(60 * 60) {
            1 => t.when_hour.as_str().to_string(),
            n => t.when_hours.fill(&[("n", &n)]),
        }
    } else {
        match round(24 * 60 * 60) {
            1 => t.when_day.as_str().to_string(),
            n => t.when_days.fill(&[("n", &n)]),
        }
    }
}

/// "1 card", "3 cards".
pub fn cards(t: &ReviewTexts, n: i64) -> String {
    match n {
        1 => t.cards_one.as_str().to_string(),
        n => t.cards_many.fill(&[("n", &n)]),
    }
}

/// "1 day", "3 days".
pub fn days(t: &ReviewTexts, n: i64) -> String {
    match n {
        1 => t.days_one.as_str().to_string(),
        n => t.days_many.fill(&[("n", &n)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn texts() -> ReviewTexts {
        let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/prompts"));
        crate::content::Catalog::load(dir).unwrap().review_texts
    }

    #[test]
    fn a_due_time_reads_as_words_rounded_to_its_unit() {
        let t = texts();
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let words = |d: Duration| in_words(&t, now, now + d);
        assert_eq!(words(Duration::seconds(-5)), "now");
        assert_eq!(words(Duration::seconds(30)), "now");
        assert_eq!(words(Duration::seconds(70)), "in 1 minute");
        assert_eq!(words(Duration::minutes(20)), "in 20 minutes");
        assert_eq!(words(Duration::minutes(59)), "in 59 minutes");
        assert_eq!(words(Duration::seconds(59 * 60 + 45)), "in 1 hour");
        assert_eq!(words(Duration::hours(3)), "in 3 hours");
        assert_eq!(words(Duration::hours(23)), "in 23 hours");
        assert_eq!(words(Duration::days(1)), "in 1 day");
        assert_eq!(words(Duration::days(4)), "in 4 days");
        assert_eq!(words(Duration::days(4) + Duration::hours(13)), "in 5 days");
        assert_eq!(cards(&t, 1), "1 card");
        assert_eq!(cards(&t, 3), "3 cards");
    }
}

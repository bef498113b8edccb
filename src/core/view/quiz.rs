//! The quiz's views: a question, the feedback on an answer, the results,
//! a tick from the results, and a server's statistics.

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedAuthor, CreateEmbedFooter,
    CreateInteractionResponse,
};

use super::{
    button, id, notice, quiz_start_id, rows, section_id, show, truncate, BUTTONS_PER_ROW, COLOUR,
    COLOUR_DONE, ROWS_MAX,
};
use crate::content::{Catalog, Lesson, Quiz};
use crate::core::button::Action;
use crate::core::limits;
use crate::core::quiz::{choice_order, score_on, MasteryTicked, QuizAt, QuizStats, QuizStep};
use crate::core::request::Learner;

/// One step of a quiz.
pub fn step(catalog: &Catalog, who: Learner, step: &QuizStep) -> CreateInteractionResponse {
    match step {
        QuizStep::Question {
            at,
            index,
            in_place,
        } => question(catalog, who, at, *index, *in_place),
        QuizStep::Feedback {
            at,
            index,
            picked,
            repeat,
            answered,
        } => feedback(catalog, who, at, *index, picked, *repeat, *answered),
        QuizStep::Results { at, ticked } => results(catalog, who, at, ticked),
    }
}

fn question_embed(
    catalog: &Catalog,
    lesson: &Lesson,
    quiz: &Quiz,
    index: usize,
    answered: usize,
) -> CreateEmbed {
    let texts = &catalog.texts;
    CreateEmbed::new()
        .author(CreateEmbedAuthor::new(&lesson.title))
        .title(
            texts
                .quiz_question_title
                .fill(&[("index", &(index + 1)), ("count", &quiz.questions.len())]),
        )
        .colour(COLOUR)
        .footer(CreateEmbedFooter::new(texts.quiz_footer.fill(&[
            ("answered", &answered),
            ("count", &quiz.questions.len()),
            ("lesson", &lesson.id),
        ])))
}

fn question(
    catalog: &Catalog,
    who: Learner,
    at: &QuizAt,
    index: usize,
    in_place: bool,
) -> CreateInteractionResponse {
    let q = &at.quiz.questions[index];
    let embed = question_embed(catalog, at.lesson, at.quiz, index, at.attempt.answers.len())
        .description(&q.prompt);
    let buttons = choice_order(at.attempt.seed, index, q.choices.len())
        .into_iter()
        .map(|ci| {
            let answer = Action::QuizAnswer {
                attempt: at.attempt.id,
                version: at.quiz.version.clone(),
                question: index as u8,
                choice: ci as u8,
            };
            button(id(who, answer), &q.choices[ci].text, ButtonStyle::Secondary)
        })
        .collect();
    show(
        in_place,
        None,
        embed,
        vec![CreateActionRow::Buttons(buttons)],
    )
}

/// Right or wrong, why, the right answer, and the way on.
fn feedback(
    catalog: &Catalog,
    who: Learner,
    at: &QuizAt,
    index: usize,
    picked: &str,
    repeat: bool,
    answered: usize,
) -> CreateInteractionResponse {
    let texts = &catalog.texts;
    let q = &at.quiz.questions[index];
    let right = q.right_choice();
    let mut lines = vec![q.prompt.clone(), String::new()];
    match q.choice(picked) {
        Some(c) if c.id == q.answer => lines.push(texts.quiz_right.as_str().to_string()),
        Some(c) => {
            lines.push(texts.quiz_wrong.fill(&[
                ("choice", &c.text),
                ("why", &c.why_wrong.clone().unwrap_or_default()),
            ]));
            lines.push(texts.quiz_right_answer.fill(&[("answer", &right.text)]));
        }
        None => lines.push(texts.quiz_right_answer.fill(&[("answer", &right.text)])),
    }
    lines.push(
        texts
            .quiz_explanation
            .fill(&[("explanation", &q.explanation)]),
    );
    if repeat {
        lines.push(String::new());
        lines.push(texts.quiz_already_answered.as_str().to_string());
    }
    let embed = question_embed(catalog, at.lesson, at.quiz, index, answered)
        .description(truncate(&lines.join("\n"), limits::EMBED_DESCRIPTION_MAX));
    let choices = choice_order(at.attempt.seed, index, q.choices.len())
        .into_iter()
        .map(|ci| {
            let c = &q.choices[ci];
            let style = if c.id == q.answer {
                ButtonStyle::Success
            } else if c.id == picked {
                ButtonStyle::Danger
            } else {
                ButtonStyle::Secondary
            };
            // Disabled buttons still need distinct ids.
            CreateButton::new(format!("done:{ci}"))
                .label(truncate(&c.text, limits::BUTTON_LABEL_MAX))
                .style(style)
                .disabled(true)
        })
        .collect();
    let last = answered >= at.quiz.questions.len();
    let next = Action::QuizNext {
        attempt: at.attempt.id,
        version: at.quiz.version.clone(),
    };
    let label = if last {
        &texts.button_results
    } else {
        &texts.button_next
    };
    let rows = vec![
        CreateActionRow::Buttons(choices),
        CreateActionRow::Buttons(vec![button(
            id(who, next),
            label.as_str(),
            ButtonStyle::Primary,
        )]),
    ];
    show(true, None, embed, rows)
}

/// The end: score, each objective, what to read again, and ticks on offer.
fn results(
    catalog: &Catalog,
    who: Learner,
    at: &QuizAt,
    ticked: &[String],
) -> CreateInteractionResponse {
    let texts = &catalog.texts;
    let QuizAt {
        lesson,
        quiz,
        attempt,
    } = at;
    let right = attempt.answers.iter().filter(|a| a.correct).count();
    let mut lines = vec![
        texts
            .quiz_score
            .fill(&[("right", &right), ("total", &quiz.questions.len())]),
        String::new(),
    ];
    let mut offers = Vec::new();
    for o in &lesson.objectives {
        let Some((got, asked)) = score_on(quiz, attempt, &o.id) else {
            continue;
        };
        if got == asked {
            lines.push(texts.quiz_objective_mastered.fill(&[
                ("text", &o.text),
                ("right", &got),
                ("total", &asked),
            ]));
            if !ticked.contains(&o.id) {
                offers.push(o);
            }
        } else {
            let section = lesson
                .section(&o.section)
                .map_or(o.section.as_str(), |s| s.title.as_str());
            lines.push(texts.quiz_objective_review.fill(&[
                ("text", &o.text),
                ("right", &got),
                ("total", &asked),
                ("section", &section),
            ]));
        }
    }
    let mut buttons = Vec::new();
    if !offers.is_empty() {
        lines.push(String::new());
        lines.push(texts.quiz_offer_ticks.as_str().to_string());
        for o in offers.iter().take(BUTTONS_PER_ROW * 3) {
            let tick = Action::QuizTick {
                lesson: lesson.id.clone(),
                version: lesson.version.clone(),
                objective: o.id.clone(),
            };
            buttons.push(button(
                id(who, tick),
                &texts.button_tick_objective.fill(&[("text", &o.text)]),
                ButtonStyle::Success,
            ));
        }
    }
    let mut rows = rows(buttons);
    rows.truncate(ROWS_MAX - 1);
    rows.push(CreateActionRow::Buttons(vec![
        button(
            quiz_start_id(who, lesson, quiz),
            texts.button_retake.as_str(),
            ButtonStyle::Primary,
        ),
        button(
            section_id(who, lesson, 0),
            texts.button_back_to_lesson.as_str(),
            ButtonStyle::Secondary,
        ),
    ]));
    let all_right = right == quiz.questions.len();
    let embed = CreateEmbed::new()
        .author(CreateEmbedAuthor::new(&lesson.title))
        .title(texts.quiz_results_title.as_str())
        .description(truncate(&lines.join("\n"), limits::EMBED_DESCRIPTION_MAX))
        .colour(if all_right { COLOUR_DONE } else { COLOUR });
    show(true, None, embed, rows)
}

/// "Tick it" done.
pub fn ticked(catalog: &Catalog, ticked: &MasteryTicked) -> CreateInteractionResponse {
    notice(
        &catalog
            .texts
            .quiz_ticked
            .fill(&[("text", &ticked.objective.text)]),
    )
}

/// `/quiz-stats`: each question, how many took it, how many got it right,
/// and the wrong choice picked most.
pub fn stats(catalog: &Catalog, stats: &QuizStats) -> CreateInteractionResponse {
    let texts = &catalog.texts;
    let mut lines = Vec::new();
    for (i, q) in stats.quiz.questions.iter().enumerate() {
        let Some(row) = stats.rows.iter().find(|r| r.question_id == q.id) else {
            continue;
        };
        let wrong = match &row.top_wrong {
            Some((choice, picks)) => texts.quiz_stats_wrong.fill(&[
                (
                    "choice",
                    &q.choice(choice)
                        .map_or(choice.as_str(), |c| c.text.as_str()),
                ),
                ("picks", picks),
            ]),
            None => texts.quiz_stats_no_wrong.as_str().to_string(),
        };
        let percent = if row.takers > 0 {
            row.right * 100 / row.takers
        } else {
            0
        };
        lines.push(texts.quiz_stats_line.fill(&[
            ("number", &(i + 1)),
            ("prompt", &truncate(&q.prompt, 90)),
            ("takers", &row.takers),
            ("percent", &percent),
            ("wrong", &wrong),
        ]));
    }
    if lines.is_empty() {
        lines.push(texts.quiz_stats_empty.as_str().to_string());
    }
    let embed = CreateEmbed::new()
        .title(
            texts
                .quiz_stats_title
                .fill(&[("lesson", &stats.lesson.title)]),
        )
        .description(truncate(&lines.join("\n\n"), limits::EMBED_DESCRIPTION_MAX))
        .colour(COLOUR);
    CreateInteractionResponse::Message(super::message().embed(embed).ephemeral(true))
}

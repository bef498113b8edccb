//! The quiz's views: a question, the feedback on an answer, the results,
//! a tick from the results, and a server's statistics.
//!
//! Choices are written in full in the embed, lettered A, B, C…, and the
//! buttons carry only the letters, in one row: a long choice never wraps a
//! button or gets cut. `/review` draws its cards with the same pieces
//! ([`lettered`], [`letter_buttons`], [`answered_buttons`]).

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedAuthor, CreateEmbedFooter,
    CreateInteractionResponse,
};

use super::{
    button, id, notice_with, quiz_start_id, section_id, select, show, truncate, Pick,
    BUTTONS_PER_ROW, COLOUR, COLOUR_DONE, COLOUR_RIGHT, COLOUR_WRONG, ROWS_MAX,
};
use crate::content::{Catalog, Lesson, Question, Quiz};
use crate::core::button::Action;
use crate::core::limits;
use crate::core::quiz::{
    choice_order, score_on, MasteryTicked, MasteryTickedAll, QuizAt, QuizStats, QuizStep,
};
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

/// A choice's letter: A, B, C, …
pub fn letter(position: usize) -> char {
    char::from(b'A' + (position % 26) as u8)
}

/// The choices of a question as lettered lines, in the order drawn; after an
/// answer each line carries its mark (the right one, a wrong pick), so the
/// right answer is said once, in the list.
pub fn lettered(
    catalog: &Catalog,
    q: &Question,
    order: &[usize],
    answered: Option<Option<usize>>,
) -> String {
    let texts = &catalog.texts;
    order
        .iter()
        .enumerate()
        .map(|(at, &ci)| {
            let c = &q.choices[ci];
            let template = match answered {
                Some(_) if c.id == q.answer => &texts.quiz_choice_right,
                Some(Some(picked)) if picked == ci => &texts.quiz_choice_wrong,
                _ => &texts.quiz_choice,
            };
            template.fill(&[("letter", &letter(at)), ("text", &c.text)])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One short lettered button a choice, in one row (a question has at most
/// five choices).
pub fn letter_buttons(order: &[usize], id_of: impl Fn(usize) -> String) -> CreateActionRow {
    CreateActionRow::Buttons(
        order
            .iter()
            .enumerate()
            .map(|(at, &ci)| button(id_of(ci), &letter(at).to_string(), ButtonStyle::Secondary))
            .collect(),
    )
}

/// The lettered buttons after an answer, greyed out: the right one green, a
/// wrong pick red.
pub fn answered_buttons(q: &Question, order: &[usize], picked: Option<usize>) -> CreateActionRow {
    CreateActionRow::Buttons(
        order
            .iter()
            .enumerate()
            .map(|(at, &ci)| {
                let style = if q.choices[ci].id == q.answer {
                    ButtonStyle::Success
                } else if Some(ci) == picked {
                    ButtonStyle::Danger
                } else {
                    ButtonStyle::Secondary
                };
                // Disabled buttons still need distinct ids.
                CreateButton::new(format!("done:{ci}"))
                    .label(letter(at).to_string())
                    .style(style)
                    .disabled(true)
            })
            .collect(),
    )
}

fn question(
    catalog: &Catalog,
    who: Learner,
    at: &QuizAt,
    index: usize,
    in_place: bool,
) -> CreateInteractionResponse {
    let q = &at.quiz.questions[index];
    let order = choice_order(at.attempt.seed, index, q.choices.len());
    let text = format!("{}\n\n{}", q.prompt, lettered(catalog, q, &order, None));
    let embed = question_embed(catalog, at.lesson, at.quiz, index, at.attempt.answers.len())
        .description(truncate(&text, limits::EMBED_DESCRIPTION_MAX));
    let row = letter_buttons(&order, |ci| {
        id(
            who,
            Action::QuizAnswer {
                attempt: at.attempt.id,
                version: at.quiz.version.clone(),
                question: index as u8,
                choice: ci as u8,
            },
        )
    });
    show(in_place, None, embed, vec![row])
}

/// Right or wrong (the colour bar says it too), why, and the way on.
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
    let order = choice_order(at.attempt.seed, index, q.choices.len());
    let picked_index = q.choices.iter().position(|c| c.id == picked);
    let right = picked == q.answer;
    let mut lines = vec![
        q.prompt.clone(),
        String::new(),
        lettered(catalog, q, &order, Some(picked_index)),
        String::new(),
    ];
    match q.choice(picked) {
        Some(_) if right => lines.push(texts.quiz_right.as_str().to_string()),
        Some(c) => lines.push(
            texts
                .quiz_wrong
                .fill(&[("why", &c.why_wrong.clone().unwrap_or_default())]),
        ),
        None => {}
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
        .description(truncate(&lines.join("\n"), limits::EMBED_DESCRIPTION_MAX))
        .colour(if right { COLOUR_RIGHT } else { COLOUR_WRONG });
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
        answered_buttons(q, &order, picked_index),
        CreateActionRow::Buttons(vec![button(
            id(who, next),
            label.as_str(),
            ButtonStyle::Primary,
        )]),
    ];
    show(true, None, embed, rows)
}

/// The end: the score, each objective on one line, a button to read again
/// each section with something missed, and one "Tick all" (plus a menu to
/// tick some) for the objectives answered all right and not yet ticked.
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
    // Objectives answered all right are named by their checklist number on
    // one line; each one with something missed gets its own line.
    let mut offers = Vec::new();
    let mut mastered = Vec::new();
    let mut missed = Vec::new();
    let mut again: Vec<usize> = Vec::new();
    for (number, o) in lesson.objectives.iter().enumerate() {
        let Some((got, asked)) = score_on(quiz, attempt, &o.id) else {
            continue;
        };
        if got == asked {
            mastered.push((number + 1).to_string());
            if !ticked.contains(&o.id) {
                offers.push((number, o));
            }
            continue;
        }
        if let Some(s) = lesson.sections.iter().position(|s| s.id == o.section) {
            if !again.contains(&s) {
                again.push(s);
            }
        }
        missed.push(texts.quiz_objective_review.fill(&[
            ("number", &(number + 1)),
            ("text", &o.text),
            ("right", &got),
            ("total", &asked),
        ]));
    }
    match mastered.as_slice() {
        [] => {}
        [one] => lines.push(texts.quiz_mastered_one.fill(&[("number", one)])),
        many => lines.push(
            texts
                .quiz_mastered_many
                .fill(&[("numbers", &many.join(", "))]),
        ),
    }
    lines.extend(missed);
    again.sort_unstable();
    let mut rows = Vec::new();
    if let [(_, o)] = offers.as_slice() {
        lines.push(String::new());
        lines.push(texts.quiz_offer_one.as_str().to_string());
        let tick = Action::QuizTick {
            lesson: lesson.id.clone(),
            version: lesson.version.clone(),
            objective: o.id.clone(),
        };
        rows.push(CreateActionRow::Buttons(vec![button(
            id(who, tick),
            texts.button_tick_one.as_str(),
            ButtonStyle::Success,
        )]));
    } else if !offers.is_empty() {
        lines.push(String::new());
        lines.push(texts.quiz_offer_many.fill(&[("count", &offers.len())]));
        let all = Action::QuizTickAll {
            lesson: lesson.id.clone(),
            version: lesson.version.clone(),
        };
        rows.push(CreateActionRow::Buttons(vec![button(
            id(who, all),
            &texts.button_tick_all.fill(&[("count", &offers.len())]),
            ButtonStyle::Success,
        )]));
        // An option names its objective in full when that fits, else by
        // number with the text below it: a label is never cut.
        let picks = offers
            .iter()
            .map(|(number, o)| {
                let full = texts
                    .tick_some_option
                    .fill(&[("number", &(number + 1)), ("text", &o.text)]);
                let (label, description) = if full.chars().count() <= limits::SELECT_OPTION_TEXT_MAX
                {
                    (full, None)
                } else {
                    let short = texts
                        .tick_some_option_short
                        .fill(&[("number", &(number + 1))]);
                    (short, Some(o.text.clone()))
                };
                (label, description, o)
            })
            .map(|(label, description, o)| Pick {
                label,
                description,
                id: id(
                    who,
                    Action::QuizTick {
                        lesson: lesson.id.clone(),
                        version: lesson.version.clone(),
                        objective: o.id.clone(),
                    },
                ),
            })
            .collect();
        rows.push(select(
            who,
            "tick",
            texts.tick_some_placeholder.as_str(),
            picks,
        ));
    }
    if !again.is_empty() {
        lines.push(String::new());
        lines.push(texts.quiz_read_again.as_str().to_string());
        let buttons = again
            .iter()
            .take(BUTTONS_PER_ROW)
            .map(|&s| {
                let title = &lesson.sections[s].title;
                let mut label = texts.button_read_again.fill(&[("title", title)]);
                if label.chars().count() > limits::BUTTON_LABEL_MAX {
                    label = texts.button_read_again_short.fill(&[("number", &(s + 1))]);
                }
                button(section_id(who, lesson, s), &label, ButtonStyle::Secondary)
            })
            .collect();
        rows.push(CreateActionRow::Buttons(buttons));
    }
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
    rows.truncate(ROWS_MAX);
    let all_right = right == quiz.questions.len();
    let embed = CreateEmbed::new()
        .author(CreateEmbedAuthor::new(&lesson.title))
        .title(texts.quiz_results_title.as_str())
        .description(truncate(&lines.join("\n"), limits::EMBED_DESCRIPTION_MAX))
        .colour(if all_right { COLOUR_DONE } else { COLOUR });
    show(true, None, embed, rows)
}

/// "Tick it" done, with the way to the checklist.
pub fn ticked(
    catalog: &Catalog,
    who: Learner,
    ticked: &MasteryTicked,
) -> CreateInteractionResponse {
    let text = catalog
        .texts
        .quiz_ticked
        .fill(&[("text", &ticked.objective.text)]);
    notice_with(&text, vec![checklist_button(catalog, who, ticked.lesson)])
}

/// "Tick all N" done, with the way to the checklist.
pub fn ticked_all(
    catalog: &Catalog,
    who: Learner,
    ticked: &MasteryTickedAll,
) -> CreateInteractionResponse {
    let text = catalog
        .texts
        .quiz_ticked_all
        .fill(&[("count", &ticked.objectives.len())]);
    notice_with(&text, vec![checklist_button(catalog, who, ticked.lesson)])
}

fn checklist_button(catalog: &Catalog, who: Learner, lesson: &Lesson) -> CreateButton {
    let checklist = Action::Checklist {
        lesson: lesson.id.clone(),
        version: lesson.version.clone(),
    };
    button(
        id(who, checklist),
        catalog.texts.button_checklist.as_str(),
        ButtonStyle::Success,
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

//! Quizzes: one question at a time, answered with buttons, stored in Postgres.
//!
//! An attempt lives only in the database: its quiz version, the seed of its
//! shuffle, and its answers. A button carries (attempt, quiz version,
//! question index, choice index); every part is checked against the stored
//! attempt and the quiz we serve now, so a stale or forged button is refused
//! and never scored. The choice order is a pure function of the seed, so
//! every instance draws the same buttons for the same attempt.

use serenity::all::{
    ButtonStyle, CommandInteraction, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedAuthor,
    CreateEmbedFooter, CreateInteractionResponse, CreateInteractionResponseMessage, Permissions,
};

use super::button::{Action, ButtonId};
use super::lesson::unknown_lesson;
use super::view::{self, COLOUR, COLOUR_DONE};
use super::{Answer, Core, Learner};
use crate::content::{Lesson, Question, Quiz};
use crate::store::{Attempt, StoreError};

/// `/quiz <lesson>` or the lesson's "Take the quiz" button: resume the open
/// attempt or start one.
pub async fn start(
    core: &Core,
    who: Learner,
    interaction: u64,
    lesson_id: &str,
    in_place: bool,
) -> Answer {
    let Some(lesson) = core.catalog.lesson(lesson_id.trim()) else {
        return Answer::refused(unknown_lesson(core, lesson_id));
    };
    let Some(quiz) = &lesson.quiz else {
        return Answer::refused(view::notice(
            &core
                .catalog
                .texts
                .quiz_none
                .fill(&[("lesson", &lesson.title)]),
        ));
    };
    let seed = rand::random::<i64>();
    match core
        .store
        .open_attempt(
            interaction,
            who.id,
            who.guild,
            &lesson.id,
            &quiz.version,
            seed,
        )
        .await
    {
        Ok(Some(attempt)) => next(core, who, lesson, quiz, &attempt, in_place).await,
        // A start delivered again after the learner's attempts were deleted.
        Ok(None) => Answer::refused(view::notice(core.catalog.texts.unknown_button.as_str())),
        Err(e) => failed(core, e),
    }
}

/// A click on "Take the quiz": the version on the button must be current.
pub async fn start_click(
    core: &Core,
    who: Learner,
    interaction: u64,
    own: bool,
    lesson_id: &str,
    version: &str,
) -> Answer {
    match core
        .catalog
        .lesson(lesson_id)
        .and_then(|l| l.quiz.as_ref().map(|q| (l, q)))
    {
        Some((_, quiz)) if quiz.version == version => {
            start(core, who, interaction, lesson_id, own).await
        }
        Some((lesson, _)) => Answer::refused(stale(core, who, lesson)),
        None => Answer::refused(view::notice(core.catalog.texts.unknown_button.as_str())),
    }
}

/// A click on a choice.
pub async fn answer(
    core: &Core,
    who: Learner,
    attempt_id: i64,
    version: &str,
    question: u8,
    choice: u8,
) -> Answer {
    let (lesson, quiz, attempt) = match checked(core, who, attempt_id, version).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let (Some(q), qi) = (
        quiz.questions.get(usize::from(question)),
        usize::from(question),
    ) else {
        return Answer::refused(view::notice(core.catalog.texts.unknown_button.as_str()));
    };
    let Some(c) = q.choices.get(usize::from(choice)) else {
        return Answer::refused(view::notice(core.catalog.texts.unknown_button.as_str()));
    };
    if attempt.finished {
        return results(core, who, lesson, quiz, &attempt).await;
    }
    let recorded = match core
        .store
        .record_answer(attempt.id, who.id, &q.id, &c.id, c.id == q.answer)
        .await
    {
        Ok(Some(r)) => r,
        // Closed between our read and the write (another instance finished it).
        Ok(None) => return results(core, who, lesson, quiz, &attempt).await,
        Err(e) => return failed(core, e),
    };
    let answered = attempt.answers.len() + usize::from(recorded.first);
    Answer::ok(feedback(
        core,
        who,
        lesson,
        quiz,
        &attempt,
        qi,
        &recorded.choice_id,
        !recorded.first,
        answered,
    ))
}

/// A click on "Next" (or "See your score").
pub async fn next_click(core: &Core, who: Learner, attempt_id: i64, version: &str) -> Answer {
    match checked(core, who, attempt_id, version).await {
        Ok((lesson, quiz, attempt)) => next(core, who, lesson, quiz, &attempt, true).await,
        Err(answer) => answer,
    }
}

/// A click on "Tick it": verified against the newest finished attempt.
pub async fn tick_click(
    core: &Core,
    who: Learner,
    interaction: u64,
    lesson_id: &str,
    version: &str,
    objective: &str,
) -> Answer {
    let texts = &core.catalog.texts;
    let Some(lesson) = core
        .catalog
        .lesson(lesson_id)
        .filter(|l| l.version == version)
    else {
        return Answer::refused(super::lesson::stale(core, who, lesson_id));
    };
    let (Some(quiz), Some(o)) = (&lesson.quiz, lesson.objective(objective)) else {
        return Answer::refused(view::notice(texts.unknown_button.as_str()));
    };
    let attempt = match core.store.last_finished_attempt(who.id, &lesson.id).await {
        Ok(a) => a,
        Err(e) => return failed(core, e),
    };
    let mastered =
        attempt.is_some_and(|a| a.version == quiz.version && mastered(quiz, &a, objective));
    if !mastered {
        return Answer::refused(view::notice(texts.quiz_not_mastered.as_str()));
    }
    match core
        .store
        .tick(interaction, who.id, &lesson.id, objective, true)
        .await
    {
        Ok(_) => Answer::ok(view::notice(&texts.quiz_ticked.fill(&[("text", &o.text)]))),
        Err(e) => failed(core, e),
    }
}

/// `/quiz-stats <lesson>`: for members who can manage the server.
pub async fn stats(core: &Core, cmd: &CommandInteraction, lesson_id: &str) -> Answer {
    let texts = &core.catalog.texts;
    let Some(guild) = cmd.guild_id else {
        return Answer::refused(view::notice(texts.quiz_stats_guild_only.as_str()));
    };
    // Discord hides the command from others, but never trust the client.
    let allowed = cmd
        .member
        .as_ref()
        .and_then(|m| m.permissions)
        .is_some_and(|p| {
            p.contains(Permissions::MANAGE_GUILD) || p.contains(Permissions::ADMINISTRATOR)
        });
    if !allowed {
        return Answer::refused(view::notice(texts.quiz_stats_forbidden.as_str()));
    }
    let Some(lesson) = core.catalog.lesson(lesson_id.trim()) else {
        return Answer::refused(unknown_lesson(core, lesson_id));
    };
    let Some(quiz) = &lesson.quiz else {
        return Answer::refused(view::notice(
            &texts.quiz_none.fill(&[("lesson", &lesson.title)]),
        ));
    };
    let rows = match core.store.quiz_stats(guild.get(), &lesson.id).await {
        Ok(rows) => rows,
        Err(e) => return failed(core, e),
    };
    let mut lines = Vec::new();
    for (i, q) in quiz.questions.iter().enumerate() {
        let Some(row) = rows.iter().find(|r| r.question_id == q.id) else {
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
            ("prompt", &view::truncate(&q.prompt, 90)),
            ("takers", &row.takers),
            ("percent", &percent),
            ("wrong", &wrong),
        ]));
    }
    if lines.is_empty() {
        lines.push(texts.quiz_stats_empty.as_str().to_string());
    }
    let embed = CreateEmbed::new()
        .title(texts.quiz_stats_title.fill(&[("lesson", &lesson.title)]))
        .description(view::truncate(&lines.join("\n\n"), 4096))
        .colour(COLOUR);
    Answer::ok(CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .embed(embed)
            .ephemeral(true),
    ))
}

/// Loads the attempt behind a button and checks it is the clicker's and
/// drawn from the quiz we serve now.
async fn checked<'a>(
    core: &'a Core,
    who: Learner,
    attempt_id: i64,
    version: &str,
) -> Result<(&'a Lesson, &'a Quiz, Attempt), Answer> {
    let texts = &core.catalog.texts;
    let attempt = match core.store.attempt(attempt_id).await {
        Ok(Some(a)) => a,
        Ok(None) => return Err(Answer::refused(view::notice(texts.unknown_button.as_str()))),
        Err(e) => return Err(failed(core, e)),
    };
    let Some(lesson) = core.catalog.lesson(&attempt.lesson_id) else {
        return Err(Answer::refused(view::notice(texts.unknown_button.as_str())));
    };
    let Some(quiz) = &lesson.quiz else {
        return Err(Answer::refused(view::notice(texts.unknown_button.as_str())));
    };
    if attempt.learner != who.id {
        let own = ButtonId::new(
            who.id,
            Action::QuizStart {
                lesson: lesson.id.clone(),
                version: quiz.version.clone(),
            },
        );
        return Err(Answer::refused(view::notice_with(
            texts.quiz_not_yours.as_str(),
            vec![view::button(
                own.encode(),
                texts.button_own_quiz.as_str(),
                ButtonStyle::Primary,
            )],
        )));
    }
    if attempt.version != version || quiz.version != version {
        return Err(Answer::refused(stale(core, who, lesson)));
    }
    Ok((lesson, quiz, attempt))
}

/// The next unanswered question, or the results when none is left.
async fn next(
    core: &Core,
    who: Learner,
    lesson: &Lesson,
    quiz: &Quiz,
    attempt: &Attempt,
    in_place: bool,
) -> Answer {
    let unanswered = quiz
        .questions
        .iter()
        .position(|q| !attempt.answers.iter().any(|a| a.question_id == q.id));
    match unanswered {
        Some(qi) => Answer::ok(question_view(
            core, who, lesson, quiz, attempt, qi, in_place,
        )),
        None => results(core, who, lesson, quiz, attempt).await,
    }
}

fn question_embed(
    core: &Core,
    lesson: &Lesson,
    quiz: &Quiz,
    qi: usize,
    answered: usize,
) -> CreateEmbed {
    let texts = &core.catalog.texts;
    CreateEmbed::new()
        .author(CreateEmbedAuthor::new(&lesson.title))
        .title(
            texts
                .quiz_question_title
                .fill(&[("index", &(qi + 1)), ("count", &quiz.questions.len())]),
        )
        .colour(COLOUR)
        .footer(CreateEmbedFooter::new(texts.quiz_footer.fill(&[
            ("answered", &answered),
            ("count", &quiz.questions.len()),
            ("lesson", &lesson.id),
        ])))
}

fn question_view(
    core: &Core,
    who: Learner,
    lesson: &Lesson,
    quiz: &Quiz,
    attempt: &Attempt,
    qi: usize,
    in_place: bool,
) -> CreateInteractionResponse {
    let q = &quiz.questions[qi];
    let embed =
        question_embed(core, lesson, quiz, qi, attempt.answers.len()).description(&q.prompt);
    let buttons = choice_order(attempt.seed, qi, q.choices.len())
        .into_iter()
        .map(|ci| {
            let id = ButtonId::new(
                who.id,
                Action::QuizAnswer {
                    attempt: attempt.id,
                    version: quiz.version.clone(),
                    question: qi as u8,
                    choice: ci as u8,
                },
            );
            view::button(id.encode(), &q.choices[ci].text, ButtonStyle::Secondary)
        })
        .collect();
    view::show(
        in_place,
        None,
        embed,
        vec![CreateActionRow::Buttons(buttons)],
    )
}

/// Right or wrong, why, the right answer, and the way on.
#[allow(clippy::too_many_arguments)]
fn feedback(
    core: &Core,
    who: Learner,
    lesson: &Lesson,
    quiz: &Quiz,
    attempt: &Attempt,
    qi: usize,
    picked: &str,
    repeat: bool,
    answered: usize,
) -> CreateInteractionResponse {
    let texts = &core.catalog.texts;
    let q: &Question = &quiz.questions[qi];
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
    let embed = question_embed(core, lesson, quiz, qi, answered)
        .description(view::truncate(&lines.join("\n"), 4096));
    let choices = choice_order(attempt.seed, qi, q.choices.len())
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
                .label(view::truncate(&c.text, 80))
                .style(style)
                .disabled(true)
        })
        .collect();
    let last = answered >= quiz.questions.len();
    let next = ButtonId::new(
        who.id,
        Action::QuizNext {
            attempt: attempt.id,
            version: quiz.version.clone(),
        },
    );
    let label = if last {
        &texts.button_results
    } else {
        &texts.button_next
    };
    let rows = vec![
        CreateActionRow::Buttons(choices),
        CreateActionRow::Buttons(vec![view::button(
            next.encode(),
            label.as_str(),
            ButtonStyle::Primary,
        )]),
    ];
    view::show(true, None, embed, rows)
}

/// The end: score, each objective, what to read again, and ticks on offer.
async fn results(
    core: &Core,
    who: Learner,
    lesson: &Lesson,
    quiz: &Quiz,
    attempt: &Attempt,
) -> Answer {
    let texts = &core.catalog.texts;
    if let Err(e) = core.store.finish_attempt(attempt.id).await {
        return failed(core, e);
    }
    let ticked = match core.store.ticked(who.id, &lesson.id).await {
        Ok(t) => t,
        Err(e) => return failed(core, e),
    };
    let right = attempt.answers.iter().filter(|a| a.correct).count();
    let mut lines = vec![
        texts
            .quiz_score
            .fill(&[("right", &right), ("total", &quiz.questions.len())]),
        String::new(),
    ];
    let mut offers = Vec::new();
    for o in &lesson.objectives {
        let asked: Vec<_> = quiz
            .questions
            .iter()
            .filter(|q| q.objective == o.id)
            .collect();
        if asked.is_empty() {
            continue;
        }
        let got = asked
            .iter()
            .filter(|q| {
                attempt
                    .answers
                    .iter()
                    .any(|a| a.question_id == q.id && a.correct)
            })
            .count();
        if got == asked.len() {
            lines.push(texts.quiz_objective_mastered.fill(&[
                ("text", &o.text),
                ("right", &got),
                ("total", &asked.len()),
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
                ("total", &asked.len()),
                ("section", &section),
            ]));
        }
    }
    let mut buttons = Vec::new();
    if !offers.is_empty() {
        lines.push(String::new());
        lines.push(texts.quiz_offer_ticks.as_str().to_string());
        for o in offers.iter().take(view::BUTTONS_PER_ROW * 3) {
            let id = ButtonId::new(
                who.id,
                Action::QuizTick {
                    lesson: lesson.id.clone(),
                    version: lesson.version.clone(),
                    objective: o.id.clone(),
                },
            );
            buttons.push(view::button(
                id.encode(),
                &texts.button_tick_objective.fill(&[("text", &o.text)]),
                ButtonStyle::Success,
            ));
        }
    }
    let mut rows = view::rows(buttons);
    rows.truncate(view::ROWS_MAX - 1);
    let retake = ButtonId::new(
        who.id,
        Action::QuizStart {
            lesson: lesson.id.clone(),
            version: quiz.version.clone(),
        },
    );
    let back = ButtonId::new(
        who.id,
        Action::Section {
            lesson: lesson.id.clone(),
            version: lesson.version.clone(),
            section: lesson.sections[0].id.clone(),
        },
    );
    rows.push(CreateActionRow::Buttons(vec![
        view::button(
            retake.encode(),
            texts.button_retake.as_str(),
            ButtonStyle::Primary,
        ),
        view::button(
            back.encode(),
            texts.button_back_to_lesson.as_str(),
            ButtonStyle::Secondary,
        ),
    ]));
    let all_right = right == quiz.questions.len();
    let embed = CreateEmbed::new()
        .author(CreateEmbedAuthor::new(&lesson.title))
        .title(texts.quiz_results_title.as_str())
        .description(view::truncate(&lines.join("\n"), 4096))
        .colour(if all_right { COLOUR_DONE } else { COLOUR });
    Answer::ok(view::show(true, None, embed, rows))
}

/// Whether every question of an objective was answered right in an attempt.
fn mastered(quiz: &Quiz, attempt: &Attempt, objective: &str) -> bool {
    let mut asked = quiz
        .questions
        .iter()
        .filter(|q| q.objective == objective)
        .peekable();
    asked.peek().is_some()
        && asked.all(|q| {
            attempt
                .answers
                .iter()
                .any(|a| a.question_id == q.id && a.correct)
        })
}

fn stale(core: &Core, who: Learner, lesson: &Lesson) -> CreateInteractionResponse {
    let texts = &core.catalog.texts;
    let Some(quiz) = &lesson.quiz else {
        return view::notice(texts.unknown_button.as_str());
    };
    let fresh = ButtonId::new(
        who.id,
        Action::QuizStart {
            lesson: lesson.id.clone(),
            version: quiz.version.clone(),
        },
    );
    view::notice_with(
        &texts.quiz_stale.fill(&[("lesson", &lesson.title)]),
        vec![view::button(
            fresh.encode(),
            texts.button_start_again.as_str(),
            ButtonStyle::Primary,
        )],
    )
}

fn failed(core: &Core, e: StoreError) -> Answer {
    tracing::warn!(error = %e, source = ?e.source, "quiz store operation failed");
    Answer::failed(view::notice(core.catalog.texts.save_failed.as_str()))
}

/// The order in which a question's choices are drawn for an attempt: a
/// Fisher–Yates shuffle driven by the attempt's seed, so it is the same on
/// every instance and after every restart.
pub fn choice_order(seed: i64, question: usize, n: usize) -> Vec<usize> {
    let mut state = (seed as u64) ^ (question as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut next = move || {
        // splitmix64
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_order_is_a_permutation_fixed_by_the_seed() {
        for seed in [0, 1, -5, i64::MAX] {
            let order = choice_order(seed, 3, 4);
            let mut sorted = order.clone();
            sorted.sort();
            assert_eq!(sorted, vec![0, 1, 2, 3]);
            assert_eq!(order, choice_order(seed, 3, 4));
        }
        let distinct: std::collections::HashSet<_> =
            (0..50).map(|s| choice_order(s, 0, 4)).collect();
        assert!(distinct.len() > 10, "seeds shuffle differently");
    }
}

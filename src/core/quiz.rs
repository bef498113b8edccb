//! Quizzes: one question at a time, answered with buttons, stored in Postgres.
//!
//! An attempt lives only in the database: its quiz version, the seed of its
//! shuffle, and its answers. A button carries (attempt, quiz version,
//! question index, choice index); every part is checked against the stored
//! attempt and the quiz we serve now, so a stale or forged button is refused
//! and never scored. The choice order is a pure function of the seed
//! ([`choice_order`]), so every instance draws the same buttons for the same
//! attempt.
//!
//! Every store failure in a quiz, reads included, is answered as "couldn't
//! save, nothing changed": to a learner mid-quiz that is what it means.

use super::error::{self, CoreError, Refusal};
use super::request::Learner;
use super::Core;
use crate::content::{Lesson, Objective, Quiz};
use crate::store::{Attempt, QuestionStats, Seed};

/// Where a learner is in a quiz, to be shown.
#[derive(Debug)]
pub enum QuizStep<'a> {
    /// The next unanswered question.
    Question {
        at: QuizAt<'a>,
        index: usize,
        in_place: bool,
    },
    /// Right or wrong, why, and the way on.
    Feedback {
        at: QuizAt<'a>,
        index: usize,
        /// The choice that counts (the first one picked).
        picked: String,
        /// This click repeated an answer already given.
        repeat: bool,
        /// How many questions are answered now.
        answered: usize,
    },
    /// The end: the score and each objective.
    Results {
        at: QuizAt<'a>,
        /// The objectives the learner has ticked (no offer to tick those).
        ticked: Vec<String>,
    },
}

/// A quiz and one attempt at it.
#[derive(Debug)]
pub struct QuizAt<'a> {
    pub lesson: &'a Lesson,
    pub quiz: &'a Quiz,
    pub attempt: Attempt,
}

/// An objective ticked from the results, after the quiz showed mastery.
#[derive(Debug)]
pub struct MasteryTicked<'a> {
    pub lesson: &'a Lesson,
    pub objective: &'a Objective,
}

/// Every objective ticked at once from the results.
#[derive(Debug)]
pub struct MasteryTickedAll<'a> {
    pub lesson: &'a Lesson,
    pub objectives: Vec<&'a Objective>,
}

/// How a server did on each question of a quiz.
#[derive(Debug)]
pub struct QuizStats<'a> {
    pub lesson: &'a Lesson,
    pub quiz: &'a Quiz,
    pub rows: Vec<QuestionStats>,
}

/// `/quiz <lesson>` or "Take the quiz": resume the open attempt or start one.
pub async fn start<'a>(
    core: &'a Core,
    who: Learner,
    interaction: u64,
    lesson_id: &str,
    in_place: bool,
) -> Result<QuizStep<'a>, CoreError> {
    let (lesson, quiz) = lesson_and_quiz(core, lesson_id)?;
    let seed = rand::random::<i64>();
    let attempt = core
        .store
        .open_attempt(
            interaction,
            who.id,
            who.guild,
            lesson.key(),
            &quiz.version,
            seed,
        )
        .await
        .map_err(error::save)?
        // A start delivered again after the learner's attempts were deleted.
        .ok_or(Refusal::UnknownButton)?;
    next(
        core,
        who,
        QuizAt {
            lesson,
            quiz,
            attempt,
        },
        in_place,
    )
    .await
}

/// A click on "Take the quiz": the version on the button must be current.
pub async fn start_click<'a>(
    core: &'a Core,
    who: Learner,
    interaction: u64,
    own: bool,
    lesson_id: &str,
    version: &str,
) -> Result<QuizStep<'a>, CoreError> {
    match core
        .catalog
        .lesson(lesson_id)
        .and_then(|l| l.quiz.as_ref().map(|q| (l, q)))
    {
        Some((_, quiz)) if quiz.version == version => {
            start(core, who, interaction, lesson_id, own).await
        }
        Some((lesson, _)) => Err(Refusal::StaleQuiz {
            lesson: lesson.id.clone(),
        }
        .into()),
        None => Err(Refusal::UnknownButton.into()),
    }
}

/// A click on a choice.
pub async fn answer<'a>(
    core: &'a Core,
    who: Learner,
    attempt_id: i64,
    version: &str,
    question: u8,
    choice: u8,
) -> Result<QuizStep<'a>, CoreError> {
    let at = checked(core, who, attempt_id, version).await?;
    let index = usize::from(question);
    let q = at.quiz.questions.get(index).ok_or(Refusal::UnknownButton)?;
    let c = q
        .choices
        .get(usize::from(choice))
        .ok_or(Refusal::UnknownButton)?;
    if at.attempt.finished {
        return results(core, who, at).await;
    }
    // The first answer to a question makes it a review card: wrong is
    // Again, right is Good (see core::review).
    let correct = c.id == q.answer;
    let (card, log) = super::spaced::seed(core.clock.now(), correct);
    let seed = Seed {
        lesson: at.lesson.key(),
        card,
        log,
    };
    let recorded = core
        .store
        .record_answer(at.attempt.id, who.id, &q.id, &c.id, correct, &seed)
        .await
        .map_err(error::save)?;
    // None: closed between our read and the write (another instance finished it).
    let Some(recorded) = recorded else {
        return results(core, who, at).await;
    };
    let answered = at.attempt.answers.len() + usize::from(recorded.first);
    Ok(QuizStep::Feedback {
        at,
        index,
        picked: recorded.choice_id,
        repeat: !recorded.first,
        answered,
    })
}

/// A click on "Next" (or "See your score").
pub async fn next_click<'a>(
    core: &'a Core,
    who: Learner,
    attempt_id: i64,
    version: &str,
) -> Result<QuizStep<'a>, CoreError> {
    let at = checked(core, who, attempt_id, version).await?;
    next(core, who, at, true).await
}

/// A click on "Tick it": verified against the newest finished attempt.
pub async fn tick<'a>(
    core: &'a Core,
    who: Learner,
    interaction: u64,
    lesson_id: &str,
    version: &str,
    objective: &str,
) -> Result<MasteryTicked<'a>, CoreError> {
    let lesson = core
        .catalog
        .lesson(lesson_id)
        .filter(|l| l.version == version)
        .ok_or_else(|| Refusal::StaleLesson {
            lesson: lesson_id.to_string(),
        })?;
    let (Some(quiz), Some(o)) = (&lesson.quiz, lesson.objective(objective)) else {
        return Err(Refusal::UnknownButton.into());
    };
    let attempt = core
        .store
        .last_finished_attempt(who.id, lesson.key())
        .await
        .map_err(error::save)?;
    if !attempt.is_some_and(|a| a.version == quiz.version && mastered(quiz, &a, objective)) {
        return Err(Refusal::NotMastered.into());
    }
    core.store
        .tick(interaction, who.id, lesson.key(), objective, true)
        .await
        .map_err(error::save)?;
    Ok(MasteryTicked {
        lesson,
        objective: o,
    })
}

/// A click on "Tick all N": every objective the newest finished attempt
/// showed mastered, ticked in one statement.
pub async fn tick_all<'a>(
    core: &'a Core,
    who: Learner,
    interaction: u64,
    lesson_id: &str,
    version: &str,
) -> Result<MasteryTickedAll<'a>, CoreError> {
    let lesson = core
        .catalog
        .lesson(lesson_id)
        .filter(|l| l.version == version)
        .ok_or_else(|| Refusal::StaleLesson {
            lesson: lesson_id.to_string(),
        })?;
    let Some(quiz) = &lesson.quiz else {
        return Err(Refusal::UnknownButton.into());
    };
    let attempt = core
        .store
        .last_finished_attempt(who.id, lesson.key())
        .await
        .map_err(error::save)?
        .filter(|a| a.version == quiz.version)
        .ok_or(Refusal::NotMastered)?;
    let objectives: Vec<&Objective> = lesson
        .objectives
        .iter()
        .filter(|o| mastered(quiz, &attempt, &o.id))
        .collect();
    if objectives.is_empty() {
        return Err(Refusal::NotMastered.into());
    }
    let ids: Vec<String> = objectives.iter().map(|o| o.id.clone()).collect();
    core.store
        .tick_many(interaction, who.id, lesson.key(), &ids)
        .await
        .map_err(error::save)?;
    Ok(MasteryTickedAll { lesson, objectives })
}

/// `/quiz-stats <lesson>` for a server (the caller's permission was checked
/// when the request was parsed).
pub async fn stats<'a>(
    core: &'a Core,
    guild: u64,
    lesson_id: &str,
) -> Result<QuizStats<'a>, CoreError> {
    let (lesson, quiz) = lesson_and_quiz(core, lesson_id)?;
    let rows = core
        .store
        .quiz_stats(guild, lesson.key())
        .await
        .map_err(error::save)?;
    Ok(QuizStats { lesson, quiz, rows })
}

fn lesson_and_quiz<'a>(core: &'a Core, id: &str) -> Result<(&'a Lesson, &'a Quiz), CoreError> {
    let lesson = core
        .catalog
        .lesson(id)
        .ok_or_else(|| Refusal::UnknownLesson(id.to_string()))?;
    let quiz = lesson.quiz.as_ref().ok_or_else(|| Refusal::NoQuiz {
        lesson: lesson.id.clone(),
    })?;
    Ok((lesson, quiz))
}

/// Loads the attempt behind a button and checks it is the clicker's and
/// drawn from the quiz we serve now.
async fn checked<'a>(
    core: &'a Core,
    who: Learner,
    attempt_id: i64,
    version: &str,
) -> Result<QuizAt<'a>, CoreError> {
    // An attempt that does not exist and one that is someone else's get the
    // same answer, drawn from the button alone: attempt ids are sequential,
    // and two answers would tell a stranger which ids exist.
    let not_yours = || -> CoreError {
        let lesson = core
            .catalog
            .lessons()
            .iter()
            .find(|l| l.quiz.as_ref().is_some_and(|q| q.version == version));
        match lesson {
            Some(l) => Refusal::NotYourQuiz {
                lesson: l.id.clone(),
            }
            .into(),
            None => Refusal::UnknownButton.into(),
        }
    };
    let attempt = match core.store.attempt(attempt_id).await.map_err(error::save)? {
        Some(attempt) if attempt.learner == who.id => attempt,
        _ => return Err(not_yours()),
    };
    // The lesson of that id served here must be the one the attempt was
    // made in: another server's lesson of the same id is not it.
    let lesson = core
        .catalog
        .lesson(&attempt.lesson_id)
        .filter(|l| l.scope == attempt.scope)
        .ok_or(Refusal::UnknownButton)?;
    let quiz = lesson.quiz.as_ref().ok_or(Refusal::UnknownButton)?;
    if attempt.version != version || quiz.version != version {
        return Err(Refusal::StaleQuiz {
            lesson: lesson.id.clone(),
        }
        .into());
    }
    Ok(QuizAt {
        lesson,
        quiz,
        attempt,
    })
}

/// The next unanswered question, or the results when none is left.
async fn next<'a>(
    core: &'a Core,
    who: Learner,
    at: QuizAt<'a>,
    in_place: bool,
) -> Result<QuizStep<'a>, CoreError> {
    let unanswered = at
        .quiz
        .questions
        .iter()
        .position(|q| !at.attempt.answers.iter().any(|a| a.question_id == q.id));
    match unanswered {
        Some(index) => Ok(QuizStep::Question {
            at,
            index,
            in_place,
        }),
        None => results(core, who, at).await,
    }
}

/// Closes the attempt and reads what the results offer to tick.
async fn results<'a>(
    core: &'a Core,
    who: Learner,
    at: QuizAt<'a>,
) -> Result<QuizStep<'a>, CoreError> {
    core.store
        .finish_attempt(at.attempt.id)
        .await
        .map_err(error::save)?;
    let ticked = core
        .store
        .ticked(who.id, at.lesson.key())
        .await
        .map_err(error::save)?;
    Ok(QuizStep::Results { at, ticked })
}

/// How an attempt did on one objective: (right, asked); `None` when the quiz
/// asks nothing about it.
pub fn score_on(quiz: &Quiz, attempt: &Attempt, objective: &str) -> Option<(usize, usize)> {
    let asked: Vec<_> = quiz
        .questions
        .iter()
        .filter(|q| q.objective == objective)
        .collect();
    if asked.is_empty() {
        return None;
    }
    let right = asked
        .iter()
        .filter(|q| {
            attempt
                .answers
                .iter()
                .any(|a| a.question_id == q.id && a.correct)
        })
        .count();
    Some((right, asked.len()))
}

/// Whether every question of an objective was answered right in an attempt.
fn mastered(quiz: &Quiz, attempt: &Attempt, objective: &str) -> bool {
    score_on(quiz, attempt, objective).is_some_and(|(right, asked)| right == asked)
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

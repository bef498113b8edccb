//! Graded exercises: `/exercise`, attempted from the doors.
//!
//! ```text
//!  /exercise lesson:<id>  ──> the list, each exercise's status, a button each
//!        │ (button: open)           /exercise <lesson> <id> (console, or Discord's option)
//!        ▼                                   │
//!  the exercise: statement, starter code ◄───┘
//!        │ "Write your answer", or a predicted time (predict-then-run)
//!        ▼
//!  the form (a modal): the starter, or the learner's last code
//!        │ submit (or, in the console, the typed lines up to `.`)
//!        ▼
//!  deferral ─> the lab's queue (the code, then the hidden checks) ─> stored ─> the verdict
//!                                                        "Try again" ─┘    └─ a pass: "Tick"
//! ```
//!
//! Nothing between the clicks lives in memory: a button or the form's id
//! carries the lesson, its version, the exercise and the prediction's index
//! ([`Action::ExerciseForm`](super::Action::ExerciseForm)), each checked
//! against the catalog served now, so a stale or forged one is refused
//! before anything runs or is written. The learner's last code, their tries
//! and passes are read from Postgres, where each attempt is stored once its
//! verdict is in (keyed by the submit's interaction id). A submit delivered
//! twice, to one instance or two, runs once: its interaction is claimed
//! before the lab takes it (see [`super::lab`]). A pass counts as a
//! streak day (the store's streak reads passed attempts).
//!
//! An attempt passes when the code ran to the end and the hidden checks said
//! so; the learner reads the check's message, never the checks' code. A
//! failed try shows one more of the exercise's hints than the one before.

use std::sync::Arc;

use super::error::{self, CoreError, Refusal};
use super::lab::{edit, follow_place, submit};
use super::request::{AttemptRequest, ExerciseRequest, Learner};
use super::{view, Core, Followup};
use crate::content::{Exercise, Lesson, Objective, PredictChoice};
use crate::core::limits::TEXT_INPUT_VALUE_MAX;
use crate::lab::{Check, Job, Verdict};
use crate::store::{ExerciseTally, NewAttempt, Tally};

/// `/exercise <lesson>`: the lesson's exercises with the learner's tallies.
#[derive(Debug)]
pub struct ExerciseList<'a> {
    pub lesson: &'a Lesson,
    pub tallies: Vec<ExerciseTally>,
}

/// One exercise, to be attempted.
#[derive(Debug)]
pub struct ExerciseShown<'a> {
    pub lesson: &'a Lesson,
    /// Its place in the lesson's list (from 0).
    pub index: usize,
    pub exercise: &'a Exercise,
    pub tally: Tally,
    /// Update the learner's own message instead of answering anew.
    pub in_place: bool,
    /// Typed in the console: the answer is typed next, no form.
    pub typed: bool,
}

/// The answer form, refilled.
#[derive(Debug)]
pub struct FormShown<'a> {
    pub lesson: &'a Lesson,
    pub exercise: &'a Exercise,
    /// The learner's last code, or the starter.
    pub code: String,
    pub predicted: Option<u8>,
}

/// An attempt's verdict, to be shown.
#[derive(Debug)]
pub struct Graded<'a> {
    pub lesson: &'a Lesson,
    pub index: usize,
    pub exercise: &'a Exercise,
    pub verdict: &'a Verdict,
    pub passed: bool,
    /// The learner's tries so far, this one included; `None` when it could
    /// not be saved.
    pub tally: Option<Tally>,
    /// The time the learner guessed, and its index.
    pub guess: Option<(u8, &'a PredictChoice)>,
    /// Discord's doors: "Try again" opens the form; long output attached.
    pub discord: bool,
}

/// An objective ticked after a passing attempt.
#[derive(Debug)]
pub struct ExerciseTicked<'a> {
    pub objective: &'a Objective,
}

/// An attempt taken by the lab: answered with a deferral.
#[derive(Debug)]
pub struct AttemptStarted;

/// Whether a verdict is a pass: the code ran to the end and the checks
/// said so (a program that ended before its checks ran has not passed).
pub fn passed(verdict: &Verdict) -> bool {
    verdict.passed() && verdict.check == Some(Check::Passed)
}

/// `/exercise <lesson>`: the list.
pub async fn list<'a>(
    core: &'a Core,
    who: Learner,
    lesson: &str,
) -> Result<ExerciseList<'a>, CoreError> {
    let lesson = core
        .catalog
        .lesson(lesson)
        .ok_or_else(|| Refusal::UnknownLesson(lesson.to_string()))?;
    let tallies = if lesson.exercises.is_empty() {
        Vec::new()
    } else {
        core.store
            .exercise_tallies(who.id, Some(lesson.key()))
            .await
            .map_err(error::load)?
    };
    Ok(ExerciseList { lesson, tallies })
}

/// `/exercise <lesson> <exercise>`: one exercise, named as typed.
pub async fn open<'a>(
    core: &'a Core,
    who: Learner,
    request: &ExerciseRequest,
) -> Result<ExerciseShown<'a>, CoreError> {
    let (lesson, index, exercise) = find(core, &request.lesson, None, &request.exercise)?;
    let tally = tally(core, who, lesson, exercise).await?;
    Ok(ExerciseShown {
        lesson,
        index,
        exercise,
        tally,
        in_place: false,
        typed: request.typed,
    })
}

/// A click on an exercise of the list: on the learner's own list, in place.
pub async fn open_click<'a>(
    core: &'a Core,
    who: Learner,
    own: bool,
    lesson: &str,
    version: &str,
    exercise: &str,
) -> Result<ExerciseShown<'a>, CoreError> {
    let (lesson, index, exercise) = find(core, lesson, Some(version), exercise)?;
    let tally = tally(core, who, lesson, exercise).await?;
    Ok(ExerciseShown {
        lesson,
        index,
        exercise,
        tally,
        in_place: own,
        typed: false,
    })
}

/// "Write your answer", a predicted time, or "Try again": the form, with
/// the clicker's last code (the starter before their first try). Whoever
/// clicks gets their own form; nothing is written.
pub async fn form<'a>(
    core: &'a Core,
    who: Learner,
    lesson: &str,
    version: &str,
    exercise: &str,
    predicted: Option<u8>,
) -> Result<FormShown<'a>, CoreError> {
    let (lesson, _, exercise) = find(core, lesson, Some(version), exercise)?;
    guess(exercise, predicted)?;
    let last = core
        .store
        .last_exercise_code(who.id, lesson.key(), &exercise.id)
        .await
        .map_err(error::load)?;
    let code = last
        .filter(|c| c.chars().count() <= TEXT_INPUT_VALUE_MAX)
        .unwrap_or_else(|| exercise.starter.clone());
    Ok(FormShown {
        lesson,
        exercise,
        code,
        predicted,
    })
}

/// An answer: checked, queued with the exercise's hidden checks, and
/// followed to its verdict, which is stored and then shown.
pub async fn attempt(
    core: &Core,
    who: Learner,
    interaction: u64,
    request: AttemptRequest,
    followup: Arc<dyn Followup>,
) -> Result<AttemptStarted, CoreError> {
    let (lesson, index, exercise) = find(
        core,
        &request.lesson,
        request.version.as_deref(),
        &request.exercise,
    )?;
    let predicted = guess(exercise, request.predicted)?.map(|(i, _)| i);
    let job = Job::new(request.code.clone(), String::new())
        .map_err(Refusal::BadCode)?
        .with_checks(exercise.checks.clone());
    let Some(mut ticket) = submit(core, who, interaction, job).await? else {
        // Delivered again: the first delivery's run edits this message.
        return Ok(AttemptStarted);
    };
    let (catalog, store) = (core.catalog.clone(), core.store.clone());
    let (lesson_id, exercise_id) = (lesson.id.clone(), exercise.id.clone());
    let AttemptRequest {
        code,
        token,
        discord,
        ..
    } = request;
    tokio::spawn(async move {
        let t = &catalog.lab_texts;
        follow_place(&mut ticket, followup.as_ref(), &token, t).await;
        let verdict = match ticket.verdict().await {
            Ok(verdict) => verdict,
            Err(e) => {
                tracing::warn!(learner = who.id, error = %e, "an exercise run failed on our side");
                edit(followup.as_ref(), &token, view::lab::failed(t)).await;
                return;
            }
        };
        // The catalog the attempt started from: the exercise is there.
        let Some(lesson) = catalog.lesson(&lesson_id) else {
            return;
        };
        let Some(exercise) = lesson.exercise(&exercise_id) else {
            return;
        };
        let guess = guess(exercise, predicted).ok().flatten();
        let attempt = NewAttempt {
            lesson: lesson.key(),
            exercise: &exercise.id,
            passed: passed(&verdict),
            wall_ms: i32::try_from(verdict.wall.as_millis()).unwrap_or(i32::MAX),
            code: &code,
            predicted_secs: guess.map(|(_, c)| c.secs),
        };
        let tally = match store
            .record_exercise_attempt(interaction, who.id, &attempt)
            .await
        {
            Ok(tally) => Some(tally),
            Err(e) => {
                tracing::warn!(learner = who.id, error = %e, source = ?e.source, "{e}");
                None
            }
        };
        let graded = Graded {
            lesson,
            index,
            exercise,
            verdict: &verdict,
            passed: attempt.passed,
            tally,
            guess,
            discord,
        };
        let shown = view::exercise::verdict(&catalog, who, &graded);
        edit(followup.as_ref(), &token, shown).await;
    });
    Ok(AttemptStarted)
}

/// "Tick on my checklist" after a pass: the exercise's objective is ticked
/// (the checklist's own write, keyed by this click), if the learner has a
/// passing attempt at it.
pub async fn tick<'a>(
    core: &'a Core,
    who: Learner,
    interaction: u64,
    lesson: &str,
    version: &str,
    exercise: &str,
) -> Result<ExerciseTicked<'a>, CoreError> {
    let (lesson, _, exercise) = find(core, lesson, Some(version), exercise)?;
    let objective = lesson
        .objective(&exercise.objective)
        .ok_or(Refusal::UnknownButton)?;
    if tally(core, who, lesson, exercise).await?.passes == 0 {
        return Err(Refusal::NotPassed.into());
    }
    core.store
        .tick(interaction, who.id, lesson.key(), &objective.id, true)
        .await
        .map_err(error::save)?;
    Ok(ExerciseTicked { objective })
}

/// The lesson and exercise a request names. With `version` (a button or a
/// form): the lesson as it was drawn, or the stale-lesson refusal; an
/// exercise missing from that very version was never drawn by us. Without
/// (typed): the lesson now, each name refused as typed.
fn find<'a>(
    core: &'a Core,
    lesson: &str,
    version: Option<&str>,
    exercise: &str,
) -> Result<(&'a Lesson, usize, &'a Exercise), CoreError> {
    let l = match version {
        Some(version) => super::lesson::current(core, lesson, version)?,
        None => core
            .catalog
            .lesson(lesson)
            .ok_or_else(|| Refusal::UnknownLesson(lesson.to_string()))?,
    };
    match l.exercises.iter().position(|e| e.id == exercise) {
        Some(i) => Ok((l, i, &l.exercises[i])),
        None if version.is_some() => Err(Refusal::UnknownButton.into()),
        None => Err(Refusal::UnknownExercise {
            lesson: l.id.clone(),
            exercise: exercise.to_string(),
        }
        .into()),
    }
}

/// The predicted time a button or form names: one of the exercise's
/// choices, or none; any other index was not drawn by us.
fn guess(
    exercise: &Exercise,
    predicted: Option<u8>,
) -> Result<Option<(u8, &PredictChoice)>, Refusal> {
    let Some(i) = predicted else {
        return Ok(None);
    };
    exercise
        .predict
        .as_ref()
        .and_then(|p| p.choices.get(usize::from(i)))
        .map(|c| Some((i, c)))
        .ok_or(Refusal::UnknownButton)
}

async fn tally(
    core: &Core,
    who: Learner,
    lesson: &Lesson,
    exercise: &Exercise,
) -> Result<Tally, CoreError> {
    let tallies = core
        .store
        .exercise_tallies(who.id, Some(lesson.key()))
        .await
        .map_err(error::load)?;
    Ok(tallies
        .iter()
        .find(|t| t.exercise_id == exercise.id)
        .map_or_else(Tally::default, |t| Tally {
            tries: t.tries,
            passes: t.passes,
        }))
}

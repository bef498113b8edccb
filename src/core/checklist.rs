//! Checklists: the learner's learning objectives, each ticked or not.
//!
//! A tick button carries the state it sets (not a toggle), so a click
//! delivered twice lands once; the store keys the write by the interaction
//! too, so a replay after a later click changes nothing.

use super::error::{self, CoreError, Refusal};
use super::lesson::current;
use super::request::Learner;
use super::Core;
use crate::content::Lesson;

/// A learner's checklist, to be shown.
#[derive(Debug)]
pub struct ChecklistShown<'a> {
    pub lesson: &'a Lesson,
    /// The ids of the objectives the learner ticked.
    pub ticked: Vec<String>,
    pub in_place: bool,
}

/// A click on "Checklist" (or on someone else's tick: their own view, not a
/// tick).
pub async fn show<'a>(
    core: &'a Core,
    who: Learner,
    own: bool,
    lesson: &str,
    version: &str,
) -> Result<ChecklistShown<'a>, CoreError> {
    let lesson = current(core, lesson, version)?;
    let ticked = core
        .store
        .ticked(who.id, lesson.key())
        .await
        .map_err(error::load)?;
    Ok(ChecklistShown {
        lesson,
        ticked,
        in_place: own,
    })
}

/// A click on an objective: set it as the button asked, then redraw from
/// the ticked set the same statement returned. A click handled before
/// (Discord's retry, another instance) redraws the state as it is.
pub async fn tick<'a>(
    core: &'a Core,
    who: Learner,
    interaction: u64,
    lesson: &str,
    version: &str,
    objective: &str,
    ticked: bool,
) -> Result<ChecklistShown<'a>, CoreError> {
    let lesson = current(core, lesson, version)?;
    if lesson.objective(objective).is_none() {
        return Err(Refusal::StaleLesson {
            lesson: lesson.id.clone(),
        }
        .into());
    }
    let tick = core
        .store
        .tick(interaction, who.id, lesson.key(), objective, ticked)
        .await
        .map_err(error::save)?;
    Ok(ChecklistShown {
        lesson,
        ticked: tick.ticked,
        in_place: true,
    })
}

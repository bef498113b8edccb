//! `/progress`: every lesson with its bar, last change and best quiz score.

use super::error::{self, CoreError};
use super::request::Learner;
use super::Core;
use crate::store::Mark;

/// What `/progress` shows, read from the store.
#[derive(Debug)]
pub struct ProgressReport {
    pub marks: Vec<Mark>,
    /// (lesson, right, answered) of each lesson's best attempt.
    pub scores: Vec<(String, i64, i64)>,
    /// How many demos the learner ran.
    pub demos: i64,
}

/// Reads everything `/progress` shows.
pub async fn report(core: &Core, who: Learner) -> Result<ProgressReport, CoreError> {
    let store = &core.store;
    Ok(ProgressReport {
        marks: store.marks(who.id).await.map_err(error::load)?,
        scores: store.best_scores(who.id).await.map_err(error::load)?,
        demos: store.demo_count(who.id).await.map_err(error::load)?,
    })
}

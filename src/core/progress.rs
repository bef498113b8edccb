//! `/progress`: every lesson served here with its bar, last change, best
//! quiz score and exercises passed (the learner's records are read whole
//! and matched to each lesson by scope and id in the view);
//! the learner's streak (days counted in their own time zone, UTC until they
//! set one with `/remind`) and how many reviews are due.

use super::error::{self, CoreError};
use super::request::Learner;
use super::Core;
use crate::content::{Scope, Within};
use crate::store::{ExerciseTally, Mark, Streak};

/// What `/progress` shows, read from the store.
#[derive(Debug)]
pub struct ProgressReport {
    pub marks: Vec<Mark>,
    /// (scope, lesson, right, answered) of each lesson's best attempt.
    pub scores: Vec<(Scope, String, i64, i64)>,
    /// How many demos the learner ran.
    pub demos: i64,
    /// Current and longest streak, in days.
    pub streak: Streak,
    /// Review cards due now, of those `/review` shows here.
    pub reviews_due: i64,
    /// The learner's exercise attempts, per exercise.
    pub exercises: Vec<ExerciseTally>,
}

/// Reads everything `/progress` shows.
pub async fn report(core: &Core, who: Learner) -> Result<ProgressReport, CoreError> {
    let store = &core.store;
    Ok(ProgressReport {
        marks: store.marks(who.id).await.map_err(error::load)?,
        scores: store.best_scores(who.id).await.map_err(error::load)?,
        demos: store.demo_count(who.id).await.map_err(error::load)?,
        streak: streak(core, who).await?,
        reviews_due: store
            .review_outlook(who.id, Within::from_guild(who.guild), core.clock.now())
            .await
            .map_err(error::load)?
            .due_now,
        exercises: store
            .exercise_tallies(who.id, None)
            .await
            .map_err(error::load)?,
    })
}

/// The learner's streak, in days of their time zone.
pub async fn streak(core: &Core, who: Learner) -> Result<Streak, CoreError> {
    let timezone = timezone(core, who).await?;
    let today = core.clock.now().with_timezone(&timezone).date_naive();
    core.store
        .streak(who.id, timezone.name(), today)
        .await
        .map_err(error::load)
}

/// The learner's time zone: the one set with `/remind`, or UTC.
pub async fn timezone(core: &Core, who: Learner) -> Result<chrono_tz::Tz, CoreError> {
    let reminder = core.store.reminder(who.id).await.map_err(error::load)?;
    Ok(reminder
        .and_then(|r| r.timezone.parse().ok())
        .unwrap_or(chrono_tz::UTC))
}

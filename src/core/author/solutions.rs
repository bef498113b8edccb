//! An upload's exercises, proved in the sandbox before its preview.
//!
//! `tutorbot check` cannot run a teacher's Python: untrusted code runs in
//! the lab's sandbox or not at all. So when the lab is on here, each
//! uploaded exercise's reference solution is run there against its hidden
//! checks, as CI runs the built-in ones, and one that does not pass is
//! answered like any other mistake: `file:line` (the line of its `id`),
//! and nothing is stored. The teacher finds out at upload, not from the
//! first learner who cannot pass.
//!
//! This never blocks an upload the lab cannot take: where the lab is off
//! or still starting, or its queue is full, or the teacher has a `/run`
//! going (one job per person), the exercises are left unproved (logged)
//! and the upload goes on to its preview, as it would on a bot without a
//! lab. The solutions run one after another under the uploader's id, so
//! an upload takes one sandbox at a time, like any one person's runs.
//! Starters are not run: one that passes makes an exercise too easy, not
//! broken.

use crate::content::pack::PackLesson;
use crate::content::Diagnostics;
use crate::core::exercise::passed;
use crate::core::Core;
use crate::lab::{Check, Job, LabStatus};

/// Runs every exercise's solution of `lessons` in the sandbox, as `user`'s
/// jobs; each that does not pass its checks, as a mistake. Empty when all
/// passed or the lab could not run them.
pub async fn prove(core: &Core, user: u64, lessons: &[PackLesson]) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let exercises: Vec<_> = lessons
        .iter()
        .flat_map(|l| l.lesson.exercises.iter())
        .collect();
    if exercises.is_empty() {
        return diags;
    }
    let Some(LabStatus::On(queue)) = core.lab.as_ref().map(|lab| lab.status()) else {
        tracing::info!(
            user,
            "the lab is not on here: an upload's exercises are not run"
        );
        return diags;
    };
    for e in exercises {
        // The solution's size was checked at load; a job it cannot make
        // is left to that check.
        let Ok(job) = Job::new(e.solution.clone(), "") else {
            continue;
        };
        let ticket = match queue.submit(user, job.with_checks(e.checks.clone())) {
            Ok(ticket) => ticket,
            Err(refused) => {
                tracing::info!(
                    user,
                    ?refused,
                    "the lab cannot take an upload's exercises now: not run"
                );
                break;
            }
        };
        let verdict = match ticket.verdict().await {
            Ok(verdict) => verdict,
            Err(error) => {
                tracing::warn!(user, %error, "an upload's solution could not run on our side");
                continue;
            }
        };
        if !passed(&verdict) {
            let why = match &verdict.check {
                Some(Check::Failed(why)) => format!("the checks said: {why}"),
                _ => format!("it did not run to the end ({})", verdict.ending),
            };
            diags.push(
                &e.path,
                e.line,
                format!(
                    "exercise `{}`: the solution does not pass its own checks in the lab: {why}",
                    e.id
                ),
            );
        }
    }
    diags
}

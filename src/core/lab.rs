//! `/run`: the learner's own Python, run in the lab's sandbox.
//!
//! A run takes seconds, so, like a demo, the core answers at once with a
//! deferral and follows the job on a task of its own, editing the original
//! message through the door's [`Followup`]: the job's place in the queue
//! while it waits, "running" once it runs, then the verdict (drawn by
//! [`view::lab`]). Everything that can be refused is refused before the
//! deferral: the lab off or starting, code empty or too long, a run of this
//! learner's still going (one job per learner, which [`LabQueue`] enforces),
//! the queue full. The run itself is the lab's; nothing here waits on it.
//!
//! Graded exercises go through the same queue with their hidden checks:
//! see [`super::exercise`].
//!
//! [`LabQueue`]: crate::lab::LabQueue

use std::sync::Arc;

use serenity::all::EditInteractionResponse;

use super::error::{CoreError, Refusal};
use super::request::{Learner, RunRequest};
use super::view;
use super::{Core, Followup};
use crate::content::LabTexts;
use crate::lab::{Job, LabStatus, Place, QueueRefusal, Ticket};

/// How long a run waits for a lab still proving its sandbox at start
/// before it is told "still starting".
pub const START_WAIT: std::time::Duration = std::time::Duration::from_millis(1500);

/// A job taken by the lab: answered with a deferral.
#[derive(Debug)]
pub struct RunStarted;

/// `/run`: checks the code, queues the job, and follows it to its verdict.
pub async fn start(
    core: &Core,
    who: Learner,
    request: RunRequest,
    followup: Arc<dyn Followup>,
) -> Result<RunStarted, CoreError> {
    // The learner's mistake first: it is theirs to fix wherever they run.
    let job = Job::new(request.code, request.stdin).map_err(Refusal::BadCode)?;
    let mut ticket = submit(core, who, job).await?;
    let catalog = core.catalog.clone();
    let (token, again) = (request.token, request.offer_again);
    tokio::spawn(async move {
        let t = &catalog.lab_texts;
        follow_place(&mut ticket, followup.as_ref(), &token, t).await;
        let shown = match ticket.verdict().await {
            Ok(verdict) => view::lab::verdict(t, &verdict, again),
            Err(e) => {
                tracing::warn!(learner = who.id, error = %e, "a lab run failed on our side");
                view::lab::failed(t)
            }
        };
        edit(followup.as_ref(), &token, shown).await;
    });
    Ok(RunStarted)
}

/// Hands a checked job to the lab, or refuses it: the lab off or starting,
/// a run of this learner's still going, the queue full. Shared by `/run`
/// and exercise attempts ([`super::exercise`]).
pub(super) async fn submit(core: &Core, who: Learner, job: Job) -> Result<Ticket, CoreError> {
    let status = match core.lab.as_ref() {
        None => None,
        // A run asked for just after start (a piped console, a learner
        // quicker than the sandbox's first proof) waits a moment for the
        // lab to be on or off, well inside Discord's 3 seconds.
        Some(lab) => Some(
            tokio::time::timeout(START_WAIT, lab.started())
                .await
                .unwrap_or_else(|_| lab.status()),
        ),
    };
    let queue = match status {
        None => return Err(Refusal::LabOff { reason: None }.into()),
        Some(LabStatus::Off { reason }) => {
            return Err(Refusal::LabOff {
                reason: Some(reason),
            }
            .into())
        }
        Some(LabStatus::Starting) => return Err(Refusal::LabStarting.into()),
        Some(LabStatus::On(queue)) => queue,
    };
    queue.submit(who.id, job).map_err(|e| {
        match e {
            QueueRefusal::AlreadyRunning => Refusal::LabAlreadyRunning,
            QueueRefusal::Full { queued } => Refusal::LabFull { queued },
        }
        .into()
    })
}

/// Shows the job's place while it waits, then "running"; returns once it
/// runs.
pub(super) async fn follow_place(
    ticket: &mut Ticket,
    followup: &dyn Followup,
    token: &str,
    t: &LabTexts,
) {
    let mut place = ticket.place();
    edit(followup, token, view::lab::place(t, place)).await;
    while let Place::Queued(_) = place {
        match ticket.place_changed().await {
            Some(now) => {
                place = now;
                edit(followup, token, view::lab::place(t, place)).await;
            }
            None => break,
        }
    }
}

pub(super) async fn edit(followup: &dyn Followup, token: &str, edit: EditInteractionResponse) {
    if let Err(e) = followup.edit_original(token, edit).await {
        tracing::warn!(error = %e, "run message edit failed");
    }
}

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
//! A submit is run once however often it is delivered: just before the
//! job reaches the queue, its interaction is claimed in Postgres
//! ([`Store::claim_interaction`]), so a copy delivered again (Discord's
//! retry, a replay to another instance, after a restart) is answered with
//! the same deferral and runs nothing; the first delivery's run edits the
//! message. The queue's one-job-per-learner rule is per process; the claim
//! holds across every instance on the database.
//!
//! [`Store::claim_interaction`]: crate::store::Store::claim_interaction
//!
//! Graded exercises go through the same queue with their hidden checks:
//! see [`super::exercise`].
//!
//! [`LabQueue`]: crate::lab::LabQueue

use std::sync::Arc;

use serenity::all::EditInteractionResponse;

use super::error::{self, CoreError, Refusal};
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
    interaction: u64,
    request: RunRequest,
    followup: Arc<dyn Followup>,
) -> Result<RunStarted, CoreError> {
    // The learner's mistake first: it is theirs to fix wherever they run.
    let job = Job::new(request.code, request.stdin).map_err(Refusal::BadCode)?;
    let Some(mut ticket) = submit(core, who, interaction, job).await? else {
        // Delivered again: the first delivery's run edits this message.
        return Ok(RunStarted);
    };
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
/// a run of this learner's still going, the queue full. `None` when
/// `interaction` was claimed before (a copy delivered again): nothing is
/// queued. Shared by `/run` and exercise attempts ([`super::exercise`]).
pub(super) async fn submit(
    core: &Core,
    who: Learner,
    interaction: u64,
    job: Job,
) -> Result<Option<Ticket>, CoreError> {
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
    // Claimed last, once everything that could refuse the learner has had
    // its say, so a refused job's copy is refused the same way.
    if !core
        .store
        .claim_interaction(interaction)
        .await
        .map_err(error::save)?
    {
        tracing::info!(
            learner = who.id,
            interaction,
            "a lab submit delivered again runs nothing"
        );
        return Ok(None);
    }
    queue.submit(who.id, job).map(Some).map_err(|e| {
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

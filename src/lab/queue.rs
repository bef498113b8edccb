//! Capacity: at most `max_running` sandboxes at once, a bounded queue in
//! order, one job per learner.
//!
//! [`LabQueue::submit`] answers at once, without waiting: refused (this
//! learner has a job already, or the queue is full), or a [`Ticket`] with its
//! [`Place`]. The run itself is a spawned task (the sandbox is a child
//! process awaited asynchronously), so a full lab never blocks the runtime
//! or anyone else's interactions; a dropped ticket does not cancel the run,
//! which ends within its limits and frees its slot. The queue lives in this
//! process: each instance bounds its own sandboxes (the machine's cores are
//! per instance too).

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use tokio::sync::{oneshot, watch};

use super::error::LabError;
use super::sandbox::{Job, Sandbox};
use super::verdict::Verdict;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Waiting, with this many jobs ahead plus one (1: next).
    Queued(usize),
    Running,
}

/// Why a job was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QueueRefusal {
    #[error("this learner has a job running or waiting already")]
    AlreadyRunning,
    #[error("the lab is full: {queued} job(s) waiting")]
    Full { queued: usize },
}

/// A job taken: its place, and later its verdict.
#[derive(Debug)]
pub struct Ticket {
    place: watch::Receiver<Place>,
    verdict: oneshot::Receiver<Result<Verdict, LabError>>,
}

impl Ticket {
    pub fn place(&self) -> Place {
        *self.place.borrow()
    }

    /// Waits until the place changes; `None` once it never will again.
    pub async fn place_changed(&mut self) -> Option<Place> {
        self.place.changed().await.ok()?;
        Some(*self.place.borrow_and_update())
    }

    /// Waits for the run's verdict.
    pub async fn verdict(self) -> Result<Verdict, LabError> {
        self.verdict.await.unwrap_or_else(|_| {
            Err(LabError::Io(std::io::Error::other(
                "the lab's run task ended early",
            )))
        })
    }
}

struct Waiting {
    start: oneshot::Sender<()>,
    place: watch::Sender<Place>,
}

#[derive(Default)]
struct State {
    running: usize,
    queue: VecDeque<Waiting>,
    learners: HashSet<u64>,
}

/// The lab's sandboxes, shared by every door of this process.
#[derive(Clone)]
pub struct LabQueue {
    sandbox: Arc<Sandbox>,
    max_running: usize,
    max_queued: usize,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for LabQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LabQueue")
            .field("max_running", &self.max_running)
            .field("max_queued", &self.max_queued)
            .finish_non_exhaustive()
    }
}

impl LabQueue {
    /// `max_running` is at least 1.
    pub fn new(sandbox: Arc<Sandbox>, max_running: usize, max_queued: usize) -> LabQueue {
        LabQueue {
            sandbox,
            max_running: max_running.max(1),
            max_queued,
            state: Arc::default(),
        }
    }

    pub fn sandbox(&self) -> &Arc<Sandbox> {
        &self.sandbox
    }

    /// (running, waiting) right now.
    pub fn load(&self) -> (usize, usize) {
        let state = self.lock();
        (state.running, state.queue.len())
    }

    /// Takes `learner`'s job, or refuses it; never waits. Must be called in
    /// a tokio runtime (the run is spawned on it).
    pub fn submit(&self, learner: u64, job: Job) -> Result<Ticket, QueueRefusal> {
        let (place_tx, place_rx) = watch::channel(Place::Running);
        let (start_tx, start_rx) = oneshot::channel();
        let start_now = {
            let mut state = self.lock();
            if state.learners.contains(&learner) {
                return Err(QueueRefusal::AlreadyRunning);
            }
            let start_now = state.running < self.max_running;
            if start_now {
                state.running += 1;
            } else if state.queue.len() < self.max_queued {
                let _ = place_tx.send(Place::Queued(state.queue.len() + 1));
                state.queue.push_back(Waiting {
                    start: start_tx,
                    place: place_tx.clone(),
                });
            } else {
                return Err(QueueRefusal::Full {
                    queued: state.queue.len(),
                });
            }
            state.learners.insert(learner);
            start_now
        };
        let (verdict_tx, verdict_rx) = oneshot::channel();
        let queue = self.clone();
        tokio::spawn(async move {
            // Frees the learner, and the slot to the next job, however the
            // run ends (a panic included).
            let mut done = Done {
                queue: queue.clone(),
                learner,
                holds_slot: start_now,
            };
            if !start_now {
                if start_rx.await.is_err() {
                    return;
                }
                done.holds_slot = true;
            }
            let _ = place_tx.send(Place::Running);
            let verdict = queue.sandbox.run(&job).await;
            let _ = verdict_tx.send(verdict);
        });
        Ok(Ticket {
            place: place_rx,
            verdict: verdict_rx,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a counter, a queue and a set, each left whole by every
        // critical section: a poisoned lock holds nothing half-done.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A run ended: its slot goes to the first waiting job, or is freed.
    fn finished(&self, learner: u64, held_slot: bool) {
        let mut state = self.lock();
        state.learners.remove(&learner);
        if !held_slot {
            return;
        }
        state.running -= 1;
        while let Some(next) = state.queue.pop_front() {
            if next.start.send(()).is_ok() {
                state.running += 1;
                break;
            }
        }
        for (i, w) in state.queue.iter().enumerate() {
            let _ = w.place.send(Place::Queued(i + 1));
        }
    }
}

struct Done {
    queue: LabQueue,
    learner: u64,
    holds_slot: bool,
}

impl Drop for Done {
    fn drop(&mut self) {
        self.queue.finished(self.learner, self.holds_slot);
    }
}

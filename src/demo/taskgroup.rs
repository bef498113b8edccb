//! `/demo taskgroup`: when one task fails, what happens to the others.
//!
//! Python's two ways to run tasks together part ways at a failure, and this
//! demo runs both with the same tasks (the first fails after half the delay,
//! the others take the whole delay):
//! - `asyncio.gather` without `return_exceptions` raises the first error at
//!   once, and the other tasks **keep running**, unobserved. The Rust twin:
//!   spawned tasks joined until the first error; the tasks not yet joined
//!   run on, because dropping a `JoinHandle` detaches its task. The run's
//!   wall time is when the join returned; the other spans end later, when
//!   their fetches do (the engine waits for them only to record them and to
//!   keep them inside the global cap).
//! - `asyncio.TaskGroup` **cancels the other tasks** and waits until they
//!   have stopped, then raises. The Rust twin: a `JoinSet`, and at the first
//!   error `JoinSet::shutdown`, which aborts the rest and waits for them;
//!   their spans end `Cancelled` when they stopped.

use std::sync::Arc;

use futures::future::join_all;
use reqwest::{Client, Url};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use super::engine::{fetch, outcome_of, AbortOnDrop, DemoEngine, Recorder};
use super::error::{check_range, DemoError, Param};
use super::model::{Outcome, Progress, RunKind, TaskGroupReport};

impl DemoEngine {
    /// `n` fetches as tasks, request #1 failing after half of `delay_ms`,
    /// joined like `gather` without `return_exceptions`, then like a
    /// `TaskGroup` (see the module docs). `n` is at least 2: with one task
    /// there is nobody to cancel.
    ///
    /// Holds `n` slots until every task of both runs has ended. Progress:
    /// phase 0 `GatherFirstError`, phase 1 `TaskGroup`.
    pub async fn taskgroup(
        &self,
        n: usize,
        delay_ms: u64,
        progress: Option<watch::Sender<Progress>>,
    ) -> Result<TaskGroupReport, DemoError> {
        let max_n = self.config.max_n as u64;
        check_range(Param::N, n as u64, 2.min(max_n), max_n)?;
        self.check_delay(Param::DelayMs, delay_ms)?;
        let _slots = self.reserve(n).await?;
        let progress = progress.as_ref();
        let fail_delay_ms = delay_ms / 2;
        let urls: Vec<Url> = (0..n)
            .map(|i| {
                if i == 0 {
                    self.delay_url(fail_delay_ms, true)
                } else {
                    self.delay_url(delay_ms, false)
                }
            })
            .collect();

        // Like gather: the caller hears from each task in turn and stops
        // listening at the first error; the tasks do not stop.
        let rec = Arc::new(Recorder::start(
            n,
            RunKind::GatherFirstError,
            0,
            2,
            progress,
        ));
        let (tx, mut heard) = mpsc::unbounded_channel();
        let tasks: Vec<AbortOnDrop<()>> = urls
            .iter()
            .enumerate()
            .map(|(i, url)| {
                let (rec, client, url, tx) =
                    (rec.clone(), self.client.clone(), url.clone(), tx.clone());
                AbortOnDrop(tokio::spawn(async move {
                    let ok = task(&rec, i, &client, url).await;
                    let _ = tx.send(ok);
                }))
            })
            .collect();
        drop(tx);
        while let Some(true) = heard.recv().await {}
        let wall = rec.now();
        // The others run on after the caller moved on; wait for them only to
        // record their ends (and to keep them inside the cap).
        for joined in join_all(tasks).await {
            joined.map_err(|e| DemoError::Internal(format!("gather task: {e}")))?;
        }
        let gather = rec
            .finish_at(RunKind::GatherFirstError, wall)
            .map_err(|e| self.target_error(&e))?;
        self.expect_plan(&gather, |i| i == 0)?;

        // Like a TaskGroup: the first error aborts the rest, and the join
        // returns once they have stopped.
        let rec = Arc::new(Recorder::start(n, RunKind::TaskGroup, 1, 2, progress));
        let mut group = JoinSet::new();
        for (i, url) in urls.iter().enumerate() {
            let (rec, client, url) = (rec.clone(), self.client.clone(), url.clone());
            group.spawn(async move { task(&rec, i, &client, url).await });
        }
        while let Some(joined) = group.join_next().await {
            let ok = joined.map_err(|e| DemoError::Internal(format!("group task: {e}")))?;
            if !ok {
                group.shutdown().await;
                break;
            }
        }
        let wall = rec.now();
        let group = rec
            .finish_at(RunKind::TaskGroup, wall)
            .map_err(|e| self.target_error(&e))?;
        self.expect_plan(&group, |i| i == 0)?;

        Ok(TaskGroupReport {
            n,
            delay_ms,
            fail_delay_ms,
            gather,
            group,
        })
    }
}

/// One task: fetch, record the span, and say whether it succeeded (a
/// transport error voids the run, and counts as a failure here).
async fn task(rec: &Recorder, i: usize, client: &Client, url: Url) -> bool {
    let t = rec.track(i);
    match fetch(client, url).await {
        Ok(status) => {
            let outcome = outcome_of(status);
            t.finish(outcome);
            outcome == Outcome::Ok
        }
        Err(e) => {
            rec.fail(e);
            false
        }
    }
}

//! The demos, as methods of [`DemoEngine`].
//!
//! Each demo validates its parameters (learner errors first), takes its slots
//! of the global cap for its whole duration, runs, and returns a report.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::{join_all, try_join_all};
use reqwest::Url;
use tokio::sync::{oneshot, watch, Semaphore};

use super::engine::{fetch, outcome_of, AbortOnDrop, DemoEngine, Recorder};
use super::error::{check_range, DemoError, Param};
use super::model::{
    BlockingReport, ErrorsReport, FirstError, GatherReport, LimitReport, Outcome, Progress, Run,
    RunKind, TimeoutReport,
};

impl DemoEngine {
    /// `/demo gather`: `n` fetches of `GET /delay/{delay_ms}` one after
    /// another, then all `n` at once with `join_all`.
    ///
    /// Holds `n` slots of the global cap throughout. Progress: phase 0
    /// `Sequential`, phase 1 `Concurrent`.
    pub async fn gather(
        &self,
        n: usize,
        delay_ms: u64,
        progress: Option<watch::Sender<Progress>>,
    ) -> Result<GatherReport, DemoError> {
        self.check_n(n)?;
        self.check_delay(Param::DelayMs, delay_ms)?;
        self.check_total(n, delay_ms)?;
        let _slots = self.reserve(n).await?;
        let progress = progress.as_ref();
        let url = self.delay_url(delay_ms, false);
        let sequential = self.run_sequential(n, &url, 0, 2, progress).await?;
        let concurrent = self.run_concurrent(n, &url, 1, 2, progress).await?;
        Ok(GatherReport {
            n,
            delay_ms,
            sequential,
            concurrent,
        })
    }

    /// The concurrent half of [`gather`](Self::gather) alone: `n` fetches at
    /// once with `join_all` (used by the benchmark; same bounds and cap).
    pub async fn concurrent(
        &self,
        n: usize,
        delay_ms: u64,
        progress: Option<watch::Sender<Progress>>,
    ) -> Result<Run, DemoError> {
        self.check_n(n)?;
        self.check_delay(Param::DelayMs, delay_ms)?;
        let _slots = self.reserve(n).await?;
        let url = self.delay_url(delay_ms, false);
        self.run_concurrent(n, &url, 0, 1, progress.as_ref()).await
    }

    async fn run_sequential(
        &self,
        n: usize,
        url: &Url,
        phase_index: usize,
        phases: usize,
        progress: Option<&watch::Sender<Progress>>,
    ) -> Result<Run, DemoError> {
        let rec = Recorder::start(n, RunKind::Sequential, phase_index, phases, progress);
        for i in 0..n {
            let t = rec.track(i);
            match self.fetch(url.clone()).await {
                Ok(status) if outcome_of(status) == Outcome::Ok => t.finish(Outcome::Ok),
                Ok(status) => return Err(self.unexpected_status(status)),
                Err(e) => return Err(self.target_error(&e)),
            }
        }
        rec.finish(RunKind::Sequential)
            .map_err(|e| self.target_error(&e))
    }

    /// `join_all` over `n` spawned fetch tasks: like `asyncio.gather`, which
    /// wraps each coroutine in a task, and the tasks spread over the
    /// runtime's threads (opening many connections at once is CPU work).
    /// The tasks are aborted if this future is dropped.
    async fn run_concurrent(
        &self,
        n: usize,
        url: &Url,
        phase_index: usize,
        phases: usize,
        progress: Option<&watch::Sender<Progress>>,
    ) -> Result<Run, DemoError> {
        let rec = Arc::new(Recorder::start(
            n,
            RunKind::Concurrent,
            phase_index,
            phases,
            progress,
        ));
        let joined = join_all((0..n).map(|i| {
            let (rec, client, url) = (rec.clone(), self.client.clone(), url.clone());
            AbortOnDrop(tokio::spawn(async move {
                let t = rec.track(i);
                match fetch(&client, url).await {
                    Ok(status) => t.finish(outcome_of(status)),
                    Err(e) => rec.fail(e),
                }
            }))
        }))
        .await;
        let wall = rec.now();
        if let Some(Err(e)) = joined.into_iter().find(Result::is_err) {
            return Err(DemoError::Internal(format!("fetch task: {e}")));
        }
        let run = rec
            .finish_at(RunKind::Concurrent, wall)
            .map_err(|e| self.target_error(&e))?;
        self.expect_plan(&run, |_| false)?;
        Ok(run)
    }

    /// The blocking mistake: `n` tasks that block their thread with
    /// `std::thread::sleep(delay)`, gathered with `join_all` on a
    /// single-threaded runtime, next to `n` tasks awaiting
    /// `tokio::time::sleep(delay)` on that same runtime.
    ///
    /// Runs on its own OS thread with its own `current_thread` runtime, so the
    /// caller's runtime is never blocked. No HTTP; holds `n` slots of the
    /// global cap until the thread ends (even if the caller stops waiting).
    /// Progress: phase 0 `Blocking`, phase 1 `Awaiting`.
    pub async fn blocking(
        &self,
        n: usize,
        delay_ms: u64,
        progress: Option<watch::Sender<Progress>>,
    ) -> Result<BlockingReport, DemoError> {
        self.check_n(n)?;
        self.check_delay(Param::DelayMs, delay_ms)?;
        self.check_total(n, delay_ms)?;
        let slots = self.reserve(n).await?;
        let delay = Duration::from_millis(delay_ms);
        let (tx, rx) = oneshot::channel();
        std::thread::Builder::new()
            .name("demo-blocking".into())
            .spawn(move || {
                let _slots = slots;
                let result = tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .build()
                    .map_err(|e| DemoError::Internal(format!("blocking demo runtime: {e}")))
                    .and_then(|rt| rt.block_on(blocking_runs(n, delay, progress.as_ref())));
                let _ = tx.send(result);
            })
            .map_err(|e| DemoError::Internal(format!("blocking demo thread: {e}")))?;
        let (blocking, awaiting) = rx
            .await
            .map_err(|_| DemoError::Internal("blocking demo thread died".into()))??;
        Ok(BlockingReport {
            n,
            delay_ms,
            blocking,
            awaiting,
        })
    }

    /// A failure among many: `failures` of the `n` fetches fail (the target's
    /// `?fail=1`, answered after half the delay). First all-or-nothing with
    /// `try_join_all` (the first error wins and the rest are dropped), then
    /// `join_all` of the `Result`s (every outcome collected).
    ///
    /// The failing indices are spread evenly and include 0 whenever
    /// `failures > 0`. (Beware: for more than 30 futures `try_join_all`
    /// reports errors in input order, not completion order; failing index 0
    /// keeps the "first error" the earliest one either way.)
    /// Holds `n` slots. Progress: phase 0 `AllOrNothing`, phase 1 `Collected`.
    pub async fn errors(
        &self,
        n: usize,
        failures: usize,
        delay_ms: u64,
        progress: Option<watch::Sender<Progress>>,
    ) -> Result<ErrorsReport, DemoError> {
        self.check_n(n)?;
        check_range(Param::Failures, failures as u64, 0, n as u64)?;
        self.check_delay(Param::DelayMs, delay_ms)?;
        let _slots = self.reserve(n).await?;
        let progress = progress.as_ref();

        let failing = spread(n, failures);
        let mut fails = vec![false; n];
        for &i in &failing {
            fails[i] = true;
        }
        let fail_delay_ms = delay_ms / 2;
        let ok_url = self.delay_url(delay_ms, false);
        let fail_url = self.delay_url(fail_delay_ms, true);
        let url_of = |i: usize| {
            if fails[i] {
                fail_url.clone()
            } else {
                ok_url.clone()
            }
        };

        // All or nothing.
        let rec = Recorder::start(n, RunKind::AllOrNothing, 0, 2, progress);
        let rec_ref = &rec;
        let result = try_join_all((0..n).map(|i| {
            let url = url_of(i);
            async move {
                let t = rec_ref.track(i);
                match self.fetch(url).await {
                    Ok(status) => {
                        let outcome = outcome_of(status);
                        t.finish(outcome);
                        match outcome {
                            Outcome::Ok => Ok(()),
                            _ => Err(Some(FirstError { index: i, status })),
                        }
                    }
                    Err(e) => {
                        rec_ref.fail(e);
                        Err(None)
                    }
                }
            }
        }))
        .await;
        let wall = rec.now();
        let all_or_nothing = rec
            .finish_at(RunKind::AllOrNothing, wall)
            .map_err(|e| self.target_error(&e))?;
        self.expect_plan(&all_or_nothing, |i| fails[i])?;
        let first_error = result.err().flatten();

        // Every outcome collected.
        let rec = Recorder::start(n, RunKind::Collected, 1, 2, progress);
        let rec_ref = &rec;
        join_all((0..n).map(|i| {
            let url = url_of(i);
            async move {
                let t = rec_ref.track(i);
                match self.fetch(url).await {
                    Ok(status) => t.finish(outcome_of(status)),
                    Err(e) => rec_ref.fail(e),
                }
            }
        }))
        .await;
        let collected = rec
            .finish(RunKind::Collected)
            .map_err(|e| self.target_error(&e))?;
        self.expect_plan(&collected, |i| fails[i])?;

        Ok(ErrorsReport {
            n,
            delay_ms,
            fail_delay_ms,
            failing,
            all_or_nothing,
            first_error,
            collected,
        })
    }

    /// One fetch of `delay_ms` under `tokio::time::timeout(limit_ms)` (the
    /// twin of `asyncio.wait_for`). When the limit fires first the fetch is
    /// dropped (cancelled) at the limit. Holds 1 slot.
    pub async fn timeout(&self, delay_ms: u64, limit_ms: u64) -> Result<TimeoutReport, DemoError> {
        self.check_delay(Param::DelayMs, delay_ms)?;
        self.check_delay(Param::LimitMs, limit_ms)?;
        let _slot = self.reserve(1).await?;
        let url = self.delay_url(delay_ms, false);
        let rec = Recorder::start(1, RunKind::Timeout, 0, 1, None);
        let rec_ref = &rec;
        let fetch = async move {
            let t = rec_ref.track(0);
            match self.fetch(url).await {
                Ok(status) => t.finish(outcome_of(status)),
                Err(e) => rec_ref.fail(e),
            }
        };
        let result = tokio::time::timeout(Duration::from_millis(limit_ms), fetch).await;
        let elapsed = rec.now();
        let run = rec
            .finish_at(RunKind::Timeout, elapsed)
            .map_err(|e| self.target_error(&e))?;
        self.expect_plan(&run, |_| false)?;
        Ok(TimeoutReport {
            delay_ms,
            limit_ms,
            timed_out: result.is_err(),
            elapsed,
            run,
        })
    }

    /// `n` fetches started all at once with `join_all`, but a semaphore of `k`
    /// permits (the twin of `asyncio.Semaphore(k)`) lets only `k` run at a
    /// time: wall time about ceil(n/k) × delay, in waves. Holds `k` slots.
    /// Progress: phase 0 `Limited`.
    pub async fn limit(
        &self,
        n: usize,
        k: usize,
        delay_ms: u64,
        progress: Option<watch::Sender<Progress>>,
    ) -> Result<LimitReport, DemoError> {
        self.check_n(n)?;
        check_range(Param::Concurrency, k as u64, 1, n as u64)?;
        self.check_delay(Param::DelayMs, delay_ms)?;
        let expected_waves = n.div_ceil(k);
        self.check_total(expected_waves, delay_ms)?;
        let _slots = self.reserve(k).await?;
        let url = self.delay_url(delay_ms, false);

        let sem = Semaphore::new(k);
        // The k permits as k numbered slots: which slot a fetch ran in, and
        // how many fetches each slot has run (= the wave of the next one).
        let book = Mutex::new(SlotBook {
            free: (0..k).rev().collect(),
            runs: vec![0; k],
        });
        let rec = Recorder::start(n, RunKind::Limited, 0, 1, progress.as_ref());
        let (rec_ref, sem_ref, book_ref) = (&rec, &sem, &book);
        let placed: Vec<Option<(usize, usize)>> = join_all((0..n).map(|i| {
            let url = url.clone();
            async move {
                let _permit = sem_ref.acquire().await.ok()?;
                let (slot, wave) = book_ref.lock().unwrap_or_else(|p| p.into_inner()).take()?;
                let t = rec_ref.track(i);
                match self.fetch(url).await {
                    Ok(status) => t.finish(outcome_of(status)),
                    Err(e) => rec_ref.fail(e),
                }
                book_ref
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .free
                    .push(slot);
                Some((i, wave))
            }
        }))
        .await;
        let run = rec
            .finish(RunKind::Limited)
            .map_err(|e| self.target_error(&e))?;
        self.expect_plan(&run, |_| false)?;

        let mut waves: Vec<Vec<usize>> = Vec::new();
        for (i, wave) in placed.into_iter().flatten() {
            if waves.len() <= wave {
                waves.resize_with(wave + 1, Vec::new);
            }
            waves[wave].push(i);
        }
        if waves.iter().map(Vec::len).sum::<usize>() != n {
            return Err(DemoError::Internal("limit demo lost a fetch".into()));
        }
        Ok(LimitReport {
            n,
            k,
            delay_ms,
            run,
            waves,
            expected_waves,
        })
    }

    /// Every span must match the plan: `should_fail(i)` → `Failed`, else `Ok`
    /// (`Cancelled` is always possible). A mismatch means the target does not
    /// behave like ours: our failure.
    pub(super) fn expect_plan(
        &self,
        run: &Run,
        should_fail: impl Fn(usize) -> bool,
    ) -> Result<(), DemoError> {
        for s in &run.spans {
            match (s.outcome, should_fail(s.index)) {
                (Outcome::Cancelled, _) | (Outcome::Ok, false) | (Outcome::Failed { .. }, true) => {
                }
                (Outcome::Failed { status }, false) => return Err(self.unexpected_status(status)),
                (Outcome::Ok, true) => return Err(self.unexpected_status(200)),
            }
        }
        Ok(())
    }
}

struct SlotBook {
    free: Vec<usize>,
    runs: Vec<usize>,
}

impl SlotBook {
    /// Take a free slot: `(slot, wave)`. A held permit implies one is free.
    fn take(&mut self) -> Option<(usize, usize)> {
        let slot = self.free.pop()?;
        let wave = self.runs[slot];
        self.runs[slot] += 1;
        Some((slot, wave))
    }
}

/// The blocking demo's two runs, on the dedicated single-threaded runtime.
async fn blocking_runs(
    n: usize,
    delay: Duration,
    progress: Option<&watch::Sender<Progress>>,
) -> Result<(Run, Run), DemoError> {
    let internal = |e: reqwest::Error| DemoError::Internal(e.to_string());

    let rec = Recorder::start(n, RunKind::Blocking, 0, 2, progress);
    let rec_ref = &rec;
    join_all((0..n).map(|i| async move {
        let t = rec_ref.track(i);
        // The mistake on purpose: a blocking sleep inside async code holds
        // the only thread, so no other task runs meanwhile.
        std::thread::sleep(delay);
        t.finish(Outcome::Ok);
    }))
    .await;
    let blocking = rec.finish(RunKind::Blocking).map_err(internal)?;

    let rec = Recorder::start(n, RunKind::Awaiting, 1, 2, progress);
    let rec_ref = &rec;
    join_all((0..n).map(|i| async move {
        let t = rec_ref.track(i);
        tokio::time::sleep(delay).await;
        t.finish(Outcome::Ok);
    }))
    .await;
    let awaiting = rec.finish(RunKind::Awaiting).map_err(internal)?;
    Ok((blocking, awaiting))
}

/// `k` indices spread evenly over `0..n` (distinct, ascending, starting at 0
/// when `k > 0`). Requires `k <= n`.
pub(crate) fn spread(n: usize, k: usize) -> Vec<usize> {
    (0..k).map(|j| j * n / k).collect()
}

#[cfg(test)]
mod tests {
    use super::spread;

    #[test]
    fn spread_is_even_distinct_and_starts_at_zero() {
        assert_eq!(spread(5, 0), Vec::<usize>::new());
        assert_eq!(spread(5, 1), vec![0]);
        assert_eq!(spread(5, 2), vec![0, 2]);
        assert_eq!(spread(10, 3), vec![0, 3, 6]);
        assert_eq!(spread(4, 4), vec![0, 1, 2, 3]);
        for n in 1..=60 {
            for k in 0..=n {
                let s = spread(n, k);
                assert_eq!(s.len(), k);
                assert!(s.windows(2).all(|w| w[0] < w[1]));
                assert!(s.iter().all(|&i| i < n));
            }
        }
    }
}

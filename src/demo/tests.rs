//! Tests of the engine with real sockets against the built-in target.
//!
//! Timing assertions are sound bounds only: lower bounds the physics
//! guarantees (a fetch of `d` cannot end before `d`), and upper bounds with a
//! wide margin (a concurrent run well under the sequential time). No sleep is
//! used to synchronise: tests wait on progress updates or on the demos.

use std::time::Duration;

use tokio::sync::watch;

use super::*;

const fn ms(v: u64) -> Duration {
    Duration::from_millis(v)
}

async fn setup(config: DemoConfig) -> (TargetHandle, DemoEngine) {
    let target = spawn_target().await.expect("target starts");
    let engine = DemoEngine::new(config, &target.base_url()).expect("engine builds");
    (target, engine)
}

fn assert_all(run: &Run, outcome: Outcome) {
    assert!(
        run.spans.iter().all(|s| s.outcome == outcome),
        "{:?}: {:?}",
        run.kind,
        run.spans
    );
}

fn assert_sorted_indices(run: &Run, n: usize) {
    let idx: Vec<usize> = run.spans.iter().map(|s| s.index).collect();
    assert_eq!(idx, (0..n).collect::<Vec<_>>());
}

// ---- the target ----

#[tokio::test]
async fn target_answers_delay_fail_and_bad_requests() {
    let target = spawn_target().await.unwrap();
    let base = target.base_url();
    assert!(base.starts_with("http://127.0.0.1:"));
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let get = |path: &str| {
        let c = client.clone();
        let url = format!("{base}{path}");
        async move {
            let r = c.get(url).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let t0 = std::time::Instant::now();
    assert_eq!(get("/delay/50").await, (200, "ok".into()));
    assert!(t0.elapsed() >= ms(50));
    let t0 = std::time::Instant::now();
    assert_eq!(get("/delay/50?fail=1").await.0, 500);
    assert!(t0.elapsed() >= ms(50));
    assert_eq!(get("/delay/50?fail=0").await.0, 200);
    assert_eq!(get("/delay/10001").await.0, 400);
    assert_eq!(get("/delay/abc").await.0, 400);
    assert_eq!(get("/delay/-1").await.0, 400);
    assert_eq!(get("/elsewhere").await.0, 404);
    target.shutdown().await.unwrap();
}

#[tokio::test]
async fn serve_target_serves_a_given_listener() {
    let listener = bind_loopback(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(serve_target(listener));
    let engine = DemoEngine::new(DemoConfig::default(), &format!("http://{addr}")).unwrap();
    let run = engine.concurrent(3, 20, None).await.unwrap();
    assert_all(&run, Outcome::Ok);
    server.abort();
}

// ---- gather ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gather_sequential_is_a_staircase_concurrent_a_stack() {
    let (_target, engine) = setup(DemoConfig::default()).await;
    let (n, delay) = (5usize, 200u64);
    let (tx, mut rx) = watch::channel(Progress::default());
    let report = engine.gather(n, delay, Some(tx)).await.unwrap();
    let d = ms(delay);

    let seq = &report.sequential;
    assert_eq!(seq.kind, RunKind::Sequential);
    assert_sorted_indices(seq, n);
    assert_all(seq, Outcome::Ok);
    assert!(seq.wall >= d * n as u32, "sequential {:?}", seq.wall);
    for w in seq.spans.windows(2) {
        assert!(w[1].start >= w[0].end, "overlap: {w:?}");
    }
    assert!(seq.spans.iter().all(|s| s.duration() >= d));
    assert_eq!(seq.max_overlap(), 1);

    let conc = &report.concurrent;
    assert_eq!(conc.kind, RunKind::Concurrent);
    assert_sorted_indices(conc, n);
    assert_all(conc, Outcome::Ok);
    assert!(conc.wall >= d, "concurrent {:?}", conc.wall);
    assert!(conc.wall < d * n as u32 / 2, "concurrent {:?}", conc.wall);
    assert!(conc.spans.iter().all(|s| s.duration() >= d && s.start < d));
    assert_eq!(conc.max_overlap(), n);
    assert!(report.speedup() > 2.0, "speedup {}", report.speedup());

    // Progress ended on the last request of the concurrent run, and the
    // sender is gone.
    let last = *rx.borrow_and_update();
    assert_eq!(
        last,
        Progress {
            phase: RunKind::Concurrent,
            phase_index: 1,
            phases: 2,
            done: n,
            total: n
        }
    );
    assert!(rx.changed().await.is_err());

    // The charts show it.
    let axis = shared_axis(&[seq, conc]);
    let opts = ChartOptions {
        axis: Some(axis),
        ..ChartOptions::default()
    };
    let (a, b) = (render(seq, &opts), render(conc, &opts));
    println!("{a}\n\n{b}");
    assert!(a.chars().count() < 1000 && b.chars().count() < 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gather_at_max_n_stays_concurrent() {
    let (_target, engine) = setup(DemoConfig::default()).await;
    let (n, delay) = (50usize, 20u64);
    let report = engine.gather(n, delay, None).await.unwrap();
    assert!(report.sequential.wall >= ms(delay) * n as u32);
    assert!(report.concurrent.wall >= ms(delay));
    assert!(report.concurrent.wall < ms(delay) * n as u32 / 2);
    assert_all(&report.concurrent, Outcome::Ok);
    assert_eq!(report.concurrent.spans.len(), n);
    let chart = render(&report.sequential, &ChartOptions::default());
    assert!(chart.chars().count() < chart::MAX_CHART_CHARS);
}

// ---- blocking ----

#[tokio::test(flavor = "current_thread")]
async fn blocking_gets_no_speed_up_and_never_blocks_our_runtime() {
    // Target, engine and test all on this one thread: if the demo blocked
    // it, neither the progress nor the side fetch below could happen.
    let (_target, engine) = setup(DemoConfig::default()).await;
    let (n, delay) = (3usize, 300u64);
    let d = ms(delay);
    let (tx, mut rx) = watch::channel(Progress::default());
    let demo = engine.blocking(n, delay, Some(tx));
    tokio::pin!(demo);

    // Wait, while the demo runs, until its first blocking task is done...
    loop {
        tokio::select! {
            r = &mut demo => panic!("demo ended before its progress was seen: {r:?}"),
            c = rx.changed() => {
                c.expect("progress sender alive while the demo runs");
                let p = *rx.borrow_and_update();
                if p.phase == RunKind::Blocking && p.done >= 1 {
                    break;
                }
            }
        }
    }
    // ...then fetch from the target on this runtime while it still runs.
    tokio::select! {
        r = &mut demo => panic!("demo ended before the side fetch: {r:?}"),
        r = engine.concurrent(1, 10, None) => assert_all(&r.unwrap(), Outcome::Ok),
    }
    let report = demo.await.unwrap();

    let b = &report.blocking;
    assert_sorted_indices(b, n);
    assert!(b.wall >= d * n as u32, "blocking {:?}", b.wall);
    assert_eq!(b.max_overlap(), 1);
    for w in b.spans.windows(2) {
        assert!(w[1].start >= w[0].end);
    }
    let a = &report.awaiting;
    assert_sorted_indices(a, n);
    assert!(a.wall >= d);
    assert!(a.wall < d * n as u32 / 2 + d / 2, "awaiting {:?}", a.wall);
    assert_eq!(a.max_overlap(), n);
    assert!(report.blocking_vs_sequential() >= 1.0);
    assert!(report.slowdown() > 1.5);
}

// ---- errors ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_first_error_wins_versus_every_outcome() {
    let (_target, engine) = setup(DemoConfig::default()).await;
    let (n, k, delay) = (6usize, 2usize, 400u64);
    let r = engine.errors(n, k, delay, None).await.unwrap();
    assert_eq!(r.failing, vec![0, 3]);
    assert_eq!(r.fail_delay_ms, 200);

    // try_join_all: one of the failing fetches wins, after its delay but
    // before any success could arrive; the successes were dropped.
    let first = r.first_error.expect("an error");
    assert!(r.failing.contains(&first.index));
    assert_eq!(first.status, 500);
    let aon = &r.all_or_nothing;
    assert_sorted_indices(aon, n);
    assert!(aon.wall >= ms(200), "{:?}", aon.wall);
    assert!(aon.wall < ms(delay), "{:?}", aon.wall);
    assert_eq!(
        aon.spans[first.index].outcome,
        Outcome::Failed { status: 500 }
    );
    for s in &aon.spans {
        if !r.failing.contains(&s.index) {
            assert_eq!(s.outcome, Outcome::Cancelled, "{s:?}");
            assert!(s.end < ms(delay));
        }
    }

    // join_all of Results: exactly the planned failures, every success.
    let col = &r.collected;
    assert_sorted_indices(col, n);
    assert!(col.wall >= ms(delay));
    for s in &col.spans {
        let want = if r.failing.contains(&s.index) {
            Outcome::Failed { status: 500 }
        } else {
            Outcome::Ok
        };
        assert_eq!(s.outcome, want);
    }
    assert_eq!((col.failed_count(), col.ok_count()), (k, n - k));
    println!("{}", render(aon, &ChartOptions::default()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_edge_cases_none_all_and_many() {
    let (_target, engine) = setup(DemoConfig::default()).await;

    let none = engine.errors(3, 0, 50, None).await.unwrap();
    assert_eq!(none.first_error, None);
    assert_all(&none.all_or_nothing, Outcome::Ok);
    assert_all(&none.collected, Outcome::Ok);

    let all = engine.errors(3, 3, 50, None).await.unwrap();
    assert_eq!(all.first_error.map(|e| e.status), Some(500));
    assert_all(&all.collected, Outcome::Failed { status: 500 });

    // Over 30 futures try_join_all reports in input order: index 0 fails
    // first in both senses, so the early stop still shows.
    let (n, delay) = (40usize, 400u64);
    let many = engine.errors(n, 4, delay, None).await.unwrap();
    assert_eq!(many.failing, vec![0, 10, 20, 30]);
    assert_eq!(many.first_error.map(|e| e.index), Some(0));
    assert!(many.all_or_nothing.wall < ms(delay));
    assert!(many.all_or_nothing.cancelled_count() >= n - 4);
    assert_eq!(many.collected.failed_count(), 4);
}

// ---- timeout ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_cancels_the_slow_fetch_at_the_limit() {
    let (_target, engine) = setup(DemoConfig::default()).await;
    let r = engine.timeout(2000, 150).await.unwrap();
    assert!(r.timed_out);
    assert!(
        r.elapsed >= ms(150) && r.elapsed < ms(2000),
        "{:?}",
        r.elapsed
    );
    assert_eq!(r.run.spans.len(), 1);
    let s = r.run.spans[0];
    assert_eq!(s.outcome, Outcome::Cancelled);
    assert!(s.end >= ms(150) && s.end < ms(2000));

    let r = engine.timeout(50, 3000).await.unwrap();
    assert!(!r.timed_out);
    assert!(r.elapsed >= ms(50) && r.elapsed < ms(3000));
    assert_eq!(r.run.spans[0].outcome, Outcome::Ok);
}

// ---- limit ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limit_runs_in_ceil_n_over_k_waves() {
    let (_target, engine) = setup(DemoConfig::default()).await;
    let (n, k, delay) = (7usize, 3usize, 150u64);
    let r = engine.limit(n, k, delay, None).await.unwrap();
    assert_eq!(r.expected_waves, 3);
    assert_eq!(r.waves.len(), 3, "{:?}", r.waves);
    let sizes: Vec<usize> = r.waves.iter().map(Vec::len).collect();
    assert_eq!(sizes, vec![3, 3, 1]);
    let mut all: Vec<usize> = r.waves.concat();
    all.sort_unstable();
    assert_eq!(all, (0..n).collect::<Vec<_>>());
    assert_sorted_indices(&r.run, n);
    assert_all(&r.run, Outcome::Ok);
    assert_eq!(r.run.max_overlap(), k);
    assert!(r.run.wall >= ms(delay) * 3, "{:?}", r.run.wall);
    assert!(r.run.wall < ms(delay) * n as u32, "{:?}", r.run.wall);
    // Every fetch of wave w starts after w full delays.
    for (w, wave) in r.waves.iter().enumerate() {
        for &i in wave {
            assert!(r.run.spans[i].start >= ms(delay) * w as u32);
        }
    }
    println!("{}", render(&r.run, &ChartOptions::default()));

    // k = n: one wave; k = 1: n waves.
    let one = engine.limit(4, 4, 30, None).await.unwrap();
    assert_eq!(one.waves.len(), 1);
    let seq = engine.limit(4, 1, 30, None).await.unwrap();
    assert_eq!(seq.waves.len(), 4);
    assert_eq!(seq.run.max_overlap(), 1);
}

// ---- bounds and the cap ----

fn assert_out_of_range(r: Result<impl std::fmt::Debug, DemoError>, p: Param, lo: u64, hi: u64) {
    match r {
        Err(
            e @ DemoError::OutOfRange {
                param, min, max, ..
            },
        ) => {
            assert!(e.is_learner_error());
            assert_eq!((param, min, max), (p, lo, hi), "{e}");
        }
        other => panic!("expected {p} out of range, got {other:?}"),
    }
}

// ---- taskgroup ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taskgroup_gather_leaves_the_others_running_the_group_cancels_them() {
    let (_t, engine) = setup(DemoConfig::default()).await;
    let (tx, rx) = watch::channel(Progress::default());
    let r = engine.taskgroup(4, 200, Some(tx)).await.unwrap();
    assert_eq!((r.n, r.delay_ms, r.fail_delay_ms), (4, 200, 100));
    assert!(
        rx.has_changed().is_err(),
        "the sender is dropped at the end"
    );

    // gather: it returned with #1's error; the others ran on past that, to
    // their whole delay.
    let g = &r.gather;
    assert_eq!(g.kind, RunKind::GatherFirstError);
    assert_sorted_indices(g, 4);
    assert_eq!(g.spans[0].outcome, Outcome::Failed { status: 500 });
    assert!(g.spans[0].end >= ms(100) && g.spans[0].end <= g.wall);
    for s in &g.spans[1..] {
        assert_eq!(s.outcome, Outcome::Ok, "{s:?}");
        assert!(s.duration() >= ms(200), "{s:?}");
        assert!(s.end > g.wall, "ran on after gather returned: {s:?}");
    }
    assert_eq!(r.ran_on(), 3);

    // TaskGroup: the others were cancelled at the failure, well before their
    // delay, and the join returned once they had stopped.
    let tg = &r.group;
    assert_eq!(tg.kind, RunKind::TaskGroup);
    assert_sorted_indices(tg, 4);
    assert_eq!(tg.spans[0].outcome, Outcome::Failed { status: 500 });
    for s in &tg.spans[1..] {
        assert_eq!(s.outcome, Outcome::Cancelled, "{s:?}");
        assert!(s.end >= tg.spans[0].end, "{s:?}");
        assert!(s.end <= tg.wall, "stopped before the join returned: {s:?}");
        assert!(s.duration() < ms(200), "{s:?}");
    }
    assert_eq!(tg.cancelled_count(), 3);
    // Every slot is back once the demo returned: the runs' tasks are over.
    assert_eq!(engine.available_slots(), engine.config().max_in_flight);
}

#[tokio::test]
async fn taskgroup_needs_a_second_task_to_cancel() {
    let (_t, engine) = setup(DemoConfig::default()).await;
    let e = engine.taskgroup(1, 50, None).await.unwrap_err();
    assert!(e.is_learner_error(), "{e}");
    assert!(engine
        .taskgroup(51, 50, None)
        .await
        .unwrap_err()
        .is_learner_error());
}

#[tokio::test]
async fn out_of_range_names_the_bounds() {
    // No target needed: validation comes first.
    let engine = DemoEngine::new(DemoConfig::default(), "http://127.0.0.1:9").unwrap();
    use Param::*;
    assert_out_of_range(engine.gather(0, 100, None).await, N, 1, 50);
    assert_out_of_range(engine.gather(51, 100, None).await, N, 1, 50);
    assert_out_of_range(engine.gather(5, 9, None).await, DelayMs, 10, 5000);
    assert_out_of_range(engine.gather(5, 5001, None).await, DelayMs, 10, 5000);
    assert_out_of_range(engine.gather(50, 5000, None).await, TotalMs, 0, 60_000);
    assert_out_of_range(engine.concurrent(51, 100, None).await, N, 1, 50);
    assert_out_of_range(engine.blocking(51, 100, None).await, N, 1, 50);
    assert_out_of_range(engine.blocking(20, 5000, None).await, TotalMs, 0, 60_000);
    assert_out_of_range(engine.errors(5, 6, 100, None).await, Failures, 0, 5);
    assert_out_of_range(engine.errors(0, 0, 100, None).await, N, 1, 50);
    assert_out_of_range(engine.timeout(0, 100).await, DelayMs, 10, 5000);
    assert_out_of_range(engine.timeout(100, 6000).await, LimitMs, 10, 5000);
    assert_out_of_range(engine.limit(5, 0, 100, None).await, Concurrency, 1, 5);
    assert_out_of_range(engine.limit(5, 6, 100, None).await, Concurrency, 1, 5);
    assert_out_of_range(engine.limit(50, 1, 5000, None).await, TotalMs, 0, 60_000);
    // Within the total when run in waves.
    assert!(engine.check_total(50usize.div_ceil(5), 5000).is_ok());
}

/// Start a long gather holding `n` slots; returns once it holds them.
async fn hold_slots(
    engine: &DemoEngine,
    n: usize,
) -> tokio::task::JoinHandle<Result<GatherReport, DemoError>> {
    let (tx, mut rx) = watch::channel(Progress::default());
    let e = engine.clone();
    let job = tokio::spawn(async move { e.gather(n, 5000, Some(tx)).await });
    // The first progress is published after the slots are taken.
    rx.changed().await.expect("demo started");
    job
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_global_cap_answers_busy_and_frees_on_cancel() {
    let config = DemoConfig {
        max_n: 10,
        max_in_flight: 10,
        busy_wait: Duration::ZERO,
        ..DemoConfig::default()
    };
    let (_target, engine) = setup(config).await;
    let holder = hold_slots(&engine, 8).await;
    assert_eq!(engine.available_slots(), 2);

    // Fits: 2 free.
    let ok = engine.concurrent(2, 10, None).await.unwrap();
    assert_all(&ok, Outcome::Ok);
    // Does not fit: Busy at once, ours not the learner's.
    match engine.gather(3, 10, None).await {
        Err(
            e @ DemoError::Busy {
                wanted: 3,
                available: 2,
                cap: 10,
            },
        ) => {
            assert!(!e.is_learner_error())
        }
        other => panic!("expected Busy, got {other:?}"),
    }
    assert!(matches!(
        engine.limit(10, 3, 10, None).await,
        Err(DemoError::Busy { wanted: 3, .. })
    ));
    // Out of range is still reported as such while busy.
    assert!(matches!(
        engine.gather(11, 10, None).await,
        Err(DemoError::OutOfRange {
            param: Param::N,
            ..
        })
    ));

    // Cancelling the holder frees its slots.
    holder.abort();
    assert!(holder.await.unwrap_err().is_cancelled());
    assert_eq!(engine.available_slots(), 10);
    engine.concurrent(10, 10, None).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_concurrent_run_aborts_its_fetch_tasks() {
    let (_target, engine) = setup(DemoConfig::default()).await;
    let (tx, mut rx) = watch::channel(Progress::default());
    let e = engine.clone();
    let job = tokio::spawn(async move { e.concurrent(20, 5000, Some(tx)).await });
    rx.changed().await.expect("run started");
    assert_eq!(engine.available_slots(), 200 - 20);
    job.abort();
    assert!(job.await.unwrap_err().is_cancelled());
    assert_eq!(engine.available_slots(), 200);
    // Every fetch task holds a progress sender: all of them are gone long
    // before their 5 s fetches could have ended.
    let gone = tokio::time::timeout(Duration::from_secs(3), async {
        while rx.changed().await.is_ok() {}
    })
    .await;
    assert!(
        gone.is_ok(),
        "fetch tasks still running after the demo was dropped"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn busy_after_a_bounded_wait_or_served_when_slots_free_up() {
    let config = DemoConfig {
        max_n: 4,
        max_in_flight: 4,
        busy_wait: ms(100),
        ..DemoConfig::default()
    };
    let (_target, engine) = setup(config).await;
    let holder = hold_slots(&engine, 4).await;
    let t0 = std::time::Instant::now();
    assert!(matches!(
        engine.concurrent(1, 10, None).await,
        Err(DemoError::Busy {
            wanted: 1,
            available: 0,
            cap: 4
        })
    ));
    assert!(t0.elapsed() >= ms(100));
    holder.abort();
    let _ = holder.await;

    // A short demo holding every slot; a second one waits for it (well within
    // a generous busy_wait) instead of failing.
    let config = DemoConfig {
        busy_wait: Duration::from_secs(10),
        ..config
    };
    let engine = DemoEngine::new(config, engine.target().as_str()).unwrap();
    let (a, b) = tokio::join!(
        engine.concurrent(4, 100, None),
        engine.concurrent(4, 100, None)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_all(&a, Outcome::Ok);
    assert_all(&b, Outcome::Ok);
}

// ---- our failures ----

#[tokio::test]
async fn unreachable_target_is_our_failure() {
    let port = {
        let l = bind_loopback(0).unwrap();
        l.local_addr().unwrap().port()
    }; // closed again
    let engine =
        DemoEngine::new(DemoConfig::default(), &format!("http://127.0.0.1:{port}")).unwrap();
    for r in [
        engine.gather(2, 10, None).await.map(|_| ()),
        engine.concurrent(2, 10, None).await.map(|_| ()),
        engine.errors(2, 1, 10, None).await.map(|_| ()),
        engine.timeout(10, 1000).await.map(|_| ()),
        engine.limit(2, 1, 10, None).await.map(|_| ()),
    ] {
        match r {
            Err(
                e @ DemoError::Target {
                    problem: TargetProblem::Unreachable,
                    ..
                },
            ) => assert!(!e.is_learner_error()),
            other => panic!("expected unreachable, got {other:?}"),
        }
    }
    // The slots came back.
    assert_eq!(
        engine.available_slots(),
        DemoConfig::default().max_in_flight
    );
}

#[tokio::test]
async fn a_target_answering_wrongly_is_our_failure() {
    let target = spawn_target().await.unwrap();
    // Wrong path prefix: 404 for every fetch.
    let engine = DemoEngine::new(
        DemoConfig::default(),
        &format!("{}/nope/", target.base_url()),
    )
    .unwrap();
    assert!(matches!(
        engine.gather(2, 10, None).await,
        Err(DemoError::Target {
            problem: TargetProblem::UnexpectedStatus(404),
            ..
        })
    ));
    assert!(matches!(
        engine.errors(2, 1, 10, None).await,
        Err(DemoError::Target {
            problem: TargetProblem::UnexpectedStatus(404),
            ..
        })
    ));
}

#[test]
fn config_and_urls_are_checked() {
    let bad = |c: DemoConfig| {
        matches!(
            DemoEngine::new(c, "http://127.0.0.1:1"),
            Err(DemoError::Config(_))
        )
    };
    let d = DemoConfig::default();
    assert!(bad(DemoConfig { max_n: 0, ..d }));
    assert!(bad(DemoConfig {
        max_in_flight: 10,
        ..d
    }));
    assert!(bad(DemoConfig {
        min_delay_ms: 0,
        ..d
    }));
    assert!(bad(DemoConfig {
        max_delay_ms: 20_000,
        request_timeout: ms(30_000),
        max_total_ms: 100_000,
        ..d
    }));
    assert!(bad(DemoConfig {
        request_timeout: ms(5_000),
        ..d
    }));
    assert!(bad(DemoConfig {
        max_total_ms: 100,
        ..d
    }));
    for url in [
        "",
        "127.0.0.1:80",
        "ftp://x/",
        "http://x/?a=1",
        "mailto:a@b",
        "http://x/#f",
    ] {
        assert!(
            matches!(DemoEngine::new(d, url), Err(DemoError::Config(_))),
            "{url}"
        );
    }

    let e = DemoEngine::new(d, "http://127.0.0.1:8080").unwrap();
    assert_eq!(
        e.delay_url(200, false).as_str(),
        "http://127.0.0.1:8080/delay/200"
    );
    assert_eq!(
        e.delay_url(100, true).as_str(),
        "http://127.0.0.1:8080/delay/100?fail=1"
    );
    let e = DemoEngine::new(d, "https://demo.example/base/").unwrap();
    assert_eq!(
        e.delay_url(5, false).as_str(),
        "https://demo.example/base/delay/5"
    );
    let e = DemoEngine::new(d, "https://demo.example/base").unwrap();
    assert_eq!(
        e.delay_url(5, false).as_str(),
        "https://demo.example/base/delay/5"
    );
}

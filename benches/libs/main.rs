//! Libraries against the hand-written code they replaced: the per-learner
//! throttle (`governor`) and the metrics (`prometheus-client`), each
//! measured in the same run as the hand-written version it replaced
//! (`hand_written.rs`, a copy of the code before the change).
//!
//! Run: `cargo bench --bench libs` (release build, no database). Figures go
//! to BENCHMARKS.md ("Libraries against the hand-written code").
//!
//! Every case is timed in samples of many calls (per-call time = sample time
//! / calls), old and new samples alternating so that drift of the machine
//! hits both alike; the table gives the median and p99 of the per-call time
//! over the samples, and the ratio of the medians (new / old: below 1 is
//! faster). Throttle cases run on the real monotonic clock, as in service.

mod hand_written;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hand_written::{OldMetrics, OldThrottle};
use tutorbot::core::throttle::{SystemClock, Throttle, DEFAULT_CAPACITY};
use tutorbot::core::Outcome;
use tutorbot::metrics::{Kind, Metrics, Rejection};

/// Samples per case and implementation.
const SAMPLES: usize = 201;

/// Per-call times (ns) of `SAMPLES` samples of `calls` calls each, for two
/// implementations, alternating.
fn race(calls: u64, mut old: impl FnMut(u64), mut new: impl FnMut(u64)) -> (Vec<f64>, Vec<f64>) {
    let sample = |f: &mut dyn FnMut(u64), round: usize| {
        let base = round as u64 * calls;
        let t = Instant::now();
        for i in 0..calls {
            f(base + i);
        }
        t.elapsed().as_nanos() as f64 / calls as f64
    };
    // One warm-up sample each, not counted.
    sample(&mut old, 0);
    sample(&mut new, 0);
    let (mut olds, mut news) = (Vec::new(), Vec::new());
    for round in 1..=SAMPLES {
        olds.push(sample(&mut old, round));
        news.push(sample(&mut new, round));
    }
    (olds, news)
}

fn quantile(v: &[f64], q: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[((v.len() as f64 - 1.0) * q).round() as usize]
}

fn show(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1_000.0 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

fn row(case: &str, (old, new): (Vec<f64>, Vec<f64>)) {
    let (old_med, new_med) = (quantile(&old, 0.5), quantile(&new, 0.5));
    println!(
        "| {case} | {} | {} | {} | {} | {:.2} |",
        show(old_med),
        show(quantile(&old, 0.99)),
        show(new_med),
        show(quantile(&new, 0.99)),
        new_med / old_med
    );
}

fn main() {
    println!("| case | old median | old p99 | new median | new p99 | new / old |");
    println!("|---|---:|---:|---:|---:|---:|");

    // Throttle.
    let clock = || Arc::new(SystemClock);
    const LEARNERS: u64 = 100_000;

    // One learner, served every time (a burst far larger than the run).
    let old = OldThrottle::with_clock(u32::MAX, 10_000, DEFAULT_CAPACITY, clock());
    let new = Throttle::with_clock(u32::MAX, 10_000, DEFAULT_CAPACITY, clock());
    row(
        "`admit()`, one learner, served",
        race(
            10_000,
            |_| assert!(old.admit(black_box(42))),
            |_| assert!(new.admit(black_box(42))),
        ),
    );

    // One learner flooding at the service's defaults (burst 20, 5 a
    // second): after the first 20, every call is a refusal.
    let old = OldThrottle::with_clock(20, 5, DEFAULT_CAPACITY, clock());
    let new = Throttle::with_clock(20, 5, DEFAULT_CAPACITY, clock());
    row(
        "`admit()`, one learner flooding (burst 20, 5/s: refused)",
        race(
            10_000,
            |_| {
                black_box(old.admit(black_box(42)));
            },
            |_| {
                black_box(new.admit(black_box(42)));
            },
        ),
    );

    // 100,000 distinct learners in turn, every one served: a map of
    // 100,000 learners, each call a lookup that misses the CPU's caches.
    // The map is filled before timing.
    let old = OldThrottle::with_clock(u32::MAX, 10_000, DEFAULT_CAPACITY, clock());
    let new = Throttle::with_clock(u32::MAX, 10_000, DEFAULT_CAPACITY, clock());
    for id in 0..LEARNERS {
        old.admit(id);
        new.admit(id);
    }
    row(
        "`admit()`, 100,000 distinct learners in turn (map full at 100,000)",
        race(
            LEARNERS,
            |i| assert!(old.admit(black_box(i % LEARNERS))),
            |i| assert!(new.admit(black_box(i % LEARNERS))),
        ),
    );
    assert_eq!(old.tracked(), LEARNERS as usize);
    assert_eq!(new.tracked(), LEARNERS as usize);

    // A new learner every call, at the service's defaults: the map fills,
    // and every 25,000 or so new learners a pass drops the idle ones (all
    // of them still within their refill here, so the map starts afresh).
    let old = OldThrottle::with_clock(20, 5, DEFAULT_CAPACITY, clock());
    let new = Throttle::with_clock(20, 5, DEFAULT_CAPACITY, clock());
    row(
        "`admit()`, a new learner every call (passes over the full map included)",
        race(
            LEARNERS,
            |i| assert!(old.admit(black_box(i))),
            |i| assert!(new.admit(black_box(i + (1 << 40)))),
        ),
    );
    assert!(old.tracked() <= DEFAULT_CAPACITY && new.tracked() <= DEFAULT_CAPACITY);

    // Metrics.
    let old = OldMetrics::default();
    let new = Metrics::new();
    row(
        "`interaction()`: a counter and the latency histogram",
        race(
            10_000,
            |i| {
                old.interaction(
                    Kind::Component,
                    Outcome::Ok,
                    Duration::from_micros(i % 20_000),
                )
            },
            |i| {
                new.interaction(
                    Kind::Component,
                    Outcome::Ok,
                    Duration::from_micros(i % 20_000),
                )
            },
        ),
    );
    row(
        "`rejected()`: one labelled counter",
        race(
            10_000,
            |_| old.rejected(black_box(Rejection::Stale)),
            |_| new.rejected(black_box(Rejection::Stale)),
        ),
    );
    let (old_text, new_text) = (old.render(), new.render());
    row(
        "`render()`: the whole `/metrics` text",
        race(
            200,
            |_| {
                black_box(old.render());
            },
            |_| {
                black_box(new.render());
            },
        ),
    );
    println!();
    println!(
        "/metrics text: old {} bytes in {} lines, new {} bytes in {} lines",
        old_text.len(),
        old_text.lines().count(),
        new_text.len(),
        new_text.lines().count()
    );

    // Contention: two threads (this machine's cores) admitting their own
    // learners at once through one shared throttle.
    let old = Arc::new(OldThrottle::with_clock(
        u32::MAX,
        10_000,
        DEFAULT_CAPACITY,
        clock(),
    ));
    let new = Arc::new(Throttle::with_clock(
        u32::MAX,
        10_000,
        DEFAULT_CAPACITY,
        clock(),
    ));
    const PER_THREAD: u64 = 2_000_000;
    let two_threads = |admit: Arc<dyn Fn(u64) -> bool + Send + Sync>| {
        let t = Instant::now();
        let threads: Vec<_> = (0..2u64)
            .map(|n| {
                let admit = Arc::clone(&admit);
                std::thread::spawn(move || {
                    for i in 0..PER_THREAD {
                        assert!(admit(n * 1_000 + i % 1_000));
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("a bench thread");
        }
        t.elapsed().as_nanos() as f64 / (2 * PER_THREAD) as f64
    };
    let (mut olds, mut news) = (Vec::new(), Vec::new());
    for _ in 0..11 {
        let o = Arc::clone(&old);
        olds.push(two_threads(Arc::new(move |id| o.admit(id))));
        let n = Arc::clone(&new);
        news.push(two_threads(Arc::new(move |id| n.admit(id))));
    }
    println!();
    println!(
        "two threads, 1,000 learners each, served: old {} a call, new {} a call (medians of 11 runs of {} calls; new / old {:.2})",
        show(quantile(&olds, 0.5)),
        show(quantile(&news, 0.5)),
        2 * PER_THREAD,
        quantile(&news, 0.5) / quantile(&olds, 0.5)
    );
}

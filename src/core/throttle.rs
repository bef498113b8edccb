//! A per-learner throttle: `governor`'s keyed GCRA rate limiter, one state
//! per learner id, with its memory bounded.
//!
//! Each learner may send `burst` interactions at once, then `rate` a second
//! for as long as they like; every command, autocomplete and button click
//! counts one. A learner who clicks like a human never notices; a client
//! firing clicks as fast as it can is answered "slow down" for everything
//! over that, before anything reaches the store, so one learner cannot take
//! the database (or the pool's connections) away from everyone else. A
//! refused click costs the learner nothing: GCRA only moves a learner's
//! state when it lets a click through.
//!
//! # Why governor
//! GCRA is a token bucket kept as one number per learner (the theoretical
//! arrival time of their next click), updated with one compare-and-swap in
//! a sharded map: no float arithmetic and no lock over the whole map on the
//! hot path. BENCHMARKS.md ("Libraries against the hand-written code") has
//! the figures, against the hand-written bucket map it replaced.
//!
//! # Bounded memory
//! A learner whose state is indistinguishable from a fresh one (their bucket
//! has been full for at least one refill interval, `1 / rate` seconds) can be
//! forgotten without changing any answer: governor's `retain_recent` drops
//! exactly those. The map holds at most `capacity` learners
//! ([`DEFAULT_CAPACITY`]: 100 000): when an admission takes it over that (a
//! new learner arrived at a full map), the idle learners are dropped (one
//! pass, O(capacity)). If that frees less than a quarter of the map (more
//! than three quarters of `capacity` learners all clicked within the last
//! `burst / rate` seconds: far beyond what one process serves), the limiter
//! starts afresh: everyone gets a full burst again, so the throttle errs on
//! the side of serving, briefly. Either way a pass is followed by at least
//! `capacity / 4` new learners before the next one, so its cost is
//! amortised to O(1) a call.
//!
//! The pass runs right after the admission that overfilled the map, so
//! between calls the map never holds more than `capacity`; during one it may
//! hold one more per thread admitting a new learner at that instant.
//!
//! # Cost
//! The hot path is governor's: a read lock on one shard of its `DashMap`
//! and a compare-and-swap, plus one atomic load of the learner count (kept
//! beside governor's store). The pass takes its own lock, which admissions
//! never wait for: a thread that finds a pass under way carries on, and
//! the learners it adds meanwhile are counted for the next one. Nothing is
//! held across an `.await`.
//!
//! # Time
//! The throttle reads time from a [`Clock`]: [`SystemClock`] (monotonic
//! `std::time::Instant`) in service, a [`ManualClock`] in tests, which
//! moves only when told to, so tests need no sleeps. Governor reads the
//! same clock through a small adapter.

use std::cell::Cell;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex, TryLockError};
use std::time::{Duration, Instant};

use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::{DashMapStateStore, ShrinkableKeyedStateStore};
use governor::state::StateStore;
use governor::{Quota, RateLimiter};

use crate::store::LearnerId;

/// How many learners' buckets a throttle keeps at most.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// Where a [`Throttle`] reads the time.
pub trait Clock: Send + Sync {
    /// A monotonic instant.
    fn now(&self) -> Instant;
}

/// The real, monotonic clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that moves only when [`ManualClock::advance`] is called (tests).
#[derive(Debug)]
pub struct ManualClock {
    start: Instant,
    offset: Mutex<Duration>,
}

impl ManualClock {
    pub fn new() -> Arc<Self> {
        Arc::new(ManualClock {
            start: Instant::now(),
            offset: Mutex::new(Duration::ZERO),
        })
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        *self.offset.lock().unwrap_or_else(|p| p.into_inner()) += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.start + *self.offset.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A [`Clock`] as governor reads time (`std::time::Instant` is one of its
/// clock readings).
#[derive(Clone)]
struct GovernorClock(Arc<dyn Clock>);

impl governor::clock::Clock for GovernorClock {
    type Instant = Instant;

    fn now(&self) -> Instant {
        self.0.now()
    }
}

/// The learners' states: governor's own `DashMap` store, and how many
/// learners it holds, counted as they arrive. `DashMap::len` locks every
/// shard in turn; the count is one atomic load, so every admission can
/// afford to check the bound.
#[derive(Default)]
struct Learners {
    states: DashMapStateStore<LearnerId>,
    /// Exact after a pass; in between, two threads bringing the same new
    /// learner at once may both count them, which only brings the next pass
    /// a little earlier.
    count: AtomicUsize,
}

/// The store governor's limiter is built on: it shares [`Learners`] with
/// the [`Throttle`], which counts, prunes and clears them.
#[derive(Clone)]
struct SharedLearners(Arc<Learners>);

impl StateStore for SharedLearners {
    type Key = LearnerId;

    fn measure_and_replace<T, F, E>(&self, key: &LearnerId, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        // A learner's first measurement finds no state: that is an arrival.
        let arrived = Cell::new(false);
        let result = self.0.states.measure_and_replace(key, |state| {
            arrived.set(arrived.get() | state.is_none());
            f(state)
        });
        if arrived.get() {
            self.0.count.fetch_add(1, Relaxed);
        }
        result
    }
}

impl ShrinkableKeyedStateStore<LearnerId> for SharedLearners {
    fn retain_recent(&self, drop_below: Nanos) {
        ShrinkableKeyedStateStore::retain_recent(&self.0.states, drop_below);
    }

    fn shrink_to_fit(&self) {
        self.0.states.shrink_to_fit();
    }

    fn len(&self) -> usize {
        self.0.states.len()
    }

    fn is_empty(&self) -> bool {
        self.0.states.is_empty()
    }
}

/// Per-learner rate limits (see the module docs). Share it in an `Arc`.
pub struct Throttle {
    capacity: usize,
    limiter: RateLimiter<LearnerId, SharedLearners, GovernorClock, NoOpMiddleware<Instant>>,
    learners: Arc<Learners>,
    /// Held by the one thread making room; the others carry on.
    pass: Mutex<()>,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttle")
            .field("capacity", &self.capacity)
            .field("tracked", &self.tracked())
            .finish()
    }
}

impl Throttle {
    /// Bursts of `burst` interactions, refilled at `rate` a second (both at
    /// least 1), on the real clock, for up to [`DEFAULT_CAPACITY`] learners.
    pub fn new(burst: u32, rate: u32) -> Self {
        Self::with_clock(burst, rate, DEFAULT_CAPACITY, Arc::new(SystemClock))
    }

    /// The same, with the bound on tracked learners and the clock given.
    pub fn with_clock(burst: u32, rate: u32, capacity: usize, clock: Arc<dyn Clock>) -> Self {
        let at_least_one = |n: u32| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_second(at_least_one(rate)).allow_burst(at_least_one(burst));
        let learners = Arc::new(Learners::default());
        Throttle {
            capacity: capacity.max(1),
            limiter: RateLimiter::new(
                quota,
                SharedLearners(Arc::clone(&learners)),
                GovernorClock(clock),
            ),
            learners,
            pass: Mutex::new(()),
        }
    }

    /// Counts one interaction of `learner`'s: true if it is within their
    /// limit (serve them), false if they are over it (tell them to slow
    /// down).
    pub fn admit(&self, learner: LearnerId) -> bool {
        let admitted = self.limiter.check_key(&learner).is_ok();
        if self.learners.count.load(Relaxed) > self.capacity {
            self.make_room();
        }
        admitted
    }

    /// How many learners the throttle remembers now.
    pub fn tracked(&self) -> usize {
        self.learners.states.len()
    }

    /// Drops the idle learners; forgets everyone if that frees less than a
    /// quarter of the map (so the next pass is at least `capacity / 4` new
    /// learners away).
    fn make_room(&self) {
        let _pass = match self.pass.try_lock() {
            Ok(pass) => pass,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            // Another thread is making room already.
            Err(TryLockError::WouldBlock) => return,
        };
        let states = &self.learners.states;
        // Room may have been made while this thread was admitting.
        if states.len() <= self.capacity {
            self.learners.count.store(states.len(), Relaxed);
            return;
        }
        let before = states.len();
        self.limiter.retain_recent();
        if states.len() >= self.capacity - self.capacity / 4 {
            tracing::warn!(
                learners = states.len(),
                "throttle: too many learners active at once to track; starting afresh"
            );
            states.clear();
        }
        self.limiter.shrink_to_fit();
        self.learners.count.store(states.len(), Relaxed);
        tracing::debug!(
            dropped = before.saturating_sub(states.len()),
            "throttle: dropped idle learners"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_learner_gets_the_burst_then_the_refill_rate() {
        let clock = ManualClock::new();
        let t = Throttle::with_clock(3, 2, 10, clock.clone());
        assert!((0..3).all(|_| t.admit(1)), "the burst is served");
        assert!(!t.admit(1), "then refused");
        assert!(t.admit(2), "another learner has their own bucket");

        clock.advance(Duration::from_millis(499));
        assert!(!t.admit(1), "not a whole token yet");
        clock.advance(Duration::from_millis(1));
        assert!(t.admit(1), "2 a second: one token after 500 ms");
        assert!(!t.admit(1));

        // A long rest refills to the burst, never above it.
        clock.advance(Duration::from_secs(3600));
        assert!((0..3).all(|_| t.admit(1)));
        assert!(!t.admit(1));
    }

    #[test]
    fn refused_clicks_do_not_dig_the_learner_deeper() {
        let clock = ManualClock::new();
        let t = Throttle::with_clock(1, 1, 10, clock.clone());
        assert!(t.admit(7));
        for _ in 0..1000 {
            assert!(!t.admit(7));
        }
        clock.advance(Duration::from_secs(1));
        assert!(t.admit(7), "one second later, served again");
    }

    #[test]
    fn the_map_never_holds_more_learners_than_its_capacity() {
        let clock = ManualClock::new();
        let cap = 1000;
        let t = Throttle::with_clock(5, 1, cap, clock.clone());
        // Waves of learners who click once and go away: the map never
        // exceeds its bound, whether their buckets are dropped as full
        // (after the pause between waves) or the map starts afresh.
        for round in 0..10u64 {
            for id in 0..(cap as u64 * 3) {
                assert!(t.admit(round * 1_000_000 + id));
                assert!(t.tracked() <= cap, "{} > {cap}", t.tracked());
            }
            clock.advance(Duration::from_secs(5));
        }

        // An active learner's state survives the pruning of idle ones.
        // Governor forgets a learner once their bucket has been full for one
        // refill interval (here 1 s): the others clicked once, so they are
        // full after 1 s and forgettable after 2 s; the active learner
        // emptied a burst of 3, so after 2 s they have 2 clicks, not 3.
        const ACTIVE: u64 = 9_999_999;
        let t = Throttle::with_clock(3, 1, cap, clock.clone());
        assert!((0..3).all(|_| t.admit(ACTIVE)) && !t.admit(ACTIVE));
        for id in 1..cap as u64 {
            assert!(t.admit(id), "one click each: tokens left");
        }
        assert_eq!(t.tracked(), cap);
        clock.advance(Duration::from_secs(2));
        assert!(t.admit(5_000_000), "a new learner makes room");
        assert_eq!(t.tracked(), 2, "only the idle learners were dropped");
        assert!(
            t.admit(ACTIVE) && t.admit(ACTIVE) && !t.admit(ACTIVE),
            "the active learner kept their state: two clicks, not three"
        );

        // More learners active at once than the bound: the map starts
        // afresh rather than grow, and everyone is served.
        let t = Throttle::with_clock(2, 1, cap, clock.clone());
        for id in 0..(cap as u64 * 5) {
            assert!(t.admit(id), "a first click is always served");
            assert!(t.tracked() <= cap);
        }
    }
}

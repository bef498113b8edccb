//! A per-learner throttle: one token bucket per learner id.
//!
//! Each learner has a bucket of at most `burst` tokens that refills at
//! `rate` tokens a second; every command, autocomplete and button click
//! takes one. A learner who clicks like a human never notices (a burst of
//! `burst` clicks, then `rate` a second for as long as they like); a client
//! firing clicks as fast as it can is answered "slow down" for everything
//! over that, before anything reaches the store, so one learner cannot take
//! the database (or the pool's connections) away from everyone else.
//!
//! # Bounded memory
//! A bucket that has refilled to `burst` is the same as no bucket at all (a
//! learner seen for the first time starts full), so idle buckets can be
//! dropped without changing any answer. The map holds at most `capacity`
//! buckets ([`DEFAULT_CAPACITY`]: 100 000, about 4–5 MB): when a new learner
//! arrives and the map is full, every full bucket is dropped (one pass,
//! O(capacity)). If that frees less than a quarter of the map (more than
//! three quarters of `capacity` learners all clicked within the last
//! `burst / rate` seconds: far beyond what one process serves), the map is
//! cleared: everyone starts again with a full bucket, so the throttle errs
//! on the side of serving, briefly. Either way a pass is followed by at
//! least `capacity / 4` new learners before the next one, so its cost is
//! amortised to O(1) a call, and the map never holds more than `capacity`.
//!
//! # Cost
//! One mutex over the map; what it guards is a hash lookup and a few float
//! operations, nothing that waits, so it is never held across an `.await`.
//!
//! # Time
//! The throttle reads time from a [`Clock`]: [`SystemClock`] (monotonic
//! `std::time::Instant`) in service, a [`ManualClock`] in tests, which
//! moves only when told to, so tests need no sleeps.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// One learner's tokens, as of `at`.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets per learner (see the module docs). Share it in an `Arc`.
pub struct Throttle {
    burst: f64,
    rate: f64,
    capacity: usize,
    clock: Arc<dyn Clock>,
    buckets: Mutex<HashMap<LearnerId, Bucket>>,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttle")
            .field("burst", &self.burst)
            .field("rate", &self.rate)
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
        Throttle {
            burst: f64::from(burst.max(1)),
            rate: f64::from(rate.max(1)),
            capacity: capacity.max(1),
            clock,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token of `learner`'s bucket: true if there was one (serve
    /// them), false if they are over the limit (tell them to slow down).
    pub fn admit(&self, learner: LearnerId) -> bool {
        let now = self.clock.now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= self.capacity && !buckets.contains_key(&learner) {
            self.make_room(&mut buckets, now);
        }
        let bucket = buckets.entry(learner).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        bucket.tokens = self.refilled(bucket, now);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// How many learners have a bucket now.
    pub fn tracked(&self) -> usize {
        self.buckets.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// The bucket's tokens at `now`.
    fn refilled(&self, bucket: &Bucket, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        (bucket.tokens + elapsed * self.rate).min(self.burst)
    }

    /// Drops the full buckets; clears the map if that frees less than a
    /// quarter of it (so the next pass is at least `capacity / 4` new
    /// learners away).
    fn make_room(&self, buckets: &mut HashMap<LearnerId, Bucket>, now: Instant) {
        let before = buckets.len();
        buckets.retain(|_, b| self.refilled(b, now) < self.burst);
        if buckets.len() >= self.capacity - self.capacity / 4 {
            tracing::warn!(
                learners = buckets.len(),
                "throttle: too many learners active at once to track; starting afresh"
            );
            buckets.clear();
        }
        tracing::debug!(
            dropped = before - buckets.len(),
            "throttle: dropped idle buckets"
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

        // An active learner's bucket survives the pruning of idle ones.
        const ACTIVE: u64 = 9_999_999;
        let t = Throttle::with_clock(2, 1, cap, clock.clone());
        assert!(t.admit(ACTIVE) && t.admit(ACTIVE) && !t.admit(ACTIVE));
        for id in 1..cap as u64 {
            assert!(t.admit(id), "one click each: a token left");
        }
        assert_eq!(t.tracked(), cap);
        // A second later the others are full again, the active one has one token.
        clock.advance(Duration::from_secs(1));
        assert!(t.admit(5_000_000), "a new learner makes room");
        assert_eq!(t.tracked(), 2, "only the full buckets were dropped");
        assert!(
            t.admit(ACTIVE) && !t.admit(ACTIVE),
            "the active learner kept its bucket: one token, not two"
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

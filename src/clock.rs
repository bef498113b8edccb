//! Wall-clock time, injected.
//!
//! Reviews are due on calendar days and reminders go out at a learner's
//! local time, so they read a date, not a monotonic instant (the throttle's
//! [`crate::core::throttle::Clock`] is the monotonic one). Everything that
//! schedules (the review logic, streaks, the reminder scheduler) asks a
//! [`WallClock`] for "now": [`SystemWallClock`] in service, a
//! [`ManualWallClock`] in tests, which moves only when told to, so a test
//! runs a month of daily reviews in milliseconds and without sleeps.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

/// Where scheduling code reads the date and time.
pub trait WallClock: Send + Sync + std::fmt::Debug {
    /// Now, in UTC.
    fn now(&self) -> DateTime<Utc>;
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemWallClock;

impl WallClock for SystemWallClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until set or advanced (tests, benches).
#[derive(Debug)]
pub struct ManualWallClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualWallClock {
    /// A clock showing `at`.
    pub fn at(at: DateTime<Utc>) -> Arc<Self> {
        Arc::new(ManualWallClock {
            now: Mutex::new(at),
        })
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) += by;
    }

    /// Sets the clock.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }
}

impl WallClock for ManualWallClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let start = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let clock = ManualWallClock::at(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::days(30));
        assert_eq!(clock.now(), start + Duration::days(30));
        clock.set(start);
        assert_eq!(clock.now(), start);
    }
}

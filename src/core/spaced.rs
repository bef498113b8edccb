//! The spaced-repetition scheduler: FSRS, from the `rs-fsrs` crate.
//!
//! `rs-fsrs` is the Open Spaced Repetition group's scheduler-only crate
//! (FSRS 5 with its published default weights; `fsrs` 6.x adds the
//! optimiser, which tutorbot has no review history to fit yet). We run its
//! long-term scheduler (no same-day learning steps, every interval whole
//! days: tutorbot reminds once a day) with fuzz off, so the same history
//! gives the same intervals on every instance. No interval is decided here:
//! this module only converts between the crate's `Card` and the store's
//! plain [`CardState`], and names the ratings.

use chrono::{DateTime, Utc};
use rs_fsrs::{Card, Parameters, Rating, State, FSRS};

use crate::store::{CardState, LogEntry};

/// The scheduler tutorbot runs: FSRS defaults, long-term, no fuzz.
pub fn scheduler() -> FSRS {
    FSRS::new(Parameters {
        enable_short_term: false,
        enable_fuzz: false,
        ..Parameters::default()
    })
}

/// A new card and what rating it gets from the quiz answer that creates it:
/// wrong is Again, right is Good.
pub fn seed(now: DateTime<Utc>, correct: bool) -> (CardState, LogEntry) {
    let rating = if correct { Rating::Good } else { Rating::Again };
    let new = Card {
        due: now,
        last_review: now,
        ..Card::default()
    };
    rate(&from_card(&new), now, rating)
}

/// The card's next state after `rating` at `now`, and the log entry.
pub fn rate(card: &CardState, now: DateTime<Utc>, rating: Rating) -> (CardState, LogEntry) {
    let info = scheduler().next(to_card(card), now, rating);
    let log = LogEntry {
        rating: rating as i16,
        state: info.review_log.state as i16,
        elapsed_days: clamp_days(info.review_log.elapsed_days),
        scheduled_days: clamp_days(info.review_log.scheduled_days),
        reviewed_at: info.review_log.reviewed_date,
    };
    (from_card(&info.card), log)
}

/// A rating from its number (1 again … 4 easy).
pub fn rating(n: u8) -> Option<Rating> {
    Some(match n {
        1 => Rating::Again,
        2 => Rating::Hard,
        3 => Rating::Good,
        4 => Rating::Easy,
        _ => return None,
    })
}

/// The crate's card for a stored state.
pub fn to_card(c: &CardState) -> Card {
    Card {
        due: c.due,
        stability: c.stability,
        difficulty: c.difficulty,
        elapsed_days: i64::from(c.elapsed_days),
        scheduled_days: i64::from(c.scheduled_days),
        reps: c.reps,
        lapses: c.lapses,
        state: match c.state {
            1 => State::Learning,
            2 => State::Review,
            3 => State::Relearning,
            _ => State::New,
        },
        last_review: c.last_review,
    }
}

/// The stored state for the crate's card.
pub fn from_card(c: &Card) -> CardState {
    CardState {
        due: c.due,
        stability: c.stability,
        difficulty: c.difficulty,
        elapsed_days: clamp_days(c.elapsed_days),
        scheduled_days: clamp_days(c.scheduled_days),
        reps: c.reps,
        lapses: c.lapses,
        state: c.state as i16,
        last_review: c.last_review,
    }
}

/// Days fit an INTEGER column: the scheduler caps intervals at 36,500 days.
fn clamp_days(days: i64) -> i32 {
    days.clamp(0, i64::from(i32::MAX)) as i32
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn a_stored_card_converts_to_the_crates_card_and_back_unchanged() {
        let (card, _) = seed(t0(), true);
        assert_eq!(from_card(&to_card(&card)), card);
    }

    #[test]
    fn a_right_first_answer_is_due_later_than_a_wrong_one() {
        let (right, log) = seed(t0(), true);
        let (wrong, _) = seed(t0(), false);
        assert_eq!(log.rating, 3);
        assert!(right.due > wrong.due, "{right:?} {wrong:?}");
        assert!(wrong.due >= t0() + Duration::days(1), "whole days only");
    }

    #[test]
    fn only_the_four_ratings_have_numbers() {
        assert_eq!(rating(0), None);
        assert_eq!(rating(5), None);
        assert_eq!(rating(4), Some(Rating::Easy));
    }
}

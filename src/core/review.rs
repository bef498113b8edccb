//! `/review`: the learner's due cards, oldest due first, one at a time.
//!
//! A card is a quiz question the learner answered (seeded by that answer,
//! see [`crate::store::Store::record_answer`]). A review shows the question
//! with its choices shuffled; a wrong choice is rated Again at once and
//! shows the misconception as the quiz does; a right one is recorded on the
//! card and asks the learner how it went (Hard / Good / Easy), and that
//! rating is saved only against the recorded right answer, once: a rating
//! button forged for a card the learner has not just answered right is a
//! stale button, and nothing is written. FSRS
//! ([`super::spaced`]) decides the next due time from the rating; the time
//! comes from the core's [`crate::clock::WallClock`].
//!
//! A button carries (lesson, quiz version, question index, the card's reps,
//! choice or rating). The version must be the quiz we serve now, or the
//! question may have changed: a clear answer, nothing written. The reps must
//! be the card's now, or an earlier click on the same drawn card already
//! counted: the card is shown as it stands, nothing written. The choice
//! order is a pure function of (learner, card, reps), so a click delivered
//! again maps to the same choice on any instance.

use chrono::{DateTime, Utc};

use super::error::{self, CoreError, Refusal};
use super::request::Learner;
use super::spaced;
use super::Core;
use crate::content::{Lesson, Question, Quiz};
use crate::store::{Outlook, ReviewCard, ReviewWrite};

/// How many due cards are read at once to find the first one that still
/// matches a question we serve (a question removed from a quiz leaves its
/// cards behind; they are skipped, never shown).
const DUE_WINDOW: i64 = 50;

/// One step of a review session, to be shown.
#[derive(Debug)]
pub enum ReviewStep<'a> {
    /// A due card's question, with `due` cards due in all (this one too).
    Card {
        at: CardAt<'a>,
        due: usize,
        in_place: bool,
    },
    /// A wrong choice, rated Again: the misconception and the right answer.
    Wrong {
        at: CardAt<'a>,
        picked: usize,
        next_due: DateTime<Utc>,
        now: DateTime<Utc>,
    },
    /// A right choice: how did it go?
    Right { at: CardAt<'a> },
    /// A rating saved.
    Rated {
        at: CardAt<'a>,
        next_due: DateTime<Utc>,
        now: DateTime<Utc>,
    },
    /// The click was for a review that already counted: the card as it is.
    Counted {
        at: CardAt<'a>,
        next_due: DateTime<Utc>,
        now: DateTime<Utc>,
    },
    /// Nothing due now.
    Nothing {
        outlook: Outlook,
        now: DateTime<Utc>,
        in_place: bool,
    },
}

/// A card and the question it stands for, as we serve it now.
#[derive(Debug)]
pub struct CardAt<'a> {
    pub lesson: &'a Lesson,
    pub quiz: &'a Quiz,
    /// The question's index in the quiz.
    pub index: usize,
    pub question: &'a Question,
    pub card: ReviewCard,
    /// The learner whose card it is (the shuffle depends on it).
    pub learner: u64,
}

impl CardAt<'_> {
    /// The order the choices are drawn in for this card at this review.
    pub fn choice_order(&self) -> Vec<usize> {
        choice_order(
            self.learner,
            &self.lesson.id,
            &self.question.id,
            self.card.card.reps,
            self.question.choices.len(),
        )
    }
}

/// `/review`, or "Next card": the oldest due card, or what is coming.
pub async fn open<'a>(
    core: &'a Core,
    who: Learner,
    in_place: bool,
) -> Result<ReviewStep<'a>, CoreError> {
    let now = core.clock.now();
    let cards = core
        .store
        .due_cards(who.id, now, DUE_WINDOW)
        .await
        .map_err(error::load)?;
    let mut servable = cards
        .into_iter()
        .filter_map(|card| card_at(core, who, card))
        .collect::<Vec<_>>();
    if servable.is_empty() {
        let outlook = core
            .store
            .review_outlook(who.id, now)
            .await
            .map_err(error::load)?;
        return Ok(ReviewStep::Nothing {
            outlook,
            now,
            in_place,
        });
    }
    let due = servable.len();
    Ok(ReviewStep::Card {
        at: servable.swap_remove(0),
        due,
        in_place,
    })
}

/// A click on a choice.
pub async fn answer<'a>(
    core: &'a Core,
    who: Learner,
    interaction: u64,
    button: ReviewButton<'_>,
    choice: u8,
) -> Result<ReviewStep<'a>, CoreError> {
    let at = checked(core, who, &button).await?;
    let now = core.clock.now();
    if at.card.card.reps != button.reps {
        return Ok(counted(at, now));
    }
    let picked = usize::from(choice);
    let c = at
        .question
        .choices
        .get(picked)
        .ok_or(Refusal::UnknownButton)?;
    if c.id == at.question.answer {
        // The card is rated only when the learner rates it; what is written
        // now is that they answered it right, which that rating requires.
        let recorded = core
            .store
            .record_right_answer(
                who.id,
                &at.card.lesson_id,
                &at.card.question_id,
                button.reps,
            )
            .await
            .map_err(error::save)?;
        if !recorded {
            return again(core, who, &button, now).await;
        }
        return Ok(ReviewStep::Right { at });
    }
    let (next, log) = spaced::rate(&at.card.card, now, rs_fsrs::Rating::Again);
    let rated = ReviewCard {
        card: next,
        answered_at_reps: None,
        ..at.card.clone()
    };
    match core
        .store
        .save_review(interaction, who.id, &rated, button.reps, &log)
        .await
        .map_err(error::save)?
    {
        ReviewWrite::Applied => Ok(ReviewStep::Wrong {
            next_due: rated.card.due,
            at,
            picked,
            now,
        }),
        ReviewWrite::Replayed | ReviewWrite::Moved => again(core, who, &button, now).await,
    }
}

/// A click on Hard, Good or Easy after a right choice.
pub async fn rate<'a>(
    core: &'a Core,
    who: Learner,
    interaction: u64,
    button: ReviewButton<'_>,
    rating: u8,
) -> Result<ReviewStep<'a>, CoreError> {
    // Again is given by a wrong choice, never by a button.
    let rating = spaced::rating(rating)
        .filter(|r| *r != rs_fsrs::Rating::Again)
        .ok_or(Refusal::UnknownButton)?;
    let at = checked(core, who, &button).await?;
    let now = core.clock.now();
    if at.card.card.reps != button.reps {
        return Ok(counted(at, now));
    }
    if at.card.answered_at_reps != Some(button.reps) {
        // No right answer to rate: a forged button, or one drawn for an
        // answer never given. The store checks this again as it writes.
        return Err(stale(&button));
    }
    let (next, log) = spaced::rate(&at.card.card, now, rating);
    let rated = ReviewCard {
        card: next,
        answered_at_reps: None,
        ..at.card.clone()
    };
    match core
        .store
        .save_review(interaction, who.id, &rated, button.reps, &log)
        .await
        .map_err(error::save)?
    {
        ReviewWrite::Applied => Ok(ReviewStep::Rated {
            next_due: rated.card.due,
            at,
            now,
        }),
        ReviewWrite::Replayed => again(core, who, &button, now).await,
        ReviewWrite::Moved => {
            let at = checked(core, who, &button).await?;
            if at.card.card.reps == button.reps {
                // Still at these reps: the write found no right answer on
                // record to rate (only a saved rating clears one, and that
                // moves the card on).
                return Err(stale(&button));
            }
            Ok(counted(at, now))
        }
    }
}

/// What a review button names.
#[derive(Debug, Clone, Copy)]
pub struct ReviewButton<'b> {
    pub lesson: &'b str,
    pub version: &'b str,
    pub question: u8,
    pub reps: i32,
}

/// The refusal for a review button that no longer (or never did) match.
fn stale(button: &ReviewButton<'_>) -> CoreError {
    Refusal::StaleReview {
        lesson: button.lesson.to_string(),
    }
    .into()
}

/// The card behind a button, checked against the quiz we serve now.
async fn checked<'a>(
    core: &'a Core,
    who: Learner,
    button: &ReviewButton<'_>,
) -> Result<CardAt<'a>, CoreError> {
    let stale = || Refusal::StaleReview {
        lesson: button.lesson.to_string(),
    };
    let lesson = core.catalog.lesson(button.lesson).ok_or_else(stale)?;
    let quiz = lesson
        .quiz
        .as_ref()
        .filter(|q| q.version == button.version)
        .ok_or_else(stale)?;
    let question = quiz
        .questions
        .get(usize::from(button.question))
        .ok_or_else(stale)?;
    let card = core
        .store
        .review_card(who.id, &lesson.id, &question.id)
        .await
        .map_err(error::load)?
        // Gone (the learner deleted their data since): nothing to review.
        .ok_or_else(stale)?;
    Ok(CardAt {
        lesson,
        quiz,
        index: usize::from(button.question),
        question,
        card,
        learner: who.id,
    })
}

/// Read the card again after a write that found it moved on or handled.
async fn again<'a>(
    core: &'a Core,
    who: Learner,
    button: &ReviewButton<'_>,
    now: DateTime<Utc>,
) -> Result<ReviewStep<'a>, CoreError> {
    Ok(counted(checked(core, who, button).await?, now))
}

fn counted(at: CardAt<'_>, now: DateTime<Utc>) -> ReviewStep<'_> {
    ReviewStep::Counted {
        next_due: at.card.card.due,
        at,
        now,
    }
}

/// The card with the question it stands for, if we still serve it.
fn card_at(core: &Core, who: Learner, card: ReviewCard) -> Option<CardAt<'_>> {
    let lesson = core.catalog.lesson(&card.lesson_id)?;
    let quiz = lesson.quiz.as_ref()?;
    let (index, question) = quiz.question(&card.question_id)?;
    // A button holds the index in a u8.
    u8::try_from(index).ok()?;
    Some(CardAt {
        lesson,
        quiz,
        index,
        question,
        card,
        learner: who.id,
    })
}

/// The choice order for one review of one card: a shuffle seeded by
/// (learner, lesson, question, reps), the same on every instance.
pub fn choice_order(learner: u64, lesson: &str, question: &str, reps: i32, n: usize) -> Vec<usize> {
    // FNV-1a over the card's identity: stable across builds, unlike std's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = learner
        .to_le_bytes()
        .into_iter()
        .chain(lesson.bytes())
        .chain([0])
        .chain(question.bytes())
        .chain([0])
        .chain(reps.to_le_bytes());
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    super::quiz::choice_order(h as i64, 0, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_order_is_fixed_by_the_card_and_changes_between_reviews() {
        let a = choice_order(7, "async", "q1", 1, 4);
        assert_eq!(a, choice_order(7, "async", "q1", 1, 4));
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, vec![0, 1, 2, 3]);
        let orders: std::collections::HashSet<_> = (1..40)
            .map(|reps| choice_order(7, "async", "q1", reps, 4))
            .collect();
        assert!(orders.len() > 5, "reviews shuffle differently");
    }
}

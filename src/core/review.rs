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
//! Cards are filed under their lesson's scope (see
//! [`crate::content::scope`]). In a server, `/review` shows the cards of
//! the built-in lessons and of that server's own; in direct messages (where
//! the daily reminder sends the learner), all of them, each question drawn
//! from the lessons its server serves now
//! ([`super::packs::Packs::catalog_for`]). A card whose question is no
//! longer served (removed from the quiz, its lesson removed, or its server's
//! lessons not loadable now) is skipped with a log line, never shown from
//! other content: a new version that keeps the question id keeps the card.
//!
//! A button carries (lesson, quiz version, question index, the card's reps,
//! choice or rating), and the server for a card of a server's lesson. The
//! version must be the quiz we serve now, or the question may have changed:
//! a clear answer, nothing written. The reps must
//! be the card's now, or an earlier click on the same drawn card already
//! counted: the card is shown as it stands, nothing written. The choice
//! order is a pure function of (learner, card, reps), so a click delivered
//! again maps to the same choice on any instance.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::error::{self, CoreError, Refusal};
use super::request::Learner;
use super::spaced;
use super::Core;
use crate::content::{Catalog, Question, Scope, Within};
use crate::store::{Outlook, ReviewCard, ReviewWrite};

/// How many due cards are read at once to find the first one that still
/// matches a question we serve (a question removed from a quiz leaves its
/// cards behind; they are skipped, never shown).
const DUE_WINDOW: i64 = 50;

/// One step of a review session, to be shown.
#[derive(Debug)]
pub enum ReviewStep {
    /// A due card's question, with `due` cards due in all (this one too).
    Card {
        at: CardAt,
        due: usize,
        in_place: bool,
    },
    /// A wrong choice, rated Again: the misconception and the right answer.
    Wrong {
        at: CardAt,
        picked: usize,
        next_due: DateTime<Utc>,
        now: DateTime<Utc>,
    },
    /// A right choice: how did it go?
    Right { at: CardAt },
    /// A rating saved.
    Rated {
        at: CardAt,
        next_due: DateTime<Utc>,
        now: DateTime<Utc>,
    },
    /// The click was for a review that already counted: the card as it is.
    Counted {
        at: CardAt,
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

/// A card and the question it stands for, as its lesson's server (or the
/// built-in lessons) serves it now. It owns what it shows: in direct
/// messages the question comes from a server's catalog, not the request's.
#[derive(Debug)]
pub struct CardAt {
    /// The lesson's id and title, and the version of its quiz.
    pub lesson_id: String,
    pub lesson_title: String,
    pub version: String,
    /// The question's index in the quiz.
    pub index: usize,
    pub question: Question,
    /// The card; its `scope` is its lesson's.
    pub card: ReviewCard,
    /// The learner whose card it is (the shuffle depends on it).
    pub learner: u64,
}

impl CardAt {
    /// The order the choices are drawn in for this card at this review.
    pub fn choice_order(&self) -> Vec<usize> {
        choice_order(
            self.learner,
            &self.lesson_id,
            &self.question.id,
            self.card.card.reps,
            self.question.choices.len(),
        )
    }

    /// The scope of the card's lesson.
    pub fn scope(&self) -> Scope {
        self.card.scope
    }
}

/// `/review`, or "Next card": the oldest due card, or what is coming.
pub async fn open(core: &Core, who: Learner, in_place: bool) -> Result<ReviewStep, CoreError> {
    let now = core.clock.now();
    let within = Within::from_guild(who.guild);
    let cards = core
        .store
        .due_cards(who.id, within, now, DUE_WINDOW)
        .await
        .map_err(error::load)?;
    let mut shelf = Shelf::new(core, who);
    let mut servable = Vec::with_capacity(cards.len());
    for card in cards {
        let catalog = shelf.catalog(card.scope).await;
        match catalog.and_then(|c| card_at(&c, who, card.clone())) {
            Some(at) => servable.push(at),
            None => skipped(who, &card),
        }
    }
    if servable.is_empty() {
        let outlook = core
            .store
            .review_outlook(who.id, within, now)
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

/// How many of the learner's due cards `/review` in direct messages would
/// show now: those whose question the lessons of their scope still serve
/// (read at most [`COUNT_WINDOW`]; any past it are counted unchecked). What
/// a daily reminder counts, so that it never announces cards `/review`
/// cannot show; cards skipped are logged.
pub async fn due_count(core: &Core, learner: u64, stored: i64) -> Result<i64, CoreError> {
    let now = core.clock.now();
    let who = Learner {
        id: learner,
        guild: None,
    };
    let cards = core
        .store
        .due_cards(learner, Within::Everywhere, now, COUNT_WINDOW)
        .await
        .map_err(error::load)?;
    let read = cards.len() as i64;
    let mut shelf = Shelf::new(core, who);
    let mut servable = 0;
    for card in cards {
        let catalog = shelf.catalog(card.scope).await;
        if catalog.is_some_and(|c| card_at(&c, who, card.clone()).is_some()) {
            servable += 1;
        } else {
            skipped(who, &card);
        }
    }
    Ok(servable + (stored - read).max(0))
}

/// How many due cards [`due_count`] checks one by one.
pub const COUNT_WINDOW: i64 = 200;

fn skipped(who: Learner, card: &ReviewCard) {
    tracing::info!(
        learner = who.id,
        scope = card.scope.to_db(),
        lesson = %card.lesson_id,
        question = %card.question_id,
        "a due review card's question is not served now; skipped"
    );
}

/// A click on a choice.
pub async fn answer(
    core: &Core,
    who: Learner,
    interaction: u64,
    button: ReviewButton<'_>,
    choice: u8,
) -> Result<ReviewStep, CoreError> {
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
            .record_right_answer(who.id, at.card.lesson(), &at.card.question_id, button.reps)
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
pub async fn rate(
    core: &Core,
    who: Learner,
    interaction: u64,
    button: ReviewButton<'_>,
    rating: u8,
) -> Result<ReviewStep, CoreError> {
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
    /// The scope of the card's lesson (a server's, or built in).
    pub scope: Scope,
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
async fn checked(
    core: &Core,
    who: Learner,
    button: &ReviewButton<'_>,
) -> Result<CardAt, CoreError> {
    let stale = || Refusal::StaleReview {
        lesson: button.lesson.to_string(),
    };
    // Another server's card is not reviewed here (its button was drawn
    // elsewhere, or forged).
    if !Within::from_guild(who.guild).takes(button.scope) {
        return Err(stale().into());
    }
    let catalog = Shelf::new(core, who)
        .catalog(button.scope)
        .await
        .ok_or_else(stale)?;
    let lesson = catalog
        .lesson(button.lesson)
        .filter(|l| l.scope == button.scope)
        .ok_or_else(stale)?;
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
        .review_card(who.id, lesson.key(), &question.id)
        .await
        .map_err(error::load)?
        // Gone (the learner deleted their data since): nothing to review.
        .ok_or_else(stale)?;
    Ok(CardAt {
        lesson_id: lesson.id.clone(),
        lesson_title: lesson.title.clone(),
        version: quiz.version.clone(),
        index: usize::from(button.question),
        question: question.clone(),
        card,
        learner: who.id,
    })
}

/// Read the card again after a write that found it moved on or handled.
async fn again(
    core: &Core,
    who: Learner,
    button: &ReviewButton<'_>,
    now: DateTime<Utc>,
) -> Result<ReviewStep, CoreError> {
    Ok(counted(checked(core, who, button).await?, now))
}

fn counted(at: CardAt, now: DateTime<Utc>) -> ReviewStep {
    ReviewStep::Counted {
        next_due: at.card.card.due,
        at,
        now,
    }
}

/// The card with the question it stands for, if `catalog` (the one of the
/// card's scope) still serves it: the lesson of that id must be of the
/// card's scope, not a built-in one of the same id.
fn card_at(catalog: &Catalog, who: Learner, card: ReviewCard) -> Option<CardAt> {
    let lesson = catalog
        .lesson(&card.lesson_id)
        .filter(|l| l.scope == card.scope)?;
    let quiz = lesson.quiz.as_ref()?;
    let (index, question) = quiz.question(&card.question_id)?;
    // A button holds the index in a u8.
    u8::try_from(index).ok()?;
    Some(CardAt {
        lesson_id: lesson.id.clone(),
        lesson_title: lesson.title.clone(),
        version: quiz.version.clone(),
        index,
        question: question.clone(),
        card,
        learner: who.id,
    })
}

/// The catalogs cards are drawn from, each loaded once per request: the
/// request's own (the built-in lessons, and in a server its lessons); in
/// direct messages, each server's whose cards come up.
struct Shelf<'a> {
    core: &'a Core,
    who: Learner,
    servers: HashMap<u64, Option<Arc<Catalog>>>,
}

impl<'a> Shelf<'a> {
    fn new(core: &'a Core, who: Learner) -> Self {
        Shelf {
            core,
            who,
            servers: HashMap::new(),
        }
    }

    /// The catalog serving lessons of `scope` here, if any: `None` for a
    /// server whose lessons cannot be loaded now (logged) or are off.
    async fn catalog(&mut self, scope: Scope) -> Option<Arc<Catalog>> {
        let guild = match scope {
            Scope::BuiltIn => return Some(self.core.catalog.clone()),
            // The request's catalog is this server's.
            Scope::Server(guild) if self.who.guild == Some(guild) => {
                return Some(self.core.catalog.clone())
            }
            // Another server's cards are drawn only outside any server,
            // where the request's catalog is the built-in one.
            Scope::Server(_) if self.who.guild.is_some() => return None,
            Scope::Server(guild) => guild,
        };
        if let Some(loaded) = self.servers.get(&guild) {
            return loaded.clone();
        }
        let core = self.core;
        let loaded = match &core.packs {
            Some(packs) => match packs.catalog_for(guild, &core.catalog, &core.store).await {
                Ok(catalog) => catalog,
                Err(e) => {
                    tracing::warn!(
                        guild,
                        error = %e,
                        "a server's lessons could not be loaded for a review"
                    );
                    None
                }
            },
            None => None,
        };
        self.servers.insert(guild, loaded.clone());
        loaded
    }
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

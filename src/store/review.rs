//! Review cards (spaced repetition) and their log, and the streaks computed
//! from a learner's stored activity.
//!
//! A card is keyed by the learner, its lesson's [`LessonKey`] (scope and
//! id) and the question; reads that list cards take a [`Within`]: in a
//! server, the built-in lessons' cards and that server's, in direct
//! messages all of them.
//!
//! The store keeps the scheduler's state ([`CardState`]) as plain columns
//! and knows nothing of FSRS: the core computes each next state
//! (`core::spaced`) and the store writes it. What each write guarantees:
//! - a card is seeded by the first answer to a quiz question, in the same
//!   statement as that answer ([`Store::record_answer`] in `quiz.rs`); a
//!   retake's answer leaves an existing card alone;
//! - a review is one transaction keyed by its interaction id (see
//!   [`super::handled`]) *and* by the card's `reps` at the time its buttons
//!   were drawn: a copy of the click, on any instance, finds its id handled,
//!   and a second click on the same drawn card finds the card moved on.
//!   Either way nothing is written and the caller shows the card as it is;
//! - a rating other than Again is saved only against a right answer: the
//!   right-choice click records the card's reps on the card
//!   ([`Store::record_right_answer`]), and the statement that saves the
//!   rating requires them and clears them. A rating button forged for a card
//!   the learner did not just answer right, or clicked again after its
//!   rating counted, writes nothing.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Connection;

use super::handled::first_time;
use super::{to_db, InteractionId, LearnerId, Store, StoreError};
use crate::content::{LessonKey, Scope, Within};

/// A card's scheduling state, as the scheduler hands it over.
#[derive(Debug, Clone, PartialEq)]
pub struct CardState {
    pub due: DateTime<Utc>,
    pub stability: f64,
    pub difficulty: f64,
    pub elapsed_days: i32,
    pub scheduled_days: i32,
    /// How many times it was rated; also the card's version.
    pub reps: i32,
    pub lapses: i32,
    /// 0 new, 1 learning, 2 review, 3 relearning.
    pub state: i16,
    pub last_review: DateTime<Utc>,
}

/// One of a learner's review cards: a quiz question they answered.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewCard {
    pub scope: Scope,
    pub lesson_id: String,
    pub question_id: String,
    pub card: CardState,
    /// The card's reps when the learner last chose its right answer, while
    /// that answer awaits its rating (Hard / Good / Easy); `None` otherwise.
    pub answered_at_reps: Option<i32>,
}

/// One rating, as the review log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// 1 again, 2 hard, 3 good, 4 easy.
    pub rating: i16,
    /// The card's state before the rating, and its days then.
    pub state: i16,
    pub elapsed_days: i32,
    pub scheduled_days: i32,
    pub reviewed_at: DateTime<Utc>,
}

/// A card to create along with the first answer to a quiz question.
#[derive(Debug, Clone, PartialEq)]
pub struct Seed<'a> {
    pub lesson: LessonKey<'a>,
    pub card: CardState,
    pub log: LogEntry,
}

/// What a review write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewWrite {
    /// The rating was saved.
    Applied,
    /// This interaction was handled before: nothing written.
    Replayed,
    /// The card is no longer at the reps the click was drawn for (an
    /// earlier click counted), or is gone, or (a rating other than Again)
    /// was not answered right at those reps: nothing written.
    Moved,
}

/// What a learner has coming, for "nothing due" and `/progress`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outlook {
    /// Cards due now.
    pub due_now: i64,
    /// When the next card not yet due is due.
    pub next_due: Option<DateTime<Utc>>,
    /// How many cards fall due within a day of `next_due`.
    pub due_then: i64,
    /// All the learner's cards.
    pub total: i64,
}

/// A learner's streaks, in days of their own time zone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Streak {
    /// Consecutive active days ending today (or yesterday: today is not over).
    pub current: i64,
    /// The longest run of consecutive active days.
    pub longest: i64,
}

impl ReviewCard {
    /// The key of the card's lesson.
    pub fn lesson(&self) -> LessonKey<'_> {
        LessonKey::new(self.scope, &self.lesson_id)
    }
}

impl Store {
    /// The learner's cards due at `now` among those `within` takes in,
    /// oldest due first, at most `limit`.
    pub async fn due_cards(
        &self,
        learner: LearnerId,
        within: Within,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<ReviewCard>, StoreError> {
        let learner = to_db(learner);
        let server = within.to_db();
        let rows = self
            .run("reading due review cards", |mut conn| async move {
                sqlx::query!(
                    "SELECT scope, lesson_id, question_id, due, stability, difficulty,
                            elapsed_days, scheduled_days, reps, lapses, state, last_review,
                            answered_at_reps
                     FROM review_cards
                     WHERE learner_id = $1 AND due <= $2
                       AND ($4::bigint IS NULL OR scope IN (0, $4))
                     ORDER BY due, scope, lesson_id, question_id LIMIT $3",
                    learner,
                    now,
                    limit,
                    server
                )
                .fetch_all(&mut *conn)
                .await
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| ReviewCard {
                scope: Scope::from_db(r.scope),
                lesson_id: r.lesson_id,
                question_id: r.question_id,
                card: CardState {
                    due: r.due,
                    stability: r.stability,
                    difficulty: r.difficulty,
                    elapsed_days: r.elapsed_days,
                    scheduled_days: r.scheduled_days,
                    reps: r.reps,
                    lapses: r.lapses,
                    state: r.state,
                    last_review: r.last_review,
                },
                answered_at_reps: r.answered_at_reps,
            })
            .collect())
    }

    /// One of the learner's cards, if they have it.
    pub async fn review_card(
        &self,
        learner: LearnerId,
        lesson: LessonKey<'_>,
        question: &str,
    ) -> Result<Option<ReviewCard>, StoreError> {
        let learner = to_db(learner);
        let (scope, lesson) = (lesson.scope.to_db(), lesson.id);
        let row = self
            .run("reading a review card", |mut conn| async move {
                sqlx::query!(
                    "SELECT scope, lesson_id, question_id, due, stability, difficulty,
                            elapsed_days, scheduled_days, reps, lapses, state, last_review,
                            answered_at_reps
                     FROM review_cards
                     WHERE learner_id = $1 AND scope = $4 AND lesson_id = $2
                       AND question_id = $3",
                    learner,
                    lesson,
                    question,
                    scope
                )
                .fetch_optional(&mut *conn)
                .await
            })
            .await?;
        Ok(row.map(|r| ReviewCard {
            scope: Scope::from_db(r.scope),
            lesson_id: r.lesson_id,
            question_id: r.question_id,
            card: CardState {
                due: r.due,
                stability: r.stability,
                difficulty: r.difficulty,
                elapsed_days: r.elapsed_days,
                scheduled_days: r.scheduled_days,
                reps: r.reps,
                lapses: r.lapses,
                state: r.state,
                last_review: r.last_review,
            },
            answered_at_reps: r.answered_at_reps,
        }))
    }

    /// Records that the learner chose the card's right answer while it is
    /// at `reps`, so that one rating may follow (see the module doc).
    /// Returns false, writing nothing, when the card is gone or has moved
    /// past `reps` (an earlier click counted). Recording it again is
    /// harmless: a click delivered twice sets the same value.
    pub async fn record_right_answer(
        &self,
        learner: LearnerId,
        lesson: LessonKey<'_>,
        question: &str,
        reps: i32,
    ) -> Result<bool, StoreError> {
        let learner = to_db(learner);
        let (scope, lesson) = (lesson.scope.to_db(), lesson.id);
        self.run("recording a right review answer", |mut conn| async move {
            let done = sqlx::query!(
                "UPDATE review_cards SET answered_at_reps = reps
                 WHERE learner_id = $1 AND scope = $5 AND lesson_id = $2 AND question_id = $3
                   AND reps = $4",
                learner,
                lesson,
                question,
                reps,
                scope
            )
            .execute(&mut *conn)
            .await?;
            Ok(done.rows_affected() > 0)
        })
        .await
    }

    /// Saves a review: the card's new state and a log entry, unless
    /// `interaction` was handled before or the card is no longer at
    /// `expected_reps`, or, for any rating but Again (`log.rating` 1), the
    /// learner's right answer at `expected_reps` is not on record (see the
    /// module doc). Saving clears the recorded answer: it counts once.
    pub async fn save_review(
        &self,
        interaction: InteractionId,
        learner: LearnerId,
        card: &ReviewCard,
        expected_reps: i32,
        log: &LogEntry,
    ) -> Result<ReviewWrite, StoreError> {
        let learner = to_db(learner);
        let scope = card.scope.to_db();
        self.run("saving a review", |mut conn| async move {
            let mut tx = conn.begin().await?;
            if !first_time(&mut tx, interaction).await? {
                tx.commit().await?;
                return Ok(ReviewWrite::Replayed);
            }
            let c = &card.card;
            let updated = sqlx::query!(
                "UPDATE review_cards
                 SET due = $5, stability = $6, difficulty = $7, elapsed_days = $8,
                     scheduled_days = $9, reps = $10, lapses = $11, state = $12,
                     last_review = $13, answered_at_reps = NULL
                 WHERE learner_id = $1 AND scope = $15 AND lesson_id = $2 AND question_id = $3
                   AND reps = $4 AND ($14::smallint = 1 OR answered_at_reps = $4)",
                learner,
                card.lesson_id,
                card.question_id,
                expected_reps,
                c.due,
                c.stability,
                c.difficulty,
                c.elapsed_days,
                c.scheduled_days,
                c.reps,
                c.lapses,
                c.state,
                c.last_review,
                log.rating,
                scope
            )
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 0 {
                // Rolled back: the id stays unrecorded, and a copy of this
                // click finds the card moved on (or unanswered) just the same.
                tx.rollback().await?;
                return Ok(ReviewWrite::Moved);
            }
            sqlx::query!(
                "INSERT INTO review_log (learner_id, scope, lesson_id, question_id, rating, state,
                                         elapsed_days, scheduled_days, due, reviewed_at, source)
                 VALUES ($1, $10, $2, $3, $4, $5, $6, $7, $8, $9, 'review')",
                learner,
                card.lesson_id,
                card.question_id,
                log.rating,
                log.state,
                log.elapsed_days,
                log.scheduled_days,
                c.due,
                log.reviewed_at,
                scope
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(ReviewWrite::Applied)
        })
        .await
    }

    /// How many cards are due at `now`, when the next one after is due and
    /// how many fall due with it, and how many cards the learner has, among
    /// the cards `within` takes in.
    pub async fn review_outlook(
        &self,
        learner: LearnerId,
        within: Within,
        now: DateTime<Utc>,
    ) -> Result<Outlook, StoreError> {
        let learner = to_db(learner);
        let server = within.to_db();
        self.run("reading review cards", |mut conn| async move {
            sqlx::query_as!(
                Outlook,
                r#"WITH mine AS (SELECT due FROM review_cards
                                 WHERE learner_id = $1
                                   AND ($3::bigint IS NULL OR scope IN (0, $3))),
                        next AS (SELECT min(due) AS at FROM mine WHERE due > $2)
                   SELECT count(*) FILTER (WHERE due <= $2) AS "due_now!",
                          (SELECT at FROM next) AS "next_due?",
                          count(*) FILTER (WHERE due > $2
                                           AND due < (SELECT at FROM next) + interval '1 day')
                              AS "due_then!",
                          count(*) AS "total!"
                   FROM mine"#,
                learner,
                now,
                server
            )
            .fetch_one(&mut *conn)
            .await
        })
        .await
    }

    /// The learner's current and longest streak: a day (in `timezone`, an
    /// IANA name) counts when they rated a card, answered a quiz question or
    /// ticked an objective (a mark keeps its latest change only), or passed
    /// an exercise. `today` is the learner's local date now.
    pub async fn streak(
        &self,
        learner: LearnerId,
        timezone: &str,
        today: NaiveDate,
    ) -> Result<Streak, StoreError> {
        let learner = to_db(learner);
        self.run("reading a streak", |mut conn| async move {
            sqlx::query_as!(
                Streak,
                r#"WITH activity AS (
                       SELECT reviewed_at AS at FROM review_log WHERE learner_id = $1
                       UNION ALL
                       SELECT q.answered_at FROM quiz_answers q
                       JOIN quiz_attempts a ON a.id = q.attempt_id WHERE a.learner_id = $1
                       UNION ALL
                       SELECT updated_at FROM checklist_marks WHERE learner_id = $1 AND ticked
                       UNION ALL
                       SELECT created_at FROM exercise_attempts WHERE learner_id = $1 AND passed
                   ),
                   days AS (SELECT DISTINCT (at AT TIME ZONE $2)::date AS day FROM activity),
                   -- Consecutive days share day - row_number (gaps and islands).
                   runs AS (
                       SELECT max(day) AS last, count(*) AS len
                       FROM (SELECT day, day - (row_number() OVER (ORDER BY day))::int AS island
                             FROM days) numbered
                       GROUP BY island
                   )
                   SELECT COALESCE(max(len) FILTER (WHERE last >= $3::date - 1), 0) AS "current!",
                          COALESCE(max(len), 0) AS "longest!"
                   FROM runs"#,
                learner,
                timezone,
                today
            )
            .fetch_one(&mut *conn)
            .await
        })
        .await
    }
}

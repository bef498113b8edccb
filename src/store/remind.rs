//! Reminders: a learner's time zone and daily review reminder.
//!
//! Setting one is one upsert keyed by the learner (a state, not a toggle, so
//! a command delivered twice lands once).
//!
//! The schedule (`crate::schedule`) works on the same rows:
//! - [`Store::claim_due_reminders`] takes a batch of due rows in one
//!   indexed statement, `FOR UPDATE SKIP LOCKED`, and stamps each with a
//!   claim that expires: any number of instances share the work without
//!   waiting on each other, and a row whose claimer died is taken again once
//!   the claim expires, so the day is never lost;
//! - [`Store::finish_reminder`] moves the row to its next slot, only if it is
//!   still at the slot that was claimed, and records the local day reminded:
//!   a claimer that comes back after its claim expired cannot move it twice,
//!   and a slot on a day already reminded is skipped;
//! - a send that is retried after a crash carries the same nonce, which
//!   Discord enforces, so the learner still sees one message.

use chrono::{DateTime, NaiveDate, Utc};

use super::{to_db, LearnerId, Store, StoreError};

/// A learner's reminder as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub timezone: String,
    /// Minutes after local midnight.
    pub at_minute: i16,
    pub enabled: bool,
    pub next_at: DateTime<Utc>,
    pub last_day: Option<NaiveDate>,
    pub dms_closed: bool,
}

/// A due reminder, claimed for this instance until the claim expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedReminder {
    pub learner: LearnerId,
    pub timezone: String,
    pub at_minute: i16,
    /// The slot claimed (compare-and-set key for [`Store::finish_reminder`]).
    pub next_at: DateTime<Utc>,
    pub last_day: Option<NaiveDate>,
    /// The learner's cards due at the claim.
    pub due_cards: i64,
}

impl Store {
    /// The learner's reminder, on or off, if they ever set one.
    pub async fn reminder(&self, learner: LearnerId) -> Result<Option<Reminder>, StoreError> {
        let learner = to_db(learner);
        self.run("reading a reminder", |mut conn| async move {
            sqlx::query_as!(
                Reminder,
                "SELECT timezone, at_minute, enabled, next_at, last_day, dms_closed
                 FROM reminders WHERE learner_id = $1",
                learner
            )
            .fetch_optional(&mut *conn)
            .await
        })
        .await
    }

    /// Switches the learner's daily reminder on at a local time in a time
    /// zone, first due at `next_at`.
    pub async fn set_reminder(
        &self,
        learner: LearnerId,
        timezone: &str,
        at_minute: i16,
        next_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let learner = to_db(learner);
        self.run("saving a reminder", |mut conn| async move {
            sqlx::query!(
                "WITH learner AS (
                     INSERT INTO learners (id) VALUES ($1) ON CONFLICT (id) DO NOTHING
                 )
                 INSERT INTO reminders (learner_id, timezone, at_minute, enabled, next_at)
                 VALUES ($1, $2, $3, true, $4)
                 ON CONFLICT (learner_id) DO UPDATE
                 SET timezone = EXCLUDED.timezone, at_minute = EXCLUDED.at_minute,
                     enabled = true, next_at = EXCLUDED.next_at, claimed_until = NULL,
                     dms_closed = false, updated_at = now()",
                learner,
                timezone,
                at_minute,
                next_at
            )
            .execute(&mut *conn)
            .await?;
            Ok(())
        })
        .await
    }

    /// Switches the learner's reminder off (their time zone stays); returns
    /// whether they had one on.
    pub async fn reminder_off(&self, learner: LearnerId) -> Result<bool, StoreError> {
        let learner = to_db(learner);
        self.run("switching a reminder off", |mut conn| async move {
            let done = sqlx::query!(
                "UPDATE reminders SET enabled = false, claimed_until = NULL, updated_at = now()
                 WHERE learner_id = $1 AND enabled",
                learner
            )
            .execute(&mut *conn)
            .await?;
            Ok(done.rows_affected() > 0)
        })
        .await
    }

    /// Claims up to `batch` reminders due at `now` that nobody holds (or
    /// whose claim expired), until `claim_until`, oldest slot first.
    pub async fn claim_due_reminders(
        &self,
        now: DateTime<Utc>,
        claim_until: DateTime<Utc>,
        batch: i64,
    ) -> Result<Vec<ClaimedReminder>, StoreError> {
        let rows = self
            .run("claiming due reminders", |mut conn| async move {
                sqlx::query!(
                    r#"WITH due AS (
                           SELECT learner_id FROM reminders
                           WHERE enabled AND next_at <= $1
                             AND (claimed_until IS NULL OR claimed_until <= $1)
                           ORDER BY next_at
                           LIMIT $3
                           FOR UPDATE SKIP LOCKED
                       )
                       UPDATE reminders r SET claimed_until = $2
                       FROM due WHERE r.learner_id = due.learner_id
                       RETURNING r.learner_id, r.timezone, r.at_minute, r.next_at, r.last_day,
                                 (SELECT count(*) FROM review_cards c
                                  WHERE c.learner_id = r.learner_id AND c.due <= $1)
                                     AS "due_cards!""#,
                    now,
                    claim_until,
                    batch
                )
                .fetch_all(&mut *conn)
                .await
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| ClaimedReminder {
                learner: r.learner_id as u64,
                timezone: r.timezone,
                at_minute: r.at_minute,
                next_at: r.next_at,
                last_day: r.last_day,
                due_cards: r.due_cards,
            })
            .collect())
    }

    /// Moves a claimed reminder to its next slot and releases the claim, if
    /// it is still at the slot claimed; `reminded` is the local day a
    /// reminder went out for (None when none was needed). Returns whether
    /// the row moved.
    pub async fn finish_reminder(
        &self,
        learner: LearnerId,
        claimed: DateTime<Utc>,
        next_at: DateTime<Utc>,
        reminded: Option<NaiveDate>,
    ) -> Result<bool, StoreError> {
        let learner = to_db(learner);
        self.run("moving a reminder on", |mut conn| async move {
            let done = sqlx::query!(
                "UPDATE reminders
                 SET next_at = $3, claimed_until = NULL, last_day = COALESCE($4, last_day)
                 WHERE learner_id = $1 AND next_at = $2",
                learner,
                claimed,
                next_at,
                reminded
            )
            .execute(&mut *conn)
            .await?;
            Ok(done.rows_affected() > 0)
        })
        .await
    }

    /// Discord refused the learner's DM (50007): reminders off, and the
    /// learner to be told next time.
    pub async fn reminder_dms_closed(&self, learner: LearnerId) -> Result<(), StoreError> {
        let learner = to_db(learner);
        self.run("switching a reminder off", |mut conn| async move {
            sqlx::query!(
                "UPDATE reminders SET enabled = false, dms_closed = true, claimed_until = NULL,
                                      updated_at = now()
                 WHERE learner_id = $1",
                learner
            )
            .execute(&mut *conn)
            .await?;
            Ok(())
        })
        .await
    }

    /// Whether the learner is still to be told their DMs were closed; true
    /// once (the flag is cleared by the same statement).
    pub async fn take_dms_closed_notice(&self, learner: LearnerId) -> Result<bool, StoreError> {
        let learner = to_db(learner);
        self.run("reading a reminder notice", |mut conn| async move {
            let row = sqlx::query_scalar!(
                "UPDATE reminders SET dms_closed = false
                 WHERE learner_id = $1 AND dms_closed RETURNING learner_id",
                learner
            )
            .fetch_optional(&mut *conn)
            .await?;
            Ok(row.is_some())
        })
        .await
    }
}

//! Reminders: a learner's time zone and daily review reminder.
//!
//! Setting one is one upsert keyed by the learner (a state, not a toggle, so
//! a command delivered twice lands once). The schedule's claims live in
//! `schedule` (not yet built); see the migration for the columns' meaning.

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
}

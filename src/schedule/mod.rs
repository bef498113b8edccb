//! Scheduled work: the daily review reminders.
//!
//! Reminders are rows in Postgres with a due time (`reminders.next_at`), so
//! any number of instances share them and none keeps state in memory. A
//! round ([`Reminders::round`]) claims a batch of due rows in one indexed
//! statement (`FOR UPDATE SKIP LOCKED`, with a claim that expires; see
//! [`crate::store::Store::claim_due_reminders`]), and for each:
//! - a learner with cards due (counted as `/review` in direct messages
//!   would show them: each card checked against its lesson's current
//!   content, a server's lesson against that server's, see
//!   [`crate::core::review::due_count`]) gets one direct message through Discord's REST
//!   API (open the DM channel, send), carrying a nonce made of the learner
//!   and the local day, which Discord enforces: a send retried after a crash
//!   (the claim expired and another instance took it) is still one message;
//! - a learner whose DMs are closed (Discord's 50007) has reminders switched
//!   off and is told the next time they use the bot;
//! - the row then moves to the same local time on the next day, in the
//!   learner's zone (daylight-saving changes included), unless another
//!   instance moved it already.
//!
//! Sends are paced (with jitter) to stay well under Discord's limits. The
//! time is read from a [`WallClock`], so tests run days of rounds at once.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveTime;
use serenity::all::{CreateAllowedMentions, CreateMessage, Nonce, UserId};
use serenity::http::{Http, HttpError};

use crate::clock::WallClock;
use crate::content::Catalog;
use crate::core::remind::next_at;
use crate::core::Core;
use crate::store::{ClaimedReminder, Store, StoreError};

/// How a reminder scheduler runs: these defaults, or the `REMINDER_*`
/// settings ([`crate::settings::Settings::reminder`]).
#[derive(Debug, Clone, Copy)]
pub struct ReminderConfig {
    /// Rows claimed per statement.
    pub batch: i64,
    /// How long a claim holds before another instance may take the row.
    pub claim: chrono::Duration,
    /// The pause between two sends, and up to how much is added at random.
    pub pace: Duration,
    pub jitter: Duration,
    /// How often a round runs.
    pub every: Duration,
}

impl Default for ReminderConfig {
    fn default() -> Self {
        ReminderConfig {
            batch: 100,
            claim: chrono::Duration::minutes(2),
            // Discord allows about 5 DMs a second per bot, less to new
            // channels: stay well below.
            pace: Duration::from_millis(250),
            jitter: Duration::from_millis(250),
            every: Duration::from_secs(30),
        }
    }
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoundReport {
    pub claimed: usize,
    pub sent: usize,
    /// Due rows with nothing to review, or a day already reminded.
    pub skipped: usize,
    pub dms_closed: usize,
    /// Sends that failed otherwise: the claim expires and a later round
    /// tries again.
    pub failed: usize,
}

/// Why a send failed.
enum SendError {
    /// Discord's 50007: the learner does not take DMs from us.
    DmsClosed,
    Other(serenity::Error),
}

/// The reminder scheduler of one instance.
#[derive(Clone)]
pub struct Reminders {
    pub store: Store,
    pub http: Arc<Http>,
    /// The bot's words (the reminder's text).
    pub catalog: Arc<Catalog>,
    pub clock: Arc<dyn WallClock>,
    pub config: ReminderConfig,
    /// The lessons due cards are checked against before they are counted:
    /// the core's current content and, for a card of a server's lesson,
    /// that server's lessons, as `/review` in direct messages draws them.
    /// `None`: every due card counts as stored.
    pub lessons: Option<Core>,
}

impl Reminders {
    /// Claims one batch of due reminders and handles each.
    pub async fn round(&self) -> Result<RoundReport, StoreError> {
        let now = self.clock.now();
        let claimed = self
            .store
            .claim_due_reminders(now, now + self.config.claim, self.config.batch)
            .await?;
        let mut report = RoundReport {
            claimed: claimed.len(),
            ..RoundReport::default()
        };
        for (i, due) in claimed.iter().enumerate() {
            self.one(due, &mut report, i > 0).await?;
        }
        Ok(report)
    }

    async fn one(
        &self,
        due: &ClaimedReminder,
        report: &mut RoundReport,
        pause: bool,
    ) -> Result<(), StoreError> {
        let tz: chrono_tz::Tz = due.timezone.parse().unwrap_or(chrono_tz::UTC);
        let day = due.next_at.with_timezone(&tz).date_naive();
        let minute = u32::try_from(due.at_minute).unwrap_or(0);
        let at = NaiveTime::from_hms_opt(minute / 60, minute % 60, 0).unwrap_or_default();
        // The slot after this one: the next day's local time, or later if
        // the round runs late (a day missed while down is not sent twice).
        let after = std::cmp::max(self.clock.now(), due.next_at);
        let next = next_at(after, at, tz);
        // Only cards `/review` can show are announced: a card whose
        // question its lesson (built in, or its server's) no longer has is
        // skipped there, and so here.
        let due_cards = match (&self.lessons, due.due_cards) {
            (Some(core), stored) if stored > 0 => {
                match crate::core::review::due_count(&core.pinned(), due.learner, stored).await {
                    Ok(n) => n,
                    Err(e) => {
                        // Counted as stored: a reminder a day late is worse.
                        tracing::warn!(error = %e, "could not check due cards' lessons");
                        stored
                    }
                }
            }
            (_, stored) => stored,
        };
        let send = due_cards > 0 && due.last_day != Some(day);
        if !send {
            report.skipped += 1;
            self.store
                .finish_reminder(due.learner, due.next_at, next, None)
                .await?;
            return Ok(());
        }
        if pause {
            self.pace().await;
        }
        match self.send(due, due_cards, day).await {
            Ok(()) => {
                report.sent += 1;
                self.store
                    .finish_reminder(due.learner, due.next_at, next, Some(day))
                    .await?;
            }
            Err(SendError::DmsClosed) => {
                report.dms_closed += 1;
                self.store.reminder_dms_closed(due.learner).await?;
            }
            Err(SendError::Other(e)) => {
                report.failed += 1;
                tracing::warn!(error = %e, "could not send a review reminder; it will be retried");
            }
        }
        Ok(())
    }

    async fn send(
        &self,
        due: &ClaimedReminder,
        due_cards: i64,
        day: chrono::NaiveDate,
    ) -> Result<(), SendError> {
        let t = &self.catalog.review_texts;
        let cards = crate::core::view::review::cards(t, due_cards);
        let text = t.remind_message.fill(&[("cards", &cards)]);
        let channel = UserId::new(due.learner.max(1))
            .create_dm_channel(&*self.http)
            .await
            .map_err(classify)?;
        // One nonce per learner and local day: Discord keeps the first
        // message sent with it, so a retry is not a second message.
        let nonce = format!("r{}-{}", due.learner % 1_000_000_000, day.format("%y%m%d"));
        let message = CreateMessage::new()
            .content(text)
            .allowed_mentions(CreateAllowedMentions::new())
            .nonce(Nonce::String(nonce))
            .enforce_nonce(true);
        channel
            .id
            .send_message(&*self.http, message)
            .await
            .map_err(classify)?;
        Ok(())
    }

    async fn pace(&self) {
        let jitter = self.config.jitter.as_millis() as u64;
        let extra = if jitter > 0 {
            rand::random::<u64>() % jitter
        } else {
            0
        };
        let pause = self.config.pace + Duration::from_millis(extra);
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }

    /// Runs rounds every `config.every` until `stop` resolves. Spawn it.
    pub async fn run(self, stop: impl std::future::Future<Output = ()>) {
        let mut ticks = tokio::time::interval(self.config.every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = &mut stop => return,
                _ = ticks.tick() => match self.round().await {
                    Ok(r) if r.claimed > 0 => tracing::info!(?r, "reminder round"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, source = ?e.source, "a reminder round failed"),
                },
            }
        }
    }
}

fn classify(e: serenity::Error) -> SendError {
    match &e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r)) if r.error.code == 50007 => {
            SendError::DmsClosed
        }
        _ => SendError::Other(e),
    }
}

//! What both Discord doors share: one delivery pipeline for an interaction.
//!
//! The gateway door (events read from a websocket, answers sent through
//! REST) and the HTTP door (signed POSTs answered inline) differ only in how
//! an interaction arrives and how its first answer leaves. Everything else
//! lives here, so that neither door imports the other:
//!
//! - **the deadline**: the core has [`ANSWER_DEADLINE`] to answer
//!   ([`answer_within`]); past it the learner is told it took too long and
//!   to try again, so no answer misses Discord's 3 seconds because the
//!   database is slow. The text is the catalog's `took_too_long`.
//! - **work after the first answer**: the core's [`Followup`] is wrapped in
//!   [`after_answer`], whose gate opens once the door has delivered the
//!   first answer (before that, Discord has no original message to edit);
//!   the calls then go through Discord's REST API with the interaction's
//!   webhook token ([`DiscordFollowup`], which retries Discord's "Unknown
//!   Message" while it stores the first answer). Errors are [`redact`]ed:
//!   an interaction URL carries its token, a credential for 15 minutes.
//! - **serenity's REST client** for either door ([`discord_http`]), pointed
//!   at `DISCORD_API_BASE` when set.
//! - **the replay guard** ([`SeenIds`]): an interaction id answered once per
//!   process (the gateway may redeliver on RESUME; an HTTP request may be
//!   replayed).
//! - **in-flight tracking** ([`Tracker`]): counts interactions and the work
//!   after them, so a graceful shutdown waits for both ([`FOLLOWUP_GRACE`]).
//! - **ephemeral notices** the doors give by themselves ([`notice`]: "took
//!   too long", the gateway door's "busy").
//!
//! Metrics labels ([`Kind`](crate::metrics::Kind),
//! [`Rejection`](crate::metrics::Rejection)) are the metrics module's; both
//! doors count through the same [`Metrics`](crate::metrics::Metrics).

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serenity::all::{
    ApplicationId, CreateInteractionResponseFollowup, EditInteractionResponse, Interaction,
};
use serenity::builder::Builder;
use serenity::http::{Http, HttpBuilder};
use tokio::sync::watch;

use crate::core::{Answer, Core, Followup, Outcome};
use crate::metrics::Kind;

/// How long the core has to answer an interaction. Discord drops an answer
/// that comes more than 3 seconds after the interaction; 2.5 s leaves half a
/// second for the network (and for Discord's own clock).
pub const ANSWER_DEADLINE: Duration = Duration::from_millis(2500);

/// Serenity's REST client for a door: `DISCORD_API_BASE` (if set) replaces
/// discord.com, and then serenity's own rate limiter is off, as the proxy
/// is the one that keeps the limits (that is what such a proxy is for).
pub fn discord_http(token: &str, api_base: Option<&str>, application_id: Option<u64>) -> Http {
    let mut builder = HttpBuilder::new(token);
    if let Some(base) = api_base {
        builder = builder.proxy(base).ratelimiter_disabled(true);
    }
    if let Some(id) = application_id.filter(|id| *id != 0) {
        builder = builder.application_id(ApplicationId::new(id));
    }
    builder.build()
}

/// Interaction ids seen recently: a bounded, time-windowed set.
pub struct SeenIds {
    inner: Mutex<SeenInner>,
    window: Duration,
    capacity: usize,
}

#[derive(Default)]
struct SeenInner {
    ids: HashSet<u64>,
    order: VecDeque<(Instant, u64)>,
}

impl SeenIds {
    pub fn new(window: Duration, capacity: usize) -> Self {
        SeenIds {
            inner: Mutex::default(),
            window,
            capacity: capacity.max(1),
        }
    }

    /// True the first time an id is offered within the window; false after.
    pub fn first_time(&self, id: u64) -> bool {
        let now = Instant::now();
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        while let Some(&(at, old)) = inner.order.front() {
            if now.duration_since(at) < self.window && inner.order.len() < self.capacity {
                break;
            }
            inner.order.pop_front();
            inner.ids.remove(&old);
        }
        if !inner.ids.insert(id) {
            return false;
        }
        inner.order.push_back((now, id));
        true
    }
}

/// Counts pieces of work in flight and finished, and lets one wait on the
/// counts (a graceful shutdown waits for zero in flight).
pub struct Tracker {
    counts: watch::Sender<Counts>,
}

/// A [`Tracker`]'s counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub in_flight: usize,
    pub finished: u64,
}

/// One piece of work in flight, until dropped.
pub struct Tracked(Arc<Tracker>);

impl Tracker {
    pub fn new() -> Arc<Tracker> {
        Arc::new(Tracker {
            counts: watch::Sender::new(Counts::default()),
        })
    }

    pub fn enter(self: &Arc<Self>) -> Tracked {
        self.counts.send_modify(|c| c.in_flight += 1);
        Tracked(Arc::clone(self))
    }

    pub fn counts(&self) -> Counts {
        *self.counts.borrow()
    }

    /// Waits until `done` holds for the counts.
    pub async fn wait(&self, done: impl FnMut(&Counts) -> bool) {
        let mut rx = self.counts.subscribe();
        // The sender lives as long as `self`: the wait cannot fail.
        let _ = rx.wait_for(done).await;
    }

    /// Waits (at most `grace`) until nothing is in flight; false on timeout.
    pub async fn idle(&self, grace: Duration) -> bool {
        tokio::time::timeout(grace, self.wait(|c| c.in_flight == 0))
            .await
            .is_ok()
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.counts.send_modify(|c| {
            c.in_flight -= 1;
            c.finished += 1;
        });
    }
}

/// A [`Followup`] that holds every call until the door has delivered the
/// first answer ([`Answered`] dropped), and counts as work in flight while
/// the core keeps it (a demo running on its own task).
pub struct AfterAnswer {
    inner: Arc<dyn Followup>,
    answered: watch::Receiver<()>,
    _work: Tracked,
}

/// Dropping it opens the gate of its [`AfterAnswer`].
pub struct Answered(#[allow(dead_code)] watch::Sender<()>);

/// Wraps the door's followup for one interaction.
pub fn after_answer(inner: Arc<dyn Followup>, work: &Arc<Tracker>) -> (Arc<AfterAnswer>, Answered) {
    let (tx, rx) = watch::channel(());
    let gated = AfterAnswer {
        inner,
        answered: rx,
        _work: work.enter(),
    };
    (Arc::new(gated), Answered(tx))
}

impl AfterAnswer {
    async fn answered(&self) {
        let mut rx = self.answered.clone();
        // Nothing is ever sent: `changed` fails once `Answered` is dropped.
        while rx.changed().await.is_ok() {}
    }
}

#[async_trait]
impl Followup for AfterAnswer {
    async fn edit_original(
        &self,
        token: &str,
        edit: EditInteractionResponse,
    ) -> anyhow::Result<()> {
        self.answered().await;
        self.inner
            .edit_original(token, edit)
            .await
            .map_err(|e| anyhow::anyhow!(redact(&format!("{e:#}"), token)))
    }

    async fn send_followup(
        &self,
        token: &str,
        message: CreateInteractionResponseFollowup,
    ) -> anyhow::Result<()> {
        self.answered().await;
        self.inner
            .send_followup(token, message)
            .await
            .map_err(|e| anyhow::anyhow!(redact(&format!("{e:#}"), token)))
    }
}

/// An error's text without the interaction token: reqwest's errors quote
/// the URL, and interaction URLs carry the token (a credential for 15
/// minutes), which must not reach the logs.
pub fn redact(text: &str, token: &str) -> String {
    if token.is_empty() {
        text.to_string()
    } else {
        text.replace(token, "[interaction token]")
    }
}

/// How long a shutdown waits for work after the first answers (a demo).
pub const FOLLOWUP_GRACE: Duration = Duration::from_secs(30);

/// The core's answer to an interaction, or, if it has none within
/// `deadline`, a notice that it took too long (an [`Outcome::Failed`]).
/// Both Discord doors answer through this.
pub async fn answer_within(
    core: &Core,
    interaction: &Interaction,
    followup: Arc<dyn Followup>,
    deadline: Duration,
) -> Answer {
    // Giving up on the core's future drops it wherever it is: maybe before
    // its write, maybe after the write committed but before the answer was
    // built. Both are safe to tell "try again", because every write of the
    // core is idempotent: a tick sets a state (ticking twice is ticking
    // once), a quiz's first answer is the only one that counts, a quiz
    // start resumes the open attempt, forgetting twice forgets once; a demo
    // whose claim committed leaves only its cooldown behind. A retry after
    // a write that did commit changes nothing twice. A transaction dropped
    // half-way is rolled back by sqlx when its connection goes back.
    match tokio::time::timeout(deadline, core.handle(interaction, followup)).await {
        Ok(answer) => answer,
        Err(_) => {
            tracing::warn!(
                interaction = interaction.id().get(),
                kind = Kind::of(interaction).label(),
                ?deadline,
                "the core did not answer within the deadline; told the learner to retry"
            );
            Answer {
                response: notice(core.catalog.texts.took_too_long.as_str()),
                outcome: Outcome::Failed,
            }
        }
    }
}

/// Delivers through Discord's REST API with serenity's HTTP client (both
/// Discord doors use it; the token authorises the webhook, not the bot).
pub struct DiscordFollowup {
    pub http: std::sync::Arc<serenity::http::Http>,
}

/// Pauses before each retry of an edit Discord answered "Unknown Message".
const UNKNOWN_MESSAGE_RETRIES_MS: [u64; 3] = [50, 150, 400];

/// Discord's JSON error code for "Unknown Message".
const UNKNOWN_MESSAGE: isize = 10008;

fn unknown_message(e: &serenity::Error) -> bool {
    matches!(
        e,
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r))
            if r.error.code == UNKNOWN_MESSAGE
    )
}

#[async_trait]
impl Followup for DiscordFollowup {
    async fn edit_original(
        &self,
        token: &str,
        edit: EditInteractionResponse,
    ) -> anyhow::Result<()> {
        // Discord may not have stored the first answer yet when the first
        // edit arrives (the answer went out on another connection a moment
        // ago): it says "Unknown Message" then. A short wait settles it.
        for pause_ms in UNKNOWN_MESSAGE_RETRIES_MS {
            match edit.clone().execute(self.http.as_ref(), token).await {
                Err(e) if unknown_message(&e) => {
                    tokio::time::sleep(std::time::Duration::from_millis(pause_ms)).await;
                }
                other => return other.map(|_| ()).map_err(Into::into),
            }
        }
        edit.execute(self.http.as_ref(), token).await?;
        Ok(())
    }

    async fn send_followup(
        &self,
        token: &str,
        message: CreateInteractionResponseFollowup,
    ) -> anyhow::Result<()> {
        message.execute(self.http.as_ref(), (None, token)).await?;
        Ok(())
    }
}

/// What a door answers by itself, without the core (too long, busy): the
/// core's own ephemeral notice, pinging nobody and cut to Discord's limit.
pub use crate::core::view::notice;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_ids_remember_within_the_window_and_up_to_capacity() {
        let seen = SeenIds::new(Duration::from_secs(60), 3);
        assert!(seen.first_time(1));
        assert!(!seen.first_time(1));
        assert!(seen.first_time(2));
        assert!(seen.first_time(3));
        // Over capacity: the oldest is forgotten first.
        assert!(seen.first_time(4));
        assert!(seen.first_time(1));
        assert!(!seen.first_time(4));

        let expired = SeenIds::new(Duration::ZERO, 10);
        assert!(expired.first_time(7));
        assert!(expired.first_time(7));
    }

    /// Records edits and follow-ups.
    struct Recorder(std::sync::Mutex<Vec<String>>);

    #[async_trait]
    impl Followup for Recorder {
        async fn edit_original(
            &self,
            token: &str,
            _edit: EditInteractionResponse,
        ) -> anyhow::Result<()> {
            self.0.lock().unwrap().push(format!("edit {token}"));
            Ok(())
        }
        async fn send_followup(
            &self,
            token: &str,
            _message: CreateInteractionResponseFollowup,
        ) -> anyhow::Result<()> {
            self.0.lock().unwrap().push(format!("followup {token}"));
            Ok(())
        }
    }

    #[tokio::test]
    async fn work_after_an_answer_waits_until_it_was_delivered_and_is_tracked() {
        use futures::FutureExt;
        let inner = Arc::new(Recorder(Default::default()));
        let work = Tracker::new();
        let (gated, answered) = after_answer(inner.clone(), &work);
        assert_eq!(work.counts().in_flight, 1);

        let mut edit = Box::pin(gated.edit_original("t", EditInteractionResponse::new()));
        assert!(
            (&mut edit).now_or_never().is_none(),
            "held before the answer"
        );
        assert!(inner.0.lock().unwrap().is_empty());

        drop(answered);
        edit.await.unwrap();
        gated
            .send_followup("t", CreateInteractionResponseFollowup::new())
            .await
            .unwrap();
        assert_eq!(*inner.0.lock().unwrap(), ["edit t", "followup t"]);
        assert_eq!(
            redact("error sending request for url (http://x/webhooks/1/abc.def/messages/@original)", "abc.def"),
            "error sending request for url (http://x/webhooks/1/[interaction token]/messages/@original)"
        );

        assert!(!work.idle(Duration::ZERO).await, "still held by the core");
        drop(gated);
        assert!(work.idle(Duration::ZERO).await);
        assert_eq!(work.counts().finished, 1);
    }

    #[test]
    fn a_notice_is_ephemeral_pings_nobody_and_fits_discord() {
        let long = "é".repeat(crate::core::limits::CONTENT_MAX + 10);
        let json = serde_json::to_value(notice(&long)).unwrap();
        assert_eq!(json["type"], 4);
        assert_eq!(json["data"]["flags"], 64, "ephemeral");
        assert_eq!(
            json["data"]["content"].as_str().unwrap().chars().count(),
            crate::core::limits::CONTENT_MAX
        );
        assert_eq!(
            json["data"]["allowed_mentions"]["parse"],
            serde_json::json!([])
        );
    }
}

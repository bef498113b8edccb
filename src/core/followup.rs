//! The one narrow way the core reaches Discord after its first answer.
//!
//! Slow work (the demos) answers with a deferral first, then edits that
//! answer as it goes. Each door delivers those edits its own way: the Discord
//! doors through the interaction's webhook token, the console by printing.

use async_trait::async_trait;
use serenity::builder::{Builder, CreateInteractionResponseFollowup, EditInteractionResponse};

/// What comes after the first answer to an interaction.
#[async_trait]
pub trait Followup: Send + Sync {
    /// Replaces the original (possibly deferred) answer.
    async fn edit_original(&self, token: &str, edit: EditInteractionResponse)
        -> anyhow::Result<()>;
    /// Sends another message after the first answer.
    async fn send_followup(
        &self,
        token: &str,
        message: CreateInteractionResponseFollowup,
    ) -> anyhow::Result<()>;
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

/// Delivers each edit or follow-up as the JSON Discord would receive, on a
/// channel: the console door prints them, tests read them.
pub struct ChannelFollowup {
    pub tx: tokio::sync::mpsc::UnboundedSender<serde_json::Value>,
}

impl ChannelFollowup {
    /// A followup and the receiving end of its channel.
    pub fn pair() -> (
        std::sync::Arc<dyn Followup>,
        tokio::sync::mpsc::UnboundedReceiver<serde_json::Value>,
    ) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        (std::sync::Arc::new(ChannelFollowup { tx }), rx)
    }
}

#[async_trait]
impl Followup for ChannelFollowup {
    async fn edit_original(
        &self,
        _token: &str,
        edit: EditInteractionResponse,
    ) -> anyhow::Result<()> {
        self.tx.send(serde_json::to_value(&edit)?)?;
        Ok(())
    }

    async fn send_followup(
        &self,
        _token: &str,
        message: CreateInteractionResponseFollowup,
    ) -> anyhow::Result<()> {
        self.tx.send(serde_json::to_value(&message)?)?;
        Ok(())
    }
}

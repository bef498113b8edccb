//! The one narrow way the core reaches Discord after its first answer.
//!
//! Slow work (the demos) answers with a deferral first, then edits that
//! answer as it goes. Each door delivers those edits its own way: the Discord
//! doors through the interaction's webhook token (`doors::discord`'s
//! `DiscordFollowup`, which knows Discord's REST API and its errors), the
//! console by printing ([`ChannelFollowup`]).

use async_trait::async_trait;
use serenity::builder::{CreateInteractionResponseFollowup, EditInteractionResponse};

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

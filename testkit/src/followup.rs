//! A [`Followup`] that drops every edit: for benches and tests that time or
//! drive answers whose later edits nobody reads (`/progress` has none).

use serenity::all::{CreateInteractionResponseFollowup, EditInteractionResponse};
use tutorbot::core::Followup;

/// Accepts every edit and followup and does nothing with it.
pub struct Discard;

#[async_trait::async_trait]
impl Followup for Discard {
    async fn edit_original(&self, _: &str, _: EditInteractionResponse) -> anyhow::Result<()> {
        Ok(())
    }

    async fn send_followup(
        &self,
        _: &str,
        _: CreateInteractionResponseFollowup,
    ) -> anyhow::Result<()> {
        Ok(())
    }
}

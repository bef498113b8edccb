//! What we store about a learner: `/my-data` shows it, `/forget-me` deletes it.

use super::error::{self, CoreError};
use super::request::Learner;
use super::Core;
use crate::store::LearnerData;

/// `/my-data`: everything stored about the learner, read back from Postgres.
pub async fn my_data(core: &Core, who: Learner) -> Result<LearnerData, CoreError> {
    core.store.learner_data(who.id).await.map_err(error::load)
}

/// The confirm button of `/forget-me`: deletes everything about the learner.
pub async fn forget(core: &Core, who: Learner, interaction: u64) -> Result<(), CoreError> {
    core.store
        .forget(interaction, who.id)
        .await
        .map_err(error::save)?;
    tracing::info!("a learner deleted their data");
    Ok(())
}

//! `/author`: a server's teachers upload, preview, publish, roll back,
//! remove and export the server's own lessons.
//!
//! Who may: members with Manage Server (or Administrator), or with the role
//! a server manager names with `/author role`; Discord sends the member's
//! permissions and roles with every interaction, and the server's role is
//! read from the store. Everyone else is refused before anything is
//! fetched or stored.
//!
//! An upload is slower than Discord's 3 seconds may allow (a download, the
//! checks), so it is answered with an ephemeral deferral first; then, in
//! the background, the file is downloaded from an allowed host under the
//! size cap ([`fetch`]), checked exactly as `tutorbot check` checks a
//! folder ([`crate::content::pack`]), its exercises' solutions run in the
//! sandbox when the lab is on ([`solutions`]), and either its mistakes
//! (each as `file:line`) or a preview with Publish and Cancel are edited
//! in. Only a checked upload is stored, as a draft; Publish makes it what the server
//! serves (every instance, within moments: see [`super::packs`]).
//!
//! `/author` is answered from the built-in catalog, not the server's: its
//! checks must see which ids are built in, and its words are the bot's.

pub mod fetch;
pub mod solutions;

use std::sync::Arc;

use serenity::all::{CreateInteractionResponse, CreateInteractionResponseMessage};

use super::error::{load, save, AuthorRefusal, CoreError};
use super::packs::Packs;
use super::request::{AuthorAction, AuthorRequest, Learner};
use super::view;
use super::{Core, Followup};
use crate::content::pack::check_upload;
use crate::store::{PackEntry, PackSource, PackVersion, PublishCaps, Published};

/// What an `/author` request did, for [`view::author::outcome`] to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorOutcome {
    /// Answered with a deferral; the rest is edited in later.
    Deferred,
    List(Vec<PackEntry>),
    History {
        lesson: String,
        versions: Vec<PackVersion>,
        /// How many published versions of a lesson the server keeps.
        kept: usize,
    },
    RolledBack {
        lesson: String,
        version: i32,
    },
    Removed {
        lesson: String,
    },
    RoleSet {
        role: u64,
    },
    /// Publish: each lesson and its version; `already` when a click
    /// delivered twice found it published.
    Published {
        versions: Vec<(String, i32)>,
        already: bool,
    },
    Cancelled,
}

/// Decides one `/author` request (or preview button) by `who`.
pub async fn decide(
    core: &Core,
    who: Learner,
    request: AuthorRequest,
    followup: Arc<dyn Followup>,
) -> Result<CreateInteractionResponse, CoreError> {
    let outcome = act(core, who, request, followup).await?;
    Ok(view::author::outcome(&core.catalog, &outcome))
}

async fn act(
    core: &Core,
    who: Learner,
    request: AuthorRequest,
    followup: Arc<dyn Followup>,
) -> Result<AuthorOutcome, CoreError> {
    let packs = core.packs.clone().ok_or(AuthorRefusal::Off)?;
    let guild = request.guild;
    // Choosing who authors is for managers only; the rest, for authors.
    if matches!(request.action, AuthorAction::Role { .. }) {
        if !request.manages {
            return Err(AuthorRefusal::RoleForbidden.into());
        }
    } else {
        may_author(core, &request).await?;
    }
    Ok(match request.action {
        AuthorAction::Upload {
            url,
            filename,
            size,
            token,
        } => {
            let settings = packs.settings();
            let url = fetch::allowed(&url, &settings.attachment_hosts)?;
            let max = settings.limits.download_max;
            if size > max {
                return Err(AuthorRefusal::TooBig { size, max }.into());
            }
            let core = core.clone();
            tokio::spawn(async move {
                let edit = upload(&core, &packs, guild, who.id, &filename, url).await;
                if let Err(e) = followup.edit_original(&token, edit).await {
                    tracing::warn!(error = %e, "could not show an upload's preview");
                }
            });
            AuthorOutcome::Deferred
        }
        AuthorAction::List => AuthorOutcome::List(core.store.pack_list(guild).await.map_err(load)?),
        AuthorAction::History { lesson } => {
            let versions = core
                .store
                .pack_history(guild, &lesson)
                .await
                .map_err(load)?;
            if versions.is_empty() {
                return Err(AuthorRefusal::UnknownLesson(lesson).into());
            }
            AuthorOutcome::History {
                lesson,
                versions,
                kept: packs.settings().versions_kept,
            }
        }
        AuthorAction::Rollback { lesson, version } => {
            let no_version = || AuthorRefusal::NoVersion {
                lesson: lesson.clone(),
                version,
            };
            let v = i32::try_from(version).map_err(|_| no_version())?;
            let generation = core
                .store
                .rollback_pack(guild, &lesson, v, who.id)
                .await
                .map_err(save)?
                .ok_or_else(no_version)?;
            packs.saw(guild, generation);
            AuthorOutcome::RolledBack { lesson, version: v }
        }
        AuthorAction::Remove { lesson } => {
            let generation = core
                .store
                .remove_pack(guild, &lesson)
                .await
                .map_err(save)?
                .ok_or_else(|| AuthorRefusal::UnknownLesson(lesson.clone()))?;
            packs.saw(guild, generation);
            AuthorOutcome::Removed { lesson }
        }
        AuthorAction::Export { lesson, token } => {
            let served = core
                .store
                .pack_source(guild, &lesson)
                .await
                .map_err(load)?
                .ok_or_else(|| AuthorRefusal::UnknownLesson(lesson.clone()))?;
            // A file cannot ride on an inline answer: it is edited in.
            let catalog = core.catalog.clone();
            tokio::spawn(async move {
                let edit = view::author::exported(&catalog.author_texts, &served);
                if let Err(e) = followup.edit_original(&token, edit).await {
                    tracing::warn!(error = %e, "could not send an exported lesson");
                }
            });
            AuthorOutcome::Deferred
        }
        AuthorAction::Publish { upload } => {
            let settings = packs.settings();
            let caps = PublishCaps {
                lessons: settings.limits.lessons_max,
                bytes: settings.limits.server_max,
                versions: settings.versions_kept,
            };
            match core
                .store
                .publish_pack(guild, upload, who.id, caps)
                .await
                .map_err(save)?
            {
                Published::Done {
                    generation,
                    versions,
                } => {
                    packs.saw(guild, generation);
                    tracing::info!(guild, upload, ?versions, "lessons published");
                    AuthorOutcome::Published {
                        versions,
                        already: false,
                    }
                }
                Published::Already { versions } => AuthorOutcome::Published {
                    versions,
                    already: true,
                },
                Published::Gone => return Err(AuthorRefusal::Gone.into()),
                Published::TooMany { would_be, max } => {
                    return Err(AuthorRefusal::TooMany { would_be, max }.into())
                }
                Published::TooLarge { would_be, max } => {
                    return Err(AuthorRefusal::TooLarge { would_be, max }.into())
                }
            }
        }
        AuthorAction::Cancel { upload } => {
            if !core.store.cancel_pack(guild, upload).await.map_err(save)? {
                return Err(AuthorRefusal::Gone.into());
            }
            AuthorOutcome::Cancelled
        }
        AuthorAction::Role { role } => {
            core.store
                .set_author_role(guild, role)
                .await
                .map_err(save)?;
            AuthorOutcome::RoleSet { role }
        }
    })
}

/// Manage Server, or the server's author role; else refused.
async fn may_author(core: &Core, request: &AuthorRequest) -> Result<(), CoreError> {
    if request.manages {
        return Ok(());
    }
    let role = core.store.author_role(request.guild).await.map_err(load)?;
    match role {
        Some(role) if request.roles.contains(&role) => Ok(()),
        _ => Err(AuthorRefusal::Forbidden.into()),
    }
}

/// Downloads, checks and stores an upload as a draft: the edit that shows
/// its preview, or what is wrong with it. Nothing is stored unless every
/// check passed.
async fn upload(
    core: &Core,
    packs: &Packs,
    guild: u64,
    user: u64,
    filename: &str,
    url: reqwest::Url,
) -> serenity::all::EditInteractionResponse {
    let catalog = &core.catalog;
    let texts = &catalog.author_texts;
    let limits = packs.settings().limits;
    let bytes = match fetch::fetch(&packs.http, url, limits.download_max).await {
        Ok(bytes) => bytes,
        Err(fetch::FetchError::TooBig { size }) => {
            let why = AuthorRefusal::TooBig {
                size,
                max: limits.download_max,
            };
            return view::author::text_edit(&view::author::refusal(texts, &why));
        }
        Err(fetch::FetchError::Failed(e)) => {
            tracing::warn!(guild, error = %e, "could not download an upload");
            return view::author::text_edit(texts.author_fetch_failed.as_str());
        }
    };
    let lessons = match check_upload(filename, &bytes, &limits, catalog) {
        Ok(lessons) => lessons,
        Err(diags) => return view::author::problems(texts, filename, &diags),
    };
    let unproved = solutions::prove(core, user, &lessons).await;
    if !unproved.is_empty() {
        return view::author::problems(texts, filename, &unproved);
    }
    let sources: Vec<PackSource> = lessons
        .iter()
        .map(|l| PackSource {
            lesson_id: l.lesson.id.clone(),
            format: l.format.as_str().to_string(),
            source: l.source.clone(),
            title: l.lesson.title.clone(),
        })
        .collect();
    match core
        .store
        .store_pack_draft(guild, user, filename, &sources)
        .await
    {
        Ok(draft) => view::author::preview(catalog, &draft, &lessons),
        Err(e) => {
            tracing::warn!(guild, error = %e, source = ?e.source, "could not store an upload");
            view::author::text_edit(texts.author_failed.as_str())
        }
    }
}

/// The deferral an upload or export is answered with first: ephemeral, so
/// the preview (and the file) only its author sees.
pub fn deferral() -> CreateInteractionResponse {
    CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true))
}

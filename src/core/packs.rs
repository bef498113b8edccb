//! Server lesson packs as served: each server's catalog, the built-in
//! lessons with its own next to them.
//!
//! Postgres holds what every server serves (see [`crate::store::PackSource`])
//! and a generation per server that every change bumps. Each instance keeps
//! what it last saw of each generation, and a cache of the catalogs it
//! built; a request in a server whose cached catalog is older than the
//! generation seen loads that server's lessons again (one query) and
//! builds its catalog anew. Servers with no lessons of their own cost
//! nothing: their requests are answered from the built-in catalog without
//! touching the database.
//!
//! An instance learns of a change three ways: it made it (Publish,
//! rollback, remove answer with the new generation); Postgres tells it
//! (`LISTEN` on [`crate::store::PACKS_CHANNEL`], which every change
//! notifies when it commits); and, as the fallback for a notification
//! missed while the listening connection was down, it reads every
//! server's generation every `PACK_CHECK_SECS`. So every instance serves a
//! new version within moments of Publish, without a restart.
//!
//! The same periodic round deletes drafts never published once they are an
//! hour old ([`crate::store::Store::expire_pack_drafts`]).
//!
//! Each lesson loaded here is marked with its server's scope
//! ([`crate::content::Scope::Server`]): what a learner does in it is
//! stored under that scope, apart from any other server's lesson (or a
//! built-in one) of the same id.
//!
//! The cache is content, never learner state: any instance, after any
//! restart, builds the same catalog from Postgres.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::content::pack::{load_stored, Format};
use crate::content::{Catalog, Lesson, Scope};
use crate::settings::PackSettings;
use crate::store::{Store, StoreError, PACKS_CHANNEL};

/// Every server's catalog, as this instance serves them.
pub struct Packs {
    settings: PackSettings,
    /// Fetches uploads: no redirects (a redirect could leave the allowed
    /// hosts), bounded in time.
    pub(crate) http: reqwest::Client,
    guilds: RwLock<HashMap<u64, Guild>>,
    /// Bumped whenever a newer generation is seen (tests wait on it).
    seen: tokio::sync::watch::Sender<u64>,
}

#[derive(Default)]
struct Guild {
    /// The newest generation this instance knows of.
    known: i64,
    cached: Option<Cached>,
}

struct Cached {
    generation: i64,
    /// The catalog it was built on (a content reload swaps it).
    base: Arc<Catalog>,
    lessons: Vec<Lesson>,
    catalog: Arc<Catalog>,
}

impl Packs {
    pub fn new(settings: PackSettings) -> Arc<Packs> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(std::time::Duration::from_secs(5))
            .timeout(std::time::Duration::from_secs(20))
            .build()
            .unwrap_or_default();
        Arc::new(Packs {
            settings,
            http,
            guilds: RwLock::new(HashMap::new()),
            seen: tokio::sync::watch::Sender::new(0),
        })
    }

    pub fn settings(&self) -> &PackSettings {
        &self.settings
    }

    /// Records that `guild` is at `generation` (or later).
    pub fn saw(&self, guild: u64, generation: i64) {
        let newer = {
            let mut guilds = self.guilds.write().unwrap_or_else(|p| p.into_inner());
            let entry = guilds.entry(guild).or_default();
            let newer = generation > entry.known;
            entry.known = entry.known.max(generation);
            newer
        };
        if newer {
            self.seen.send_modify(|n| *n += 1);
        }
    }

    /// The newest generation of `guild` this instance knows of.
    pub fn known(&self, guild: u64) -> Option<i64> {
        let guilds = self.guilds.read().unwrap_or_else(|p| p.into_inner());
        guilds.get(&guild).map(|g| g.known)
    }

    /// Waits until this instance knows `guild` at `generation` or later.
    pub async fn wait_for(&self, guild: u64, generation: i64) {
        let mut seen = self.seen.subscribe();
        while self.known(guild).unwrap_or(0) < generation {
            if seen.changed().await.is_err() {
                return;
            }
        }
    }

    /// The catalog to serve in `guild`: `base` with the server's own
    /// lessons, or `None` when it has none (serve `base`).
    pub async fn catalog_for(
        &self,
        guild: u64,
        base: &Arc<Catalog>,
        store: &Store,
    ) -> Result<Option<Arc<Catalog>>, StoreError> {
        let rebuilt = {
            let guilds = self.guilds.read().unwrap_or_else(|p| p.into_inner());
            let Some(entry) = guilds.get(&guild) else {
                return Ok(None);
            };
            match &entry.cached {
                Some(c) if c.generation >= entry.known && Arc::ptr_eq(&c.base, base) => {
                    return Ok(Some(c.catalog.clone()));
                }
                // Only the base changed (a content reload): no query.
                Some(c) if c.generation >= entry.known => Some((c.generation, c.lessons.clone())),
                _ => None,
            }
        };
        let (generation, lessons) = match rebuilt {
            Some(cached) => cached,
            None => {
                let (generation, served) = store.pack_served(guild).await?;
                let lessons = served
                    .into_iter()
                    .filter_map(|s| {
                        let format = Format::parse(&s.source.format)?;
                        load_stored(&s.source.lesson_id, format, &s.source.source)
                            .map_err(|diags| {
                                tracing::warn!(
                                    guild,
                                    lesson = %s.source.lesson_id,
                                    version = s.version,
                                    "a stored lesson no longer loads: {diags}"
                                );
                            })
                            .ok()
                            .map(|mut lesson| {
                                // What learners do in it is filed under this server.
                                lesson.scope = Scope::Server(guild);
                                lesson
                            })
                    })
                    .collect::<Vec<_>>();
                (generation, lessons)
            }
        };
        let catalog = Arc::new(base.with_lessons(lessons.iter().cloned()));
        let mut guilds = self.guilds.write().unwrap_or_else(|p| p.into_inner());
        let entry = guilds.entry(guild).or_default();
        entry.known = entry.known.max(generation);
        if entry
            .cached
            .as_ref()
            .map_or(true, |c| c.generation <= generation)
        {
            entry.cached = Some(Cached {
                generation,
                base: base.clone(),
                lessons,
                catalog: catalog.clone(),
            });
        }
        Ok(Some(catalog))
    }

    /// Reads every server's generation: the periodic check.
    pub async fn check(&self, store: &Store) -> Result<(), StoreError> {
        for (guild, generation) in store.pack_generations().await? {
            self.saw(guild, generation);
        }
        Ok(())
    }

    /// Reads every server's generation now, then follows changes: LISTEN
    /// (reconnecting as needed) and the periodic check, until the pool
    /// closes.
    pub async fn start(self: &Arc<Self>, store: Store) {
        if let Err(e) = self.check(&store).await {
            tracing::warn!(error = %e, "could not read the servers' lessons; retrying in the background");
        }
        let packs = self.clone();
        let listener_store = store.clone();
        tokio::spawn(async move { packs.listen(listener_store).await });
        let packs = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(packs.settings.check_every);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let closed = store.pool().close_event();
            tokio::pin!(closed);
            loop {
                tokio::select! {
                    _ = &mut closed => return,
                    _ = every.tick() => {
                        if let Err(e) = packs.check(&store).await {
                            tracing::debug!(error = %e, "the periodic lesson check failed");
                        }
                        // Drafts nobody published: gone after an hour, in
                        // servers that upload nothing more too.
                        match store.expire_pack_drafts().await {
                            Ok(0) => {}
                            Ok(n) => tracing::info!(drafts = n, "deleted drafts never published"),
                            Err(e) => tracing::debug!(error = %e, "could not delete old drafts"),
                        }
                    }
                }
            }
        });
    }

    /// Follows `NOTIFY`s on the packs channel until the pool closes.
    async fn listen(self: Arc<Self>, store: Store) {
        let closed = store.pool().close_event();
        tokio::pin!(closed);
        loop {
            let mut listener = match sqlx::postgres::PgListener::connect_with(store.pool()).await {
                Ok(listener) => listener,
                Err(e) => {
                    tracing::debug!(error = %e, "cannot listen for published lessons yet");
                    tokio::select! {
                        _ = &mut closed => return,
                        _ = tokio::time::sleep(self.settings.check_every) => continue,
                    }
                }
            };
            if let Err(e) = listener.listen(PACKS_CHANNEL).await {
                tracing::debug!(error = %e, "cannot listen for published lessons yet");
                tokio::select! {
                    _ = &mut closed => return,
                    _ = tokio::time::sleep(self.settings.check_every) => continue,
                }
            }
            loop {
                tokio::select! {
                    _ = &mut closed => return,
                    note = listener.recv() => match note {
                        Ok(note) => {
                            if let Some((guild, generation)) = parse_note(note.payload()) {
                                self.saw(guild, generation);
                            }
                        }
                        // sqlx reconnects on the next recv; what was sent
                        // meanwhile is caught by the periodic check.
                        Err(e) => {
                            tracing::debug!(error = %e, "listening for published lessons");
                            break;
                        }
                    }
                }
            }
        }
    }
}

/// `guild:generation`, as the store notifies it.
fn parse_note(payload: &str) -> Option<(u64, i64)> {
    let (guild, generation) = payload.split_once(':')?;
    Some((guild.parse().ok()?, generation.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_a_guild_and_its_generation() {
        assert_eq!(parse_note("123:4"), Some((123, 4)));
        assert_eq!(parse_note("123"), None);
        assert_eq!(parse_note("x:4"), None);
    }

    #[test]
    fn an_older_generation_never_replaces_a_newer_one() {
        let packs = Packs::new(PackSettings::default());
        assert_eq!(packs.known(7), None);
        packs.saw(7, 3);
        packs.saw(7, 2);
        assert_eq!(packs.known(7), Some(3));
    }
}

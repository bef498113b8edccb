//! The gateway door: a serenity [`Client`] on Discord's gateway.
//!
//! Every `INTERACTION_CREATE` goes to the core; its answer goes back as the
//! interaction callback through REST. Serenity runs each event handler in its
//! own task, so interactions are handled concurrently; the door counts them
//! in flight so that a shutdown lets them finish. The core has
//! [`ANSWER_DEADLINE`] to answer, as at the HTTP door, and the core's
//! per-learner throttle applies. There is no cap on interactions in flight
//! here (the HTTP door's 503): an event read from the gateway has no status
//! to refuse it with, only an answer or none. `GET /healthz` and
//! `GET /metrics` are served alongside, on `HTTP_ADDR`.
//!
//! Intents: none. `INTERACTION_CREATE` is sent to every bot whatever its
//! intents, and the bot reads nothing else from the gateway (no cache, no
//! guild or member events, no message content), so it asks for
//! [`GatewayIntents::empty()`]: no privileged intent to apply for, and the
//! least data Discord sends.
//!
//! Commands are registered in `DISCORD_GUILD_ID` on the first READY when it
//! is set (guild commands show instantly: handy for a test server);
//! otherwise by `tutorbot register` ([`register`]).
//!
//! Shards: `--shards FIRST-LAST --total N` runs shards FIRST to LAST
//! (inclusive) of N, so one bot can be split across processes by disjoint
//! ranges with the same total ([`Shards`]). Without it, Discord's
//! recommended number of shards runs in this process.

use std::future::Future;
use std::net::SocketAddr;
use std::ops::{Range, RangeInclusive};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use serenity::all::{
    Client, ClientBuilder, Command, Context, CreateCommand, EventHandler, GatewayIntents, GuildId,
    Interaction, Ready, ShardManager,
};
use serenity::builder::Builder;
use serenity::http::Http;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::http::{
    after_answer, answer_within, discord_http, ops_router, redact, SeenIds, Tracker,
    ANSWER_DEADLINE, FOLLOWUP_GRACE,
};
use crate::core::followup::DiscordFollowup;
use crate::core::{commands, Core};
use crate::metrics::{Kind, Metrics};
use crate::settings::Settings;

/// The intents the bot asks for: none (see the module docs).
pub const INTENTS: GatewayIntents = GatewayIntents::empty();

/// How long an interaction id is remembered, to answer a redelivered
/// interaction (a RESUME replay) only once: an interaction token lives 15
/// minutes, after which no answer is possible anyway.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(15 * 60);
const DUPLICATE_CAPACITY: usize = 100_000;

/// How long a shutdown waits for the shards to close before dropping them.
const SHARD_GRACE: Duration = Duration::from_secs(10);
/// How long a shutdown waits for interactions in flight.
const IN_FLIGHT_GRACE: Duration = Duration::from_secs(30);

/// A range of shards out of a total, as `--shards FIRST-LAST --total N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shards {
    pub first: u32,
    /// Inclusive.
    pub last: u32,
    pub total: u32,
}

impl Shards {
    /// Checks `first <= last < total`.
    pub fn new(first: u32, last: u32, total: u32) -> anyhow::Result<Self> {
        if total == 0 {
            bail!("--total must be at least 1");
        }
        if first > last {
            bail!("--shards {first}-{last}: the first shard is after the last");
        }
        if last >= total {
            bail!(
                "--shards {first}-{last} --total {total}: shard ids run from 0 to {}",
                total - 1
            );
        }
        Ok(Shards { first, last, total })
    }

    /// Parses `FIRST-LAST` (or a single `ID`), both ends included.
    pub fn parse_range(s: &str) -> Result<(u32, u32), String> {
        let number = |p: &str| {
            p.trim()
                .parse::<u32>()
                .map_err(|_| format!("expected FIRST-LAST (e.g. 0-1), got {s:?}"))
        };
        match s.split_once('-') {
            Some((a, b)) => Ok((number(a)?, number(b)?)),
            None => number(s).map(|n| (n, n)),
        }
    }

    /// The shard ids this process runs.
    pub fn ids(&self) -> RangeInclusive<u32> {
        self.first..=self.last
    }

    /// What serenity 0.12.5's `Client::start_shard_range` wants: it treats
    /// the range's *end* as inclusive (it boots `end - start + 1` shards), so
    /// shards 0 to 1 are `0..1`, not `0..2`.
    pub fn serenity_range(&self) -> Range<u32> {
        self.first..self.last
    }
}

/// What the gateway door needs besides the core.
pub struct GatewayOptions {
    pub token: SecretString,
    /// `DISCORD_API_BASE`: REST goes there (rate limiter off).
    pub api_base: Option<String>,
    pub application_id: Option<u64>,
    /// Register the commands in this guild on start.
    pub register_guild: Option<u64>,
    /// `None`: Discord's recommended number of shards, all here.
    pub shards: Option<Shards>,
    /// Serve `/healthz` and `/metrics` here (`None`: not at all).
    pub ops_addr: Option<SocketAddr>,
}

impl std::fmt::Debug for GatewayOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatewayOptions")
            .field("token", &"[REDACTED]")
            .field("api_base", &self.api_base)
            .field("application_id", &self.application_id)
            .field("register_guild", &self.register_guild)
            .field("shards", &self.shards)
            .field("ops_addr", &self.ops_addr)
            .finish()
    }
}

/// The one line a missing token gets.
fn missing_token() -> anyhow::Error {
    anyhow::anyhow!(
        "DISCORD_TOKEN is not set: create a bot for your application at \
         https://discord.com/developers/applications (Bot → Reset Token) and put the token in \
         .env as DISCORD_TOKEN=..."
    )
}

impl GatewayOptions {
    /// From the settings; fails with one line if `DISCORD_TOKEN` is missing.
    pub fn from_settings(settings: &Settings, shards: Option<Shards>) -> anyhow::Result<Self> {
        let d = &settings.discord;
        Ok(GatewayOptions {
            token: d.token.clone().ok_or_else(missing_token)?,
            api_base: d.api_base.clone(),
            application_id: d.application_id,
            register_guild: d.guild_id,
            shards,
            ops_addr: Some(settings.http_addr),
        })
    }
}

struct Handler {
    core: Core,
    metrics: Arc<Metrics>,
    /// Interactions being handled.
    tracker: Arc<Tracker>,
    /// Work the core does after its answers (demos).
    followups: Arc<Tracker>,
    seen: SeenIds,
    register_guild: Option<u64>,
    registered: AtomicBool,
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        let shard = ready.shard.map(|s| [s.id.0, s.total]);
        tracing::info!(bot = %ready.user.name, ?shard, "connected to the gateway");
        // Once per process, on the first shard to be ready.
        if let Some(guild) = self.register_guild {
            if !self.registered.swap(true, Ordering::SeqCst) {
                match register(&ctx.http, self.core.commands(), Scope::Guild(guild)).await {
                    Ok(n) => tracing::info!(guild, commands = n, "registered the commands"),
                    Err(e) => tracing::error!(guild, error = %e, "could not register the commands"),
                }
            }
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let _tracked = self.tracker.enter();
        let _gauge = self.metrics.in_flight();
        let started = Instant::now();
        let id = interaction.id();
        if !self.seen.first_time(id.get()) {
            tracing::info!(
                interaction = id.get(),
                "ignored an interaction delivered again"
            );
            self.metrics.duplicate();
            return;
        }
        let kind = Kind::of(&interaction);
        // Whatever the core does after its answer (a demo's edits) waits
        // until Discord has that answer: before, there is nothing to edit.
        let (followup, answered) = after_answer(
            Arc::new(DiscordFollowup {
                http: Arc::clone(&ctx.http),
            }),
            &self.followups,
        );
        // Discord's 3 seconds hold here too: past the deadline the learner
        // is told to retry (safe: see `answer_within`).
        let answer = answer_within(&self.core, &interaction, followup, ANSWER_DEADLINE).await;
        if let Err(e) = answer
            .response
            .execute(&ctx.http, (id, interaction.token()))
            .await
        {
            self.metrics.delivery_error();
            let error = redact(&e.to_string(), interaction.token());
            tracing::warn!(kind = kind.label(), %error, "Discord did not accept the answer");
        }
        drop(answered);
        self.metrics
            .interaction(kind, answer.outcome, started.elapsed());
    }
}

/// Where [`register`] puts the commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every guild and DMs (Discord may take a while to show changes).
    Global,
    /// One guild, instantly.
    Guild(u64),
}

/// Overwrites the registered commands with `commands` (the core's
/// [`Core::commands`]); returns how many Discord now has. `http` must know
/// the application id.
pub async fn register(
    http: &Http,
    commands: Vec<CreateCommand>,
    scope: Scope,
) -> anyhow::Result<usize> {
    let registered = match scope {
        Scope::Global => Command::set_global_commands(http, commands)
            .await
            .context("registering the global commands")?,
        Scope::Guild(g) => GuildId::new(g)
            .set_commands(http, commands)
            .await
            .with_context(|| format!("registering the commands in guild {g}"))?,
    };
    Ok(registered.len())
}

/// `tutorbot register`: the settings' token (and API base), the application
/// id from `DISCORD_APPLICATION_ID` or asked of Discord; prints what it did.
pub async fn register_from_settings(settings: &Settings, scope: Scope) -> anyhow::Result<()> {
    let d = &settings.discord;
    let token = d.token.as_ref().ok_or_else(missing_token)?;
    let catalog = crate::app::load_catalog(settings)?;
    let http = discord_http(
        token.expose_secret(),
        d.api_base.as_deref(),
        d.application_id,
    );
    if http.application_id().is_none() {
        let app = http
            .get_current_application_info()
            .await
            .context("asking Discord for the application id (or set DISCORD_APPLICATION_ID)")?;
        http.set_application_id(app.id);
    }
    // The same commands the core registers, with the operator's DEMO_MAX_N.
    let defs = commands::with_demo_max(&catalog, u64::from(settings.demo.max_n));
    let n = register(&http, defs, scope).await?;
    match scope {
        Scope::Global => println!(
            "registered {n} commands globally (Discord may take a few minutes to show them)"
        ),
        Scope::Guild(g) => println!("registered {n} commands in guild {g}"),
    }
    Ok(())
}

/// A running gateway door.
pub struct Gateway {
    manager: Arc<ShardManager>,
    client: Option<JoinHandle<serenity::Result<()>>>,
    tracker: Arc<Tracker>,
    followups: Arc<Tracker>,
    metrics: Arc<Metrics>,
    ops: Option<Ops>,
}

struct Ops {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Gateway {
    /// Builds the client, starts the shards and the `/healthz` + `/metrics`
    /// server, and returns at once (shards connect in the background).
    pub async fn start(core: Core, options: GatewayOptions) -> anyhow::Result<Gateway> {
        let metrics = Arc::new(Metrics::new());
        let tracker = Tracker::new();
        let followups = Tracker::new();
        let ops = match options.ops_addr {
            Some(addr) => Some(start_ops(core.clone(), Arc::clone(&metrics), addr).await?),
            None => None,
        };
        let http = discord_http(
            options.token.expose_secret(),
            options.api_base.as_deref(),
            options.application_id,
        );
        match options.register_guild {
            Some(guild) => tracing::info!(guild, "the commands will be registered in this guild"),
            None => tracing::info!(
                "DISCORD_GUILD_ID is not set: run `tutorbot register` to register the commands"
            ),
        }
        let handler = Handler {
            core,
            metrics: Arc::clone(&metrics),
            tracker: Arc::clone(&tracker),
            followups: Arc::clone(&followups),
            seen: SeenIds::new(DUPLICATE_WINDOW, DUPLICATE_CAPACITY),
            register_guild: options.register_guild,
            registered: AtomicBool::new(false),
        };
        let mut client: Client = ClientBuilder::new_with_http(http, INTENTS)
            .event_handler(handler)
            .await
            .context("building the Discord client")?;
        let manager = Arc::clone(&client.shard_manager);
        let shards = options.shards;
        let task = tokio::spawn(async move {
            match shards {
                Some(s) => {
                    tracing::info!(
                        first = s.first,
                        last = s.last,
                        total = s.total,
                        "starting shards"
                    );
                    client.start_shard_range(s.serenity_range(), s.total).await
                }
                None => client.start_autosharded().await,
            }
        });
        Ok(Gateway {
            manager,
            client: Some(task),
            tracker,
            followups,
            metrics,
            ops,
        })
    }

    /// Where `/healthz` and `/metrics` are served.
    pub fn ops_addr(&self) -> Option<SocketAddr> {
        self.ops.as_ref().map(|o| o.addr)
    }

    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// Interactions being handled now.
    pub fn in_flight(&self) -> usize {
        self.tracker.counts().in_flight
    }

    /// Work the core still does after its answers (demos running).
    pub fn followups(&self) -> &Arc<Tracker> {
        &self.followups
    }

    /// Waits until at least `n` interactions are in flight.
    pub async fn wait_in_flight(&self, n: usize) {
        self.tracker.wait(|c| c.in_flight >= n).await;
    }

    /// Waits until `n` interactions were handled to the end (answered, or
    /// ignored as delivered again), counting from the start.
    pub async fn wait_handled(&self, n: u64) {
        self.tracker.wait(|c| c.finished >= n).await;
    }

    /// Stops gracefully: closes the shards (no new interactions), lets the
    /// interactions in flight finish (their answers go out through REST) and
    /// the work after them (a demo's edits), then stops the `/healthz`
    /// server. The caller closes the pool.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        self.manager.shutdown_all().await;
        let mut result = Ok(());
        if let Some(mut client) = self.client.take() {
            // `shutdown_all` does nothing while no shard runner exists yet;
            // then the client task is stopped by dropping the client.
            match tokio::time::timeout(SHARD_GRACE, &mut client).await {
                Ok(Ok(Ok(()))) => {}
                Ok(Ok(Err(e))) => result = Err(anyhow::anyhow!("the gateway client failed: {e}")),
                Ok(Err(e)) => result = Err(anyhow::anyhow!("the gateway client panicked: {e}")),
                Err(_) => {
                    tracing::warn!("shards did not close in time; dropping them");
                    client.abort();
                }
            }
        }
        self.finish().await;
        tracing::info!("gateway door stopped");
        result
    }

    async fn finish(&mut self) {
        let in_flight = self.in_flight();
        if in_flight > 0 {
            tracing::info!(in_flight, "waiting for interactions in flight");
        }
        // Serenity may have spawned a handler that has not run yet.
        tokio::task::yield_now().await;
        if !self.tracker.idle(IN_FLIGHT_GRACE).await {
            tracing::warn!(
                in_flight = self.in_flight(),
                "interactions still in flight after {IN_FLIGHT_GRACE:?}; stopping anyway"
            );
        }
        let running = self.followups.counts().in_flight;
        if running > 0 {
            tracing::info!(running, "waiting for work after answers (demos)");
        }
        if !self.followups.idle(FOLLOWUP_GRACE).await {
            tracing::warn!(
                "work after answers still running after {FOLLOWUP_GRACE:?}; stopping anyway"
            );
        }
        if let Some(ops) = self.ops.take() {
            let _ = ops.stop.send(());
            let _ = ops.task.await;
        }
    }
}

async fn start_ops(core: Core, metrics: Arc<Metrics>, addr: SocketAddr) -> anyhow::Result<Ops> {
    let listener = super::http::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let router = ops_router(core, metrics);
    let task = tokio::spawn(super::http::serve(listener, router, async move {
        let _ = stopped.await;
    }));
    tracing::info!(%addr, "serving GET /healthz and GET /metrics");
    println!("listening on http://{addr}");
    Ok(Ops { addr, stop, task })
}

/// `tutorbot serve`: runs the gateway door until `shutdown` (then stops
/// gracefully) or until the client stops by itself (an error: a bad token,
/// say). The caller closes the pool afterwards.
pub async fn run(
    core: Core,
    options: GatewayOptions,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let mut gateway = Gateway::start(core, options).await?;
    let Some(client) = gateway.client.as_mut() else {
        unreachable!("a started gateway has its client task");
    };
    let stopped_by_itself = tokio::select! {
        _ = shutdown => None,
        joined = client => Some(joined),
    };
    match stopped_by_itself {
        None => gateway.shutdown().await,
        Some(joined) => {
            gateway.client = None;
            gateway.finish().await;
            match joined {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(anyhow::anyhow!("the gateway connection stopped: {e}")),
                Err(e) => Err(anyhow::anyhow!("the gateway client panicked: {e}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_ranges_parse_inclusively_and_map_to_serenity() {
        assert_eq!(Shards::parse_range("0-1"), Ok((0, 1)));
        assert_eq!(Shards::parse_range("3"), Ok((3, 3)));
        assert!(Shards::parse_range("a-b").is_err());
        assert!(Shards::parse_range("1-").is_err());
        let s = Shards::new(0, 1, 4).unwrap();
        assert_eq!(s.ids().collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(s.serenity_range(), 0..1, "serenity's end is inclusive");
        let one = Shards::new(2, 2, 4).unwrap();
        assert_eq!(one.serenity_range(), 2..2);
        assert!(Shards::new(1, 0, 4).is_err());
        assert!(Shards::new(0, 4, 4).is_err());
        assert!(Shards::new(0, 0, 0).is_err());
    }

    #[test]
    fn a_missing_token_is_one_line_naming_the_setting() {
        let settings = Settings::from_lookup(|_| None).unwrap();
        let err = GatewayOptions::from_settings(&settings, None)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("DISCORD_TOKEN is not set"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn options_never_show_the_token() {
        let settings = Settings::from_lookup(|k| {
            (k == "DISCORD_TOKEN").then(|| "very-secret-token".to_string())
        })
        .unwrap();
        let options = GatewayOptions::from_settings(&settings, None).unwrap();
        assert!(!format!("{options:?}").contains("very-secret-token"));
    }
}

//! The gateway door: a serenity [`Client`] on Discord's gateway.
//!
//! Every `INTERACTION_CREATE` goes to the core; its answer goes back as the
//! interaction callback through REST. Serenity runs each event handler in its
//! own task, so interactions are handled concurrently; the door counts them
//! in flight so that a shutdown lets them finish. The delivery is the one
//! both Discord doors share ([`super::discord`]): the core has
//! [`ANSWER_DEADLINE`] to answer, work after the answer waits for it, an
//! interaction delivered again (a RESUME replay) is answered once; and the
//! core's per-learner throttle applies.
//!
//! In-flight cap (`GATEWAY_MAX_IN_FLIGHT`, default 256): past it, the
//! learner gets an ephemeral "busy, try again" (the catalog's `busy`) at
//! once instead of waiting behind everyone else, which under a burst would
//! miss Discord's 3 seconds anyway. It is a setting of its own, not the HTTP
//! door's `HTTP_MAX_IN_FLIGHT`: the doors usually run as separate processes,
//! and a refusal costs them differently (a 503 costs the HTTP door nothing;
//! here the "busy" answer is a REST call, so the cap also bounds how much a
//! burst costs in calls to Discord).
//!
//! `GET /healthz` and `GET /metrics` are served alongside, on `OPS_ADDR`
//! ([`super::ops`]). A watcher reads each shard's connection stage from
//! serenity's shard manager every [`SHARD_PROBE`]: `/healthz` turns 503 when
//! a shard has been disconnected for longer than
//! `GATEWAY_UNHEALTHY_AFTER_SECS`, and `/metrics` counts the connected
//! shards (`tutorbot_gateway_shards_connected`).
//!
//! Shutdown closes every shard's websocket with code 1000 and waits until
//! each shard runner has really finished ([`Gateway::shutdown`]). Serenity
//! 0.12.5's own `ShardManager::shutdown_all` cannot be trusted to: after a
//! shard restart (an invalid session, missed heartbeat ACKs, an outage),
//! `restart_shard` sends one more "shutdown finished" notice than there was
//! a shutdown, the next `shutdown_all` takes that stale notice for the
//! runner's and returns at once, and the runner may not even have been told
//! to close: the process then exited in ~10 ms, dropping the websocket
//! without a close frame (Discord keeps the session, and the bot looks
//! online, until it times out).
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
    Client, ClientBuilder, Command, Context, CreateAutocompleteResponse, CreateCommand,
    CreateInteractionResponse, EventHandler, GatewayIntents, GuildId, Interaction, Ready, ShardId,
    ShardManager,
};
use serenity::builder::Builder;
use serenity::gateway::{ConnectionStage, ShardRunnerInfo, ShardRunnerMessage};
use serenity::http::Http;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use super::discord::{
    after_answer, answer_within, discord_http, notice, redact, DiscordFollowup, SeenIds, Tracker,
    ANSWER_DEADLINE, FOLLOWUP_GRACE,
};
use super::ops::{ops_router, OpsServer, ShardHealth, DEFAULT_UNHEALTHY_AFTER};
use super::server::ServeLimits;
use crate::core::{commands, Core};
use crate::metrics::{Kind, Metrics, Rejection};
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
/// How often the shards' connections are read for `/healthz` and
/// `/metrics` (a lock and a map read: cheap).
pub const SHARD_PROBE: Duration = Duration::from_millis(250);
/// How often a shutdown looks whether every shard runner has finished:
/// serenity gives no handle to wait on (see [`Gateway::shutdown`]).
const RUNNERS_POLL: Duration = Duration::from_millis(10);
/// The close code a shutdown sends: "normal closure", the session ends.
const NORMAL_CLOSURE: u16 = 1000;
/// Default of `GATEWAY_MAX_IN_FLIGHT`.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 256;
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
    /// Serve `/healthz` and `/metrics` here (`OPS_ADDR`; `None`: not at all).
    pub ops_addr: Option<SocketAddr>,
    /// The connection limits of that server.
    pub ops_limits: ServeLimits,
    /// `GATEWAY_MAX_IN_FLIGHT`: interactions handled at once; more are
    /// answered "busy, try again" at once (at least 1).
    pub max_in_flight: usize,
    /// `GATEWAY_UNHEALTHY_AFTER_SECS`: how long a shard may be disconnected
    /// before `/healthz` answers 503.
    pub unhealthy_after: Duration,
    /// How long the core has to answer: [`ANSWER_DEADLINE`] (not a setting,
    /// as Discord's 3 seconds are not; tests change it).
    pub answer_deadline: Duration,
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
            .field("ops_limits", &self.ops_limits)
            .field("max_in_flight", &self.max_in_flight)
            .field("unhealthy_after", &self.unhealthy_after)
            .field("answer_deadline", &self.answer_deadline)
            .finish()
    }
}

/// The one line a missing token gets.
fn missing_token() -> anyhow::Error {
    crate::settings::ConfigError::error(
        "DISCORD_TOKEN is not set: create a bot for your application at \
         https://discord.com/developers/applications (Bot → Reset Token) and put the token in \
         .env as DISCORD_TOKEN=...",
    )
}

impl GatewayOptions {
    /// Options with this token and the defaults: Discord's recommended
    /// shards, no `/healthz` server, no guild to register in.
    pub fn new(token: SecretString) -> Self {
        GatewayOptions {
            token,
            api_base: None,
            application_id: None,
            register_guild: None,
            shards: None,
            ops_addr: None,
            ops_limits: ServeLimits::default(),
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            unhealthy_after: DEFAULT_UNHEALTHY_AFTER,
            answer_deadline: ANSWER_DEADLINE,
        }
    }

    /// From the settings; fails with one line if `DISCORD_TOKEN` is missing.
    pub fn from_settings(settings: &Settings, shards: Option<Shards>) -> anyhow::Result<Self> {
        let d = &settings.discord;
        Ok(GatewayOptions {
            token: d.token.clone().ok_or_else(missing_token)?,
            api_base: d.api_base.clone(),
            application_id: d.application_id,
            register_guild: d.guild_id,
            shards,
            ops_addr: settings.ops_addr,
            ops_limits: ServeLimits::from_settings(settings),
            max_in_flight: settings.gateway.max_in_flight,
            unhealthy_after: settings.gateway.unhealthy_after,
            answer_deadline: ANSWER_DEADLINE,
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
    /// One permit per interaction being handled (`GATEWAY_MAX_IN_FLIGHT`).
    in_flight: Semaphore,
    answer_deadline: Duration,
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
        let Ok(_permit) = self.in_flight.try_acquire() else {
            self.busy(&ctx, &interaction, kind).await;
            return;
        };
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
        let answer = answer_within(&self.core, &interaction, followup, self.answer_deadline).await;
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

impl Handler {
    /// Past `GATEWAY_MAX_IN_FLIGHT`: "busy, try again", at once, without
    /// the core. Autocomplete can only be answered with choices: none.
    async fn busy(&self, ctx: &Context, interaction: &Interaction, kind: Kind) {
        tracing::debug!(
            kind = kind.label(),
            "answered busy: GATEWAY_MAX_IN_FLIGHT reached"
        );
        self.metrics.rejected(Rejection::Overloaded);
        let response = match kind {
            Kind::Autocomplete => {
                CreateInteractionResponse::Autocomplete(CreateAutocompleteResponse::new())
            }
            _ => notice(self.core.catalog.texts.busy.as_str()),
        };
        if let Err(e) = response
            .execute(&ctx.http, (interaction.id(), interaction.token()))
            .await
        {
            self.metrics.delivery_error();
            let error = redact(&e.to_string(), interaction.token());
            tracing::warn!(kind = kind.label(), %error, "Discord did not accept a busy answer");
        }
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
    health: Arc<ShardHealth>,
    watcher: JoinHandle<()>,
    ops: Option<OpsServer>,
}

impl Gateway {
    /// Builds the client, starts the shards and the `/healthz` + `/metrics`
    /// server, and returns at once (shards connect in the background).
    pub async fn start(core: Core, options: GatewayOptions) -> anyhow::Result<Gateway> {
        let metrics = Arc::new(Metrics::new());
        let tracker = Tracker::new();
        let followups = Tracker::new();
        // Autosharded: Discord's count is learned as the shards start; until
        // then shard 0 stands for "the gateway".
        let ids: Vec<u32> = match options.shards {
            Some(s) => s.ids().collect(),
            None => vec![0],
        };
        let health = Arc::new(ShardHealth::new(
            ids,
            options.unhealthy_after,
            Instant::now(),
        ));
        metrics.set_shards_connected(0);
        let ops = match options.ops_addr {
            Some(addr) => Some(
                OpsServer::start(
                    ops_router(
                        core.clone(),
                        Arc::clone(&metrics),
                        Some(Arc::clone(&health)),
                    ),
                    addr,
                    options.ops_limits,
                    Arc::clone(&metrics),
                )
                .await?,
            ),
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
            in_flight: Semaphore::new(options.max_in_flight.clamp(1, Semaphore::MAX_PERMITS)),
            answer_deadline: options.answer_deadline,
            register_guild: options.register_guild,
            registered: AtomicBool::new(false),
        };
        let mut client: Client = ClientBuilder::new_with_http(http, INTENTS)
            .event_handler(handler)
            .await
            .context("building the Discord client")?;
        let manager = Arc::clone(&client.shard_manager);
        let watcher = tokio::spawn(watch_shards(
            Arc::clone(&manager.runners),
            Arc::clone(&health),
            Arc::clone(&metrics),
        ));
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
            health,
            watcher,
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

    /// Each shard's connection, as `/healthz` judges it.
    pub fn health(&self) -> &Arc<ShardHealth> {
        &self.health
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

    /// Stops gracefully: closes every shard's websocket with 1000 (no new
    /// interactions) and waits until each shard runner has finished, lets
    /// the interactions in flight finish (their answers go out through REST)
    /// and the work after them (a demo's edits), then stops the `/healthz`
    /// server. The caller closes the pool.
    ///
    /// Serenity's `shutdown_all` alone is not enough (see the module docs):
    /// after a shard restart it may return before a runner was even told to
    /// close. So each runner is told directly first, `shutdown_all` then
    /// stops the client, and the door waits until no runner is left, told
    /// again each look in case one was starting meanwhile. A runner holds
    /// the shard manager until it has sent its close frame and read
    /// Discord's answer, and serenity gives no handle to wait on: the door
    /// looks at the manager's reference count every [`RUNNERS_POLL`], up to
    /// [`SHARD_GRACE`] in all.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + SHARD_GRACE;
        close_runners(&self.manager).await;
        self.manager.shutdown_all().await;
        let mut result = Ok(());
        if let Some(mut client) = self.client.take() {
            // `shutdown_all` does nothing while no shard runner exists yet;
            // then the client task is stopped by dropping the client.
            match tokio::time::timeout_at(deadline, &mut client).await {
                Ok(Ok(Ok(()))) => {}
                Ok(Ok(Err(e))) => result = Err(anyhow::anyhow!("the gateway client failed: {e}")),
                Ok(Err(e)) => result = Err(anyhow::anyhow!("the gateway client panicked: {e}")),
                Err(_) => {
                    tracing::warn!("shards did not close in time; dropping them");
                    client.abort();
                }
            }
        }
        // The client, the shard queuer and each runner hold the manager; the
        // door holds one more. The client task has ended (or was dropped).
        while Arc::strong_count(&self.manager) > 1 {
            if tokio::time::Instant::now() >= deadline {
                tracing::warn!("a shard runner did not close in time; dropping it");
                break;
            }
            close_runners(&self.manager).await;
            tokio::time::sleep(RUNNERS_POLL).await;
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
        self.watcher.abort();
        if let Some(ops) = self.ops.take() {
            ops.stop().await;
        }
    }
}

impl Drop for Gateway {
    /// A gateway dropped without [`Gateway::shutdown`] stops watching its
    /// shards (serenity's own tasks stop with the runtime).
    fn drop(&mut self) {
        self.watcher.abort();
    }
}

/// Tells every shard runner serenity knows of to close with 1000. A runner
/// already closing, or gone, ignores it.
async fn close_runners(manager: &ShardManager) {
    for (id, runner) in manager.runners.lock().await.iter() {
        runner
            .runner_tx
            .send_to_shard(ShardRunnerMessage::Shutdown(*id, NORMAL_CLOSURE));
    }
}

/// Serenity's shard runners, by shard.
type Runners = Arc<tokio::sync::Mutex<std::collections::HashMap<ShardId, ShardRunnerInfo>>>;

/// Every [`SHARD_PROBE`], records each shard's connection in `health` and
/// the count on `/metrics`. A shard is connected when its runner exists and
/// says so: during a restart or an outage serenity has no runner for it.
async fn watch_shards(runners: Runners, health: Arc<ShardHealth>, metrics: Arc<Metrics>) {
    let mut tick = tokio::time::interval(SHARD_PROBE);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let stages: Vec<(u32, bool)> = {
            let runners = runners.lock().await;
            let mut ids = health.shards();
            ids.extend(runners.keys().map(|id| id.0));
            ids.sort_unstable();
            ids.dedup();
            ids.into_iter()
                .map(|id| {
                    let connected = runners
                        .get(&ShardId(id))
                        .is_some_and(|r| r.stage == ConnectionStage::Connected);
                    (id, connected)
                })
                .collect()
        };
        let now = Instant::now();
        let mut connected = 0;
        for (id, up) in stages {
            connected = health.observe(id, up, now);
        }
        metrics.set_shards_connected(i64::try_from(connected).unwrap_or(i64::MAX));
    }
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

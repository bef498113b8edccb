//! A fake Discord on loopback, for driving the real serenity client (and the HTTP interactions
//! endpoint) end to end, offline.
//!
//! It serves two sockets on `127.0.0.1` (port 0):
//! - **REST** (axum) under `/api/v10`: what serenity 0.12.5 calls when pointed at it with
//!   `HttpBuilder::proxy(fake.api_base()).ratelimiter_disabled(true)`: `GET /gateway`,
//!   `/gateway/bot`, `/users/@me`, `/oauth2/applications/@me`, interaction callbacks, the
//!   original-response and follow-up webhooks, and application commands (global and guild).
//!   Every call is recorded ([`RecordedCall`]); multipart bodies are recorded as their
//!   `payload_json` plus the uploaded files' names and sizes.
//! - **Gateway** (tokio-tungstenite): HELLO, IDENTIFY → READY, HEARTBEAT → ACK, RESUME (replays
//!   missed dispatches then RESUMED), several shards at once, plain JSON text frames.
//!
//! It behaves like Discord where the tests benefit: an interaction can be acknowledged once
//! (second callback: 400, code 40060), the original response exists only after the callback,
//! follow-ups only after the interaction was acknowledged, the webhook application id must be
//! the bot's, and message bodies are checked against Discord's limits (content 2000, embeds,
//! 5×5 components, custom_id 1–100 and unique, select options 25, …: the one checker in
//! `tutorbot::core::limits`) with Discord's 400 "Invalid Form Body" (code 50035, the broken
//! rules nested by path under `errors`) or "Cannot send an empty message" (50006). Turn the
//! checks off with [`FakeDiscordConfig::validate`] when a test wants to see what the bot sends
//! anyway.
//!
//! The parts: this module holds the configuration, the shared state and the public handle;
//! [`record`] what is recorded; `gateway` the websocket; `rest` the REST routes; `messages` the
//! messages the fake keeps (attachments get CDN URLs); `rules` Discord's rules; `wire` request
//! bodies (JSON, multipart) and small helpers; `cdn` the attachments a test hosts for the bot
//! to download (`/attachments/...` on the REST socket, see [`FakeDiscord::host_attachment`]).
//!
//! Nothing here sleeps to synchronise: every `wait_*` waits on a change signal and panics after
//! [`FakeDiscordConfig::wait_timeout`] with everything seen so far.
//!
//! Everything stops when the [`FakeDiscord`] is dropped. Shut serenity down first
//! (`shard_manager.shutdown_all().await`) or it will keep trying to reconnect.
#![allow(dead_code)]

mod cdn;
mod dms;
mod gateway;
mod messages;
pub mod record;
mod rest;
mod rules;
mod wire;

use cdn::*;
pub use dms::SentDm;
use dms::*;
use gateway::*;
use messages::*;
pub use record::*;
use rest::*;
use rules::*;
use wire::*;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use serenity::model::gateway::GatewayIntents;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::AbortHandle;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// Discord's epoch (2015-01-01T00:00:00Z) in milliseconds since the Unix epoch.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;
/// Message flag EPHEMERAL.
pub const FLAG_EPHEMERAL: u64 = 1 << 6;
/// Message flag LOADING ("Bot is thinking…", set on a deferred response).
pub const FLAG_LOADING: u64 = 1 << 7;

// =============================================================================================
// Configuration
// =============================================================================================

/// How the fake presents itself. `FakeDiscordConfig::default()` is what [`FakeDiscord::start`]
/// uses.
#[derive(Clone, Debug)]
pub struct FakeDiscordConfig {
    /// The application id (sent in READY, and required in webhook paths).
    pub application_id: u64,
    /// The bot user's id (READY `user`, `GET /users/@me`, author of the bot's messages).
    pub bot_user_id: u64,
    pub bot_username: String,
    /// HELLO's `heartbeat_interval`. Discord sends 41250; lower it to see heartbeats in a test.
    pub heartbeat_interval_ms: u64,
    /// Guild ids listed (as unavailable guilds) in READY.
    pub guild_ids: Vec<u64>,
    /// `shards` answered by `GET /gateway/bot` (what `start_autosharded` uses).
    pub recommended_shards: u32,
    /// If set, IDENTIFY/RESUME with another token are closed with 4004 (serenity's `start`
    /// then returns an error) and REST calls other than `GET /gateway` are answered 401. The
    /// token is compared without its `Bot ` prefix.
    pub token: Option<String>,
    /// Check bodies against Discord's limits and rules (see the module docs). Default `true`.
    pub validate: bool,
    /// Longest any `wait_*` waits before panicking with what it saw. Default 30 s.
    pub wait_timeout: Duration,
}

impl Default for FakeDiscordConfig {
    fn default() -> Self {
        Self {
            application_id: 1_100_000_000_000_000_001,
            bot_user_id: 1_100_000_000_000_000_002,
            bot_username: "tutorbot".to_owned(),
            heartbeat_interval_ms: 41_250,
            guild_ids: Vec::new(),
            recommended_shards: 1,
            token: None,
            validate: true,
            wait_timeout: Duration::from_secs(30),
        }
    }
}

// =============================================================================================
// Shared state
// =============================================================================================

enum Outgoing {
    Frame(WsMessage),
    Close(u16, String),
    /// Drop the TCP connection without a close handshake.
    Drop,
}

struct Connection {
    tx: mpsc::UnboundedSender<Outgoing>,
    session: Option<String>,
}

struct Session {
    shard: [u32; 2],
    seq: u64,
    /// Every dispatch sent on this session, for RESUME replay.
    sent: Vec<(u64, Value)>,
    connection: Option<u64>,
}

struct KnownInteraction {
    id: u64,
    kind: u64,
    channel_id: u64,
    guild_id: Option<u64>,
    /// The message a component was on.
    message: Option<Value>,
    at: Instant,
}

type Matcher = Box<dyn Fn(&RecordedCall) -> bool + Send + Sync>;

struct Override {
    matcher: Matcher,
    status: u16,
    body: Value,
}

#[derive(Default)]
struct Inner {
    calls: Vec<RecordedCall>,
    /// Close frames clients sent: (connection id, close code).
    client_closes: Vec<(u64, u16)>,
    /// While true, the gateway is down: new connections are cut before the websocket
    /// handshake (see [`FakeDiscord::set_gateway_down`]).
    gateway_down: bool,
    identifies: Vec<IdentifyInfo>,
    resumes: Vec<ResumeInfo>,
    frames: Vec<GatewayFrame>,
    heartbeats: u64,
    connections: HashMap<u64, Connection>,
    connections_ever: u64,
    sessions: HashMap<String, Session>,
    interactions: HashMap<String, KnownInteraction>,
    acknowledged: HashSet<u64>,
    /// token → original response message.
    originals: HashMap<String, Value>,
    /// follow-up message id → (token, message).
    followups: HashMap<u64, (String, Value)>,
    global_commands: Vec<Value>,
    guild_commands: HashMap<u64, Vec<Value>>,
    overrides: Vec<Override>,
    id_counter: u64,
    /// Direct messages: channels, closed users, what was sent.
    dms: Dms,
    /// Attachments tests host (`/attachments/...`).
    cdn: Cdn,
}

impl Inner {
    fn new_id(&mut self) -> u64 {
        self.id_counter += 1;
        let now = now_ms().saturating_sub(DISCORD_EPOCH_MS);
        (now << 22) | (self.id_counter & 0x3F_FFFF)
    }

    fn live_session_for_shard(&self, shard_id: u32) -> Option<(&String, &Session)> {
        self.sessions
            .iter()
            .filter(|(_, s)| s.shard[0] == shard_id)
            .find(|(_, s)| {
                s.connection
                    .is_some_and(|c| self.connections.contains_key(&c))
            })
    }

    fn any_live_total(&self) -> Option<u32> {
        self.sessions
            .values()
            .find(|s| {
                s.connection
                    .is_some_and(|c| self.connections.contains_key(&c))
            })
            .map(|s| s.shard[1])
    }
}

struct Shared {
    config: FakeDiscordConfig,
    api_base: String,
    gateway_url: String,
    inner: Mutex<Inner>,
    changed: watch::Sender<u64>,
    tasks: Mutex<Vec<AbortHandle>>,
    signing_key: ed25519_dalek::SigningKey,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    fn bump(&self) {
        self.changed.send_modify(|v| *v = v.wrapping_add(1));
    }

    fn bot_user(&self) -> Value {
        json!({
            "id": self.config.bot_user_id.to_string(),
            "username": self.config.bot_username,
            "discriminator": "0",
            "global_name": null,
            "avatar": null,
            "bot": true,
            "verified": true,
            "mfa_enabled": false,
            "flags": 0,
            "public_flags": 0,
        })
    }

    fn spawn(&self, fut: impl std::future::Future<Output = ()> + Send + 'static) {
        let handle = tokio::spawn(fut);
        let mut tasks = self.tasks.lock().unwrap_or_else(|p| p.into_inner());
        tasks.retain(|t| !t.is_finished());
        tasks.push(handle.abort_handle());
    }
}

// =============================================================================================
// The public handle
// =============================================================================================

/// The running fake. Cheap to share by reference; everything stops when it is dropped.
pub struct FakeDiscord {
    shared: Arc<Shared>,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        let tasks =
            std::mem::take(&mut *self.shared.tasks.lock().unwrap_or_else(|p| p.into_inner()));
        for t in tasks {
            t.abort();
        }
    }
}

impl FakeDiscord {
    /// Starts REST and gateway on `127.0.0.1`, ephemeral ports, default config.
    pub async fn start() -> Self {
        Self::start_with(FakeDiscordConfig::default()).await
    }

    /// Starts with a custom config.
    pub async fn start_with(config: FakeDiscordConfig) -> Self {
        let rest = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake REST");
        let gateway = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake gateway");
        let api_base = format!("http://{}", rest.local_addr().expect("rest addr"));
        let gateway_url = format!("ws://{}", gateway.local_addr().expect("gateway addr"));
        let (changed, _) = watch::channel(0u64);
        let mut seed = [0u8; 32];
        seed.iter_mut()
            .zip(rand::random::<[u8; 32]>())
            .for_each(|(s, r)| *s = r);
        let shared = Arc::new(Shared {
            config,
            api_base,
            gateway_url,
            inner: Mutex::new(Inner::default()),
            changed,
            tasks: Mutex::new(Vec::new()),
            signing_key: ed25519_dalek::SigningKey::from_bytes(&seed),
        });

        let app = axum::Router::new()
            .route("/attachments/{*file}", axum::routing::get(cdn_handler))
            .fallback(rest_handler)
            .with_state(Arc::clone(&shared));
        shared.spawn(async move {
            let _ = axum::serve(rest, app).await;
        });
        let gw_shared = Arc::clone(&shared);
        shared.spawn(gateway_accept_loop(gateway, gw_shared));

        Self { shared }
    }

    // ----- addresses and identity --------------------------------------------------------

    /// `http://127.0.0.1:PORT`: give it to `HttpBuilder::proxy` (with
    /// `ratelimiter_disabled(true)`); serenity rewrites `https://discord.com` to it.
    pub fn api_base(&self) -> String {
        self.shared.api_base.clone()
    }

    /// `ws://127.0.0.1:PORT` (what `GET /gateway` answers; serenity appends `?v=10`).
    pub fn gateway_url(&self) -> String {
        self.shared.gateway_url.clone()
    }

    pub fn application_id(&self) -> u64 {
        self.shared.config.application_id
    }

    pub fn bot_user_id(&self) -> u64 {
        self.shared.config.bot_user_id
    }

    pub fn config(&self) -> &FakeDiscordConfig {
        &self.shared.config
    }

    /// A serenity `Http` pointed at the fake, rate limiter off, application id set.
    pub fn http(&self, token: &str) -> serenity::http::Http {
        serenity::http::HttpBuilder::new(token)
            .proxy(self.api_base())
            .ratelimiter_disabled(true)
            .application_id(serenity::model::id::ApplicationId::new(
                self.application_id(),
            ))
            .build()
    }

    /// A serenity `ClientBuilder` using [`Self::http`]; add event handlers, `.await` it, then
    /// `start()` / `start_shard(..)` / `start_shard_range(..)`.
    pub fn client_builder(
        &self,
        token: &str,
        intents: GatewayIntents,
    ) -> serenity::client::ClientBuilder {
        serenity::client::ClientBuilder::new_with_http(self.http(token), intents)
    }

    // ----- what was recorded ---------------------------------------------------------------

    /// Every REST call so far, in order.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.shared.lock().calls.clone()
    }

    /// How many calls so far (to wait only for calls after this point with
    /// [`Self::wait_for_call_after`]).
    pub fn call_count(&self) -> usize {
        self.shared.lock().calls.len()
    }

    /// Calls the fake answered with 4xx/5xx (empty in a healthy test).
    pub fn error_calls(&self) -> Vec<RecordedCall> {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.status >= 400)
            .cloned()
            .collect()
    }

    /// Panics, listing them, if any call was answered with an error status.
    pub fn assert_no_error_calls(&self) {
        let errors = self.error_calls();
        assert!(
            errors.is_empty(),
            "the fake Discord rejected calls:\n{}",
            errors
                .iter()
                .map(|c| format!("  {}\n    answer: {}", c.summary(), c.response))
                .collect::<String>()
        );
    }

    /// Every IDENTIFY so far.
    pub fn identifies(&self) -> Vec<IdentifyInfo> {
        self.shared.lock().identifies.clone()
    }

    /// Every RESUME so far.
    pub fn resumes(&self) -> Vec<ResumeInfo> {
        self.shared.lock().resumes.clone()
    }

    /// Every payload clients sent on the gateway.
    pub fn gateway_frames(&self) -> Vec<GatewayFrame> {
        self.shared.lock().frames.clone()
    }

    /// Heartbeats received (all connections).
    pub fn heartbeat_count(&self) -> u64 {
        self.shared.lock().heartbeats
    }

    /// Gateway websocket connections currently open.
    pub fn open_connections(&self) -> usize {
        self.shared.lock().connections.len()
    }

    /// Close frames clients sent on the gateway, as (connection id, code), in order. The
    /// connection id is [`IdentifyInfo::connection_id`].
    pub fn client_closes(&self) -> Vec<(u64, u16)> {
        self.shared.lock().client_closes.clone()
    }

    /// The current original response for an interaction token, as Discord would return it
    /// (`GET …/messages/@original`), after the callback and any edits.
    pub fn original_message(&self, token: &str) -> Option<Value> {
        self.shared.lock().originals.get(token).cloned()
    }

    /// Follow-up messages sent with this token, oldest first.
    pub fn followup_messages(&self, token: &str) -> Vec<Value> {
        let inner = self.shared.lock();
        let mut v: Vec<(u64, Value)> = inner
            .followups
            .iter()
            .filter(|(_, (t, _))| t == token)
            .map(|(id, (_, m))| (*id, m.clone()))
            .collect();
        v.sort_by_key(|(id, _)| *id);
        v.into_iter().map(|(_, m)| m).collect()
    }

    /// Registered commands: global with `None`, else the guild's (as Discord returns them,
    /// with ids).
    /// Every direct message the fake accepted, in order.
    pub fn dms(&self) -> Vec<SentDm> {
        self.shared.lock().dms.sent.clone()
    }

    /// From now on, DMs to `user` fail with Discord's error 50007.
    pub fn close_dms(&self, user: u64) {
        self.shared.lock().dms.close(user);
    }

    pub fn commands(&self, guild_id: Option<u64>) -> Vec<Value> {
        let inner = self.shared.lock();
        match guild_id {
            None => inner.global_commands.clone(),
            Some(g) => inner.guild_commands.get(&g).cloned().unwrap_or_default(),
        }
    }

    // ----- waiting ---------------------------------------------------------------------------

    /// Waits for the first IDENTIFY and returns it.
    pub async fn wait_identified(&self) -> IdentifyInfo {
        self.wait_until("an IDENTIFY", |i| i.0.identifies.first().cloned())
            .await
    }

    /// Waits until `n` IDENTIFYs were received; returns all of them.
    pub async fn wait_identifies(&self, n: usize) -> Vec<IdentifyInfo> {
        self.wait_until(format!("{n} IDENTIFYs"), |i| {
            (i.0.identifies.len() >= n).then(|| i.0.identifies.clone())
        })
        .await
    }

    /// Waits until shard `shard_id` has a live, READY session; returns its latest IDENTIFY.
    pub async fn wait_shard_ready(&self, shard_id: u32) -> IdentifyInfo {
        self.wait_until(format!("shard {shard_id} connected and READY"), |i| {
            i.0.live_session_for_shard(shard_id)?;
            i.0.identifies
                .iter()
                .rev()
                .find(|id| id.shard_id == shard_id)
                .cloned()
        })
        .await
    }

    /// Waits until `n` RESUMEs were received; returns all of them.
    pub async fn wait_resumes(&self, n: usize) -> Vec<ResumeInfo> {
        self.wait_until(format!("{n} RESUMEs"), |i| {
            (i.0.resumes.len() >= n).then(|| i.0.resumes.clone())
        })
        .await
    }

    /// Waits until at least `n` heartbeats were received.
    pub async fn wait_heartbeats(&self, n: u64) -> u64 {
        self.wait_until(format!("{n} heartbeats"), |i| {
            (i.0.heartbeats >= n).then_some(i.0.heartbeats)
        })
        .await
    }

    /// Waits until no gateway connection is open (after the client shut down).
    pub async fn wait_all_disconnected(&self) {
        self.wait_until("all gateway connections closed", |i| {
            i.0.connections.is_empty().then_some(())
        })
        .await;
    }

    /// Waits for the first call (already recorded or future) matching `predicate`.
    pub async fn wait_for_call(&self, predicate: impl Fn(&RecordedCall) -> bool) -> RecordedCall {
        self.wait_for_call_after(0, predicate).await
    }

    /// Waits for the first call with `index >= after` matching `predicate`.
    pub async fn wait_for_call_after(
        &self,
        after: usize,
        predicate: impl Fn(&RecordedCall) -> bool,
    ) -> RecordedCall {
        self.wait_until(format!("a matching call (from #{after})"), |i| {
            i.0.calls.iter().skip(after).find(|c| predicate(c)).cloned()
        })
        .await
    }

    /// Waits until `n` calls match `predicate`; returns them in order.
    pub async fn wait_for_calls(
        &self,
        n: usize,
        predicate: impl Fn(&RecordedCall) -> bool,
    ) -> Vec<RecordedCall> {
        self.wait_until(format!("{n} matching calls"), |i| {
            let found: Vec<_> = i.0.calls.iter().filter(|c| predicate(c)).cloned().collect();
            (found.len() >= n).then_some(found)
        })
        .await
    }

    /// Waits for the callback to interaction `interaction_id`.
    pub async fn wait_interaction_callback(&self, interaction_id: u64) -> RecordedCall {
        self.wait_for_call(|c| c.is_interaction_callback(interaction_id))
            .await
    }

    /// Waits for the first edit of the original response for `token`.
    pub async fn wait_original_edit(&self, token: &str) -> RecordedCall {
        self.wait_for_call(|c| c.is_original_edit(token)).await
    }

    /// Waits for the first follow-up message for `token`.
    pub async fn wait_followup(&self, token: &str) -> RecordedCall {
        self.wait_for_call(|c| c.is_followup(token)).await
    }

    /// Waits for the first bulk overwrite of commands (global or any guild).
    pub async fn wait_command_overwrite(&self) -> RecordedCall {
        self.wait_for_call(RecordedCall::is_command_overwrite).await
    }

    /// Waits until `check` returns `Some`, re-checking on every change of the fake's state.
    /// Panics after the configured timeout with a summary of everything seen.
    pub async fn wait_until<T>(
        &self,
        what: impl std::fmt::Display,
        mut check: impl FnMut(&InnerView<'_>) -> Option<T>,
    ) -> T {
        let mut rx = self.shared.changed.subscribe();
        let deadline = tokio::time::Instant::now() + self.shared.config.wait_timeout;
        loop {
            {
                let inner = self.shared.lock();
                if let Some(found) = check(&InnerView(&inner)) {
                    return found;
                }
            }
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => unreachable!("the fake's change signal lives as long as the fake"),
                Err(_) => panic!(
                    "fake Discord: timed out after {:?} waiting for {what}\n{}",
                    self.shared.config.wait_timeout,
                    self.report()
                ),
            }
        }
    }

    /// A readable dump of everything the fake saw (used in timeout panics).
    pub fn report(&self) -> String {
        let inner = self.shared.lock();
        let mut out = String::new();
        let _ = writeln!(out, "REST calls ({}):", inner.calls.len());
        for c in &inner.calls {
            let _ = writeln!(out, "  {}", c.summary());
        }
        let _ = writeln!(out, "IDENTIFYs ({}):", inner.identifies.len());
        for i in &inner.identifies {
            let _ = writeln!(
                out,
                "  #{} conn {} shard {:?} intents {} session {}",
                i.index,
                i.connection_id,
                i.shard(),
                i.intents,
                i.session_id
            );
        }
        let _ = writeln!(out, "RESUMEs: {:?}", inner.resumes);
        let _ = writeln!(
            out,
            "gateway: {} open connection(s), {} ever, {} heartbeat(s), sessions {:?}",
            inner.connections.len(),
            inner.connections_ever,
            inner.heartbeats,
            inner
                .sessions
                .iter()
                .map(|(id, s)| format!(
                    "{id} shard {:?} seq {} conn {:?}",
                    s.shard, s.seq, s.connection
                ))
                .collect::<Vec<_>>()
        );
        out
    }

    // ----- driving the gateway ------------------------------------------------------------

    /// Sends an INTERACTION_CREATE dispatch for `payload` (an interaction object, see
    /// `fixtures.rs`) to the shard Discord would use: `(guild_id >> 22) % shard_total` for a
    /// guild, shard 0 for a DM. Waits until that shard is connected and READY.
    ///
    /// The fake remembers the interaction (id, token, channel, the component's message) so the
    /// callback and later webhook calls are checked and answered like Discord would.
    pub async fn dispatch_interaction(&self, payload: Value) -> Dispatched {
        self.register_interaction(&payload);
        let total = self
            .wait_until("any shard connected and READY", |i| i.0.any_live_total())
            .await;
        let shard_id = match id_field(&payload, "guild_id") {
            Some(guild_id) => ((guild_id >> 22) % u64::from(total.max(1))) as u32,
            None => 0,
        };
        self.dispatch(shard_id, "INTERACTION_CREATE", payload).await
    }

    /// Sends any dispatch (op 0, `t = event`) to shard `shard_id`, with that session's next
    /// sequence number. Waits until the shard is connected and READY.
    pub async fn dispatch(&self, shard_id: u32, event: &str, data: Value) -> Dispatched {
        let session_id = self
            .wait_until(format!("shard {shard_id} connected and READY"), |i| {
                i.0.live_session_for_shard(shard_id)
                    .map(|(id, _)| id.clone())
            })
            .await;
        let mut inner = self.shared.lock();
        let dispatched = send_dispatch(&mut inner, &session_id, event, data)
            .expect("session vanished while locked");
        drop(inner);
        self.shared.bump();
        dispatched
    }

    /// Skips `n` sequence numbers on shard `shard_id`'s session, as when a
    /// dispatch is lost on the way: the next dispatch arrives "off" (serenity
    /// then warns, printing the whole event). Waits until the shard is READY.
    pub async fn skip_sequence(&self, shard_id: u32, n: u64) {
        let session_id = self
            .wait_until(format!("shard {shard_id} connected and READY"), |i| {
                i.0.live_session_for_shard(shard_id)
                    .map(|(id, _)| id.clone())
            })
            .await;
        let mut inner = self.shared.lock();
        if let Some(session) = inner.sessions.get_mut(&session_id) {
            session.seq += n;
        }
    }

    /// Sends op 7 RECONNECT to shard `shard_id`: serenity reconnects and RESUMEs.
    pub async fn request_reconnect(&self, shard_id: u32) {
        self.send_to_shard(
            shard_id,
            Outgoing::Frame(text(&json!({ "op": 7, "d": null }))),
        )
        .await;
    }

    /// Sends op 9 INVALID_SESSION(`resumable`) to shard `shard_id`.
    pub async fn invalidate_session(&self, shard_id: u32, resumable: bool) {
        self.send_to_shard(
            shard_id,
            Outgoing::Frame(text(&json!({ "op": 9, "d": resumable }))),
        )
        .await;
    }

    /// Closes shard `shard_id`'s connection with a close frame `code` (e.g. 4000 → serenity
    /// resumes; 4004 → authentication failed, serenity gives up).
    pub async fn close_shard(&self, shard_id: u32, code: u16) {
        self.send_to_shard(shard_id, Outgoing::Close(code, String::new()))
            .await;
    }

    /// Takes the whole gateway down (`true`): every open connection is cut without a close
    /// handshake and new ones are cut before the websocket handshake, until it comes back up
    /// (`false`). An outage, as clients see it.
    pub fn set_gateway_down(&self, down: bool) {
        let mut inner = self.shared.lock();
        inner.gateway_down = down;
        if down {
            for conn in inner.connections.values() {
                let _ = conn.tx.send(Outgoing::Drop);
            }
        }
        drop(inner);
        self.shared.bump();
    }

    /// Drops shard `shard_id`'s TCP connection without a close handshake (a network cut).
    pub async fn drop_shard_connection(&self, shard_id: u32) {
        self.send_to_shard(shard_id, Outgoing::Drop).await;
    }

    async fn send_to_shard(&self, shard_id: u32, out: Outgoing) {
        let tx = self
            .wait_until(format!("shard {shard_id} connected and READY"), |i| {
                let (_, s) = i.0.live_session_for_shard(shard_id)?;
                i.0.connections.get(&s.connection?).map(|c| c.tx.clone())
            })
            .await;
        let _ = tx.send(out);
    }

    // ----- REST behaviour ------------------------------------------------------------------

    /// The next call matching `matcher` is answered with `status` and `body` instead of the
    /// normal answer (and has no other effect). E.g. simulate an expired token with
    /// `404, {"message": "Unknown interaction", "code": 10062}`. Several overrides are used in
    /// the order they were added.
    pub fn respond_once(
        &self,
        matcher: impl Fn(&RecordedCall) -> bool + Send + Sync + 'static,
        status: u16,
        body: Value,
    ) {
        self.shared.lock().overrides.push(Override {
            matcher: Box::new(matcher),
            status,
            body,
        });
    }

    // ----- the HTTP interactions endpoint door ----------------------------------------------

    /// Hex public key matching the key the fake signs with: configure the bot's
    /// `serenity::interactions_endpoint::Verifier` with it.
    pub fn public_key_hex(&self) -> String {
        hex_encode(self.shared.signing_key.verifying_key().as_bytes())
    }

    /// Discord's signature (hex) over `timestamp ++ body`.
    pub fn sign(&self, timestamp: &str, body: &[u8]) -> String {
        use ed25519_dalek::Signer;
        let message = [timestamp.as_bytes(), body].concat();
        hex_encode(&self.shared.signing_key.sign(&message).to_bytes())
    }

    /// POSTs `payload` to the bot's interactions endpoint `url` the way Discord does (headers
    /// `X-Signature-Ed25519` and `X-Signature-Timestamp`, JSON body) and returns its answer.
    ///
    /// A 2xx JSON answer is treated as the interaction callback: it is recorded as a call with
    /// `inline: true` and path `/api/v10/interactions/{id}/{token}/callback`, checked, and
    /// acknowledges the interaction, so later webhook calls from the bot behave as after a
    /// gateway interaction.
    pub async fn post_interaction(&self, url: &str, payload: &Value) -> InlineResponse {
        let body = serde_json::to_vec(payload).expect("serialize interaction");
        let timestamp = (now_ms() / 1000).to_string();
        let signature = self.sign(&timestamp, &body);
        self.post_interaction_raw(url, body, &signature, &timestamp)
            .await
    }

    /// Like [`Self::post_interaction`] with the body, signature and timestamp given verbatim
    /// (for tampered or unsigned requests: expect 401).
    pub async fn post_interaction_raw(
        &self,
        url: &str,
        body: Vec<u8>,
        signature: &str,
        timestamp: &str,
    ) -> InlineResponse {
        let payload: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        self.register_interaction(&payload);
        let client = reqwest::Client::new();
        let response = client
            .post(url)
            .header("X-Signature-Ed25519", signature)
            .header("X-Signature-Timestamp", timestamp)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(
                reqwest::header::USER_AGENT,
                "Discord-Interactions/1.0 (+https://discord.com)",
            )
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {url} failed: {e}"));
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = response.bytes().await.unwrap_or_default();
        let (body_json, attachments) = parse_body(content_type.as_deref(), &bytes);
        let inline = InlineResponse {
            status,
            content_type,
            body: if body_json.is_string() {
                Value::Null
            } else {
                body_json.clone()
            },
            text: String::from_utf8_lossy(&bytes).into_owned(),
            attachments: attachments.clone(),
        };

        if (200..300).contains(&status) && body_json.get("type").is_some() {
            if let (Some(id), Some(token)) = (
                id_field(&payload, "id"),
                payload.get("token").and_then(Value::as_str),
            ) {
                let path = format!("/api/v10/interactions/{id}/{token}/callback");
                let req = Incoming {
                    method: "POST".into(),
                    path,
                    query: Vec::new(),
                    body: body_json,
                    attachments,
                    authorization: None,
                };
                handle_and_record(&self.shared, req, true);
            }
        }
        inline
    }

    /// Tells the fake about an interaction without sending it anywhere (what
    /// [`Self::dispatch_interaction`] and [`Self::post_interaction`] do first): its callback
    /// and webhook calls are then checked like Discord would (single acknowledgement, the
    /// original exists only after the callback, follow-ups only after acknowledgement).
    pub fn register_interaction(&self, payload: &Value) {
        let (Some(id), Some(token)) = (
            id_field(payload, "id"),
            payload.get("token").and_then(Value::as_str),
        ) else {
            return;
        };
        let known = KnownInteraction {
            id,
            kind: payload.get("type").and_then(Value::as_u64).unwrap_or(0),
            channel_id: id_field(payload, "channel_id").unwrap_or(1),
            guild_id: id_field(payload, "guild_id"),
            message: payload.get("message").cloned(),
            at: Instant::now(),
        };
        self.shared
            .lock()
            .interactions
            .insert(token.to_owned(), known);
    }
}

/// Read access to the fake's state inside [`FakeDiscord::wait_until`].
pub struct InnerView<'a>(&'a Inner);

impl InnerView<'_> {
    pub fn calls(&self) -> &[RecordedCall] {
        &self.0.calls
    }
    pub fn identifies(&self) -> &[IdentifyInfo] {
        &self.0.identifies
    }
    pub fn resumes(&self) -> &[ResumeInfo] {
        &self.0.resumes
    }
    pub fn heartbeats(&self) -> u64 {
        self.0.heartbeats
    }
    pub fn open_connections(&self) -> usize {
        self.0.connections.len()
    }
    pub fn original_message(&self, token: &str) -> Option<&Value> {
        self.0.originals.get(token)
    }
    /// Every direct message accepted so far, in order (see [`FakeDiscord::dms`]).
    pub fn dms(&self) -> &[SentDm] {
        &self.0.dms.sent
    }
}

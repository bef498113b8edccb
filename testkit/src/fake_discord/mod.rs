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
//! 5×5 components, custom_id 1–100 and unique, select options 25, …) with Discord's 400
//! "Invalid Form Body" (code 50035) or "Cannot send an empty message" (50006). Turn the checks
//! off with [`FakeDiscordConfig::validate`] when a test wants to see what the bot sends anyway.
//!
//! Nothing here sleeps to synchronise: every `wait_*` waits on a change signal and panics after
//! [`FakeDiscordConfig::wait_timeout`] with everything seen so far.
//!
//! Everything stops when the [`FakeDiscord`] is dropped. Shut serenity down first
//! (`shard_manager.shutdown_all().await`) or it will keep trying to reconnect.
#![allow(dead_code)]

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
// What gets recorded
// =============================================================================================

/// A file part of a multipart request (serenity sends files as `files[N]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedAttachment {
    /// The form field name, e.g. `files[0]`.
    pub field: String,
    pub filename: String,
    pub content_type: Option<String>,
    pub size: usize,
    pub data: Vec<u8>,
}

/// One REST call the fake received (or, with `inline == true`, an interaction response the
/// bot's HTTP endpoint returned to [`FakeDiscord::post_interaction`]).
#[derive(Clone, Debug)]
pub struct RecordedCall {
    /// Position in [`FakeDiscord::calls`] (0-based, in arrival order).
    pub index: usize,
    /// `GET`, `POST`, `PUT`, `PATCH`, `DELETE`.
    pub method: String,
    /// Full path, e.g. `/api/v10/interactions/123/tok/callback`.
    pub path: String,
    /// Query pairs in order (serenity writes `?&wait=true`; empty pairs are dropped).
    pub query: Vec<(String, String)>,
    /// The JSON body (for multipart: the parsed `payload_json` part); `Null` when empty; a JSON
    /// string holding the raw text if the body was not JSON.
    pub body: Value,
    /// Files of a multipart body.
    pub attachments: Vec<RecordedAttachment>,
    /// The `Authorization` header (`Bot …`).
    pub authorization: Option<String>,
    /// The status the fake answered with.
    pub status: u16,
    /// The JSON the fake answered with (`Null` for 204).
    pub response: Value,
    /// True for an inline HTTP-endpoint response recorded by [`FakeDiscord::post_interaction`]
    /// (as if it were the callback `POST`), false for a real REST call.
    pub inline: bool,
    /// Time since the fake dispatched (or posted) the interaction this call is about, when
    /// the fake knows it. Informational: never assert on speed in tests.
    pub since_interaction: Option<Duration>,
}

impl RecordedCall {
    /// Path segments after `/api/v10/`.
    pub fn segments(&self) -> Vec<&str> {
        api_segments(&self.path)
    }

    /// `POST /interactions/{interaction_id}/{token}/callback` (or its inline twin).
    pub fn is_interaction_callback(&self, interaction_id: u64) -> bool {
        let s = self.segments();
        self.method == "POST"
            && s.len() == 4
            && s[0] == "interactions"
            && s[1] == interaction_id.to_string()
            && s[3] == "callback"
    }

    /// Any interaction callback whose token is `token`.
    pub fn is_callback_for_token(&self, token: &str) -> bool {
        let s = self.segments();
        self.method == "POST"
            && s.len() == 4
            && s[0] == "interactions"
            && s[2] == token
            && s[3] == "callback"
    }

    /// `PATCH /webhooks/{app}/{token}/messages/@original`.
    pub fn is_original_edit(&self, token: &str) -> bool {
        let s = self.segments();
        self.method == "PATCH"
            && s.len() == 5
            && s[0] == "webhooks"
            && s[2] == token
            && s[4] == "@original"
    }

    /// `POST /webhooks/{app}/{token}` (a follow-up message).
    pub fn is_followup(&self, token: &str) -> bool {
        let s = self.segments();
        self.method == "POST" && s.len() == 3 && s[0] == "webhooks" && s[2] == token
    }

    /// `PATCH /webhooks/{app}/{token}/messages/{id}` for a follow-up (not `@original`).
    pub fn is_followup_edit(&self, token: &str) -> bool {
        let s = self.segments();
        self.method == "PATCH"
            && s.len() == 5
            && s[0] == "webhooks"
            && s[2] == token
            && s[4] != "@original"
    }

    /// `PUT /applications/{app}/commands` or `PUT /applications/{app}/guilds/{g}/commands`.
    pub fn is_command_overwrite(&self) -> bool {
        let s = self.segments();
        self.method == "PUT"
            && s.first() == Some(&"applications")
            && s.last() == Some(&"commands")
            && (s.len() == 3 || (s.len() == 5 && s[2] == "guilds"))
    }

    /// `PUT /applications/{app}/guilds/{guild_id}/commands`.
    pub fn is_guild_command_overwrite(&self, guild_id: u64) -> bool {
        self.is_command_overwrite()
            && self.segments().get(3) == Some(&guild_id.to_string().as_str())
    }

    /// `PUT /applications/{app}/commands`.
    pub fn is_global_command_overwrite(&self) -> bool {
        self.is_command_overwrite() && self.segments().len() == 3
    }

    /// For a callback: `body.type` (4 message, 5 deferred, 6 deferred update, 7 update,
    /// 8 autocomplete result, 9 modal).
    pub fn callback_type(&self) -> Option<u64> {
        self.body.get("type").and_then(Value::as_u64)
    }

    /// The message part of the body: `body.data` for a callback, the body itself for edits and
    /// follow-ups.
    pub fn message(&self) -> &Value {
        if self.segments().first() == Some(&"interactions") {
            self.body.get("data").unwrap_or(&Value::Null)
        } else {
            &self.body
        }
    }

    /// `content` of [`Self::message`].
    pub fn content(&self) -> Option<&str> {
        self.message().get("content").and_then(Value::as_str)
    }

    /// Whether [`Self::message`] carries the EPHEMERAL flag.
    pub fn is_ephemeral(&self) -> bool {
        self.message()
            .get("flags")
            .and_then(Value::as_u64)
            .unwrap_or(0)
            & FLAG_EPHEMERAL
            != 0
    }

    /// The fake answered 2xx.
    pub fn succeeded(&self) -> bool {
        (200..300).contains(&self.status)
    }

    fn summary(&self) -> String {
        let mut body = self.body.to_string();
        if body.len() > 300 {
            let mut cut = 300;
            while !body.is_char_boundary(cut) {
                cut -= 1;
            }
            body.truncate(cut);
            body.push('…');
        }
        format!(
            "#{} {}{} {} -> {} {}{}",
            self.index,
            if self.inline { "(inline) " } else { "" },
            self.method,
            self.path,
            self.status,
            body,
            if self.attachments.is_empty() {
                String::new()
            } else {
                format!(
                    " files={:?}",
                    self.attachments
                        .iter()
                        .map(|a| &a.filename)
                        .collect::<Vec<_>>()
                )
            },
        )
    }
}

/// An IDENTIFY the gateway accepted (refused ones, e.g. a wrong token, are only in
/// [`FakeDiscord::gateway_frames`]).
#[derive(Clone, Debug)]
pub struct IdentifyInfo {
    /// Position among all IDENTIFYs (0-based).
    pub index: usize,
    /// Which websocket connection sent it.
    pub connection_id: u64,
    pub shard_id: u32,
    pub shard_total: u32,
    /// The raw intents bit set.
    pub intents: u64,
    pub token: String,
    /// serenity 0.12.5 always sends `true` (it can inflate zlib binary frames); the fake still
    /// answers with plain text frames.
    pub compress: bool,
    pub large_threshold: Option<u64>,
    /// The session id the fake gave this shard in READY.
    pub session_id: String,
    /// The whole `d` of the IDENTIFY payload.
    pub raw: Value,
}

impl IdentifyInfo {
    pub fn intents(&self) -> GatewayIntents {
        GatewayIntents::from_bits_retain(self.intents)
    }

    /// `[shard_id, shard_total]`.
    pub fn shard(&self) -> [u32; 2] {
        [self.shard_id, self.shard_total]
    }
}

/// A RESUME the gateway received.
#[derive(Clone, Debug)]
pub struct ResumeInfo {
    pub connection_id: u64,
    pub session_id: String,
    /// The last sequence number the client saw.
    pub seq: u64,
    /// Whether the fake knew the session (it then replayed what was missed and sent RESUMED;
    /// otherwise it answered INVALID_SESSION(false), which makes serenity identify again).
    pub accepted: bool,
    /// How many missed dispatches were replayed.
    pub replayed: usize,
}

/// Any payload a client sent on the gateway (for debugging and for opcodes the fake only
/// records, like presence updates).
#[derive(Clone, Debug)]
pub struct GatewayFrame {
    pub connection_id: u64,
    pub op: u64,
    pub d: Value,
    pub shard: Option<[u32; 2]>,
}

/// Where a dispatch went.
#[derive(Clone, Debug)]
pub struct Dispatched {
    pub shard_id: u32,
    pub shard_total: u32,
    pub seq: u64,
    pub session_id: String,
}

/// What the bot's HTTP interactions endpoint answered to [`FakeDiscord::post_interaction`].
#[derive(Clone, Debug)]
pub struct InlineResponse {
    pub status: u16,
    pub content_type: Option<String>,
    /// The JSON body (for a multipart answer: its `payload_json`), or `Null` if not JSON.
    pub body: Value,
    pub text: String,
    pub attachments: Vec<RecordedAttachment>,
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
}

// =============================================================================================
// Gateway
// =============================================================================================

fn text(v: &Value) -> WsMessage {
    WsMessage::Text(v.to_string())
}

fn send_dispatch(
    inner: &mut Inner,
    session_id: &str,
    event: &str,
    data: Value,
) -> Option<Dispatched> {
    let session = inner.sessions.get_mut(session_id)?;
    session.seq += 1;
    let seq = session.seq;
    let frame = json!({ "op": 0, "s": seq, "t": event, "d": data });
    session.sent.push((seq, frame.clone()));
    let shard = session.shard;
    if let Some(conn) = session.connection.and_then(|c| inner.connections.get(&c)) {
        let _ = conn.tx.send(Outgoing::Frame(text(&frame)));
    }
    Some(Dispatched {
        shard_id: shard[0],
        shard_total: shard[1],
        seq,
        session_id: session_id.to_owned(),
    })
}

async fn gateway_accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let conn_shared = Arc::clone(&shared);
        shared.spawn(handle_gateway_connection(stream, conn_shared));
    }
}

async fn handle_gateway_connection(stream: TcpStream, shared: Arc<Shared>) {
    let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (mut sink, mut source) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Outgoing>();

    let conn_id = {
        let mut inner = shared.lock();
        inner.connections_ever += 1;
        let id = inner.connections_ever;
        inner.connections.insert(
            id,
            Connection {
                tx: tx.clone(),
                session: None,
            },
        );
        id
    };
    shared.bump();

    let hello = json!({
        "op": 10,
        "s": null,
        "t": null,
        "d": { "heartbeat_interval": shared.config.heartbeat_interval_ms },
    });
    let _ = tx.send(Outgoing::Frame(text(&hello)));

    let mut closing = false;
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Outgoing::Frame(msg)) => {
                    if closing { continue; }
                    if sink.send(msg).await.is_err() { break; }
                },
                Some(Outgoing::Close(code, reason)) => {
                    closing = true;
                    let frame = CloseFrame { code: CloseCode::from(code), reason: reason.into() };
                    if sink.send(WsMessage::Close(Some(frame))).await.is_err() { break; }
                    // Keep reading until the client answers the close (or goes away).
                },
                Some(Outgoing::Drop) | None => break,
            },
            incoming = source.next() => match incoming {
                Some(Ok(WsMessage::Text(t))) => {
                    if !closing {
                        handle_gateway_text(&shared, conn_id, &tx, &t);
                    }
                },
                Some(Ok(WsMessage::Binary(b))) => {
                    if !closing {
                        if let Ok(t) = String::from_utf8(b) {
                            handle_gateway_text(&shared, conn_id, &tx, &t);
                        }
                    }
                },
                Some(Ok(WsMessage::Close(_))) => {
                    // tungstenite queued the close reply; flushing sends it.
                    let _ = sink.flush().await;
                    closing = true;
                },
                Some(Ok(_)) => {},
                Some(Err(_)) | None => break,
            },
        }
    }

    {
        let mut inner = shared.lock();
        if let Some(conn) = inner.connections.remove(&conn_id) {
            if let Some(sid) = conn.session {
                if let Some(session) = inner.sessions.get_mut(&sid) {
                    if session.connection == Some(conn_id) {
                        session.connection = None;
                    }
                }
            }
        }
    }
    shared.bump();
}

fn handle_gateway_text(
    shared: &Arc<Shared>,
    conn_id: u64,
    tx: &mpsc::UnboundedSender<Outgoing>,
    raw: &str,
) {
    let Ok(payload) = serde_json::from_str::<Value>(raw) else {
        let _ = tx.send(Outgoing::Close(
            4002,
            "Error while decoding payload.".into(),
        ));
        return;
    };
    let op = payload
        .get("op")
        .and_then(Value::as_u64)
        .unwrap_or(u64::MAX);
    let d = payload.get("d").cloned().unwrap_or(Value::Null);

    let mut inner = shared.lock();
    let shard = inner
        .connections
        .get(&conn_id)
        .and_then(|c| c.session.as_ref())
        .and_then(|s| inner.sessions.get(s))
        .map(|s| s.shard);
    inner.frames.push(GatewayFrame {
        connection_id: conn_id,
        op,
        d: d.clone(),
        shard,
    });

    match op {
        // HEARTBEAT
        1 => {
            inner.heartbeats += 1;
            let _ = tx.send(Outgoing::Frame(text(
                &json!({ "op": 11, "s": null, "t": null, "d": null }),
            )));
        }
        // IDENTIFY
        2 => {
            if shard.is_some() {
                let _ = tx.send(Outgoing::Close(4005, "Already authenticated.".into()));
            } else {
                identify(shared, &mut inner, conn_id, tx, d);
            }
        }
        // PRESENCE_UPDATE, VOICE_STATE_UPDATE, REQUEST_GUILD_MEMBERS, soundboard: recorded only.
        3 | 4 | 8 | 31 => {}
        // RESUME
        6 => resume(shared, &mut inner, conn_id, tx, &d),
        _ => {
            let _ = tx.send(Outgoing::Close(4001, "Unknown opcode.".into()));
        }
    }
    drop(inner);
    shared.bump();
}

fn token_ok(shared: &Shared, token: &str) -> bool {
    match &shared.config.token {
        None => true,
        Some(expected) => token.trim_start_matches("Bot ") == expected.trim_start_matches("Bot "),
    }
}

fn identify(
    shared: &Shared,
    inner: &mut Inner,
    conn_id: u64,
    tx: &mpsc::UnboundedSender<Outgoing>,
    d: Value,
) {
    let token = d
        .get("token")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if !token_ok(shared, &token) {
        let _ = tx.send(Outgoing::Close(4004, "Authentication failed.".into()));
        return;
    }
    let shard = d
        .get("shard")
        .and_then(Value::as_array)
        .and_then(|a| Some([a.first()?.as_u64()? as u32, a.get(1)?.as_u64()? as u32]))
        .unwrap_or([0, 1]);
    if shard[1] == 0 || shard[0] >= shard[1] {
        let _ = tx.send(Outgoing::Close(4010, "Invalid shard.".into()));
        return;
    }
    let Some(intents) = d.get("intents").and_then(Value::as_u64) else {
        let _ = tx.send(Outgoing::Close(4013, "Invalid intent(s).".into()));
        return;
    };

    let session_id = format!("fake-session-{conn_id}-{:x}", inner.new_id());
    inner.identifies.push(IdentifyInfo {
        index: inner.identifies.len(),
        connection_id: conn_id,
        shard_id: shard[0],
        shard_total: shard[1],
        intents,
        token,
        compress: d.get("compress").and_then(Value::as_bool).unwrap_or(false),
        large_threshold: d.get("large_threshold").and_then(Value::as_u64),
        session_id: session_id.clone(),
        raw: d,
    });
    inner.sessions.insert(
        session_id.clone(),
        Session {
            shard,
            seq: 0,
            sent: Vec::new(),
            connection: Some(conn_id),
        },
    );
    if let Some(conn) = inner.connections.get_mut(&conn_id) {
        conn.session = Some(session_id.clone());
    }

    let guilds: Vec<Value> = shared
        .config
        .guild_ids
        .iter()
        .filter(|g| ((*g >> 22) % u64::from(shard[1])) as u32 == shard[0])
        .map(|g| json!({ "id": g.to_string(), "unavailable": true }))
        .collect();
    let ready = json!({
        "v": 10,
        "user": shared.bot_user(),
        "guilds": guilds,
        "session_id": session_id,
        "resume_gateway_url": shared.gateway_url,
        "shard": shard,
        "application": { "id": shared.config.application_id.to_string(), "flags": 0 },
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "_trace": ["fake-discord"],
    });
    send_dispatch(inner, &session_id, "READY", ready);
}

fn resume(
    shared: &Shared,
    inner: &mut Inner,
    conn_id: u64,
    tx: &mpsc::UnboundedSender<Outgoing>,
    d: &Value,
) {
    let token = d.get("token").and_then(Value::as_str).unwrap_or_default();
    if !token_ok(shared, token) {
        let _ = tx.send(Outgoing::Close(4004, "Authentication failed.".into()));
        return;
    }
    let session_id = d
        .get("session_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let seq = d.get("seq").and_then(Value::as_u64).unwrap_or(0);

    let Some(session) = inner.sessions.get_mut(&session_id) else {
        inner.resumes.push(ResumeInfo {
            connection_id: conn_id,
            session_id,
            seq,
            accepted: false,
            replayed: 0,
        });
        let _ = tx.send(Outgoing::Frame(text(
            &json!({ "op": 9, "s": null, "t": null, "d": false }),
        )));
        return;
    };
    let old_conn = session.connection.replace(conn_id);
    let missed: Vec<Value> = session
        .sent
        .iter()
        .filter(|(s, _)| *s > seq)
        .map(|(_, f)| f.clone())
        .collect();
    for frame in &missed {
        let _ = tx.send(Outgoing::Frame(text(frame)));
    }
    if let Some(old) = old_conn.filter(|o| *o != conn_id) {
        if let Some(c) = inner.connections.get_mut(&old) {
            c.session = None;
            let _ = c.tx.send(Outgoing::Drop);
        }
    }
    if let Some(conn) = inner.connections.get_mut(&conn_id) {
        conn.session = Some(session_id.clone());
    }
    inner.resumes.push(ResumeInfo {
        connection_id: conn_id,
        session_id: session_id.clone(),
        seq,
        accepted: true,
        replayed: missed.len(),
    });
    send_dispatch(
        inner,
        &session_id,
        "RESUMED",
        json!({ "_trace": ["fake-discord"] }),
    );
}

// =============================================================================================
// REST
// =============================================================================================

struct Incoming {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    body: Value,
    attachments: Vec<RecordedAttachment>,
    authorization: Option<String>,
}

async fn rest_handler(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let (body, attachments) = parse_body(content_type, &body);
    let query = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (p.to_owned(), String::new()),
        })
        .collect();
    let req = Incoming {
        method: method.as_str().to_owned(),
        path: uri.path().to_owned(),
        query,
        body,
        attachments,
        authorization: headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    let (status, response) = handle_and_record(&shared, req, false);
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status == StatusCode::NO_CONTENT {
        status.into_response()
    } else {
        (status, axum::Json(response)).into_response()
    }
}

/// Answers a request, records it, signals waiters. Returns (status, JSON body).
fn handle_and_record(shared: &Shared, req: Incoming, inline: bool) -> (u16, Value) {
    let mut inner = shared.lock();
    let mut call = RecordedCall {
        index: inner.calls.len(),
        method: req.method,
        path: req.path,
        query: req.query,
        body: req.body,
        attachments: req.attachments,
        authorization: req.authorization,
        status: 0,
        response: Value::Null,
        inline,
        since_interaction: None,
    };
    let segs: Vec<String> = call.segments().iter().map(|s| (*s).to_owned()).collect();
    let token_seg = match segs.first().map(String::as_str) {
        Some("interactions") => segs.get(2),
        Some("webhooks") => segs.get(2),
        _ => None,
    };
    call.since_interaction = token_seg
        .and_then(|t| inner.interactions.get(t))
        .map(|k| k.at.elapsed());

    let overridden = inner
        .overrides
        .iter()
        .position(|o| (o.matcher)(&call))
        .map(|i| inner.overrides.remove(i));
    let (status, response) = match overridden {
        Some(o) => (o.status, o.body),
        None => {
            // GET /gateway needs no token at Discord either (and serenity falls back to the
            // real gateway if it fails).
            let open_route = call.method == "GET" && call.segments() == ["gateway"];
            let authorized = inline
                || open_route
                || shared.config.token.is_none()
                || call
                    .authorization
                    .as_deref()
                    .is_some_and(|a| token_ok(shared, a));
            if authorized {
                route(shared, &mut inner, &call)
            } else {
                (401, json!({ "message": "401: Unauthorized", "code": 0 }))
            }
        }
    };
    call.status = status;
    call.response = response.clone();
    inner.calls.push(call);
    drop(inner);
    shared.bump();
    (status, response)
}

fn api_segments(path: &str) -> Vec<&str> {
    let rest = path
        .strip_prefix("/api/v10")
        .or_else(|| path.strip_prefix("/api"))
        .unwrap_or(path);
    rest.split('/').filter(|s| !s.is_empty()).collect()
}

fn discord_error(status: u16, code: u64, message: &str) -> (u16, Value) {
    (status, json!({ "message": message, "code": code }))
}

fn invalid_form(problem: &str) -> (u16, Value) {
    (
        400,
        json!({
            "message": format!("Invalid Form Body ({problem})"),
            "code": 50035,
            "errors": { "_fake": { "_errors": [{ "code": "BASE_TYPE_INVALID", "message": problem }] } },
        }),
    )
}

fn not_found() -> (u16, Value) {
    discord_error(404, 0, "404: Not Found")
}

fn route(shared: &Shared, inner: &mut Inner, call: &RecordedCall) -> (u16, Value) {
    let segs = call.segments();
    let app_id = shared.config.application_id.to_string();
    match (call.method.as_str(), segs.as_slice()) {
        ("GET", ["gateway"]) => (200, json!({ "url": shared.gateway_url })),
        ("GET", ["gateway", "bot"]) => (
            200,
            json!({
                "url": shared.gateway_url,
                "shards": shared.config.recommended_shards,
                "session_start_limit": {
                    "total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1
                },
            }),
        ),
        ("GET", ["users", "@me"]) => (200, shared.bot_user()),
        ("GET", ["oauth2", "applications", "@me"]) | ("GET", ["applications", "@me"]) => {
            (200, application_info(shared))
        }
        ("POST", ["interactions", id, token, "callback"]) => {
            interaction_callback(shared, inner, id, token, call)
        }
        (_, ["webhooks", app, ..]) if *app != app_id => {
            discord_error(404, 10015, "Unknown Webhook")
        }
        (method, ["webhooks", _, token, "messages", "@original"]) => {
            original_message(shared, inner, method, token, call)
        }
        ("POST", ["webhooks", _, token]) => create_followup(shared, inner, token, call),
        (method, ["webhooks", _, token, "messages", id]) => {
            followup_message(shared, inner, method, token, id, call)
        }
        (_, ["applications", app, ..]) if *app != app_id => discord_error(
            403,
            20012,
            "You are not authorized to perform this action on this application",
        ),
        (method, ["applications", _, "commands", rest @ ..]) => {
            commands(shared, inner, method, None, rest, call)
        }
        (method, ["applications", _, "guilds", guild, "commands", rest @ ..]) => {
            match guild.parse::<u64>() {
                Ok(g) => commands(shared, inner, method, Some(g), rest, call),
                Err(_) => not_found(),
            }
        }
        _ => not_found(),
    }
}

fn application_info(shared: &Shared) -> Value {
    json!({
        "id": shared.config.application_id.to_string(),
        "name": shared.config.bot_username,
        "icon": null,
        "description": "",
        "rpc_origins": [],
        "bot_public": false,
        "bot_require_code_grant": false,
        "owner": {
            "id": "1100000000000000099", "username": "operator", "discriminator": "0",
            "global_name": "operator", "avatar": null
        },
        "verify_key": hex_encode(shared.signing_key.verifying_key().as_bytes()),
        "team": null,
        "flags": 0,
        "bot": shared.bot_user(),
    })
}

fn interaction_callback(
    shared: &Shared,
    inner: &mut Inner,
    id: &str,
    token: &str,
    call: &RecordedCall,
) -> (u16, Value) {
    let Ok(id) = id.parse::<u64>() else {
        return discord_error(404, 10062, "Unknown interaction");
    };
    let kind_known = inner.interactions.get(token).map(|k| (k.id, k.kind));
    if let Some((known_id, _)) = kind_known {
        if known_id != id {
            return discord_error(404, 10062, "Unknown interaction");
        }
    }
    if inner.acknowledged.contains(&id) {
        return discord_error(400, 40060, "Interaction has already been acknowledged.");
    }
    let Some(kind) = call.body.get("type").and_then(Value::as_u64) else {
        return invalid_form("type: This field is required");
    };
    let data = call.body.get("data").cloned().unwrap_or(Value::Null);
    let interaction_kind = kind_known.map(|(_, k)| k);

    if shared.config.validate {
        let allowed: &[u64] = match interaction_kind {
            Some(1) => &[1],
            Some(2) => &[4, 5, 9],
            Some(3) => &[4, 5, 6, 7, 9],
            Some(4) => &[8],
            Some(5) => &[4, 5, 6, 7],
            _ => &[1, 4, 5, 6, 7, 8, 9],
        };
        if !allowed.contains(&kind) {
            return invalid_form(&format!(
                "type: callback type {kind} is not valid for interaction type {}",
                interaction_kind.unwrap_or(0)
            ));
        }
        let checked = match kind {
            4 => validate_message(&data, true, !call.attachments.is_empty()),
            7 => validate_message(&data, false, !call.attachments.is_empty()),
            8 => validate_autocomplete(&data),
            9 => validate_modal(&data),
            _ => Ok(()),
        };
        if let Err(e) = checked {
            return e;
        }
    }

    inner.acknowledged.insert(id);
    let (channel_id, guild_id, component_message) = match inner.interactions.get(token) {
        Some(k) => (k.channel_id, k.guild_id, k.message.clone()),
        None => (1, None, None),
    };
    let message_type = if interaction_kind == Some(2) { 20 } else { 19 };
    match kind {
        4 => {
            let msg = new_message(
                shared,
                inner,
                channel_id,
                guild_id,
                message_type,
                &data,
                &call.attachments,
            );
            inner.originals.insert(token.to_owned(), msg);
        }
        5 => {
            let flags = data.get("flags").and_then(Value::as_u64).unwrap_or(0) | FLAG_LOADING;
            let msg = new_message(
                shared,
                inner,
                channel_id,
                guild_id,
                message_type,
                &json!({ "content": "", "flags": flags }),
                &[],
            );
            inner.originals.insert(token.to_owned(), msg);
        }
        6 => {
            if let Some(m) = component_message {
                inner.originals.insert(token.to_owned(), m);
            }
        }
        7 => {
            let mut msg = component_message.unwrap_or_else(|| {
                new_message(shared, inner, channel_id, guild_id, 0, &json!({}), &[])
            });
            apply_edit(inner, &mut msg, &data, &call.attachments);
            inner.originals.insert(token.to_owned(), msg);
        }
        _ => {}
    }
    (204, Value::Null)
}

fn original_message(
    shared: &Shared,
    inner: &mut Inner,
    method: &str,
    token: &str,
    call: &RecordedCall,
) -> (u16, Value) {
    let known = inner
        .interactions
        .get(token)
        .map(|k| (k.id, k.channel_id, k.guild_id));
    match method {
        "GET" => match inner.originals.get(token) {
            Some(m) => (200, sanitize_message(m.clone())),
            None => discord_error(404, 10008, "Unknown Message"),
        },
        "DELETE" => match inner.originals.remove(token) {
            Some(_) => (204, Value::Null),
            None => discord_error(404, 10008, "Unknown Message"),
        },
        "PATCH" => {
            if shared.config.validate {
                if let Err(e) = validate_message(&call.body, false, !call.attachments.is_empty()) {
                    return e;
                }
            }
            let mut msg = match (inner.originals.get(token).cloned(), known) {
                (Some(m), _) => m,
                // Known interaction, but no original response (not acknowledged yet, or
                // acknowledged with a type that creates none).
                (None, Some(_)) => return discord_error(404, 10008, "Unknown Message"),
                // A token the fake never saw (e.g. from a test that bypasses it): be lenient.
                (None, None) => new_message(shared, inner, 1, None, 20, &json!({}), &[]),
            };
            if msg
                .get("flags")
                .and_then(Value::as_u64)
                .is_some_and(|f| f & FLAG_LOADING != 0)
            {
                let flags = msg["flags"].as_u64().unwrap_or(0) & !FLAG_LOADING;
                msg["flags"] = json!(flags);
            }
            apply_edit(inner, &mut msg, &call.body, &call.attachments);
            inner.originals.insert(token.to_owned(), msg.clone());
            (200, sanitize_message(msg))
        }
        _ => discord_error(405, 0, "405: Method Not Allowed"),
    }
}

fn create_followup(
    shared: &Shared,
    inner: &mut Inner,
    token: &str,
    call: &RecordedCall,
) -> (u16, Value) {
    let known = inner
        .interactions
        .get(token)
        .map(|k| (k.id, k.channel_id, k.guild_id));
    if let Some((id, _, _)) = known {
        if !inner.acknowledged.contains(&id) {
            return discord_error(404, 10015, "Unknown Webhook");
        }
    }
    if shared.config.validate {
        if let Err(e) = validate_message(&call.body, true, !call.attachments.is_empty()) {
            return e;
        }
    }
    let (channel_id, guild_id) = known.map(|(_, c, g)| (c, g)).unwrap_or((1, None));
    let msg = new_message(
        shared,
        inner,
        channel_id,
        guild_id,
        19,
        &call.body,
        &call.attachments,
    );
    let id = id_field(&msg, "id").unwrap_or_default();
    inner.followups.insert(id, (token.to_owned(), msg.clone()));
    (200, sanitize_message(msg))
}

fn followup_message(
    shared: &Shared,
    inner: &mut Inner,
    method: &str,
    token: &str,
    id: &str,
    call: &RecordedCall,
) -> (u16, Value) {
    let Ok(id) = id.parse::<u64>() else {
        return discord_error(404, 10008, "Unknown Message");
    };
    if inner.followups.get(&id).map(|(t, _)| t.as_str()) != Some(token) {
        return discord_error(404, 10008, "Unknown Message");
    }
    match method {
        "GET" => (200, sanitize_message(inner.followups[&id].1.clone())),
        "DELETE" => {
            inner.followups.remove(&id);
            (204, Value::Null)
        }
        "PATCH" => {
            if shared.config.validate {
                if let Err(e) = validate_message(&call.body, false, !call.attachments.is_empty()) {
                    return e;
                }
            }
            let mut msg = inner.followups[&id].1.clone();
            apply_edit(inner, &mut msg, &call.body, &call.attachments);
            inner.followups.insert(id, (token.to_owned(), msg.clone()));
            (200, sanitize_message(msg))
        }
        _ => discord_error(405, 0, "405: Method Not Allowed"),
    }
}

fn commands(
    shared: &Shared,
    inner: &mut Inner,
    method: &str,
    guild: Option<u64>,
    rest: &[&str],
    call: &RecordedCall,
) -> (u16, Value) {
    let app_id = shared.config.application_id;
    let mut list = match guild {
        None => inner.global_commands.clone(),
        Some(g) => inner.guild_commands.get(&g).cloned().unwrap_or_default(),
    };
    let result = match (method, rest) {
        ("GET", []) => return (200, Value::Array(list)),
        ("PUT", []) => {
            let Some(items) = call.body.as_array() else {
                return invalid_form("body: must be an array of commands");
            };
            if shared.config.validate {
                if let Err(e) = validate_commands(items) {
                    return e;
                }
            }
            let mut new_list = Vec::new();
            for item in items {
                let existing = list
                    .iter()
                    .find(|c| same_command(c, item))
                    .and_then(|c| id_field(c, "id"));
                let id = existing.unwrap_or_else(|| inner.new_id());
                let version = inner.new_id();
                new_list.push(command_object(app_id, guild, id, version, item));
            }
            list = new_list;
            (200, Value::Array(list.clone()))
        }
        ("POST", []) => {
            if shared.config.validate {
                if let Err(e) = validate_commands(std::slice::from_ref(&call.body)) {
                    return e;
                }
            }
            let version = inner.new_id();
            let (status, cmd) = match list.iter().position(|c| same_command(c, &call.body)) {
                Some(i) => {
                    let id = id_field(&list[i], "id").unwrap_or_default();
                    list[i] = command_object(app_id, guild, id, version, &call.body);
                    (200, list[i].clone())
                }
                None => {
                    let id = inner.new_id();
                    let cmd = command_object(app_id, guild, id, version, &call.body);
                    list.push(cmd.clone());
                    (201, cmd)
                }
            };
            (status, cmd)
        }
        (method, [id]) => {
            let Some(pos) = list.iter().position(|c| c["id"].as_str() == Some(*id)) else {
                return discord_error(404, 10063, "Unknown application command");
            };
            match method {
                "GET" => return (200, list[pos].clone()),
                "DELETE" => {
                    list.remove(pos);
                    (204, Value::Null)
                }
                "PATCH" => {
                    let mut merged = list[pos].clone();
                    if let (Some(m), Some(patch)) = (merged.as_object_mut(), call.body.as_object())
                    {
                        for (k, v) in patch {
                            m.insert(k.clone(), v.clone());
                        }
                    }
                    if shared.config.validate {
                        if let Err(e) = validate_commands(std::slice::from_ref(&merged)) {
                            return e;
                        }
                    }
                    let version = inner.new_id();
                    merged["version"] = json!(version.to_string());
                    list[pos] = merged.clone();
                    (200, merged)
                }
                _ => return discord_error(405, 0, "405: Method Not Allowed"),
            }
        }
        _ => return not_found(),
    };
    match guild {
        None => inner.global_commands = list,
        Some(g) => {
            inner.guild_commands.insert(g, list);
        }
    }
    result
}

fn command_type(c: &Value) -> u64 {
    c.get("type").and_then(Value::as_u64).unwrap_or(1)
}

fn same_command(a: &Value, b: &Value) -> bool {
    a.get("name") == b.get("name") && command_type(a) == command_type(b)
}

fn command_object(app_id: u64, guild: Option<u64>, id: u64, version: u64, item: &Value) -> Value {
    let mut cmd = item.clone();
    if !cmd.is_object() {
        cmd = json!({});
    }
    let m = cmd.as_object_mut().expect("object");
    m.insert("id".into(), json!(id.to_string()));
    m.insert("application_id".into(), json!(app_id.to_string()));
    m.insert("version".into(), json!(version.to_string()));
    m.insert("type".into(), json!(command_type(item)));
    m.entry("description").or_insert(json!(""));
    m.entry("options").or_insert(json!([]));
    m.entry("default_member_permissions").or_insert(Value::Null);
    m.entry("nsfw").or_insert(json!(false));
    match guild {
        Some(g) => {
            m.insert("guild_id".into(), json!(g.to_string()));
        }
        None => {
            m.entry("integration_types").or_insert(json!([0]));
            m.entry("contexts").or_insert(Value::Null);
        }
    }
    cmd
}

// =============================================================================================
// Messages
// =============================================================================================

fn new_message(
    shared: &Shared,
    inner: &mut Inner,
    channel_id: u64,
    guild_id: Option<u64>,
    message_type: u64,
    body: &Value,
    files: &[RecordedAttachment],
) -> Value {
    let id = inner.new_id();
    let mut msg = json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": shared.bot_user(),
        "content": "",
        "timestamp": timestamp_now(),
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "mention_channels": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "webhook_id": shared.config.application_id.to_string(),
        "type": message_type,
        "application_id": shared.config.application_id.to_string(),
        "flags": 0,
        "components": [],
    });
    if let Some(g) = guild_id {
        msg["guild_id"] = json!(g.to_string());
    }
    if let Some(tts) = body.get("tts") {
        msg["tts"] = tts.clone();
    }
    apply_fields(inner, &mut msg, body, files);
    msg
}

fn apply_edit(inner: &mut Inner, msg: &mut Value, body: &Value, files: &[RecordedAttachment]) {
    apply_fields(inner, msg, body, files);
    msg["edited_timestamp"] = json!(timestamp_now());
}

fn apply_fields(inner: &mut Inner, msg: &mut Value, body: &Value, files: &[RecordedAttachment]) {
    for (key, empty) in [
        ("content", json!("")),
        ("embeds", json!([])),
        ("components", json!([])),
    ] {
        if let Some(v) = body.get(key) {
            msg[key] = if v.is_null() { empty } else { v.clone() };
        }
    }
    if let Some(flags) = body.get("flags").and_then(Value::as_u64) {
        let loading = msg["flags"].as_u64().unwrap_or(0) & FLAG_LOADING;
        msg["flags"] = json!(flags | loading);
    }
    // Attachments: keep the existing ones the body lists by id, add the uploaded files.
    let mut attachments: Vec<Value> = match body.get("attachments").and_then(Value::as_array) {
        Some(listed) => {
            let keep: HashSet<String> = listed
                .iter()
                .filter_map(|a| a.get("id"))
                .map(|i| i.to_string().trim_matches('"').to_owned())
                .collect();
            msg["attachments"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter(|x| {
                            x.get("id")
                                .is_some_and(|i| keep.contains(i.as_str().unwrap_or_default()))
                        })
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        }
        None => msg["attachments"].as_array().cloned().unwrap_or_default(),
    };
    for f in files {
        let id = inner.new_id();
        attachments.push(json!({
            "id": id.to_string(),
            "filename": f.filename,
            "size": f.size,
            "url": format!("https://cdn.discordapp.com/attachments/0/{id}/{}", f.filename),
            "proxy_url": format!("https://media.discordapp.net/attachments/0/{id}/{}", f.filename),
            "content_type": f.content_type,
        }));
    }
    msg["attachments"] = Value::Array(attachments);
}

/// Makes sure serenity can deserialize the message it gets back: if the echoed components or
/// embeds don't parse as serenity's `Message`, they are dropped from the answer (the request
/// itself stays recorded as sent).
fn sanitize_message(mut msg: Value) -> Value {
    use serenity::model::channel::Message;
    if serde_json::from_value::<Message>(msg.clone()).is_ok() {
        return msg;
    }
    for key in ["components", "embeds", "attachments"] {
        msg[key] = json!([]);
        if serde_json::from_value::<Message>(msg.clone()).is_ok() {
            eprintln!(
                "fake Discord: dropped `{key}` from a message answer serenity could not parse"
            );
            return msg;
        }
    }
    if let Err(e) = serde_json::from_value::<Message>(msg.clone()) {
        eprintln!("fake Discord: message answer does not parse as serenity Message: {e}");
    }
    msg
}

// =============================================================================================
// Discord's rules
// =============================================================================================

fn chars(v: Option<&Value>) -> usize {
    v.and_then(Value::as_str).map_or(0, |s| s.chars().count())
}

fn validate_message(body: &Value, creating: bool, has_files: bool) -> Result<(), (u16, Value)> {
    if !body.is_object() {
        return if creating {
            Err(invalid_form("data: This field is required"))
        } else {
            Ok(())
        };
    }
    let content = chars(body.get("content"));
    if content > 2000 {
        return Err(invalid_form(&format!(
            "content: Must be 2000 or fewer in length (got {content})"
        )));
    }

    let embeds = body
        .get("embeds")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if embeds.len() > 10 {
        return Err(invalid_form("embeds: Must be 10 or fewer in length"));
    }
    let mut embed_total = 0;
    for (i, e) in embeds.iter().enumerate() {
        let title = chars(e.get("title"));
        let description = chars(e.get("description"));
        let footer = chars(e.pointer("/footer/text"));
        let author = chars(e.pointer("/author/name"));
        if title > 256 {
            return Err(invalid_form(&format!(
                "embeds.{i}.title: Must be 256 or fewer in length"
            )));
        }
        if description > 4096 {
            return Err(invalid_form(&format!(
                "embeds.{i}.description: Must be 4096 or fewer in length"
            )));
        }
        if footer > 2048 {
            return Err(invalid_form(&format!(
                "embeds.{i}.footer.text: Must be 2048 or fewer in length"
            )));
        }
        if author > 256 {
            return Err(invalid_form(&format!(
                "embeds.{i}.author.name: Must be 256 or fewer in length"
            )));
        }
        embed_total += title + description + footer + author;
        let fields = e
            .get("fields")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if fields.len() > 25 {
            return Err(invalid_form(&format!(
                "embeds.{i}.fields: Must be 25 or fewer in length"
            )));
        }
        for (j, f) in fields.iter().enumerate() {
            let name = chars(f.get("name"));
            let value = chars(f.get("value"));
            if name == 0 || name > 256 {
                return Err(invalid_form(&format!(
                    "embeds.{i}.fields.{j}.name: Must be between 1 and 256 in length"
                )));
            }
            if value == 0 || value > 1024 {
                return Err(invalid_form(&format!(
                    "embeds.{i}.fields.{j}.value: Must be between 1 and 1024 in length"
                )));
            }
            embed_total += name + value;
        }
    }
    if embed_total > 6000 {
        return Err(invalid_form(&format!(
            "embeds: Embed size exceeds maximum size of 6000 (got {embed_total})"
        )));
    }

    let rows = body
        .get("components")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    validate_components(&rows)?;

    if creating
        && content == 0
        && embeds.is_empty()
        && rows.is_empty()
        && !has_files
        && body.get("poll").is_none()
    {
        return Err(discord_error(400, 50006, "Cannot send an empty message"));
    }
    Ok(())
}

fn validate_components(rows: &[Value]) -> Result<(), (u16, Value)> {
    if rows.len() > 5 {
        return Err(invalid_form(&format!(
            "components: Must be 5 or fewer in length (got {})",
            rows.len()
        )));
    }
    let mut seen = HashSet::new();
    for (i, row) in rows.iter().enumerate() {
        if row.get("type").and_then(Value::as_u64) != Some(1) {
            return Err(invalid_form(&format!(
                "components.{i}.type: top-level components must be action rows (1)"
            )));
        }
        let items = row
            .get("components")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if items.is_empty() || items.len() > 5 {
            return Err(invalid_form(&format!(
                "components.{i}.components: Must be between 1 and 5 in length (got {})",
                items.len()
            )));
        }
        let has_select = items.iter().any(|c| {
            matches!(
                c.get("type").and_then(Value::as_u64),
                Some(3 | 5 | 6 | 7 | 8)
            )
        });
        if has_select && items.len() != 1 {
            return Err(invalid_form(&format!(
                "components.{i}: a select menu must be alone in its row"
            )));
        }
        for (j, c) in items.iter().enumerate() {
            let at = format!("components.{i}.components.{j}");
            let kind = c.get("type").and_then(Value::as_u64).unwrap_or(0);
            let is_link = kind == 2 && c.get("style").and_then(Value::as_u64) == Some(5);
            let is_premium = kind == 2 && c.get("style").and_then(Value::as_u64) == Some(6);
            if kind == 2 && chars(c.get("label")) > 80 {
                return Err(invalid_form(&format!(
                    "{at}.label: Must be 80 or fewer in length"
                )));
            }
            if is_link {
                if c.get("url").and_then(Value::as_str).is_none() || c.get("custom_id").is_some() {
                    return Err(invalid_form(&format!(
                        "{at}: a link button needs a url and no custom_id"
                    )));
                }
                continue;
            }
            if is_premium {
                continue;
            }
            let Some(custom_id) = c.get("custom_id").and_then(Value::as_str) else {
                return Err(invalid_form(&format!(
                    "{at}.custom_id: This field is required"
                )));
            };
            let len = custom_id.chars().count();
            if len == 0 || len > 100 {
                return Err(invalid_form(&format!(
                    "{at}.custom_id: Must be between 1 and 100 in length (got {len})"
                )));
            }
            if !seen.insert(custom_id.to_owned()) {
                return Err(invalid_form(&format!(
                    "{at}.custom_id: Component custom id cannot be duplicated ({custom_id})"
                )));
            }
            if matches!(kind, 3 | 5 | 6 | 7 | 8) {
                if chars(c.get("placeholder")) > 150 {
                    return Err(invalid_form(&format!(
                        "{at}.placeholder: Must be 150 or fewer in length"
                    )));
                }
                for key in ["min_values", "max_values"] {
                    if c.get(key).and_then(Value::as_u64).is_some_and(|n| n > 25) {
                        return Err(invalid_form(&format!("{at}.{key}: Must be 25 or less")));
                    }
                }
            }
            if kind == 3 {
                let options = c
                    .get("options")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                if options.is_empty() || options.len() > 25 {
                    return Err(invalid_form(&format!(
                        "{at}.options: Must be between 1 and 25 in length (got {})",
                        options.len()
                    )));
                }
                let mut values = HashSet::new();
                for (k, o) in options.iter().enumerate() {
                    for key in ["label", "value"] {
                        let n = chars(o.get(key));
                        if n == 0 || n > 100 {
                            return Err(invalid_form(&format!(
                                "{at}.options.{k}.{key}: Must be between 1 and 100 in length"
                            )));
                        }
                    }
                    if chars(o.get("description")) > 100 {
                        return Err(invalid_form(&format!(
                            "{at}.options.{k}.description: Must be 100 or fewer in length"
                        )));
                    }
                    if !values.insert(o.get("value").cloned().unwrap_or(Value::Null).to_string()) {
                        return Err(invalid_form(&format!(
                            "{at}.options.{k}.value: duplicated option value"
                        )));
                    }
                }
            }
        }
    }
    Ok(())
}

fn validate_autocomplete(data: &Value) -> Result<(), (u16, Value)> {
    let choices = data
        .get("choices")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if choices.len() > 25 {
        return Err(invalid_form(&format!(
            "data.choices: Must be 25 or fewer in length (got {})",
            choices.len()
        )));
    }
    for (i, c) in choices.iter().enumerate() {
        let n = chars(c.get("name"));
        if n == 0 || n > 100 {
            return Err(invalid_form(&format!(
                "data.choices.{i}.name: Must be between 1 and 100 in length"
            )));
        }
        if c.get("value")
            .is_some_and(|v| v.as_str().is_some_and(|s| s.chars().count() > 100))
        {
            return Err(invalid_form(&format!(
                "data.choices.{i}.value: Must be 100 or fewer in length"
            )));
        }
    }
    Ok(())
}

fn validate_modal(data: &Value) -> Result<(), (u16, Value)> {
    let id = chars(data.get("custom_id"));
    if id == 0 || id > 100 {
        return Err(invalid_form(
            "data.custom_id: Must be between 1 and 100 in length",
        ));
    }
    let title = chars(data.get("title"));
    if title == 0 || title > 45 {
        return Err(invalid_form(
            "data.title: Must be between 1 and 45 in length",
        ));
    }
    let rows = data
        .get("components")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    if rows == 0 || rows > 5 {
        return Err(invalid_form(
            "data.components: Must be between 1 and 5 in length",
        ));
    }
    Ok(())
}

fn valid_command_name(name: &str) -> bool {
    let n = name.chars().count();
    (1..=32).contains(&n)
        && name
            .chars()
            .all(|c| c == '-' || c == '_' || (c.is_alphanumeric() && !c.is_uppercase()))
}

fn validate_options(at: &str, options: &[Value]) -> Result<(), (u16, Value)> {
    if options.len() > 25 {
        return Err(invalid_form(&format!(
            "{at}.options: Must be 25 or fewer in length"
        )));
    }
    let mut names = HashSet::new();
    let mut seen_optional = false;
    for (i, o) in options.iter().enumerate() {
        let here = format!("{at}.options.{i}");
        let name = o.get("name").and_then(Value::as_str).unwrap_or_default();
        if !valid_command_name(name) {
            return Err(invalid_form(&format!(
                "{here}.name: Invalid option name {name:?} (1-32, lowercase, no spaces)"
            )));
        }
        if !names.insert(name.to_owned()) {
            return Err(invalid_form(&format!(
                "{here}.name: duplicated option name {name:?}"
            )));
        }
        let d = chars(o.get("description"));
        if d == 0 || d > 100 {
            return Err(invalid_form(&format!(
                "{here}.description: Must be between 1 and 100 in length"
            )));
        }
        let kind = o.get("type").and_then(Value::as_u64).unwrap_or(0);
        if matches!(kind, 1 | 2) {
            let sub = o
                .get("options")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            validate_options(&here, &sub)?;
        } else {
            let required = o.get("required").and_then(Value::as_bool).unwrap_or(false);
            if required && seen_optional {
                return Err(invalid_form(&format!(
                    "{here}.required: Required options must be placed before non-required options"
                )));
            }
            seen_optional |= !required;
        }
        let choices = o
            .get("choices")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if choices > 25 {
            return Err(invalid_form(&format!(
                "{here}.choices: Must be 25 or fewer in length"
            )));
        }
    }
    Ok(())
}

fn validate_commands(items: &[Value]) -> Result<(), (u16, Value)> {
    if items.iter().filter(|c| command_type(c) == 1).count() > 100 {
        return Err(invalid_form(
            "Maximum number of application commands reached (100)",
        ));
    }
    let mut names = HashSet::new();
    for (i, c) in items.iter().enumerate() {
        let name = c.get("name").and_then(Value::as_str).unwrap_or_default();
        let kind = command_type(c);
        if kind == 1 {
            if !valid_command_name(name) {
                return Err(invalid_form(&format!(
                    "{i}.name: Invalid command name {name:?} (1-32, lowercase, no spaces)"
                )));
            }
            let d = chars(c.get("description"));
            if d == 0 || d > 100 {
                return Err(invalid_form(&format!(
                    "{i}.description: Must be between 1 and 100 in length"
                )));
            }
        } else if name.is_empty() || name.chars().count() > 32 {
            return Err(invalid_form(&format!(
                "{i}.name: Must be between 1 and 32 in length"
            )));
        }
        if !names.insert((kind, name.to_owned())) {
            return Err(invalid_form(&format!(
                "{i}.name: Application command names must be unique ({name:?})"
            )));
        }
        let options = c
            .get("options")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        validate_options(&i.to_string(), &options)?;
    }
    Ok(())
}

// =============================================================================================
// Small helpers
// =============================================================================================

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn timestamp_now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, false)
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A snowflake field that Discord serializes as a string (numbers accepted too).
fn id_field(v: &Value, key: &str) -> Option<u64> {
    match v.get(key)? {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

/// Parses a request/response body: JSON, multipart (payload_json + files), or raw text.
fn parse_body(content_type: Option<&str>, bytes: &[u8]) -> (Value, Vec<RecordedAttachment>) {
    if let Some(boundary) = content_type
        .filter(|ct| ct.to_ascii_lowercase().starts_with("multipart/"))
        .and_then(|ct| {
            ct.split(';')
                .find_map(|p| p.trim().strip_prefix("boundary="))
        })
    {
        let boundary = boundary.trim_matches('"');
        let mut body = Value::Null;
        let mut files = Vec::new();
        for part in multipart_parts(bytes, boundary) {
            match (&part.filename, part.name.as_str()) {
                (None, "payload_json") => {
                    body = serde_json::from_slice(&part.data).unwrap_or_else(|_| {
                        Value::String(String::from_utf8_lossy(&part.data).into_owned())
                    });
                }
                (Some(filename), _) => files.push(RecordedAttachment {
                    field: part.name.clone(),
                    filename: filename.clone(),
                    content_type: part.content_type.clone(),
                    size: part.data.len(),
                    data: part.data.clone(),
                }),
                (None, _) => {}
            }
        }
        return (body, files);
    }
    if bytes.is_empty() {
        return (Value::Null, Vec::new());
    }
    let body = serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()));
    (body, Vec::new())
}

struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    data: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (from..=haystack.len() - needle.len()).find(|&i| &haystack[i..i + needle.len()] == needle)
}

fn multipart_parts(body: &[u8], boundary: &str) -> Vec<Part> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    let Some(mut pos) = find(body, &delimiter, 0) else {
        return parts;
    };
    loop {
        let start = pos + delimiter.len();
        if body[start..].starts_with(b"--") {
            break; // closing delimiter
        }
        let Some(next) = find(body, &delimiter, start) else {
            break;
        };
        let mut chunk = &body[start..next];
        chunk = chunk.strip_prefix(b"\r\n").unwrap_or(chunk);
        chunk = chunk.strip_suffix(b"\r\n").unwrap_or(chunk);
        if let Some(split) = find(chunk, b"\r\n\r\n", 0) {
            let head = String::from_utf8_lossy(&chunk[..split]).into_owned();
            let data = chunk[split + 4..].to_vec();
            let mut name = String::new();
            let mut filename = None;
            let mut content_type = None;
            for line in head.split("\r\n") {
                let lower = line.to_ascii_lowercase();
                if lower.starts_with("content-disposition:") {
                    for attr in line.split(';').skip(1) {
                        let attr = attr.trim();
                        if let Some(v) = attr.strip_prefix("name=") {
                            name = v.trim_matches('"').to_owned();
                        } else if let Some(v) = attr.strip_prefix("filename=") {
                            filename = Some(v.trim_matches('"').to_owned());
                        }
                    }
                } else if lower.starts_with("content-type:") {
                    content_type = Some(line["content-type:".len()..].trim().to_owned());
                }
            }
            parts.push(Part {
                name,
                filename,
                content_type,
                data,
            });
        }
        pos = next;
    }
    parts
}

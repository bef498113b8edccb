//! The HTTP door: Discord's "interactions endpoint URL", served with axum.
//!
//! Discord POSTs every interaction to `POST /interactions`, signed with the
//! application's Ed25519 key. The door checks, in this order, and nothing
//! refused ever reaches the core:
//!
//! 0. a declared `Content-Length` over [`MAX_BODY`] is refused at once with
//!    **413**, before a byte of the body is read; the body must then arrive
//!    whole, at most [`MAX_BODY`] bytes (else **413**), within
//!    [`BODY_DEADLINE`] (else **408**). A stranger who opens connections and
//!    stalls mid-body therefore holds nothing for long, and no slot at all;
//! 1. fewer than `HTTP_MAX_IN_FLIGHT` interactions are being handled, else
//!    **503** with `Retry-After: 1` (load shedding). The permit is taken only
//!    once the body is in hand (taken earlier, stalled bodies could hold
//!    every slot), and before the signature is checked, because
//!    shedding must cost next to nothing: under a burst far above what the
//!    machine serves, verifying an Ed25519 signature on every request is
//!    itself the work to shed. A request shed is one Discord sees fail at
//!    once (and the learner may retry), instead of one that, queued, would
//!    miss Discord's 3 seconds anyway while making everyone behind it miss
//!    them too;
//! 2. `X-Signature-Ed25519` and `X-Signature-Timestamp` are present and the
//!    signature over `timestamp ++ body` verifies against
//!    `DISCORD_PUBLIC_KEY`, else **401** (Discord itself probes the endpoint
//!    with bad signatures and expects 401);
//! 3. the signed timestamp is at most [`TIMESTAMP_WINDOW`] old and at most
//!    [`FUTURE_SKEW`] ahead of our clock, else **401** (a stale request, or
//!    one signed "in the future" to live longer than the window);
//! 4. the body is an interaction, else **400**;
//! 5. this process has not seen the interaction's id in the last
//!    [`TIMESTAMP_WINDOW`], else **409** (a replay). The same signature
//!    means the same body, so the same id: one check covers both. The cache
//!    is per process and bounded ([`REPLAY_CAPACITY`] ids, oldest forgotten
//!    first). It is only the fast path: across instances and restarts, the
//!    store records each handled interaction in the same statement as its
//!    effect and keeps it for an hour (`store::HANDLED_KEEP`), far past the
//!    last moment a signed request is accepted (its timestamp plus the
//!    window), so a request replayed anywhere, any time it is accepted,
//!    changes nothing.
//!
//! What happens next is shared with the gateway door and lives in
//! [`super::discord`]: the core has [`ANSWER_DEADLINE`] to answer
//! ([`answer_within`]), so no answer misses Discord's 3 seconds because the
//! database is slow (the core's own per-learner throttle answers a learner
//! who floods it before anything reaches the store); work that outlives the
//! answer goes through REST ([`DiscordFollowup`]) once [`after_answer`]'s
//! gate opens. Here that gate opens when the response body has been
//! written: the answer is inline, so before that Discord has no original
//! message to edit. A graceful shutdown waits for that work too.
//!
//! PING gets PONG (`{"type":1}`, answered by the door: it is protocol) and
//! everything else the core's answer, inline, as JSON.
//!
//! Connections are served with a header timeout (which is also the idle
//! keep-alive timeout), small buffers and a cap on open connections
//! ([`super::server`]). `GET /healthz` and `GET /metrics` are not on this
//! public address: they are served on `OPS_ADDR` ([`super::ops`]),
//! loopback by default.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use secrecy::{ExposeSecret, SecretString};
use serenity::all::Interaction;
use serenity::http::Http;
use serenity::interactions_endpoint::Verifier;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::discord::{
    after_answer, answer_within, discord_http, DiscordFollowup, SeenIds, Tracker, ANSWER_DEADLINE,
    FOLLOWUP_GRACE,
};
use super::ops::{bind, ops_router, OpsServer};
use super::server::{self, ServeLimits};
use crate::core::{Core, Followup};
use crate::metrics::{Kind, Metrics, Rejection};
use crate::settings::{ConfigError, Settings};

/// The largest body accepted. A component click carries the whole message
/// it sits on; ours are at most 2000 characters of content, one embed of at
/// most 6000 and 25 buttons: about 40 KB in the worst case of 4-byte
/// characters. 128 KiB leaves room and bounds what one request can cost.
pub const MAX_BODY: usize = 128 * 1024;

/// How far the signed timestamp may be from our clock (either way), and how
/// long an interaction id is remembered against replays.
pub const TIMESTAMP_WINDOW: Duration = Duration::from_secs(5 * 60);

/// How many interaction ids each process remembers against replays. Under a
/// sustained load above `REPLAY_CAPACITY / TIMESTAMP_WINDOW` (≈ 660 per
/// second) the oldest are forgotten before their window ends.
pub const REPLAY_CAPACITY: usize = 200_000;

/// Default of `HTTP_MAX_IN_FLIGHT`: interactions the HTTP door handles at once.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 256;

/// How far ahead of our clock a signed timestamp may be: clocks drift a
/// little, but a request signed minutes "in the future" would outlive the
/// window.
pub const FUTURE_SKEW: Duration = Duration::from_secs(5);

/// How long a client may take to send a whole body once its headers are in:
/// Discord sends a few KB at once, so a body still missing after this is a
/// stalled (or hostile) connection, answered 408.
pub const BODY_DEADLINE: Duration = Duration::from_secs(5);

/// What the HTTP door needs besides the core. Built, and checked, before
/// anything starts.
#[derive(Clone)]
pub struct HttpOptions {
    pub verifier: Verifier,
    /// Used for follow-ups if set (Discord does not require it on the
    /// interaction webhook routes).
    pub token: Option<SecretString>,
    /// `DISCORD_API_BASE`: REST goes there (rate limiter off) instead of
    /// discord.com.
    pub api_base: Option<String>,
    /// `DISCORD_APPLICATION_ID`; learned from the first interaction if unset.
    pub application_id: Option<u64>,
    /// `HTTP_MAX_IN_FLIGHT`: interactions handled at once; more are shed
    /// with a 503 (at least 1).
    pub max_in_flight: usize,
    /// How long the core has to answer: [`ANSWER_DEADLINE`] (not a setting,
    /// as Discord's 3 seconds are not; tests change it).
    pub answer_deadline: Duration,
    /// How long a body may take to arrive: [`BODY_DEADLINE`] (tests change it).
    pub body_deadline: Duration,
    /// The public listener's connection limits (`HTTP_HEADER_TIMEOUT_SECS`,
    /// `HTTP_MAX_CONNECTIONS`).
    pub serve_limits: ServeLimits,
    /// `OPS_ADDR`: where `/healthz` and `/metrics` are served (`None`: nowhere).
    pub ops_addr: Option<SocketAddr>,
}

impl std::fmt::Debug for HttpOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpOptions")
            .field("token", &self.token.as_ref().map(|_| "[REDACTED]"))
            .field("api_base", &self.api_base)
            .field("application_id", &self.application_id)
            .field("max_in_flight", &self.max_in_flight)
            .field("answer_deadline", &self.answer_deadline)
            .field("body_deadline", &self.body_deadline)
            .field("serve_limits", &self.serve_limits)
            .field("ops_addr", &self.ops_addr)
            .finish_non_exhaustive()
    }
}

impl HttpOptions {
    /// Options with this public key (hex, from the developer portal) and
    /// nothing else.
    pub fn new(public_key_hex: &str) -> anyhow::Result<Self> {
        Ok(HttpOptions {
            verifier: verifier(public_key_hex)?,
            token: None,
            api_base: None,
            application_id: None,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            answer_deadline: ANSWER_DEADLINE,
            body_deadline: BODY_DEADLINE,
            serve_limits: ServeLimits::default(),
            ops_addr: None,
        })
    }

    /// From the settings: fails with one line if `DISCORD_PUBLIC_KEY` is
    /// missing or not a valid key.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let d = &settings.discord;
        let Some(key) = d.public_key.as_deref() else {
            return Err(ConfigError::error(
                "DISCORD_PUBLIC_KEY is not set: copy the \"Public Key\" from your application's \
                 General Information page at https://discord.com/developers/applications",
            ));
        };
        Ok(HttpOptions {
            verifier: verifier(key)?,
            token: d.token.clone(),
            api_base: d.api_base.clone(),
            application_id: d.application_id,
            max_in_flight: settings.http_max_in_flight,
            answer_deadline: ANSWER_DEADLINE,
            body_deadline: BODY_DEADLINE,
            serve_limits: ServeLimits::from_settings(settings),
            ops_addr: settings.ops_addr,
        })
    }
}

fn verifier(public_key_hex: &str) -> anyhow::Result<Verifier> {
    let bytes = hex::decode(public_key_hex.trim()).ok();
    let key: Option<[u8; 32]> = bytes.and_then(|b| b.try_into().ok());
    let Some(key) = key else {
        return Err(ConfigError::error(format!(
            "DISCORD_PUBLIC_KEY must be 64 hex digits (the \"Public Key\" of your application), \
             got {} characters",
            public_key_hex.trim().len()
        )));
    };
    Verifier::try_new(key).map_err(|e| {
        ConfigError::error(format!(
            "DISCORD_PUBLIC_KEY is not a valid Ed25519 key: {e}"
        ))
    })
}

/// The HTTP door: the core plus what checking and answering need.
pub struct HttpDoor {
    core: Core,
    verifier: Verifier,
    http: Arc<Http>,
    followup: Arc<dyn Followup>,
    metrics: Arc<Metrics>,
    seen: SeenIds,
    followups: Arc<Tracker>,
    /// One permit per interaction being handled (`HTTP_MAX_IN_FLIGHT`).
    in_flight: Semaphore,
    answer_deadline: Duration,
    body_deadline: Duration,
}

impl HttpDoor {
    pub fn new(core: Core, options: HttpOptions) -> Self {
        let token = options
            .token
            .as_ref()
            .map(|t| t.expose_secret().to_owned())
            .unwrap_or_default();
        let http = Arc::new(discord_http(
            &token,
            options.api_base.as_deref(),
            options.application_id,
        ));
        HttpDoor {
            core,
            verifier: options.verifier,
            followup: Arc::new(DiscordFollowup {
                http: Arc::clone(&http),
            }),
            http,
            metrics: Arc::new(Metrics::new()),
            seen: SeenIds::new(TIMESTAMP_WINDOW, REPLAY_CAPACITY),
            followups: Tracker::new(),
            in_flight: Semaphore::new(options.max_in_flight.clamp(1, Semaphore::MAX_PERMITS)),
            answer_deadline: options.answer_deadline,
            body_deadline: options.body_deadline,
        }
    }

    /// Work the core still does after its answers (demos running).
    pub fn followups(&self) -> &Arc<Tracker> {
        &self.followups
    }

    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// `GET /healthz` and `GET /metrics` for this door, to serve on
    /// `OPS_ADDR`.
    pub fn ops_router(&self) -> Router {
        ops_router(self.core.clone(), Arc::clone(&self.metrics), None)
    }

    /// How the door reaches Discord after an inline answer (ungated).
    pub fn followup(&self) -> Arc<dyn Followup> {
        Arc::clone(&self.followup)
    }

    /// Checks a request and, if it passes, answers it through the core.
    async fn answer(&self, headers: &HeaderMap, body: &[u8]) -> Response {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let (Some(signature), Some(timestamp)) = (
            header("x-signature-ed25519"),
            header("x-signature-timestamp"),
        ) else {
            return self.refuse(Rejection::BadSignature);
        };
        if self.verifier.verify(signature, timestamp, body).is_err() {
            return self.refuse(Rejection::BadSignature);
        }
        if !fresh(timestamp, SystemTime::now()) {
            return self.refuse(Rejection::Stale);
        }
        let interaction: Interaction = match serde_json::from_slice(body) {
            Ok(i) => i,
            Err(e) => {
                tracing::info!(error = %e, "refused a body that is not an interaction");
                return self.refuse(Rejection::Malformed);
            }
        };
        let id = interaction.id().get();
        if !self.seen.first_time(id) {
            tracing::info!(interaction = id, "refused a replayed interaction");
            self.metrics.duplicate();
            return self.refuse(Rejection::Replay);
        }
        // Every verified interaction is for our application: webhook calls
        // need its id, which Discord only tells us here.
        if self.http.application_id().is_none() {
            self.http.set_application_id(interaction.application_id());
        }
        let kind = Kind::of(&interaction);
        let started = Instant::now();
        if kind == Kind::Ping {
            // Protocol, not a learner's question: Discord checks the
            // endpoint with it. Exactly `{"type":1}` (serenity's `Pong`
            // serializes with `"data": null`).
            self.metrics
                .interaction(kind, crate::core::Outcome::Ok, started.elapsed());
            return axum::Json(serde_json::json!({ "type": 1 })).into_response();
        }
        let _gauge = self.metrics.in_flight();
        let (followup, answered) = after_answer(self.followup(), &self.followups);
        let answer = answer_within(
            &self.core,
            &interaction,
            Arc::clone(&followup) as Arc<dyn Followup>,
            self.answer_deadline,
        )
        .await;
        let json = match serde_json::to_vec(&answer.response) {
            Ok(json) => json,
            Err(e) => {
                tracing::error!(error = %e, "an answer did not serialize");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        self.metrics
            .interaction(kind, answer.outcome, started.elapsed());
        let len = json.len();
        let body = if Arc::strong_count(&followup) == 1 {
            // The core kept nothing for later: nothing to hold back.
            drop(answered);
            Body::from(json)
        } else {
            // Work continues after this answer: its calls wait until the
            // body has been written (hyper drops the body then).
            let chunk = futures::stream::iter([Ok::<_, Infallible>(Bytes::from(json))]);
            Body::from_stream(futures::StreamExt::map(chunk, move |c| {
                let _held = &answered;
                c
            }))
        };
        let mut response = Response::new(body);
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/json"),
        );
        headers.insert(header::CONTENT_LENGTH, len.into());
        response
    }

    fn refuse(&self, why: Rejection) -> Response {
        self.metrics.rejected(why);
        let (status, text) = match why {
            Rejection::Overloaded => {
                // Discord shows the learner "this interaction failed" and
                // they may click again; a proxy in front may retry by itself.
                // Either way, a second later a slot is likely free: answers
                // take milliseconds, and at most `answer_deadline`.
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::RETRY_AFTER, "1")],
                    "overloaded, try again in a second",
                )
                    .into_response();
            }
            Rejection::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "request body too large"),
            Rejection::BadSignature => (StatusCode::UNAUTHORIZED, "invalid request signature"),
            Rejection::Stale => (StatusCode::UNAUTHORIZED, "stale request timestamp"),
            Rejection::Replay => (StatusCode::CONFLICT, "interaction already received"),
            Rejection::Malformed => (StatusCode::BAD_REQUEST, "not an interaction"),
            Rejection::SlowBody => (StatusCode::REQUEST_TIMEOUT, "request body too slow"),
        };
        (status, text).into_response()
    }
}

/// Whether a signed timestamp (Unix seconds) is at most
/// [`TIMESTAMP_WINDOW`] before `now` and at most [`FUTURE_SKEW`] after it.
fn fresh(timestamp: &str, now: SystemTime) -> bool {
    let Ok(signed) = timestamp.trim().parse::<u64>() else {
        return false;
    };
    let now = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    if signed > now {
        signed - now <= FUTURE_SKEW.as_secs()
    } else {
        now - signed <= TIMESTAMP_WINDOW.as_secs()
    }
}

/// `POST /interactions`: steps 0 to 2 of the module docs, then the answer.
async fn interactions(State(door): State<Arc<HttpDoor>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    // A declared length over the limit is refused before a byte is read.
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > MAX_BODY as u64) {
        return door.refuse(Rejection::TooLarge);
    }
    let body = match tokio::time::timeout(door.body_deadline, axum::body::to_bytes(body, MAX_BODY))
        .await
    {
        Ok(Ok(body)) => body,
        Ok(Err(e)) => {
            // `to_bytes` stops at the limit (a body longer than declared, or
            // chunked); anything else is a broken connection.
            let too_large = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            if too_large {
                return door.refuse(Rejection::TooLarge);
            }
            tracing::info!(error = %e, "refused an unreadable body");
            return door.refuse(Rejection::Malformed);
        }
        Err(_) => {
            tracing::debug!("refused a body that did not arrive in time");
            return door.refuse(Rejection::SlowBody);
        }
    };
    // The permit is taken only with the body in hand, so a stranger holding
    // connections open with unfinished bodies occupies no slot.
    let Ok(_permit) = door.in_flight.try_acquire() else {
        tracing::debug!("shed a request: HTTP_MAX_IN_FLIGHT reached");
        return door.refuse(Rejection::Overloaded);
    };
    door.answer(&parts.headers, &body).await
}

/// `POST /interactions`: the public address's only route.
pub fn router(door: Arc<HttpDoor>) -> Router {
    Router::new()
        .route("/interactions", post(interactions))
        // The handler reads the body itself, with its own limit and deadline.
        .layer(DefaultBodyLimit::disable())
        .with_state(door)
}

/// Serves the door on `listener` under `limits` until `shutdown`
/// (connections are counted in the door's metrics).
pub async fn serve(
    door: Arc<HttpDoor>,
    listener: TcpListener,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let metrics = Arc::clone(&door.metrics);
    server::serve(listener, router(door), shutdown, limits, metrics).await
}

/// `tutorbot http`: serves the door on `addr` until `shutdown`; requests in
/// flight, and work the core does after its answers (demos), finish first. Prints `listening on http://ADDR` to stdout once it
/// accepts connections (scripts and tests wait for that line). The caller
/// closes the pool afterwards.
pub async fn run(
    core: Core,
    options: HttpOptions,
    addr: SocketAddr,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let listener = bind(addr, "HTTP_ADDR").await?;
    let local = listener.local_addr()?;
    let limits = options.serve_limits;
    let ops_addr = options.ops_addr;
    let door = Arc::new(HttpDoor::new(core, options));
    let ops = match ops_addr {
        Some(addr) => Some(
            OpsServer::start(door.ops_router(), addr, limits, Arc::clone(&door.metrics)).await?,
        ),
        None => None,
    };
    tracing::info!(addr = %local, "HTTP door listening: POST /interactions");
    println!("listening on http://{local}");
    let served = serve(Arc::clone(&door), listener, limits, shutdown).await;
    if let Some(ops) = ops {
        ops.stop().await;
    }
    served.context("serving HTTP")?;
    let running = door.followups().counts().in_flight;
    if running > 0 {
        tracing::info!(running, "waiting for work after answers (demos)");
    }
    if !door.followups().idle(FOLLOWUP_GRACE).await {
        tracing::warn!(
            "work after answers still running after {FOLLOWUP_GRACE:?}; stopping anyway"
        );
    }
    tracing::info!("HTTP door stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timestamp_is_fresh_five_minutes_back_and_five_seconds_ahead() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert!(fresh("1700000000", now));
        assert!(fresh("1699999700", now));
        assert!(fresh("1700000005", now));
        assert!(!fresh("1699999699", now));
        // Signed "in the future" to outlive the window: stale.
        assert!(!fresh("1700000006", now));
        assert!(!fresh("1700000300", now));
        assert!(!fresh("", now));
        assert!(!fresh("soon", now));
        assert!(!fresh("-5", now));
    }

    #[test]
    fn a_bad_public_key_is_one_clear_error() {
        let err = HttpOptions::new("abc").unwrap_err().to_string();
        assert!(err.contains("DISCORD_PUBLIC_KEY"), "{err}");
        let valid = "67c6bd767ca099e79efac9fcce4d2022a63bf7dea780e7f3d813f694c1597089";
        assert!(HttpOptions::new(valid).is_ok());
        assert!(
            HttpOptions::new(&format!(" {valid}\n")).is_ok(),
            "surrounding space is fine"
        );
        let err = Settings::from_lookup(|_| None)
            .map(|s| HttpOptions::from_settings(&s).unwrap_err().to_string())
            .unwrap();
        assert!(err.contains("DISCORD_PUBLIC_KEY is not set"), "{err}");
    }
}

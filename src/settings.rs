//! Typed settings, read once from the environment (and `.env`, via dotenvy).
//!
//! Every setting the bot knows is a field here and a line in `.env.example`.
//! Secrets (the database URL, which may carry a password, and the Discord
//! token) are [`SecretString`]s: their `Debug` prints `[REDACTED]`, and the
//! only way to read one is an explicit `expose_secret()`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use secrecy::{ExposeSecret, SecretString};

/// The machine default: the local Postgres with trust auth.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/tutorbot";

/// Where `/healthz` and `/metrics` live unless `OPS_ADDR` says otherwise.
pub const DEFAULT_OPS_ADDR: &str = "127.0.0.1:9090";

/// A setting is missing or wrong: the operator's to fix, not a failure of
/// ours. `main` exits with [`ConfigError::EXIT_CODE`] for it (and, with
/// `ON_CONFIG_ERROR=wait`, first waits to be stopped, so that a container's
/// restart policy does not print the same line in a loop).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl ConfigError {
    /// `EX_CONFIG` from sysexits.h: "something was found in an unconfigured
    /// or misconfigured state".
    pub const EXIT_CODE: u8 = 78;

    /// Wraps a message as an `anyhow::Error` that [`ConfigError::is_in`] finds.
    pub fn error(message: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(ConfigError(message.into()))
    }

    /// Whether an error (or any error in its chain) is a configuration error.
    pub fn is_in(error: &anyhow::Error) -> bool {
        error.chain().any(|e| e.is::<ConfigError>())
    }
}

/// All of tutorbot's settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DatabaseSettings,
    /// `PROMPTS_DIR`: an author's folder of lessons and texts, read instead
    /// of (never next to) the lessons built into the binary; `None` serves
    /// the built-in ones.
    pub prompts_dir: Option<PathBuf>,
    pub discord: DiscordSettings,
    /// `HTTP_ADDR`: where `tutorbot http` takes Discord's interactions
    /// (public: Discord must reach it).
    pub http_addr: SocketAddr,
    /// `OPS_ADDR`: where both Discord doors serve `/healthz` and `/metrics`;
    /// loopback by default, `off` for nowhere. Kept apart from the public
    /// address so that strangers can neither read the metrics nor spend
    /// the database's time on health checks.
    pub ops_addr: Option<SocketAddr>,
    /// `HTTP_HEADER_TIMEOUT_SECS`: how long a connection may take to send a
    /// request head, from when it opens or from its last answer (so also
    /// how long an idle keep-alive connection stays open).
    pub http_header_timeout: Duration,
    /// `HTTP_MAX_CONNECTIONS`: open connections per listener; at the cap
    /// the connection idle the longest is closed to make room.
    pub http_max_connections: usize,
    /// `HTTP_MAX_IN_FLIGHT`: interactions the HTTP door handles at once;
    /// over it, a request is answered 503 at once (load shedding).
    pub http_max_in_flight: usize,
    pub gateway: GatewaySettings,
    pub demo: DemoSettings,
    pub learner: LearnerSettings,
    /// `REMINDERS` (`on` or `off`, default on): whether this process runs
    /// the daily review reminders (`tutorbot serve` and `tutorbot http`).
    /// Any number of processes may: they share the work through Postgres.
    pub reminders: bool,
    /// How a process's reminder scheduler claims and paces its work
    /// (`REMINDER_*`).
    pub reminder: crate::schedule::ReminderConfig,
    /// The lab's sandbox and limits (`LAB_*`).
    pub lab: LabSettings,
    /// Server lesson packs (`/author`): caps and where uploads come from.
    pub packs: PackSettings,
}

/// Server lesson packs: what an upload may be, where it may be fetched
/// from, and how often an instance checks for other instances' publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackSettings {
    /// `PACK_DOWNLOAD_MAX_BYTES`, `PACK_UNPACKED_MAX_BYTES`,
    /// `PACK_FILES_MAX`, `PACK_LESSONS_MAX` and `PACK_SERVER_MAX_BYTES`
    /// (lessons, and bytes of their sources, one server serves).
    pub limits: crate::content::pack::PackLimits,
    /// `ATTACHMENT_HOSTS`: the only hosts an upload is fetched from
    /// (comma-separated; Discord's attachment hosts by default).
    pub attachment_hosts: Vec<String>,
    /// `PACK_CHECK_SECS`: how often each instance compares every server's
    /// pack generation with its own, behind LISTEN/NOTIFY.
    pub check_every: Duration,
    /// `PACK_MAX_VERSIONS`: how many stored versions of each lesson a
    /// server keeps; a publish deletes those past the newest this many,
    /// never the one served.
    pub versions_kept: usize,
}

/// How many versions of a lesson a server keeps by default.
pub const DEFAULT_VERSIONS_KEPT: usize = 20;

/// Discord's attachment hosts.
pub const DEFAULT_ATTACHMENT_HOSTS: &str = "cdn.discordapp.com,media.discordapp.net";

impl Default for PackSettings {
    fn default() -> Self {
        PackSettings {
            limits: crate::content::pack::PackLimits::default(),
            attachment_hosts: hosts(DEFAULT_ATTACHMENT_HOSTS),
            check_every: Duration::from_secs(10),
            versions_kept: DEFAULT_VERSIONS_KEPT,
        }
    }
}

/// A comma-separated list of host names, lowercased.
fn hosts(list: &str) -> Vec<String> {
    list.split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect()
}

/// The lab (`/run`, `/exercise`): where its runtime is, its limits, its
/// capacity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabSettings {
    pub config: crate::lab::LabConfig,
    /// `LAB_MAX_RUNNING`: sandboxes at once (default: the number of cores).
    pub max_running: usize,
    /// `LAB_MAX_QUEUED`: runs waiting for a sandbox; past it, "busy".
    pub max_queued: usize,
}

/// The gateway door's own limits (`tutorbot serve`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GatewaySettings {
    /// `GATEWAY_MAX_IN_FLIGHT`: interactions handled at once; over it, the
    /// learner is answered "busy, try again" at once.
    pub max_in_flight: usize,
    /// `GATEWAY_UNHEALTHY_AFTER_SECS`: how long a shard may be disconnected
    /// before `/healthz` answers 503.
    pub unhealthy_after: Duration,
}

/// The per-learner throttle (`LEARNER_BURST`, `LEARNER_RATE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LearnerSettings {
    /// Interactions one learner may send at once, after a rest.
    pub burst: u32,
    /// Interactions a second refilled; 0 turns the throttle off.
    pub rate: u32,
}

#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    pub url: SecretString,
    pub max_connections: u32,
    /// How long a request waits for a connection before it gives up: short
    /// enough that a learner is answered within Discord's 3 seconds.
    pub acquire_timeout: Duration,
}

#[derive(Debug, Clone, Default)]
pub struct DiscordSettings {
    pub token: Option<SecretString>,
    pub application_id: Option<u64>,
    /// Hex Ed25519 public key from the developer portal (not a secret).
    pub public_key: Option<String>,
    /// Register commands here on start (instant, for testing a server).
    pub guild_id: Option<u64>,
    /// Send REST calls here instead of discord.com (a shared rate-limit proxy).
    pub api_base: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DemoSettings {
    /// Fetch this instead of the built-in loopback target. Operator only.
    pub target: Option<String>,
    pub max_n: u32,
    pub delay: Duration,
    pub cooldown: Duration,
    /// Fetches in flight across every learner at once.
    pub max_in_flight: u32,
}

impl Settings {
    /// Reads `.env` (if any) and then the environment. Call once, at start.
    pub fn load() -> anyhow::Result<Self> {
        Self::read_env_file()?;
        let settings = Self::from_lookup(|key| std::env::var(key).ok())
            .map_err(|e| ConfigError::error(format!("{e:#}")))?;
        settings.register_secrets();
        Ok(settings)
    }

    /// Reads `.env` (if any) into the environment, never overriding what is
    /// already set. Done before logging starts, so `RUST_LOG` there counts;
    /// reading it again is harmless.
    pub fn read_env_file() -> anyhow::Result<()> {
        // A missing .env is normal; a broken one is worth stopping for.
        match dotenvy::dotenv() {
            Ok(_) => Ok(()),
            Err(e) if e.not_found() => Ok(()),
            Err(e) => Err(ConfigError::error(format!("reading .env: {e}"))),
        }
    }

    /// Tells the log writer ([`crate::redact`]) which strings never to
    /// print: the bot token and the database password.
    pub fn register_secrets(&self) {
        if let Some(token) = &self.discord.token {
            crate::redact::register_secret(token.expose_secret());
        }
        if let Some(password) = password_of(self.database.url.expose_secret()) {
            crate::redact::register_secret(password);
        }
    }

    /// Builds settings from any key lookup (the environment, or a test's map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let get = |key: &str| get(key).filter(|v| !v.trim().is_empty());
        let parse = |key: &str, default: u64| -> anyhow::Result<u64> {
            match get(key) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse()
                    .with_context(|| format!("{key} must be a whole number, got {v:?}")),
            }
        };
        let optional_id = |key: &str| -> anyhow::Result<Option<u64>> {
            get(key)
                .map(|v| {
                    v.trim()
                        .parse::<u64>()
                        .with_context(|| format!("{key} must be a Discord id (digits), got {v:?}"))
                })
                .transpose()
        };

        let max_n = parse("DEMO_MAX_N", crate::demo::DEFAULT_MAX_N as u64)?;
        if !(1..=1000).contains(&max_n) {
            bail!("DEMO_MAX_N must be between 1 and 1000, got {max_n}");
        }
        let http_addr = get("HTTP_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into());
        let ops_addr = get("OPS_ADDR").unwrap_or_else(|| DEFAULT_OPS_ADDR.into());
        let ops_addr =
            if ops_addr.trim().eq_ignore_ascii_case("off") {
                None
            } else {
                Some(ops_addr.trim().parse().with_context(|| {
                    format!("OPS_ADDR must be host:port or off, got {ops_addr:?}")
                })?)
            };
        let header_timeout = parse("HTTP_HEADER_TIMEOUT_SECS", 10)?;
        if !(1..=300).contains(&header_timeout) {
            bail!("HTTP_HEADER_TIMEOUT_SECS must be between 1 and 300, got {header_timeout}");
        }
        let max_connections = parse("HTTP_MAX_CONNECTIONS", 2048)?;
        if !(1..=1_000_000).contains(&max_connections) {
            bail!("HTTP_MAX_CONNECTIONS must be between 1 and 1000000, got {max_connections}");
        }
        let http_max_in_flight = parse("HTTP_MAX_IN_FLIGHT", 256)?;
        if !(1..=1_000_000).contains(&http_max_in_flight) {
            bail!("HTTP_MAX_IN_FLIGHT must be between 1 and 1000000, got {http_max_in_flight}");
        }
        let gateway_max_in_flight = parse("GATEWAY_MAX_IN_FLIGHT", 256)?;
        if !(1..=1_000_000).contains(&gateway_max_in_flight) {
            bail!(
                "GATEWAY_MAX_IN_FLIGHT must be between 1 and 1000000, got {gateway_max_in_flight}"
            );
        }
        let unhealthy_after = parse("GATEWAY_UNHEALTHY_AFTER_SECS", 60)?;
        if !(1..=86_400).contains(&unhealthy_after) {
            bail!(
                "GATEWAY_UNHEALTHY_AFTER_SECS must be between 1 and 86400, got {unhealthy_after}"
            );
        }
        let burst = parse("LEARNER_BURST", 20)?;
        if !(1..=10_000).contains(&burst) {
            bail!("LEARNER_BURST must be between 1 and 10000, got {burst}");
        }
        let rate = parse("LEARNER_RATE", 5)?;
        if rate > 10_000 {
            bail!("LEARNER_RATE must be between 0 (no throttle) and 10000 a second, got {rate}");
        }
        let database_timeout = parse("DATABASE_TIMEOUT_MS", 2000)?;
        if !(100..=10_000).contains(&database_timeout) {
            bail!("DATABASE_TIMEOUT_MS must be between 100 and 10000, got {database_timeout}");
        }
        let reminders = match get("REMINDERS").as_deref().map(str::trim) {
            None | Some("on") => true,
            Some("off") => false,
            Some(other) => bail!("REMINDERS must be on or off, got {other:?}"),
        };
        let lab = lab_settings(&get, &parse)?;
        let packs = pack_settings(&get, &parse)?;
        let reminder = reminder_settings(&parse)?;
        Ok(Settings {
            lab,
            packs,
            reminders,
            reminder,
            database: DatabaseSettings {
                url: SecretString::from(
                    get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
                ),
                max_connections: parse("DATABASE_MAX_CONNECTIONS", 10)?.clamp(1, 200) as u32,
                acquire_timeout: Duration::from_millis(database_timeout),
            },
            prompts_dir: get("PROMPTS_DIR")
                .filter(|d| !d.trim().is_empty())
                .map(PathBuf::from),
            discord: DiscordSettings {
                token: get("DISCORD_TOKEN").map(SecretString::from),
                application_id: optional_id("DISCORD_APPLICATION_ID")?,
                public_key: get("DISCORD_PUBLIC_KEY"),
                guild_id: optional_id("DISCORD_GUILD_ID")?,
                api_base: get("DISCORD_API_BASE"),
            },
            http_addr: http_addr
                .parse()
                .with_context(|| format!("HTTP_ADDR must be host:port, got {http_addr:?}"))?,
            ops_addr,
            http_header_timeout: Duration::from_secs(header_timeout),
            http_max_connections: max_connections as usize,
            http_max_in_flight: http_max_in_flight as usize,
            gateway: GatewaySettings {
                max_in_flight: gateway_max_in_flight as usize,
                unhealthy_after: Duration::from_secs(unhealthy_after),
            },
            demo: DemoSettings {
                target: get("DEMO_TARGET"),
                max_n: max_n as u32,
                delay: Duration::from_millis(parse("DEMO_DELAY_MS", 500)?.clamp(1, 10_000)),
                cooldown: Duration::from_secs(parse("DEMO_COOLDOWN_SECS", 5)?),
                max_in_flight: parse("DEMO_MAX_IN_FLIGHT", 200)?.max(1) as u32,
            },
            learner: LearnerSettings {
                burst: burst as u32,
                rate: rate as u32,
            },
        })
    }
}

/// The `PACK_*` settings and `ATTACHMENT_HOSTS`, each checked and named in
/// its error.
fn pack_settings(
    get: &impl Fn(&str) -> Option<String>,
    parse: &impl Fn(&str, u64) -> anyhow::Result<u64>,
) -> anyhow::Result<PackSettings> {
    use crate::content::pack::MIB;
    let d = PackSettings::default();
    let within = |key: &str, default: u64, lo: u64, hi: u64| -> anyhow::Result<u64> {
        let v = parse(key, default)?;
        if !(lo..=hi).contains(&v) {
            bail!("{key} must be between {lo} and {hi}, got {v}");
        }
        Ok(v)
    };
    let limits = crate::content::pack::PackLimits {
        download_max: within(
            "PACK_DOWNLOAD_MAX_BYTES",
            d.limits.download_max,
            1024,
            25 * MIB,
        )?,
        unpacked_max: within(
            "PACK_UNPACKED_MAX_BYTES",
            d.limits.unpacked_max,
            1024,
            64 * MIB,
        )?,
        files_max: within("PACK_FILES_MAX", d.limits.files_max as u64, 1, 1000)? as usize,
        lessons_max: within("PACK_LESSONS_MAX", d.limits.lessons_max as u64, 1, 200)? as usize,
        server_max: within(
            "PACK_SERVER_MAX_BYTES",
            d.limits.server_max,
            1024,
            1024 * MIB,
        )?,
    };
    let attachment_hosts = match get("ATTACHMENT_HOSTS") {
        Some(list) => hosts(&list),
        None => d.attachment_hosts,
    };
    if attachment_hosts.is_empty() {
        bail!("ATTACHMENT_HOSTS must name at least one host");
    }
    Ok(PackSettings {
        limits,
        attachment_hosts,
        check_every: Duration::from_secs(within("PACK_CHECK_SECS", 10, 1, 3600)?),
        versions_kept: within("PACK_MAX_VERSIONS", d.versions_kept as u64, 1, 1000)? as usize,
    })
}

/// The `LAB_*` settings, each checked and named in its error.
fn lab_settings(
    get: &impl Fn(&str) -> Option<String>,
    parse: &impl Fn(&str, u64) -> anyhow::Result<u64>,
) -> anyhow::Result<LabSettings> {
    use crate::lab::limits::MIB;
    let d = crate::lab::LabConfig::default();
    let l = d.limits;
    let within = |key: &str, default: u64, lo: u64, hi: u64| -> anyhow::Result<u64> {
        let v = parse(key, default)?;
        if !(lo..=hi).contains(&v) {
            bail!("{key} must be between {lo} and {hi}, got {v}");
        }
        Ok(v)
    };
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    let limits = crate::lab::LabLimits {
        cpu: Duration::from_secs(within("LAB_CPU_SECS", l.cpu.as_secs(), 1, 60)?),
        wall: Duration::from_secs(within("LAB_WALL_SECS", l.wall.as_secs(), 1, 120)?),
        memory_bytes: within("LAB_MEMORY_MIB", l.memory_bytes / MIB, 32, 4096)? * MIB,
        processes: within("LAB_PROCESSES", l.processes.into(), 4, 1000)? as u32,
        file_size_bytes: within("LAB_FILE_SIZE_MIB", l.file_size_bytes / MIB, 1, 1024)? * MIB,
        open_files: within("LAB_OPEN_FILES", l.open_files.into(), 16, 4096)? as u32,
        output_bytes: within("LAB_OUTPUT_BYTES", l.output_bytes as u64, 1000, 100_000_000)?
            as usize,
        tmp_bytes: within("LAB_TMP_MIB", l.tmp_bytes / MIB, 1, 1024)? * MIB,
    };
    Ok(LabSettings {
        config: crate::lab::LabConfig {
            python: get("LAB_PYTHON").map_or(d.python, PathBuf::from),
            bwrap: get("LAB_BWRAP").map_or(d.bwrap, PathBuf::from),
            init: get("LAB_INIT").map_or(d.init, PathBuf::from),
            uid: within("LAB_UID", d.uid.into(), 1, u32::MAX.into())? as u32,
            work_dir: d.work_dir,
            limits,
        },
        max_running: within("LAB_MAX_RUNNING", cores, 1, 256)? as usize,
        max_queued: within("LAB_MAX_QUEUED", 20, 0, 10_000)? as usize,
    })
}

/// The `REMINDER_*` settings: the scheduler's batch, claim, pace and round
/// interval, each checked and named in its error.
fn reminder_settings(
    parse: &impl Fn(&str, u64) -> anyhow::Result<u64>,
) -> anyhow::Result<crate::schedule::ReminderConfig> {
    let d = crate::schedule::ReminderConfig::default();
    let ms = |d: Duration| d.as_millis() as u64;
    let within = |key: &str, default: u64, lo: u64, hi: u64| -> anyhow::Result<u64> {
        let v = parse(key, default)?;
        if !(lo..=hi).contains(&v) {
            bail!("{key} must be between {lo} and {hi}, got {v}");
        }
        Ok(v)
    };
    let config = crate::schedule::ReminderConfig {
        batch: within("REMINDER_BATCH", d.batch as u64, 1, 1000)? as i64,
        claim: chrono::Duration::seconds(within(
            "REMINDER_CLAIM_SECS",
            d.claim.num_seconds() as u64,
            1,
            3600,
        )? as i64),
        pace: Duration::from_millis(within("REMINDER_PACE_MS", ms(d.pace), 0, 60_000)?),
        jitter: Duration::from_millis(within("REMINDER_JITTER_MS", ms(d.jitter), 0, 60_000)?),
        every: Duration::from_millis(within("REMINDER_EVERY_MS", ms(d.every), 10, 3_600_000)?),
    };
    // A claim that ran out while its round was still pacing sends would let
    // another process take rows this one is about to send: still one DM
    // each (the nonce), but twice the calls. Refuse it up front.
    let round = (config.pace + config.jitter) * config.batch as u32;
    if config.claim.to_std().unwrap_or_default() <= round {
        bail!(
            "REMINDER_CLAIM_SECS ({}) must outlast a round of REMINDER_BATCH sends paced by              REMINDER_PACE_MS + REMINDER_JITTER_MS (up to {} ms)",
            config.claim.num_seconds(),
            round.as_millis()
        );
    }
    Ok(config)
}

impl DatabaseSettings {
    /// `host:port/database` of the URL, for logs and errors: never the password.
    pub fn display_target(&self) -> String {
        redacted_target(self.url.expose_secret())
    }
}

/// The password of a Postgres URL (`postgres://user:password@host/db`), if any.
fn password_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let userinfo = rest.rsplit_once('@')?.0;
    let password = userinfo.split_once(':')?.1;
    (!password.is_empty()).then_some(password)
}

/// The host, port and database of a Postgres URL, without user or password.
pub fn redacted_target(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let rest = rest.split('?').next().unwrap_or(rest);
    if rest.is_empty() {
        "the local socket".into()
    } else {
        rest.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn ops_can_move_or_be_switched_off_and_bad_limits_are_named() {
        let s = settings(&[("OPS_ADDR", "0.0.0.0:9100")]).unwrap();
        assert_eq!(s.ops_addr.unwrap().to_string(), "0.0.0.0:9100");
        assert!(settings(&[("OPS_ADDR", "off")]).unwrap().ops_addr.is_none());
        for (key, value) in [
            ("OPS_ADDR", "nowhere"),
            ("HTTP_HEADER_TIMEOUT_SECS", "0"),
            ("HTTP_MAX_CONNECTIONS", "0"),
            ("DATABASE_TIMEOUT_MS", "0"),
            ("DATABASE_TIMEOUT_MS", "60000"),
        ] {
            let err = settings(&[(key, value)]).unwrap_err().to_string();
            assert!(err.contains(key), "{err}");
        }
    }

    #[test]
    fn the_password_of_a_database_url_is_found_to_be_kept_out_of_logs() {
        assert_eq!(password_of("postgres://u:s3cret@h:5432/db"), Some("s3cret"));
        assert_eq!(password_of("postgres://u:p@ss@h/db"), Some("p@ss"));
        assert_eq!(password_of("postgres://u@h/db"), None);
        assert_eq!(password_of("postgres://h/db"), None);
        assert_eq!(password_of("nonsense"), None);
    }

    #[test]
    fn reminders_are_on_unless_switched_off_and_anything_else_is_refused() {
        assert!(settings(&[]).unwrap().reminders);
        assert!(!settings(&[("REMINDERS", "off")]).unwrap().reminders);
        let err = settings(&[("REMINDERS", "maybe")]).unwrap_err().to_string();
        assert!(err.contains("REMINDERS must be on or off"), "{err}");
    }

    #[test]
    fn reminder_pacing_defaults_to_the_schedulers_and_a_claim_must_outlast_a_round() {
        let d = crate::schedule::ReminderConfig::default();
        let s = settings(&[]).unwrap().reminder;
        assert_eq!(
            (s.batch, s.claim, s.pace, s.jitter, s.every),
            (d.batch, d.claim, d.pace, d.jitter, d.every)
        );
        let fast = settings(&[
            ("REMINDER_BATCH", "10"),
            ("REMINDER_CLAIM_SECS", "2"),
            ("REMINDER_PACE_MS", "40"),
            ("REMINDER_JITTER_MS", "0"),
            ("REMINDER_EVERY_MS", "100"),
        ])
        .unwrap()
        .reminder;
        assert_eq!(fast.batch, 10);
        assert_eq!(fast.claim, chrono::Duration::seconds(2));
        assert_eq!(fast.pace, Duration::from_millis(40));
        assert_eq!(fast.every, Duration::from_millis(100));
        for (key, value) in [
            ("REMINDER_BATCH", "0"),
            ("REMINDER_CLAIM_SECS", "0"),
            ("REMINDER_EVERY_MS", "1"),
            ("REMINDER_PACE_MS", "soon"),
        ] {
            let err = settings(&[(key, value)]).unwrap_err().to_string();
            assert!(err.contains(key), "{key}={value}: {err}");
        }
        // 100 sends at up to 500 ms each take 50 s: a 30 s claim is too short.
        let err = settings(&[("REMINDER_CLAIM_SECS", "30")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("must outlast a round"), "{err}");
    }

    #[test]
    fn defaults_need_no_environment_at_all() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.prompts_dir, None, "the built-in lessons");
        assert_eq!(s.http_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(s.ops_addr.unwrap().to_string(), DEFAULT_OPS_ADDR);
        assert_eq!(s.http_header_timeout, Duration::from_secs(10));
        assert_eq!(s.http_max_connections, 2048);
        assert_eq!(s.demo.max_n, 50);
        assert!(s.discord.token.is_none());
        assert_eq!(s.http_max_in_flight, 256);
        assert_eq!(
            s.gateway,
            GatewaySettings {
                max_in_flight: 256,
                unhealthy_after: Duration::from_secs(60)
            }
        );
        assert_eq!(s.learner, LearnerSettings { burst: 20, rate: 5 });
        assert_eq!(s.lab.config.limits, crate::lab::LabLimits::default());
        assert!(s.lab.max_running >= 1);
    }

    #[test]
    fn lab_limits_are_read_checked_and_named_in_the_error() {
        let s = settings(&[
            ("LAB_CPU_SECS", "2"),
            ("LAB_MEMORY_MIB", "128"),
            ("LAB_MAX_RUNNING", "3"),
            ("LAB_PYTHON", "/usr/bin/python3"),
        ])
        .unwrap();
        assert_eq!(s.lab.config.limits.cpu, Duration::from_secs(2));
        assert_eq!(s.lab.config.limits.memory_bytes, 128 * 1024 * 1024);
        assert_eq!(s.lab.max_running, 3);
        assert_eq!(s.lab.config.python, PathBuf::from("/usr/bin/python3"));
        for (key, value) in [
            ("LAB_CPU_SECS", "0"),
            ("LAB_WALL_SECS", "forever"),
            ("LAB_MEMORY_MIB", "1"),
            ("LAB_PROCESSES", "1"),
            ("LAB_MAX_RUNNING", "0"),
            ("LAB_UID", "0"),
        ] {
            let err = settings(&[(key, value)]).unwrap_err();
            assert!(format!("{err:#}").contains(key), "{key}={value}: {err:#}");
        }
    }

    #[test]
    fn flood_limits_are_checked_and_named_in_the_error() {
        for (key, value) in [
            ("HTTP_MAX_IN_FLIGHT", "0"),
            ("HTTP_MAX_IN_FLIGHT", "many"),
            ("LEARNER_BURST", "0"),
            ("LEARNER_BURST", "-1"),
            ("LEARNER_RATE", "10001"),
            ("LEARNER_RATE", "2.5"),
            ("GATEWAY_MAX_IN_FLIGHT", "0"),
            ("GATEWAY_UNHEALTHY_AFTER_SECS", "0"),
            ("GATEWAY_UNHEALTHY_AFTER_SECS", "soon"),
        ] {
            let err = settings(&[(key, value)]).unwrap_err();
            assert!(format!("{err:#}").contains(key), "{key}={value}: {err:#}");
        }
        let s = settings(&[
            ("HTTP_MAX_IN_FLIGHT", "1"),
            ("LEARNER_BURST", "3"),
            ("LEARNER_RATE", "0"),
        ])
        .unwrap();
        assert_eq!(s.http_max_in_flight, 1);
        assert_eq!(s.learner, LearnerSettings { burst: 3, rate: 0 });
    }

    #[test]
    fn debug_output_never_shows_the_token_or_the_database_password() {
        let s = settings(&[
            ("DISCORD_TOKEN", "very-secret-token"),
            ("DATABASE_URL", "postgres://bot:hunter2@db:5432/tutorbot"),
        ])
        .unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("very-secret-token"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(s.database.display_target(), "db:5432/tutorbot");
    }

    #[test]
    fn pack_caps_and_attachment_hosts_are_read_and_checked() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.packs, PackSettings::default());
        assert_eq!(
            s.packs.attachment_hosts,
            vec!["cdn.discordapp.com", "media.discordapp.net"]
        );
        let s = settings(&[
            ("ATTACHMENT_HOSTS", " 127.0.0.1 , Example.org"),
            ("PACK_FILES_MAX", "10"),
            ("PACK_MAX_VERSIONS", "3"),
        ])
        .unwrap();
        assert_eq!(s.packs.attachment_hosts, vec!["127.0.0.1", "example.org"]);
        assert_eq!(s.packs.limits.files_max, 10);
        assert_eq!(s.packs.versions_kept, 3);
        let err = settings(&[("PACK_UNPACKED_MAX_BYTES", "1")]).unwrap_err();
        assert!(err.to_string().contains("PACK_UNPACKED_MAX_BYTES"), "{err}");
        let err = settings(&[("ATTACHMENT_HOSTS", " , ")]).unwrap_err();
        assert!(err.to_string().contains("ATTACHMENT_HOSTS"), "{err}");
    }

    #[test]
    fn a_malformed_number_is_named_in_the_error() {
        let err = settings(&[("DISCORD_GUILD_ID", "abc")]).unwrap_err();
        assert!(err.to_string().contains("DISCORD_GUILD_ID"), "{err}");
        let err = settings(&[("DEMO_MAX_N", "0")]).unwrap_err();
        assert!(err.to_string().contains("DEMO_MAX_N"), "{err}");
    }
}

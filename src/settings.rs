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

/// All of tutorbot's settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DatabaseSettings,
    /// `PROMPTS_DIR`: an author's folder of lessons and texts, read instead
    /// of (never next to) the lessons built into the binary; `None` serves
    /// the built-in ones.
    pub prompts_dir: Option<PathBuf>,
    pub discord: DiscordSettings,
    /// Where `tutorbot http` listens, and where `/healthz` and `/metrics` live.
    pub http_addr: SocketAddr,
    /// `HTTP_MAX_IN_FLIGHT`: interactions the HTTP door handles at once;
    /// over it, a request is answered 503 at once (load shedding).
    pub http_max_in_flight: usize,
    pub gateway: GatewaySettings,
    pub demo: DemoSettings,
    pub learner: LearnerSettings,
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
        // A missing .env is normal; a broken one is worth stopping for.
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(e) if e.not_found() => {}
            Err(e) => return Err(e).context("reading .env"),
        }
        Self::from_lookup(|key| std::env::var(key).ok())
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
        Ok(Settings {
            database: DatabaseSettings {
                url: SecretString::from(
                    get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
                ),
                max_connections: parse("DATABASE_MAX_CONNECTIONS", 10)?.clamp(1, 200) as u32,
                acquire_timeout: Duration::from_millis(parse("DATABASE_TIMEOUT_MS", 2000)?),
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

impl DatabaseSettings {
    /// `host:port/database` of the URL, for logs and errors: never the password.
    pub fn display_target(&self) -> String {
        redacted_target(self.url.expose_secret())
    }
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
    fn defaults_need_no_environment_at_all() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.prompts_dir, None, "the built-in lessons");
        assert_eq!(s.http_addr.to_string(), "127.0.0.1:8080");
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
    fn a_malformed_number_is_named_in_the_error() {
        let err = settings(&[("DISCORD_GUILD_ID", "abc")]).unwrap_err();
        assert!(err.to_string().contains("DISCORD_GUILD_ID"), "{err}");
        let err = settings(&[("DEMO_MAX_N", "0")]).unwrap_err();
        assert!(err.to_string().contains("DEMO_MAX_N"), "{err}");
    }
}

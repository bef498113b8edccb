//! Logging start-up: which lines are kept, where they go, and in what colour.
//!
//! One small function, [`init`], sets the subscriber up for the whole
//! process, so that a layer (a filter, a redaction) has one place to go.
//! Call it after `.env` is read ([`crate::settings::Settings::read_env_file`]),
//! so that a `RUST_LOG` written there sets the level.
//!
//! - The Discord doors (and every other command) log at `info` to stderr,
//!   where an operator's service manager collects them.
//! - The console door's terminal is the learner's screen: no log line may
//!   land between two lessons. It logs at `warn` unless `RUST_LOG` says
//!   otherwise, to stderr only when stderr is not a terminal (piped, or
//!   redirected to a file), and otherwise to [`console_log_file`].
//!
//! Colour codes are written only to a terminal, and never when `NO_COLOR` is
//! set to anything (<https://no-color.org>): a log piped into a file or
//! another program stays plain text.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Mutex;

use tracing_subscriber::fmt::writer::BoxMakeWriter;

use crate::redact::Redacting;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

/// Which kind of command is logging: it decides the default level and
/// where the lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogDoor {
    /// `tutorbot console`: the terminal is the learner's.
    Console,
    /// Everything else (`serve`, `http`, `register`, `check`): stderr.
    Service,
}

/// The level when `RUST_LOG` is unset.
fn default_filter(door: LogDoor) -> &'static str {
    match door {
        LogDoor::Console => "warn",
        LogDoor::Service => "info,sqlx=warn",
    }
}

/// Where the console door's logs go when stderr is the learner's terminal:
/// `tutorbot-console.log` in the system's temporary folder.
pub fn console_log_file() -> PathBuf {
    std::env::temp_dir().join("tutorbot-console.log")
}

/// Whether colour may be written to a stream that `is_terminal` or not,
/// with `NO_COLOR` read by `no_color`.
pub fn colour_allowed(is_terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    is_terminal && no_color.map_or(true, |v| v.is_empty())
}

/// Starts logging for the process (a second call does nothing).
pub fn init(door: LogDoor) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter(door)));
    let stderr_is_terminal = std::io::stderr().is_terminal();
    let (writer, ansi) = match door {
        LogDoor::Console if stderr_is_terminal => match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(console_log_file())
        {
            Ok(file) => (BoxMakeWriter::new(Mutex::new(file)), false),
            // No file, no logs: still never on the learner's screen.
            Err(_) => (BoxMakeWriter::new(std::io::sink), false),
        },
        _ => (
            BoxMakeWriter::new(std::io::stderr),
            colour_allowed(stderr_is_terminal, std::env::var_os("NO_COLOR")),
        ),
    };
    // Every line through the redactor: no token or password is written,
    // whatever the filter lets through (see `crate::redact`).
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(Redacting::new(writer))
        .with_ansi(ansi);
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(fmt)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_needs_a_terminal_and_no_no_color() {
        assert!(colour_allowed(true, None));
        assert!(colour_allowed(true, Some("".into())));
        assert!(!colour_allowed(true, Some("1".into())));
        assert!(!colour_allowed(false, None));
    }

    #[test]
    fn the_console_logs_only_warnings_by_default() {
        assert_eq!(default_filter(LogDoor::Console), "warn");
        assert!(default_filter(LogDoor::Service).starts_with("info"));
    }
}

//! Secrets never reach a log line, whatever `RUST_LOG` says.
//!
//! Our own code never logs a secret, but the libraries below it may: at
//! `debug` and `trace` serenity's REST client logs the routes it calls, and
//! an interaction's webhook route carries the interaction's token (a secret
//! for 15 minutes: whoever holds it can answer as the bot); its gateway
//! warns with a whole event, token included, when a sequence number is off.
//! Filtering those targets by level would lose the warnings we want, and a
//! new library version may log something new, so instead every line is
//! cleaned on its way out, in the log writer ([`Redacting`]), after
//! formatting and before a byte is written:
//!
//! - every secret registered with [`register_secret`] (the bot token, the
//!   database password) is replaced wherever it appears;
//! - every run of at least [`TOKEN_RUN`] token characters (letters, digits,
//!   `-`, `_`, `.`) is replaced. Discord's interaction tokens (about 150
//!   characters of base64url), bot tokens (about 70) and webhook tokens (68)
//!   are all such runs, and nothing we log for a reader is: ids are at most
//!   20 digits, words and paths are broken by spaces and slashes.
//!
//! `tracing-subscriber`'s fmt layer formats each event into one buffer and
//! writes it with one call, so a token is never split across two writes.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::RwLock;

use tracing_subscriber::fmt::MakeWriter;

/// What replaces a secret in a log line.
pub const REDACTED: &str = "[redacted]";

/// The shortest run of token characters treated as a token. Discord's
/// shortest secret is the webhook token (68); ids are at most 20 digits.
pub const TOKEN_RUN: usize = 48;

/// Secrets known at run time, replaced in every line.
static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Registers a secret (a token, a password) to be replaced in every log
/// line from now on. Secrets shorter than 4 characters are ignored: they
/// would blank out ordinary words.
pub fn register_secret(secret: &str) {
    if secret.len() < 4 {
        return;
    }
    let mut secrets = SECRETS.write().unwrap_or_else(|p| p.into_inner());
    if !secrets.iter().any(|s| s == secret) {
        secrets.push(secret.to_owned());
        // Longest first, so a secret that contains another is replaced whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')
}

/// `text` with every registered secret and every token-like run replaced.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    {
        let secrets = SECRETS.read().unwrap_or_else(|p| p.into_inner());
        for secret in secrets.iter() {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), REDACTED));
            }
        }
    }
    match redact_runs(&out) {
        Some(cleaned) => Cow::Owned(cleaned),
        None => out,
    }
}

/// Replaces runs of [`TOKEN_RUN`] or more token characters; `None` when
/// there are none (the common case: no allocation).
fn redact_runs(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !is_token_char(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_token_char(bytes[i]) {
            i += 1;
        }
        if i - start >= TOKEN_RUN {
            // Token characters are ASCII, so both ends are char boundaries.
            let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
            o.push_str(&text[copied..start]);
            o.push_str(REDACTED);
            copied = i;
        }
    }
    out.map(|mut o| {
        o.push_str(&text[copied..]);
        o
    })
}

/// A log writer that redacts what it is given before passing it on.
#[derive(Debug, Clone)]
pub struct Redacting<M> {
    inner: M,
}

impl<M> Redacting<M> {
    pub fn new(inner: M) -> Self {
        Redacting { inner }
    }
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter {
            inner: self.inner.make_writer(),
        }
    }

    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> Self::Writer {
        RedactingWriter {
            inner: self.inner.make_writer_for(meta),
        }
    }
}

/// One event's writer (see [`Redacting`]).
#[derive(Debug)]
pub struct RedactingWriter<W> {
    inner: W,
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.inner.write_all(redact(&text).as_bytes())?;
        // All of `buf` was taken care of, whatever its redacted length.
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INTERACTION_TOKEN: &str = "aW50ZXJhY3Rpb246MTMwMDAwMDAwMDAwMDAwMDAwMDpYZ2hGb2xhbWRpQkRyZkFhZWZ3c2NmVjJ0bHZUNzRqT0JtQlpVVnRpYzFzMkxxM1VLcjlPZmhBYm1pU3NqcE1TaXFwTGVGc0tzWkJJdDV3SHd0cEhmZXNNb0ltc3JyN0VIZg";

    #[test]
    fn a_webhook_route_loses_its_token_but_keeps_its_shape() {
        let line = format!(
            "DEBUG serenity::http: request route=/webhooks/1300000000000000000/{INTERACTION_TOKEN}/messages/@original"
        );
        let clean = redact(&line);
        assert!(!clean.contains(INTERACTION_TOKEN), "{clean}");
        assert_eq!(
            clean,
            "DEBUG serenity::http: request route=/webhooks/1300000000000000000/[redacted]/messages/@original"
        );
    }

    #[test]
    fn an_event_dumped_with_debug_formatting_loses_its_token() {
        let line = format!(
            r#"WARN Sequence off; event=Interaction {{ id: 5, token: "{INTERACTION_TOKEN}", kind: 2 }}"#
        );
        let clean = redact(&line);
        assert!(!clean.contains(INTERACTION_TOKEN), "{clean}");
        assert!(clean.contains(r#"token: "[redacted]""#), "{clean}");
    }

    #[test]
    fn ids_words_and_paths_are_left_alone() {
        let line = "INFO tutorbot: ticked lesson=async objective=await-keyword learner=1300000000000000000 path=prompts/async/quiz.toml:12";
        assert!(matches!(redact(line), Cow::Borrowed(_)));
    }

    #[test]
    fn a_registered_secret_is_replaced_even_when_short() {
        register_secret("hunter2-db-pass");
        let clean = redact("connecting with password hunter2-db-pass to 127.0.0.1");
        assert_eq!(clean, "connecting with password [redacted] to 127.0.0.1");
        // Too short to register: it would blank ordinary words.
        register_secret("ab");
        assert_eq!(redact("ab cd"), "ab cd");
    }

    #[test]
    fn non_ascii_text_around_a_token_survives() {
        let line = format!("é→{INTERACTION_TOKEN}←ü");
        assert_eq!(redact(&line), "é→[redacted]←ü");
    }

    #[test]
    fn the_writer_redacts_what_passes_through() {
        let mut out = Vec::new();
        let mut w = RedactingWriter { inner: &mut out };
        let line = format!("token={INTERACTION_TOKEN}\n");
        assert_eq!(w.write(line.as_bytes()).unwrap(), line.len());
        assert_eq!(String::from_utf8(out).unwrap(), "token=[redacted]\n");
    }
}

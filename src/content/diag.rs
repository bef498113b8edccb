//! Diagnostics for content authors: `path:line: what is wrong`.

use std::fmt;
use std::path::{Path, PathBuf};

/// One mistake in one content file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

/// Every mistake found in a content folder. Loading collects them all, so an
/// author fixes a whole batch per run instead of one at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, path: &Path, line: usize, message: impl Into<String>) {
        let mut message = message.into();
        // One line a mistake, even when it quotes a value that held a
        // line break.
        if message.contains(['\n', '\r']) {
            message = message.replace('\r', "\\r").replace('\n', "\\n");
        }
        self.0.push(Diagnostic {
            path: path.to_path_buf(),
            line: line.max(1),
            message,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// The 1-based line of a byte offset in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A TOML file read from disk, kept with its text so spans become lines.
pub struct Source<'a> {
    pub path: &'a Path,
    pub text: &'a str,
}

impl Source<'_> {
    pub fn line(&self, span: std::ops::Range<usize>) -> usize {
        line_of(self.text, span.start)
    }

    /// Parses the file, turning a syntax or shape error into a diagnostic.
    pub fn parse<T: serde::de::DeserializeOwned>(&self, diags: &mut Diagnostics) -> Option<T> {
        match toml::from_str::<T>(self.text) {
            Ok(v) => Some(v),
            Err(e) => {
                let line = e.span().map_or(1, |s| self.line(s.clone()));
                // One line a mistake: toml's message may run over several.
                let mut message = e
                    .message()
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join("; ");
                if message.is_empty() {
                    // toml has no words for some errors (a stray carriage
                    // return, say): name what it stopped at.
                    message = match e.span().and_then(|s| self.text.get(s)) {
                        Some(found) if !found.is_empty() => {
                            format!("invalid TOML: unexpected {found:?}")
                        }
                        _ => "invalid TOML".to_string(),
                    };
                }
                diags.push(self.path, line, message);
                None
            }
        }
    }
}

//! Syntax colours for the lessons' code blocks in a colour terminal.
//!
//! The lessons show Python (and, in the demos, Rust). A code block fenced
//! with one of those languages is drawn here, token by token, in the 16
//! basic ANSI colours every colour terminal has: keywords, strings and
//! f-strings, comments, numbers, decorators, built-ins and the names being
//! defined. Any other block is left to the Markdown renderer, and nothing
//! is coloured when the console has no colour ([`super::Look`]).
//!
//! Highlighting only adds escape codes: with them removed, the text is the
//! block as written, character for character (a test holds it to that).
//! The lexer is small and line-based on purpose. The usual crate for this,
//! `syntect`, still carries `bincode` 1, which RustSec lists as unmaintained
//! (RUSTSEC-2025-0141); tree-sitter would compile a C parser per language
//! for what is a few dozen lines of tokens.

use termimad::crossterm::style::{Color, Stylize};

/// A language the highlighter knows, from a code fence's info string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Python,
    Rust,
}

impl Lang {
    /// The language of a fence's info string (`python`, `py`, `rust`, ...).
    pub fn from_info(info: &str) -> Option<Lang> {
        match info
            .split_whitespace()
            .next()?
            .to_ascii_lowercase()
            .as_str()
        {
            "python" | "py" | "python3" | "pycon" => Some(Lang::Python),
            "rust" | "rs" => Some(Lang::Rust),
            _ => None,
        }
    }

    fn keywords(self) -> &'static [&'static str] {
        match self {
            Lang::Python => &[
                "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
                "continue", "def", "del", "elif", "else", "except", "finally", "for", "from",
                "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass",
                "raise", "return", "try", "while", "with", "yield", "match", "case",
            ],
            Lang::Rust => &[
                "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else",
                "enum", "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match",
                "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct",
                "super", "trait", "true", "type", "unsafe", "use", "where", "while",
            ],
        }
    }

    fn builtins(self) -> &'static [&'static str] {
        match self {
            Lang::Python => &[
                "print",
                "len",
                "range",
                "list",
                "dict",
                "set",
                "tuple",
                "str",
                "int",
                "float",
                "bool",
                "sum",
                "min",
                "max",
                "sorted",
                "enumerate",
                "zip",
                "map",
                "filter",
                "open",
                "input",
                "isinstance",
                "type",
                "repr",
                "round",
                "abs",
                "any",
                "all",
                "iter",
                "next",
                "super",
                "object",
                "Exception",
                "ValueError",
                "TimeoutError",
                "RuntimeError",
                "KeyError",
                "TypeError",
                "BaseException",
                "ExceptionGroup",
            ],
            Lang::Rust => &[
                "Some", "None", "Ok", "Err", "Vec", "String", "Option", "Result", "Box", "Arc",
            ],
        }
    }

    /// Whether a name after this keyword is the name being defined.
    fn defines(self, keyword: &str) -> bool {
        match self {
            Lang::Python => matches!(keyword, "def" | "class"),
            Lang::Rust => matches!(keyword, "fn" | "struct" | "enum" | "trait" | "mod" | "type"),
        }
    }
}

/// What kind of text a token is; `Plain` gets no colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Plain,
    Keyword,
    Str,
    Comment,
    Number,
    Builtin,
    Defined,
    Decorator,
}

impl Kind {
    fn colour(self) -> Option<Color> {
        match self {
            Kind::Plain => None,
            Kind::Keyword => Some(Color::Magenta),
            Kind::Str => Some(Color::Green),
            Kind::Comment => Some(Color::DarkGrey),
            Kind::Number => Some(Color::Yellow),
            Kind::Builtin => Some(Color::Cyan),
            Kind::Defined => Some(Color::Blue),
            Kind::Decorator => Some(Color::Yellow),
        }
    }
}

/// The code with ANSI colours, line for line (no trailing newline added).
pub fn highlight(lang: Lang, code: &str) -> String {
    let mut lexer = Lexer {
        lang,
        open: None,
        after_define: false,
    };
    code.split('\n')
        .map(|line| {
            lexer
                .line(line)
                .into_iter()
                .map(|(kind, text)| paint(kind, text))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn paint(kind: Kind, text: &str) -> String {
    match kind.colour() {
        Some(c) if !text.is_empty() => text.with(c).to_string(),
        _ => text.to_string(),
    }
}

/// Lexer state carried from one line to the next.
struct Lexer {
    lang: Lang,
    /// The closing quote of a string still open at the end of a line (a
    /// Python triple-quoted string, a Rust string over several lines).
    open: Option<&'static str>,
    /// The last keyword was `def`, `fn`, ...: the next name is defined.
    after_define: bool,
}

impl Lexer {
    fn line<'a>(&mut self, line: &'a str) -> Vec<(Kind, &'a str)> {
        let mut out = Vec::new();
        let mut i = 0;
        let bytes = line.as_bytes();
        if let Some(close) = self.open {
            match find_close(line, 0, close) {
                Some(end) => {
                    out.push((Kind::Str, &line[..end]));
                    self.open = None;
                    i = end;
                }
                None => {
                    out.push((Kind::Str, line));
                    return out;
                }
            }
        }
        let mut plain_from = i;
        while i < line.len() {
            let rest = &line[i..];
            let c = bytes[i];
            let token = self.token(line, i, rest, c);
            match token {
                Some((kind, end)) => {
                    if plain_from < i {
                        out.push((Kind::Plain, &line[plain_from..i]));
                    }
                    out.push((kind, &line[i..end]));
                    i = end;
                    plain_from = i;
                }
                None => {
                    // Any other character (operators, spaces, non-ASCII):
                    // step over it whole, never into the middle of a char.
                    i += rest.chars().next().map_or(1, char::len_utf8);
                }
            }
        }
        if plain_from < line.len() {
            out.push((Kind::Plain, &line[plain_from..]));
        }
        out
    }

    /// The token starting at byte `i`, if it is one that gets a colour or
    /// is a whole word: its kind and the byte where it ends.
    fn token(&mut self, line: &str, i: usize, rest: &str, c: u8) -> Option<(Kind, usize)> {
        let comment = match self.lang {
            Lang::Python => rest.starts_with('#'),
            Lang::Rust => rest.starts_with("//"),
        };
        if comment {
            return Some((Kind::Comment, line.len()));
        }
        if let Some((quote_at, close)) = self.string_start(rest) {
            let body = i + quote_at + close.len();
            return Some(match find_close(line, body, close) {
                Some(end) => (Kind::Str, end),
                None => {
                    self.open = Some(close);
                    (Kind::Str, line.len())
                }
            });
        }
        if self.lang == Lang::Python && c == b'@' && starts_word(&rest.as_bytes()[1..]) {
            let end = i + 1 + word_len(&rest[1..]);
            return Some((Kind::Decorator, end));
        }
        let after_word = i == 0 || !is_word(line.as_bytes()[i - 1]);
        if c.is_ascii_digit() && after_word {
            let len = rest
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.')
                .count();
            return Some((Kind::Number, i + len));
        }
        if starts_word(rest.as_bytes()) {
            let end = i + word_len(rest);
            let word = &line[i..end];
            let kind = if self.lang.keywords().contains(&word) {
                self.after_define = self.lang.defines(word);
                return Some((Kind::Keyword, end));
            } else if std::mem::take(&mut self.after_define) {
                Kind::Defined
            } else if self.lang.builtins().contains(&word)
                || (self.lang == Lang::Rust && line[end..].starts_with('!'))
            {
                Kind::Builtin
            } else {
                Kind::Plain
            };
            return Some((kind, end));
        }
        None
    }

    /// Where a string starts in `rest` (after any prefix letters) and the
    /// quote that closes it, if `rest` opens one.
    fn string_start(&self, rest: &str) -> Option<(usize, &'static str)> {
        let bytes = rest.as_bytes();
        match self.lang {
            Lang::Python => {
                let prefix = bytes
                    .iter()
                    .take(2)
                    .take_while(|b| matches!(b.to_ascii_lowercase(), b'r' | b'b' | b'f' | b'u'))
                    .count();
                let quoted = &rest[prefix..];
                for close in ["\"\"\"", "'''", "\"", "'"] {
                    if quoted.starts_with(close) {
                        return Some((prefix, close));
                    }
                }
                None
            }
            // A Rust char literal or lifetime starts with `'`: left plain.
            Lang::Rust => rest.starts_with('"').then_some((0, "\"")),
        }
    }
}

/// The byte after the quote `close` that ends a string whose body starts
/// at `from`, skipping backslash escapes.
fn find_close(line: &str, from: usize, close: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut j = from;
    while j < line.len() {
        if bytes[j] == b'\\' {
            j += 2;
            continue;
        }
        // Bytes, not `&line[j..]`: an escape may step into a character.
        if bytes[j..].starts_with(close.as_bytes()) {
            return Some(j + close.len());
        }
        j += 1;
    }
    None
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn starts_word(bytes: &[u8]) -> bool {
    bytes
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
}

fn word_len(rest: &str) -> usize {
    rest.bytes().take_while(|b| is_word(*b)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text with every ANSI escape sequence removed.
    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    fn coloured(word: &str, colour: Color) -> String {
        word.with(colour).to_string()
    }

    const PY: &str = r#"import asyncio, httpx  # the client

@timed
async def fetch_all(urls: list[str]) -> list[str]:
    async with httpx.AsyncClient() as client:
        """Fetch every url; '#' here is not a comment.
        Still the docstring."""
        results = await asyncio.gather(*(client.get(u) for u in urls))
    print(f"{len(results)} results in 0.5 s")  # done
    return [r.text for r in results]
"#;

    #[test]
    fn highlighting_only_adds_colours_and_never_changes_the_text() {
        for (lang, code) in [
            (Lang::Python, PY),
            (
                Lang::Rust,
                "fn main() {\n    let s = \"a \\\" b\"; // note\n    println!(\"{s}\");\n}\n",
            ),
            (
                Lang::Python,
                "x = 'unclosed\ny = \"é — ünïcode\" 12_000 0x1F\n",
            ),
        ] {
            assert_eq!(strip(&highlight(lang, code)), code);
        }
    }

    #[test]
    fn python_keywords_strings_comments_and_names_get_their_colours() {
        let out = highlight(Lang::Python, PY);
        assert!(out.contains(&coloured("async", Color::Magenta)));
        assert!(out.contains(&coloured("await", Color::Magenta)));
        assert!(out.contains(&coloured("fetch_all", Color::Blue)));
        assert!(out.contains(&coloured("@timed", Color::Yellow)));
        assert!(out.contains(&coloured("# the client", Color::DarkGrey)));
        assert!(out.contains(&coloured("print", Color::Cyan)));
        assert!(out.contains(&coloured(
            "f\"{len(results)} results in 0.5 s\"",
            Color::Green
        )));
    }

    #[test]
    fn a_hash_inside_a_string_is_not_a_comment_and_a_docstring_spans_lines() {
        let out = highlight(Lang::Python, PY);
        let doc_first = "\"\"\"Fetch every url; '#' here is not a comment.";
        assert!(out.contains(&coloured(doc_first, Color::Green)), "{out}");
        assert!(out.contains(&coloured(
            "        Still the docstring.\"\"\"",
            Color::Green
        )));
    }

    #[test]
    fn digits_inside_a_name_are_not_a_number() {
        let out = highlight(Lang::Python, "http2 = 2");
        assert!(out.starts_with("http2 = "), "{out:?}");
        assert!(out.ends_with(&coloured("2", Color::Yellow)));
    }

    #[test]
    fn rust_macros_and_definitions_are_coloured() {
        let out = highlight(
            Lang::Rust,
            "async fn fetch() { join_all(v).await; println!(\"x\"); }",
        );
        assert!(out.contains(&coloured("fetch", Color::Blue)));
        assert!(out.contains(&coloured("println", Color::Cyan)));
        assert!(out.contains(&coloured("\"x\"", Color::Green)));
    }

    #[test]
    fn fence_info_strings_name_the_language() {
        assert_eq!(Lang::from_info("python"), Some(Lang::Python));
        assert_eq!(Lang::from_info("py title=x"), Some(Lang::Python));
        assert_eq!(Lang::from_info("Rust"), Some(Lang::Rust));
        assert_eq!(Lang::from_info("text"), None);
        assert_eq!(Lang::from_info(""), None);
    }
}

//! The practice server's HTTP, as pure functions over bytes: find and parse
//! a request head, route it, write an answer.
//!
//! It is the same endpoint as the `/demo` target and as the `server.py` it
//! replaces: `GET /delay/{ms}` answers "ok {ms}" after ms milliseconds (at
//! most 10000), `?fail=1` answers 500 "fail {ms}" after the same delay,
//! `GET /requests` answers the requests seen so far as JSON. These bytes
//! come from the learner's code: nothing here panics on them, and every
//! size is bounded before anything is kept.

/// Longest delay a request may ask for, in milliseconds.
pub const MAX_DELAY_MS: u64 = 10_000;

/// Most bytes of one request head (request line and headers). Clients send
/// a few hundred; past this the request is refused and the connection closed.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;

/// Most header lines of one request.
pub const MAX_HEADERS: usize = 100;

/// Most body bytes read (and dropped) after a head; a longer body's
/// Content-Length is treated as this.
pub const MAX_BODY_BYTES: u64 = 1 << 20;

/// Most characters of a request's target kept in its record.
pub const MAX_PATH_CHARS: usize = 200;

/// Where a complete head ends in `buf`: the index just past its empty line
/// (`\r\n` or a bare `\n`, as Python's `readline` reads them). `Err` once
/// the head is too large or has too many lines; `Ok(None)` while more
/// bytes are needed.
pub fn head_end(buf: &[u8]) -> Result<Option<usize>, HeadError> {
    let mut line_start = 0;
    let mut lines = 0;
    while let Some(nl) = buf[line_start..].iter().position(|b| *b == b'\n') {
        let line = &buf[line_start..line_start + nl];
        let end = line_start + nl + 1;
        if end > MAX_HEAD_BYTES {
            return Err(HeadError::TooLarge);
        }
        if lines > 0 && (line.is_empty() || line == b"\r") {
            return Ok(Some(end));
        }
        lines += 1;
        if lines > MAX_HEADERS + 1 {
            return Err(HeadError::TooLarge);
        }
        line_start = end;
    }
    if buf.len() > MAX_HEAD_BYTES {
        return Err(HeadError::TooLarge);
    }
    Ok(None)
}

/// Why a head cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadError {
    /// Past [`MAX_HEAD_BYTES`] or [`MAX_HEADERS`].
    TooLarge,
}

/// One parsed request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub method: String,
    /// The request target as sent (bytes read as Latin-1, as server.py did).
    pub target: String,
    pub keep_alive: bool,
    /// Body bytes to read and drop, at most [`MAX_BODY_BYTES`].
    pub body_len: u64,
}

/// Parses a complete head (as delimited by [`head_end`]). `None` when the
/// request line is not three words.
pub fn parse_head(head: &[u8]) -> Option<Head> {
    let mut lines = head.split(|b| *b == b'\n');
    let request_line = latin1(lines.next().unwrap_or_default());
    let words: Vec<&str> = request_line.split_ascii_whitespace().collect();
    let [method, target, version] = words[..] else {
        return None;
    };
    let mut keep_alive = version == "HTTP/1.1";
    let mut body_len = 0;
    for line in lines {
        let line = latin1(line);
        let line = line.trim();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        let (name, value) = (
            name.trim().to_ascii_lowercase(),
            value.trim().to_ascii_lowercase(),
        );
        if name == "content-length"
            && !value.is_empty()
            && value.bytes().all(|b| b.is_ascii_digit())
        {
            // Any number of digits: past the cap is the cap.
            body_len = value
                .parse::<u64>()
                .map_or(MAX_BODY_BYTES, |n| n.min(MAX_BODY_BYTES));
        } else if name == "connection" {
            keep_alive = value != "close" && (keep_alive || value == "keep-alive");
        }
    }
    Some(Head {
        method: method.to_string(),
        target: target.to_string(),
        keep_alive,
        body_len,
    })
}

/// What the server does with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Answer now; not recorded.
    Answer {
        status: u16,
        reason: &'static str,
        body: String,
    },
    /// `GET /requests`: the records so far, as JSON.
    Requests,
    /// `GET /delay/{ms}`: wait, then answer; recorded.
    Delay { ms: u64, fail: bool },
}

/// Routes a request as server.py did.
pub fn route(method: &str, target: &str) -> Route {
    let answer = |status, reason, body: &str| Route::Answer {
        status,
        reason,
        body: body.to_string(),
    };
    if method != "GET" {
        return answer(405, "Method Not Allowed", "only GET");
    }
    let (path, query) = split_target(target);
    if path == "/requests" {
        return Route::Requests;
    }
    let parts: Vec<&str> = path.split('/').collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if parts.len() != 3 || parts[1] != "delay" || !digits(parts[2]) {
        return answer(404, "Not Found", "try /delay/{ms}");
    }
    // Too many digits for a u64 is too long a delay too.
    let ms = match parts[2].parse::<u64>() {
        Ok(ms) if ms <= MAX_DELAY_MS => ms,
        _ => return answer(400, "Bad Request", "bad delay"),
    };
    Route::Delay {
        ms,
        fail: wants_failure(query),
    }
}

/// The path and query of a request target, as Python's `urlsplit` reads
/// them: without a fragment, and without the scheme and authority of an
/// absolute-form target (`http://host/delay/5`).
fn split_target(target: &str) -> (&str, &str) {
    let target = target.split('#').next().unwrap_or_default();
    let (mut path, query) = target.split_once('?').unwrap_or((target, ""));
    if let Some((scheme, rest)) = path.split_once(':') {
        let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if is_scheme {
            path = rest;
        }
    }
    if let Some(rest) = path.strip_prefix("//") {
        path = rest.find('/').map_or("", |i| &rest[i..]);
    }
    (path, query)
}

/// Whether the query asks for a failure: its first non-blank `fail` value,
/// percent-decoded, is anything but `0` (Python's `parse_qs`, which skips
/// blank values).
fn wants_failure(query: &str) -> bool {
    for pair in query.split('&') {
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        if value.is_empty() || unquote(name) != b"fail" {
            continue;
        }
        return unquote(value) != b"0";
    }
    false
}

/// `+` as a space and `%XX` as its byte; a `%` without two hex digits stays.
fn unquote(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// A whole answer: status line, the three headers server.py sent, body.
pub fn answer(status: u16, reason: &str, body: &str, keep_alive: bool) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: {}\r\n\r\n{body}",
        body.len(),
        if keep_alive { "keep-alive" } else { "close" },
    )
    .into_bytes()
}

/// The answer to a delay once its time is up: "ok 300" or 500 "fail 300".
pub fn delay_answer(ms: u64, fail: bool) -> (u16, &'static str, String) {
    if fail {
        (500, "Internal Server Error", format!("fail {ms}"))
    } else {
        (200, "OK", format!("ok {ms}"))
    }
}

/// One finished delay request, as `/requests` and the report show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub path: String,
    pub status: u16,
    /// `CLOCK_MONOTONIC` seconds, the clock of Python's `time.monotonic()`.
    pub start: f64,
    pub end: f64,
}

impl Record {
    pub fn new(target: &str, status: u16, start: f64, end: f64) -> Record {
        Record {
            path: target.chars().take(MAX_PATH_CHARS).collect(),
            status,
            start,
            end,
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "path": self.path,
            "status": self.status,
            "start": self.start,
            "end": self.end,
        })
    }
}

/// The report pipe's line for a record: `{"request": {...}}` and a newline.
pub fn report_line(record: &Record) -> Vec<u8> {
    let mut line = serde_json::json!({ "request": record.json() }).to_string();
    line.push('\n');
    line.into_bytes()
}

/// `/requests`' body: every record so far, as a JSON array.
pub fn requests_body(records: &[Record]) -> String {
    serde_json::Value::Array(records.iter().map(Record::json).collect()).to_string()
}

/// Bytes as Latin-1 characters: every byte is one character, so nothing
/// the learner sends fails to decode.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> Head {
        let bytes = text.as_bytes();
        let end = head_end(bytes).unwrap().expect("a whole head");
        parse_head(&bytes[..end]).expect("a request line")
    }

    #[test]
    fn a_head_ends_at_its_empty_line_with_or_without_carriage_returns() {
        let crlf = b"GET /delay/5 HTTP/1.1\r\nHost: x\r\n\r\nGET /next";
        assert_eq!(head_end(crlf), Ok(Some(crlf.len() - 9)));
        let lf = b"GET /delay/5 HTTP/1.1\nHost: x\n\n";
        assert_eq!(head_end(lf), Ok(Some(lf.len())));
        assert_eq!(head_end(b"GET /delay/5 HTTP/1.1\r\nHost: x\r\n"), Ok(None));
        assert_eq!(head_end(b""), Ok(None));
    }

    #[test]
    fn an_oversized_head_is_refused_before_it_is_whole() {
        let mut big = b"GET / HTTP/1.1\r\nX: ".to_vec();
        big.extend(std::iter::repeat(b'a').take(MAX_HEAD_BYTES));
        assert_eq!(head_end(&big), Err(HeadError::TooLarge));
        let one_mb_line = vec![b'a'; 1 << 20];
        assert_eq!(head_end(&one_mb_line), Err(HeadError::TooLarge));
        let mut many = b"GET / HTTP/1.1\r\n".to_vec();
        for _ in 0..=MAX_HEADERS {
            many.extend_from_slice(b"X: 1\r\n");
        }
        many.extend_from_slice(b"\r\n");
        assert_eq!(head_end(&many), Err(HeadError::TooLarge));
    }

    #[test]
    fn a_request_line_that_is_not_three_words_is_not_a_request() {
        for line in [
            "GET /delay/5\r\n\r\n",
            "GET /delay/5 HTTP/1.1 extra\r\n\r\n",
            "\u{1}\u{2}\u{3}\r\n\r\n",
        ] {
            let bytes = line.as_bytes();
            let end = head_end(bytes).unwrap().unwrap();
            assert_eq!(parse_head(&bytes[..end]), None, "{line:?}");
        }
        assert_eq!(parse_head(b"\r\n"), None);
        assert_eq!(parse_head(&[0xff, 0xfe, b'\n']), None);
    }

    #[test]
    fn keep_alive_follows_the_version_and_the_connection_header() {
        assert!(head("GET / HTTP/1.1\r\n\r\n").keep_alive);
        assert!(!head("GET / HTTP/1.0\r\n\r\n").keep_alive);
        assert!(!head("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keep_alive);
        assert!(head("GET / HTTP/1.0\r\nconnection: Keep-Alive\r\n\r\n").keep_alive);
        assert!(!head("GET / FOO\r\n\r\n").keep_alive);
    }

    #[test]
    fn a_body_length_is_read_capped_and_only_from_digits() {
        assert_eq!(
            head("GET / HTTP/1.1\r\nContent-Length: 12\r\n\r\n").body_len,
            12
        );
        let huge = head("GET / HTTP/1.1\r\ncontent-length: 99999999999999999999999\r\n\r\n");
        assert_eq!(huge.body_len, MAX_BODY_BYTES);
        assert_eq!(
            head("GET / HTTP/1.1\r\nContent-Length: -5\r\n\r\n").body_len,
            0
        );
        assert_eq!(
            head("GET / HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n").body_len,
            0
        );
    }

    #[test]
    fn a_delay_is_routed_with_its_milliseconds_and_fail_flag() {
        assert_eq!(
            route("GET", "/delay/300"),
            Route::Delay {
                ms: 300,
                fail: false
            }
        );
        assert_eq!(
            route("GET", "/delay/0"),
            Route::Delay { ms: 0, fail: false }
        );
        assert_eq!(
            route("GET", "/delay/0300"),
            Route::Delay {
                ms: 300,
                fail: false
            }
        );
        assert_eq!(
            route("GET", "/delay/300?fail=1"),
            Route::Delay {
                ms: 300,
                fail: true
            }
        );
        assert_eq!(
            route("GET", "/delay/300?x=2&fail=yes"),
            Route::Delay {
                ms: 300,
                fail: true
            }
        );
        assert_eq!(
            route("GET", "/delay/300?fail=%31"),
            Route::Delay {
                ms: 300,
                fail: true
            }
        );
        assert_eq!(
            route("GET", "http://127.0.0.1:8000/delay/7?fail=1#x"),
            Route::Delay { ms: 7, fail: true }
        );
    }

    #[test]
    fn fail_zero_blank_or_bare_is_not_a_failure() {
        for target in [
            "/delay/5?fail=0",
            "/delay/5?fail=",
            "/delay/5?fail",
            "/delay/5?fail=%30",
            "/delay/5?fail=&fail=1",
            "/delay/5?failed=1",
            "/delay/5?fail=0&fail=1",
        ] {
            let expected = target.ends_with("fail=&fail=1");
            assert_eq!(
                route("GET", target),
                Route::Delay {
                    ms: 5,
                    fail: expected
                },
                "{target}"
            );
        }
    }

    #[test]
    fn bad_delays_get_400_and_other_paths_404() {
        let bad_delay = Route::Answer {
            status: 400,
            reason: "Bad Request",
            body: "bad delay".into(),
        };
        assert_eq!(route("GET", "/delay/10001"), bad_delay);
        assert_eq!(route("GET", "/delay/99999999999999999999999999"), bad_delay);
        assert_eq!(
            route("GET", "/delay/10000"),
            Route::Delay {
                ms: 10_000,
                fail: false
            }
        );
        let not_found = Route::Answer {
            status: 404,
            reason: "Not Found",
            body: "try /delay/{ms}".into(),
        };
        for target in [
            "/",
            "/delay",
            "/delay/",
            "/delay/-1",
            "/delay/1.5",
            "/delay/5/",
            "/delay/abc",
            "/delay/\u{b2}",
            "*",
            "/requests/",
        ] {
            assert_eq!(route("GET", target), not_found, "{target:?}");
        }
    }

    #[test]
    fn only_get_is_served() {
        assert_eq!(
            route("POST", "/delay/5"),
            Route::Answer {
                status: 405,
                reason: "Method Not Allowed",
                body: "only GET".into()
            }
        );
        assert_eq!(route("GET", "/requests?since=3"), Route::Requests);
    }

    #[test]
    fn an_answer_carries_its_length_and_connection() {
        let (status, reason, body) = delay_answer(300, false);
        assert_eq!(
            answer(status, reason, &body, true),
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\nConnection: keep-alive\r\n\r\nok 300"
        );
        let (status, reason, body) = delay_answer(300, true);
        assert_eq!(
            answer(status, reason, &body, false),
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\nfail 300"
        );
    }

    #[test]
    fn records_keep_200_characters_of_the_path_and_read_as_the_verdict_expects() {
        let long = format!("/delay/1?{}", "é".repeat(300));
        let record = Record::new(&long, 200, 1.5, 2.25);
        assert_eq!(record.path.chars().count(), MAX_PATH_CHARS);
        let line = report_line(&record);
        assert!(line.ends_with(b"\n"));
        let v: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(v["request"]["status"], 200);
        assert_eq!(v["request"]["start"], 1.5);
        assert_eq!(v["request"]["end"], 2.25);
        let body = requests_body(&[record.clone(), record]);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 2);
        assert_eq!(
            v[0]["path"].as_str().unwrap().chars().count(),
            MAX_PATH_CHARS
        );
        assert_eq!(requests_body(&[]), "[]");
    }
}

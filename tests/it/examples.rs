//! The lessons and demos tell the truth: every `python run` example is run
//! with python3 and its output compared with what the lesson shows; every
//! Python snippet `/demo` shows runs against a stand-in client; every Rust
//! snippet it shows is compiled (see [`demo_snippets`]).
//!
//! Lines are compared exactly, except timings (a number followed by ` s`),
//! which may stray by a quarter of the lesson's value, at least 0.1 (the
//! rule stated in prompts/README.md): machines differ in speed, but a
//! concurrent "0.3 s" must never pass for a sequential "0.6 s".

mod demo_snippets;

use crate::support;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

/// How far a printed timing may stray, relative to the lesson's value.
const RELATIVE_TOLERANCE: f64 = 0.25;
/// The least tolerance: timings are printed to one decimal.
const MIN_TOLERANCE: f64 = 0.1;
/// 0.4 - 0.3 is a hair over 0.1 in floating point.
const EPSILON: f64 = 1e-9;

#[test]
fn every_example_prints_what_the_lesson_says_it_prints() {
    let catalog = support::catalog();
    let mut checked = 0;
    let mut failures = Vec::new();
    for lesson in catalog.lessons() {
        for section in &lesson.sections {
            for example in &section.examples {
                checked += 1;
                // Run as a file, the way a learner does: a process pool's
                // workers import the main module, which `-c` does not have.
                let dir = tempfile::tempdir().unwrap();
                std::fs::write(dir.path().join("example.py"), &example.code).unwrap();
                let out = Command::new("python3")
                    .arg("example.py")
                    .current_dir(dir.path())
                    .stdin(std::process::Stdio::null())
                    .output()
                    .expect("python3 is installed");
                let actual = String::from_utf8_lossy(&out.stdout);
                let place = format!("{}:{}", section.file.display(), example.line);
                if !out.status.success() {
                    failures.push(format!(
                        "{place}: exited {}: {}",
                        out.status,
                        String::from_utf8_lossy(&out.stderr)
                    ));
                } else if let Err(why) = same_output(&example.expected_output, &actual) {
                    failures.push(format!(
                        "{place}: {why}\n--- lesson says\n{}--- python printed\n{actual}",
                        example.expected_output
                    ));
                }
            }
        }
    }
    assert!(
        checked >= 5,
        "only {checked} runnable examples: the lessons show more output than that"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} examples differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Compares outputs line by line; timings within their tolerance, every
/// other number and word exactly.
fn same_output(expected: &str, actual: &str) -> Result<(), String> {
    let e: Vec<&str> = expected.trim_end().lines().collect();
    let a: Vec<&str> = actual.trim_end().lines().collect();
    if e.len() != a.len() {
        return Err(format!("{} lines expected, {} printed", e.len(), a.len()));
    }
    for (i, (el, al)) in e.iter().zip(&a).enumerate() {
        let (et, at) = (tokens(el), tokens(al));
        let same = et.len() == at.len()
            && et.iter().zip(&at).enumerate().all(|(j, (x, y))| {
                match (x.parse::<f64>(), y.parse::<f64>()) {
                    (Ok(x), Ok(y)) if is_timing(&et, j) => (x - y).abs() <= tolerance(x) + EPSILON,
                    _ => x == y,
                }
            });
        if !same {
            return Err(format!("line {}: expected {el:?}, printed {al:?}", i + 1));
        }
    }
    Ok(())
}

/// How far a timing of `seconds` may stray.
fn tolerance(seconds: f64) -> f64 {
    (seconds.abs() * RELATIVE_TOLERANCE).max(MIN_TOLERANCE)
}

/// Whether token `j` is a number of seconds: followed by ` s` and then
/// nothing or a non-letter ("0.3 s", "0.3 s,", but not "3 steps").
fn is_timing(tokens: &[String], j: usize) -> bool {
    tokens.get(j + 1).is_some_and(|next| {
        next.strip_prefix(" s")
            .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric()))
    })
}

/// Splits a line into numbers and the text between them.
fn tokens(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_number = false;
    for c in line.chars() {
        let numeric = c.is_ascii_digit() || (c == '.' && in_number);
        if numeric != in_number && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        in_number = numeric;
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[test]
fn the_comparison_tolerates_timing_noise_but_not_wrong_numbers_or_words() {
    assert!(same_output("took 0.9 s\n", "took 1.1 s\n").is_ok());
    assert!(same_output("took 0.9 s\n", "took 1.3 s\n").is_err());
    assert!(same_output("[1, 2, 3]\n", "[1, 2, 3]\n").is_ok());
    assert!(same_output("done\n", "Done\n").is_err());
    assert!(same_output("a\nb\n", "a\n").is_err());
}

#[test]
fn a_concurrent_timing_never_passes_for_a_sequential_one() {
    // The point of the examples: 0.3 s together against 0.6 s one by one.
    assert!(same_output("total: 0.3 s\n", "total: 0.6 s\n").is_err());
    assert!(same_output("total: 0.6 s\n", "total: 0.3 s\n").is_err());
    assert!(same_output("took 1.0 s\n", "took 0.6 s\n").is_err());
    // Rounding and a slow machine are fine.
    assert!(same_output("total: 0.3 s\n", "total: 0.4 s\n").is_ok());
    assert!(same_output("took 0.2 s\n", "took 0.3 s\n").is_ok());
    assert!(same_output("took 1.0 s\n", "took 1.2 s\n").is_ok());
}

#[test]
fn numbers_that_are_not_timings_must_match_exactly() {
    assert!(same_output("[0, 1, 4, 9, 16]\n", "[0, 1, 5, 9, 16]\n").is_err());
    assert!(same_output("mean: 80.8\n", "mean: 80.9\n").is_err());
    assert!(same_output("3 steps\n", "4 steps\n").is_err());
    assert!(same_output("workers: 4, took 0.5 s\n", "workers: 4, took 0.6 s\n").is_ok());
    assert!(same_output("workers: 4, took 0.5 s\n", "workers: 2, took 0.5 s\n").is_err());
}

/// The `*_python` and `*_rust` code blocks of prompts/demos.toml, by key.
fn demo_snippets(lang: &str) -> BTreeMap<String, String> {
    let path = support::prompts_dir().join("demos.toml");
    let text = std::fs::read_to_string(&path).expect("demos.toml is readable");
    let table: toml::Table = text.parse().expect("demos.toml is TOML");
    table
        .into_iter()
        .filter_map(|(key, value)| {
            // `field_python` and the like are labels, not code.
            let value = value.as_str()?.trim().to_string();
            (key.ends_with(&format!("_{lang}")) && value.starts_with("```")).then_some((key, value))
        })
        .map(|(key, value)| {
            let mut lines: Vec<&str> = value.lines().collect();
            assert!(
                lines.len() >= 2 && lines.last() == Some(&"```"),
                "{key} must be one fenced code block"
            );
            lines.remove(0);
            lines.pop();
            (key, lines.join("\n"))
        })
        .collect()
}

#[test]
fn every_rust_snippet_of_the_demos_is_compiled_here() {
    let here = include_str!("examples/demo_snippets.rs");
    let snippets = demo_snippets("rust");
    assert!(snippets.len() >= 6, "the demos show Rust: {snippets:?}");
    for (key, code) in snippets {
        let start = format!("    // snippet {key}\n");
        let Some(from) = here.find(&start).map(|i| i + start.len()) else {
            panic!("{key} is not in tests/it/examples/demo_snippets.rs: paste it there");
        };
        let to = from
            + here[from..]
                .find("    // end snippet")
                .expect("every snippet has its end marker");
        let compiled: Vec<&str> = here[from..to]
            .lines()
            .map(|l| l.strip_prefix("    ").unwrap_or(l))
            .collect();
        assert_eq!(
            compiled.join("\n"),
            code,
            "{key} in demos.toml differs from the copy that is compiled: paste it into tests/it/examples/demo_snippets.rs"
        );
    }
}

/// A stand-in for httpx with the shape the demo snippets use (AsyncClient,
/// get, raise_for_status, HTTPStatusError): no network, a URL containing
/// `fail` answers 500, one containing `slow` takes 2 s, others 10 ms. It
/// counts calls and the most requests in flight at once.
const FAKE_HTTPX: &str = r#"
import asyncio

CALLS = 0
IN_FLIGHT = 0
MAX_IN_FLIGHT = 0

class HTTPStatusError(Exception):
    pass

class Response:
    def __init__(self, url):
        self.url = url
        self.status_code = 500 if "fail" in url else 200

    def raise_for_status(self):
        if self.status_code >= 400:
            raise HTTPStatusError(f"{self.status_code} for {self.url}")

class AsyncClient:
    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False

    async def get(self, url, **kwargs):
        global CALLS, IN_FLIGHT, MAX_IN_FLIGHT
        CALLS += 1
        IN_FLIGHT += 1
        MAX_IN_FLIGHT = max(MAX_IN_FLIGHT, IN_FLIGHT)
        try:
            await asyncio.sleep(2 if "slow" in url else 0.01)
        finally:
            IN_FLIGHT -= 1
        return Response(url)
"#;

/// What each Python snippet of demos.toml assumes (globals), what to run
/// after it inside the same coroutine (a check that can fail), and what it
/// must print.
fn python_harness(key: &str) -> Option<(&'static str, &'static str, &'static str)> {
    Some(match key {
        "gather_python" => (
            "urls = [f'http://t/{i}' for i in range(5)]",
            "await main(urls)\nassert httpx.CALLS == 10, httpx.CALLS",
            "",
        ),
        "blocking_python" => ("", "", ""),
        "errors_python" => (
            "client = httpx.AsyncClient()\nurls = ['http://t/0', 'http://t/fail/1', 'http://t/2']",
            "assert len(errors) == 1 and len(results) == 3, results",
            "first error: 500 for http://t/fail/1\n",
        ),
        "timeout_python" => (
            "client = httpx.AsyncClient()\nurl = 'http://t/slow'",
            "",
            "too slow, cancelled\ntoo slow, cancelled\n",
        ),
        // gather leaves the two slow fetches running; the TaskGroup cancels
        // its two: two still in flight after both.
        "taskgroup_python" => (
            "client = httpx.AsyncClient()\nurls = ['http://t/fail/0', 'http://t/slow/1', 'http://t/slow/2']",
            "assert httpx.IN_FLIGHT == 2, httpx.IN_FLIGHT",
            "gather raised: 500 for http://t/fail/0\nTaskGroup raised: (HTTPStatusError('500 for http://t/fail/0'),)\n",
        ),
        "limit_python" => (
            "client = httpx.AsyncClient()\nurls = [f'http://t/{i}' for i in range(7)]",
            "assert httpx.CALLS == 7 and httpx.MAX_IN_FLIGHT == 3, httpx.MAX_IN_FLIGHT",
            "",
        ),
        _ => return None,
    })
}

#[test]
fn every_python_snippet_of_the_demos_runs_and_does_what_it_says() {
    let snippets = demo_snippets("python");
    assert!(snippets.len() >= 6, "the demos show Python: {snippets:?}");
    // All at once: the slowest (blocking, timeout) take a few seconds each.
    let mut running = Vec::new();
    for (key, code) in snippets {
        let Some((globals, after, prints)) = python_harness(&key) else {
            panic!("{key} has no harness in tests/it/examples.rs: add what it assumes");
        };
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("httpx.py"), FAKE_HTTPX).unwrap();
        let indent = |s: &str| s.lines().map(|l| format!("    {l}\n")).collect::<String>();
        let program = format!(
            "import asyncio, time\nimport httpx\n{globals}\n\nasync def snippet():\n{}{}    pass\n\nasyncio.run(snippet())\n",
            indent(&code),
            indent(after)
        );
        let child = Command::new("python3")
            .arg("-c")
            .arg(&program)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 is installed");
        running.push((key, program, prints, child, dir));
    }
    let mut failures = Vec::new();
    for (key, program, prints, child, _dir) in running {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() || stdout != prints {
            failures.push(format!(
                "{key}: exited {}, printed {stdout:?} (wanted {prints:?})\n{}\n--- program\n{program}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

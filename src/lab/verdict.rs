//! How a run ended, in data and in words.
//!
//! The sandbox's PID 1 (`tutorbot-lab-init`) reports the learner's exit status,
//! CPU time and timings as JSON lines on a pipe; the practice server reports
//! each request; `py/run.py` reports the hidden checks. [`Verdict`] gathers
//! them with the captured output. The learner's process could write to that
//! pipe too (it is the same uid): the report is trusted only for the learner's
//! own run, never for anything about the host, and every line is parsed
//! leniently and bounded.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

use super::limits::{LabLimits, MIB};

/// How the learner's code ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    /// It exited with `code`; `error` is the last line of a Python
    /// traceback (`ValueError: ...`), if stderr ended with one.
    Exited { code: i32, error: Option<String> },
    /// It used its CPU time.
    Cpu(Duration),
    /// It ran out of address space (`MemoryError`, or a thread it could not start).
    Memory(u64),
    /// It tried to start more processes than allowed.
    Processes(u32),
    /// It wrote a file larger than allowed.
    FileSize(u64),
    /// It printed more than allowed; the sandbox was killed.
    Output(usize),
    /// It ran longer than the wall time; the sandbox was killed.
    Wall(Duration),
    /// A signal ended it.
    Signal(i32),
}

/// What the hidden checks of an exercise said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Passed,
    Failed(String),
}

/// One request the practice server saw, as offsets from the start of the
/// learner's process.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The path asked for (at most 200 characters), e.g. `/delay/300?fail=1`.
    pub path: String,
    pub status: u16,
    pub start: Duration,
    pub end: Duration,
}

/// Output of one stream: the bytes kept (decoded lossily) and whether more
/// was cut.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captured {
    pub text: String,
    pub cut: bool,
}

/// Everything about one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub ending: Ending,
    pub stdout: Captured,
    pub stderr: Captured,
    /// The learner's process, start to end (the sandbox's start not included).
    pub wall: Duration,
    /// CPU time of the learner's process and the children it waited for.
    pub cpu: Duration,
    /// The practice server's requests, in the order they finished.
    pub requests: Vec<Span>,
    /// The hidden checks, for an exercise whose code ran to the end.
    pub check: Option<Check>,
    /// For an exercise: how long the learner's own code ran, before the
    /// hidden checks (which `wall` includes) started. Reported from inside
    /// the sandbox, like `wall`.
    pub code_wall: Option<Duration>,
}

impl Verdict {
    /// Whether the code exited with 0 and, for an exercise, the checks passed.
    pub fn passed(&self) -> bool {
        matches!(self.ending, Ending::Exited { code: 0, .. })
            && !matches!(self.check, Some(Check::Failed(_)))
    }
}

impl fmt::Display for Ending {
    /// The ending in words: "exited with 1: ValueError: bad",
    /// "stopped: used more than 5 s of CPU".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ending::Exited { code, error: None } => write!(f, "exited with {code}"),
            Ending::Exited {
                code,
                error: Some(e),
            } => write!(f, "exited with {code}: {e}"),
            Ending::Cpu(d) => write!(f, "stopped: used more than {} s of CPU", d.as_secs()),
            Ending::Memory(b) => write!(f, "stopped: used more than {} MiB", b / MIB),
            Ending::Processes(n) => write!(f, "stopped: started more than {n} processes"),
            Ending::FileSize(b) => write!(f, "stopped: wrote a file over {} MiB", b / MIB),
            Ending::Output(b) => write!(f, "stopped: printed more than {}", bytes(*b)),
            Ending::Wall(d) => write!(f, "stopped: ran longer than {} s", d.as_secs()),
            Ending::Signal(s) => write!(f, "stopped by signal {s}"),
        }
    }
}

fn bytes(n: usize) -> String {
    if n >= 1_000_000 && n % 1_000_000 == 0 {
        format!("{} MB", n / 1_000_000)
    } else if n >= 1000 && n % 1000 == 0 {
        format!("{} kB", n / 1000)
    } else {
        format!("{n} bytes")
    }
}

/// One line of the report pipe.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Fact {
    Learner(LearnerFact),
    Request(RequestFact),
    Check(CheckFact),
    Code(CodeFact),
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct LearnerFact {
    pub started: f64,
    pub ended: f64,
    #[serde(default)]
    pub cpu_secs: f64,
    pub exit: Option<i32>,
    pub signal: Option<i32>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RequestFact {
    pub path: String,
    pub status: u16,
    pub start: f64,
    pub end: f64,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CheckFact {
    pub passed: bool,
    #[serde(default)]
    pub why: Option<String>,
}

/// How long the learner's code ran before an exercise's checks.
#[derive(Debug, Deserialize)]
pub(crate) struct CodeFact {
    pub secs: f64,
}

/// The most requests a verdict carries.
pub const MAX_SPANS: usize = 200;

/// Collects the report's lines into the parts of a verdict.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub learner: Option<LearnerFact>,
    requests: Vec<RequestFact>,
    check: Option<Check>,
    code_secs: Option<f64>,
}

impl Report {
    /// Takes one line; anything that is not a known fact is ignored.
    pub fn take_line(&mut self, line: &[u8]) {
        let Ok(fact) = serde_json::from_slice::<Fact>(line) else {
            return;
        };
        match fact {
            // The first word is PID 1's; a later one could only be forged.
            Fact::Learner(l) if self.learner.is_none() => self.learner = Some(l),
            Fact::Learner(_) => {}
            Fact::Request(r) if self.requests.len() < MAX_SPANS => self.requests.push(r),
            Fact::Request(_) => {}
            Fact::Check(c) if self.check.is_none() => {
                self.check = Some(if c.passed {
                    Check::Passed
                } else {
                    Check::Failed(c.why.unwrap_or_default().chars().take(500).collect())
                })
            }
            Fact::Check(_) => {}
            Fact::Code(c) if self.code_secs.is_none() => self.code_secs = Some(c.secs),
            Fact::Code(_) => {}
        }
    }

    /// The requests as offsets from the learner's start.
    fn spans(&self, origin: f64) -> Vec<Span> {
        let offset = |t: f64| Duration::try_from_secs_f64(t - origin).unwrap_or_default();
        self.requests
            .iter()
            .map(|r| Span {
                path: r.path.chars().take(200).collect(),
                status: r.status,
                start: offset(r.start),
                end: offset(r.end.max(r.start)),
            })
            .collect()
    }
}

/// What the host saw of a run besides the report.
#[derive(Debug)]
pub(crate) struct Observed {
    pub stdout: Captured,
    pub stderr: Captured,
    /// The wall time ran out and the sandbox was killed.
    pub wall_killed: bool,
    /// The output budget ran out and the sandbox was killed.
    pub output_killed: bool,
    /// From spawning the sandbox to its end.
    pub elapsed: Duration,
}

/// SIGKILL and SIGXCPU.
const SIGKILL: i32 = 9;
const SIGXCPU: i32 = 24;

/// Puts a verdict together; `None` when the sandbox ended without saying how
/// the learner's code ended (our failure).
pub(crate) fn judge(report: Report, seen: Observed, limits: &LabLimits) -> Option<Verdict> {
    let learner = report.learner.clone();
    let (wall, cpu) = match &learner {
        Some(l) => (
            Duration::try_from_secs_f64(l.ended - l.started).unwrap_or_default(),
            Duration::try_from_secs_f64(l.cpu_secs).unwrap_or_default(),
        ),
        None => (seen.elapsed, Duration::ZERO),
    };
    let ending = if seen.wall_killed {
        Ending::Wall(limits.wall)
    } else if seen.output_killed {
        Ending::Output(limits.output_bytes)
    } else {
        let l = learner.as_ref()?;
        match (l.exit, l.signal) {
            (_, Some(SIGXCPU)) => Ending::Cpu(limits.cpu),
            (_, Some(SIGKILL)) if cpu >= limits.cpu => Ending::Cpu(limits.cpu),
            (_, Some(s)) => Ending::Signal(s),
            (Some(code), None) => exited(code, &seen.stderr.text, limits),
            (None, None) => return None,
        }
    };
    // Killed before PID 1 reported the learner's start: the first request
    // stands in for it, so the timeline still starts near zero.
    let origin = learner.as_ref().map_or_else(
        || {
            report
                .requests
                .iter()
                .map(|r| r.start)
                .fold(f64::INFINITY, f64::min)
        },
        |l| l.started,
    );
    let requests = report.spans(origin);
    // Checks run only after the learner's code ended well.
    let (check, code_wall) = match ending {
        Ending::Exited { code: 0, .. } => (
            report.check,
            report
                .code_secs
                .and_then(|s| Duration::try_from_secs_f64(s).ok())
                .map(|d| d.min(wall)),
        ),
        _ => (None, None),
    };
    Some(Verdict {
        ending,
        stdout: seen.stdout,
        stderr: seen.stderr,
        wall,
        cpu,
        requests,
        check,
        code_wall,
    })
}

/// An exit, named by the traceback's last line when the limits explain it.
fn exited(code: i32, stderr: &str, limits: &LabLimits) -> Ending {
    let error = last_error(stderr);
    if code != 0 {
        if let Some(e) = &error {
            if e.starts_with("MemoryError") || e.contains("can't start new thread") {
                return Ending::Memory(limits.memory_bytes);
            }
            if e.contains("[Errno 27]") {
                return Ending::FileSize(limits.file_size_bytes);
            }
            if e.starts_with("BlockingIOError: [Errno 11]") {
                return Ending::Processes(limits.processes);
            }
        }
    }
    Ending::Exited {
        code,
        error: if code == 0 { None } else { error },
    }
}

/// The exception a traceback ends with: among the last lines of stderr, the
/// last one that starts at the margin with a dotted name, alone or followed
/// by `: message` (`ValueError: bad`, `httpx.HTTPStatusError: ...`,
/// `KeyboardInterrupt`). Messages may run over several lines (httpx adds
/// "For more information check: ..."), so a few are looked at. At most 300
/// characters.
pub fn last_error(stderr: &str) -> Option<String> {
    stderr
        .lines()
        .rev()
        .filter(|l| !l.trim().is_empty())
        .take(5)
        .find(|line| looks_like_name(line.split_once(": ").map_or(line, |(name, _)| name)))
        .map(|l| l.trim().chars().take(300).collect())
}

/// `ValueError`, `httpx.HTTPStatusError`: dotted identifiers, the last one
/// capitalised, nothing before them.
fn looks_like_name(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or_default();
    name.split('.').all(|part| {
        part.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && part.chars().all(|c| c.is_alphanumeric() || c == '_')
    }) && last.chars().next().is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(stderr: &str) -> Observed {
        Observed {
            stdout: Captured::default(),
            stderr: Captured {
                text: stderr.into(),
                cut: false,
            },
            wall_killed: false,
            output_killed: false,
            elapsed: Duration::from_secs(1),
        }
    }

    fn report(lines: &[&str]) -> Report {
        let mut r = Report::default();
        for l in lines {
            r.take_line(l.as_bytes());
        }
        r
    }

    const EXIT_1: &str =
        r#"{"learner": {"started": 10.0, "ended": 10.5, "cpu_secs": 0.2, "exit": 1}}"#;

    #[test]
    fn an_exception_is_named_by_the_last_line_of_its_traceback() {
        let v = judge(
            report(&[EXIT_1]),
            seen(
                "Traceback (most recent call last):\n  File \"main.py\", line 1\nValueError: bad\n",
            ),
            &LabLimits::default(),
        )
        .unwrap();
        assert_eq!(v.ending.to_string(), "exited with 1: ValueError: bad");
        assert_eq!(v.wall, Duration::from_millis(500));
        assert!(!v.passed());
    }

    #[test]
    fn limits_are_named_in_words() {
        let limits = LabLimits::default();
        let words = |stderr: &str| {
            judge(report(&[EXIT_1]), seen(stderr), &limits)
                .unwrap()
                .ending
                .to_string()
        };
        assert_eq!(words("MemoryError\n"), "stopped: used more than 70 MiB");
        assert_eq!(
            words("OSError: [Errno 27] File too large\n"),
            "stopped: wrote a file over 10 MiB"
        );
        assert_eq!(
            words("BlockingIOError: [Errno 11] Resource temporarily unavailable\n"),
            "stopped: started more than 15 processes"
        );
        let cpu = judge(
            report(&[r#"{"learner": {"started": 1, "ended": 6, "cpu_secs": 5.0, "signal": 24}}"#]),
            seen(""),
            &limits,
        )
        .unwrap();
        assert_eq!(cpu.ending.to_string(), "stopped: used more than 5 s of CPU");
        let mut wall = seen("");
        wall.wall_killed = true;
        let v = judge(Report::default(), wall, &limits).unwrap();
        assert_eq!(v.ending.to_string(), "stopped: ran longer than 6 s");
        let mut out = seen("");
        out.output_killed = true;
        let v = judge(Report::default(), out, &limits).unwrap();
        assert_eq!(v.ending.to_string(), "stopped: printed more than 1 MB");
    }

    #[test]
    fn the_code_time_before_the_checks_counts_only_once_and_never_beyond_the_wall() {
        const EXIT_0: &str =
            r#"{"learner": {"started": 10.0, "ended": 11.0, "cpu_secs": 0.2, "exit": 0}}"#;
        let v = judge(
            report(&[
                EXIT_0,
                r#"{"code": {"secs": 0.4}}"#,
                r#"{"code": {"secs": 0.01}}"#,
            ]),
            seen(""),
            &LabLimits::default(),
        )
        .unwrap();
        assert_eq!(v.code_wall, Some(Duration::from_millis(400)));
        let forged = judge(
            report(&[EXIT_0, r#"{"code": {"secs": 99.0}}"#]),
            seen(""),
            &LabLimits::default(),
        )
        .unwrap();
        assert_eq!(forged.code_wall, Some(Duration::from_secs(1)));
        let failed = judge(
            report(&[EXIT_1, r#"{"code": {"secs": 0.4}}"#]),
            seen(""),
            &LabLimits::default(),
        )
        .unwrap();
        assert_eq!(failed.code_wall, None);
    }

    #[test]
    fn a_run_killed_before_its_report_draws_its_requests_from_the_first_one() {
        let mut wall = seen("");
        wall.wall_killed = true;
        let v = judge(
            report(&[
                r#"{"request": {"path": "/delay/100", "status": 200, "start": 5000.5, "end": 5000.6}}"#,
                r#"{"request": {"path": "/delay/50", "status": 200, "start": 5000.25, "end": 5000.3}}"#,
            ]),
            wall,
            &LabLimits::default(),
        )
        .unwrap();
        let starts: Vec<u128> = v.requests.iter().map(|r| r.start.as_millis()).collect();
        assert_eq!(starts, [250, 0]);
    }

    #[test]
    fn a_sandbox_that_says_nothing_is_our_failure_not_a_verdict() {
        assert!(judge(
            Report::default(),
            seen("bwrap: oops"),
            &LabLimits::default()
        )
        .is_none());
    }

    #[test]
    fn forged_or_broken_report_lines_change_nothing() {
        let r = report(&[
            EXIT_1,
            r#"{"learner": {"started": 0, "ended": 0, "exit": 0}}"#,
            "not json",
            "{\"check\": 5}",
            r#"{"request": {"path": "/delay/300", "status": 200, "start": 10.1, "end": 10.4}}"#,
        ]);
        let v = judge(r, seen("ValueError: x"), &LabLimits::default()).unwrap();
        assert_eq!(v.ending.to_string(), "exited with 1: ValueError: x");
        assert_eq!(v.requests.len(), 1);
        assert_eq!(v.requests[0].start, Duration::from_millis(100));
        assert!(v.check.is_none());
    }

    #[test]
    fn checks_count_only_when_the_code_exited_well() {
        let ok = r#"{"learner": {"started": 0, "ended": 1, "exit": 0}}"#;
        let failed = r#"{"check": {"passed": false, "why": "results out of order"}}"#;
        let v = judge(report(&[ok, failed]), seen(""), &LabLimits::default()).unwrap();
        assert_eq!(v.check, Some(Check::Failed("results out of order".into())));
        assert!(!v.passed());
        let passed = r#"{"check": {"passed": true}}"#;
        let v = judge(report(&[ok, passed]), seen(""), &LabLimits::default()).unwrap();
        assert!(v.passed());
    }

    #[test]
    fn only_exception_like_last_lines_are_taken_as_the_error() {
        assert_eq!(
            last_error("x\nKeyError: 'a'\n").as_deref(),
            Some("KeyError: 'a'")
        );
        assert_eq!(
            last_error("KeyboardInterrupt").as_deref(),
            Some("KeyboardInterrupt")
        );
        assert_eq!(last_error("hello world\n"), None);
        let httpx = "Traceback (most recent call last):\n  File \"main.py\", line 3\nhttpx.HTTPStatusError: Server error '500 Internal Server Error'\nFor more information check: https://example.org/500\n";
        assert_eq!(
            last_error(httpx).as_deref(),
            Some("httpx.HTTPStatusError: Server error '500 Internal Server Error'")
        );
        assert_eq!(last_error("    ValueError: indented\n"), None);
        assert_eq!(last_error(""), None);
    }
}

//! The lessons tell the truth: every `python run` example is run with
//! python3 and its output compared with what the lesson shows.
//!
//! Lines are compared exactly, except numbers, which may differ by up to
//! ±0.3 (the tolerance stated in prompts/README.md), because timings vary
//! from machine to machine.

use crate::support;

use std::process::Command;

/// How far a printed number may stray from the lesson's (seconds, mostly).
const TOLERANCE: f64 = 0.3;

#[test]
fn every_example_prints_what_the_lesson_says_it_prints() {
    let catalog = support::catalog();
    let mut checked = 0;
    let mut failures = Vec::new();
    for lesson in catalog.lessons() {
        for section in &lesson.sections {
            for example in &section.examples {
                checked += 1;
                let dir = tempfile::tempdir().unwrap();
                let out = Command::new("python3")
                    .arg("-c")
                    .arg(&example.code)
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

/// Compares outputs line by line; numbers within [`TOLERANCE`].
fn same_output(expected: &str, actual: &str) -> Result<(), String> {
    let e: Vec<&str> = expected.trim_end().lines().collect();
    let a: Vec<&str> = actual.trim_end().lines().collect();
    if e.len() != a.len() {
        return Err(format!("{} lines expected, {} printed", e.len(), a.len()));
    }
    for (i, (el, al)) in e.iter().zip(&a).enumerate() {
        let (et, at) = (tokens(el), tokens(al));
        let same = et.len() == at.len()
            && et
                .iter()
                .zip(&at)
                .all(|(x, y)| match (x.parse::<f64>(), y.parse::<f64>()) {
                    (Ok(x), Ok(y)) => (x - y).abs() <= TOLERANCE,
                    _ => x == y,
                });
        if !same {
            return Err(format!("line {}: expected {el:?}, printed {al:?}", i + 1));
        }
    }
    Ok(())
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

//! `tutorbot lab run FILE.py [--exercise LESSON/ID]`: the bot's sandbox, for
//! authors and operators, printing the same verdict a learner gets.

use std::path::Path;

use anyhow::{bail, Context};

use super::{Check, Job, Lab, Verdict};
use crate::content::{Catalog, Exercise};
use crate::settings::Settings;

/// Runs one file (and an exercise's checks) and prints its verdict; an error
/// unless it passed.
pub async fn run_file(
    file: &Path,
    exercise: Option<&str>,
    stdin: Option<&Path>,
) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let code =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let stdin = match stdin {
        Some(p) => {
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?
        }
        None => String::new(),
    };
    let mut job = Job::new(code, stdin).with_context(|| format!("{}", file.display()))?;
    if let Some(id) = exercise {
        let catalog = crate::app::load_catalog(&settings)?;
        job = job.with_checks(find_exercise(&catalog, id)?.checks.clone());
    }
    let sandbox = match Lab::start(settings.lab.config.clone()).await {
        Lab::On(s) => s,
        Lab::Off { reason } => bail!("the lab is off on this machine: {reason}"),
    };
    let verdict = sandbox.run(&job).await?;
    print!("{}", render(&verdict));
    match (&verdict.check, verdict.passed()) {
        (_, true) => Ok(()),
        (Some(Check::Failed(why)), false) => bail!("{}: the checks failed: {why}", file.display()),
        (_, false) => bail!("{}: {}", file.display(), verdict.ending),
    }
}

/// The exercise `LESSON/ID` of the catalog, or an error naming what exists.
pub fn find_exercise<'c>(catalog: &'c Catalog, id: &str) -> anyhow::Result<&'c Exercise> {
    let Some((lesson_id, exercise_id)) = id.split_once('/') else {
        bail!("--exercise takes LESSON/ID, e.g. async/gather; got {id:?}");
    };
    let Some(lesson) = catalog.lesson(lesson_id) else {
        bail!("no lesson {lesson_id:?}");
    };
    lesson.exercise(exercise_id).with_context(|| {
        let ids: Vec<&str> = lesson.exercises.iter().map(|e| e.id.as_str()).collect();
        format!(
            "lesson {lesson_id} has no exercise {exercise_id:?} (it has: {})",
            ids.join(", ")
        )
    })
}

/// The verdict as plain text: the output with line numbers, the ending, the
/// times, the checks and the practice server's requests.
pub fn render(v: &Verdict) -> String {
    let mut s = String::new();
    for (name, out) in [("stdout", &v.stdout), ("stderr", &v.stderr)] {
        if out.text.is_empty() {
            continue;
        }
        s.push_str(&format!("--- {name}\n"));
        for (i, line) in out.text.lines().enumerate() {
            s.push_str(&format!("{:>4} | {line}\n", i + 1));
        }
        if out.cut {
            s.push_str("     (cut: the output limit was reached)\n");
        }
    }
    s.push_str(&format!(
        "--- {} (wall {:.2} s, CPU {:.2} s)\n",
        v.ending,
        v.wall.as_secs_f64(),
        v.cpu.as_secs_f64()
    ));
    match &v.check {
        Some(Check::Passed) => s.push_str("checks: passed\n"),
        Some(Check::Failed(why)) => s.push_str(&format!("checks: failed: {why}\n")),
        None => {}
    }
    for r in &v.requests {
        s.push_str(&format!(
            "request {:>7.3}s → {:>7.3}s  {} {}\n",
            r.start.as_secs_f64(),
            r.end.as_secs_f64(),
            r.status,
            r.path
        ));
    }
    s
}

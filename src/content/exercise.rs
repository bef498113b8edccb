//! A lesson's graded exercises: `exercises.toml`, checked like every content
//! file (`path:line: what is wrong`).
//!
//! An exercise is a statement (Markdown), starter code, a reference
//! solution, hidden checks (Python run in the lab's sandbox after the
//! learner's code), hints, the objective it proves, and optionally a
//! predict-then-run question whose choices are durations. Every size is
//! checked against what Discord can show: the code fits the `/run` modal's
//! 4000 characters, a choice fits a button label.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::diag::{Diagnostics, Source};
use super::lesson::Objective;
use super::{check_id, check_len};
use crate::lab::limits::MAX_CODE_CHARS;

/// Exercises are listed in one select menu.
pub const MAX_EXERCISES: usize = 25;
/// A statement is shown in one embed with room for the learner's status.
pub const STATEMENT_MAX: usize = 3000;
/// Hidden checks are ours, not the learner's; still bounded.
pub const CHECKS_MAX: usize = 8000;
pub const MAX_HINTS: usize = 5;
/// Predict choices are buttons in one row.
pub const MAX_PREDICT_CHOICES: usize = 4;

#[derive(Debug, Clone, PartialEq)]
pub struct Exercise {
    pub id: String,
    pub title: String,
    pub objective: String,
    pub statement: String,
    pub starter: String,
    pub solution: String,
    pub checks: String,
    pub hints: Vec<String>,
    pub predict: Option<Predict>,
    /// The file it is written in (`exercises.toml`, or a one-file lesson)
    /// and the line of its `id`, for authors' messages about it.
    pub path: std::path::PathBuf,
    pub line: usize,
}

/// "How long will it take?", asked before the code runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Predict {
    pub question: String,
    pub choices: Vec<PredictChoice>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PredictChoice {
    pub text: String,
    pub secs: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    exercises: Spanned<Vec<RawExercise>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExercise {
    id: Spanned<String>,
    title: Spanned<String>,
    objective: Spanned<String>,
    statement: Spanned<String>,
    starter: Spanned<String>,
    solution: Spanned<String>,
    checks: Spanned<String>,
    hints: Spanned<Vec<Spanned<String>>>,
    predict: Option<RawPredict>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPredict {
    question: Spanned<String>,
    choices: Spanned<Vec<RawChoice>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChoice {
    text: Spanned<String>,
    secs: Spanned<f64>,
}

/// Checks an exercises file against the lesson's objectives.
pub fn load(
    path: &Path,
    text: &str,
    objectives: &[Objective],
    diags: &mut Diagnostics,
) -> Option<Vec<Exercise>> {
    load_from(path, text, 1, objectives, diags)
}

/// Checks exercises whose `text` starts on line `first_line` of `path` (1
/// for `exercises.toml`; later for the exercises block of a one-file
/// lesson), so every message names the line an author sees.
pub fn load_from(
    path: &Path,
    text: &str,
    first_line: usize,
    objectives: &[Objective],
    diags: &mut Diagnostics,
) -> Option<Vec<Exercise>> {
    let before = diags.len();
    // As for a quiz: blank lines first put every span on its line.
    let shifted = format!("{}{text}", "\n".repeat(first_line.saturating_sub(1)));
    let src = Source {
        path,
        text: &shifted,
    };
    let raw: RawFile = src.parse(diags)?;
    let n = raw.exercises.get_ref().len();
    if n == 0 || n > MAX_EXERCISES {
        diags.push(
            path,
            src.line(raw.exercises.span()),
            format!("a lesson has 1 to {MAX_EXERCISES} exercises"),
        );
    }
    let mut ids = HashSet::new();
    let mut exercises = Vec::new();
    for e in raw.exercises.into_inner() {
        let line = src.line(e.id.span());
        check_id(path, "exercise id", e.id.get_ref(), line, diags);
        if !ids.insert(e.id.get_ref().clone()) {
            diags.push(
                path,
                line,
                format!("duplicate exercise id `{}`", e.id.get_ref()),
            );
        }
        check_len(&src, "title", &e.title, 80, diags);
        if !objectives.iter().any(|o| &o.id == e.objective.get_ref()) {
            diags.push(
                path,
                src.line(e.objective.span()),
                format!(
                    "exercise `{}` names unknown objective `{}` (the lesson has: {})",
                    e.id.get_ref(),
                    e.objective.get_ref(),
                    objectives
                        .iter()
                        .map(|o| o.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        check_len(&src, "statement", &e.statement, STATEMENT_MAX, diags);
        check_len(&src, "starter", &e.starter, MAX_CODE_CHARS, diags);
        check_len(&src, "solution", &e.solution, MAX_CODE_CHARS, diags);
        check_len(&src, "checks", &e.checks, CHECKS_MAX, diags);
        if e.starter.get_ref().trim() == e.solution.get_ref().trim() {
            diags.push(
                path,
                src.line(e.solution.span()),
                format!("exercise `{}`: the solution is the starter", e.id.get_ref()),
            );
        }
        let hint_count = e.hints.get_ref().len();
        if !(1..=MAX_HINTS).contains(&hint_count) {
            diags.push(
                path,
                src.line(e.hints.span()),
                format!(
                    "exercise `{}` has {hint_count} hints; it needs 1 to {MAX_HINTS}",
                    e.id.get_ref()
                ),
            );
        }
        for h in e.hints.get_ref() {
            check_len(&src, "hint", h, 300, diags);
        }
        let predict = e
            .predict
            .map(|p| load_predict(&src, e.id.get_ref(), p, diags));
        exercises.push(Exercise {
            id: e.id.into_inner(),
            title: e.title.into_inner(),
            objective: e.objective.into_inner(),
            statement: e.statement.into_inner().trim().to_string(),
            starter: e.starter.into_inner().trim_start().to_string(),
            solution: e.solution.into_inner().trim_start().to_string(),
            checks: e.checks.into_inner(),
            hints: e
                .hints
                .into_inner()
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
            predict,
            path: path.to_path_buf(),
            line,
        });
    }
    (diags.len() == before).then_some(exercises)
}

fn load_predict(src: &Source<'_>, id: &str, p: RawPredict, diags: &mut Diagnostics) -> Predict {
    check_len(src, "predict question", &p.question, 200, diags);
    let count = p.choices.get_ref().len();
    if !(2..=MAX_PREDICT_CHOICES).contains(&count) {
        diags.push(
            src.path,
            src.line(p.choices.span()),
            format!("exercise `{id}`'s prediction has {count} choices; it needs 2 to {MAX_PREDICT_CHOICES}"),
        );
    }
    let mut last = 0.0;
    let mut choices = Vec::new();
    for c in p.choices.into_inner() {
        check_len(src, "choice text", &c.text, 80, diags);
        let secs = *c.secs.get_ref();
        if !(secs.is_finite() && secs > last && secs <= 60.0) {
            diags.push(
                src.path,
                src.line(c.secs.span()),
                format!("exercise `{id}`: choice times must rise, from above 0 to at most 60 s; got {secs}"),
            );
        }
        last = secs;
        choices.push(PredictChoice {
            text: c.text.into_inner(),
            secs,
        });
    }
    Predict {
        question: p.question.into_inner(),
        choices,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objectives() -> Vec<Objective> {
        vec![Objective {
            id: "gather-concurrently".into(),
            text: "t".into(),
            section: "s".into(),
        }]
    }

    const GOOD: &str = r#"
[[exercises]]
id = "gather"
title = "Fetch at once"
objective = "gather-concurrently"
statement = "Make it concurrent."
starter = "print(1)"
solution = "print(2)"
checks = "assert True"
hints = ["use gather"]

[exercises.predict]
question = "How long?"
choices = [{ text = "0.3 s", secs = 0.3 }, { text = "1.5 s", secs = 1.5 }]
"#;

    fn load_text(text: &str) -> Result<Vec<Exercise>, Diagnostics> {
        let mut diags = Diagnostics::default();
        load(Path::new("exercises.toml"), text, &objectives(), &mut diags).ok_or(diags)
    }

    #[test]
    fn a_good_exercise_loads_with_its_prediction() {
        let ex = load_text(GOOD).unwrap();
        assert_eq!(ex[0].id, "gather");
        assert_eq!(ex[0].predict.as_ref().unwrap().choices[1].secs, 1.5);
    }

    #[test]
    fn mistakes_are_named_with_their_line() {
        let bad = GOOD
            .replace("gather-concurrently", "no-such-objective")
            .replace("print(2)", "print(1)")
            .replace("secs = 1.5", "secs = 0.1");
        let diags = load_text(&bad).unwrap_err().to_string();
        assert!(
            diags.contains(
                "exercises.toml:5: exercise `gather` names unknown objective `no-such-objective`"
            ),
            "{diags}"
        );
        assert!(
            diags.contains("exercises.toml:8: exercise `gather`: the solution is the starter"),
            "{diags}"
        );
        assert!(
            diags.contains("exercises.toml:14: exercise `gather`: choice times must rise"),
            "{diags}"
        );
    }

    #[test]
    fn a_starter_too_long_for_the_run_modal_is_refused() {
        let long = GOOD.replace("print(1)", &"#".repeat(MAX_CODE_CHARS + 1));
        let diags = load_text(&long).unwrap_err().to_string();
        assert!(
            diags.contains("starter is 4001 characters; the limit is 4000"),
            "{diags}"
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        let diags = load_text(&GOOD.replace("hints =", "hint ="))
            .unwrap_err()
            .to_string();
        assert!(diags.contains("exercises.toml:"), "{diags}");
    }
}

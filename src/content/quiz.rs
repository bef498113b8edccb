//! A lesson's quiz: `quiz.toml`, checked against the lesson's objectives.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::diag::{Diagnostics, Source};
use super::lesson::{Fingerprint, Objective};
use super::{check_id, check_len};

/// Choices are buttons in one row, so at most 4 plus room for nothing else.
pub const MAX_CHOICES: usize = 4;
/// Question ids and answers travel in button ids; keep quizzes readable.
pub const MAX_QUESTIONS: usize = 50;

#[derive(Debug, Clone)]
pub struct Quiz {
    pub questions: Vec<Question>,
    /// The `quiz.toml` it came from, for authors' messages.
    pub path: std::path::PathBuf,
    /// The line of `path` the quiz starts on: 1 for `quiz.toml`, later for
    /// the quiz block of a one-file lesson.
    pub first_line: usize,
    /// Fingerprint of `quiz.toml`: an answer button drawn from another
    /// version of the quiz is stale and never scored.
    pub version: String,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    /// Line of the question's `id` in `quiz.toml`, for authors' messages.
    pub line: usize,
    pub objective: String,
    pub prompt: String,
    pub answer: String,
    pub explanation: String,
    pub choices: Vec<Choice>,
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub id: String,
    pub text: String,
    /// The misconception behind a wrong choice; `None` on the right one.
    pub why_wrong: Option<String>,
}

impl Quiz {
    pub fn question(&self, id: &str) -> Option<(usize, &Question)> {
        self.questions.iter().enumerate().find(|(_, q)| q.id == id)
    }
}

impl Question {
    pub fn choice(&self, id: &str) -> Option<&Choice> {
        self.choices.iter().find(|c| c.id == id)
    }

    pub fn right_choice(&self) -> &Choice {
        self.choice(&self.answer)
            .expect("checked at load: the answer is one of the choices")
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuiz {
    questions: Spanned<Vec<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    objective: Spanned<String>,
    prompt: Spanned<String>,
    answer: Spanned<String>,
    explanation: Spanned<String>,
    choices: Spanned<Vec<RawChoice>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChoice {
    id: Spanned<String>,
    text: Spanned<String>,
    why_wrong: Option<Spanned<String>>,
}

/// Checks a quiz against the lesson's objectives. `text` starts on line
/// `first_line` of `path` (1 for `quiz.toml`; later for the fenced quiz of a
/// one-file lesson), so every message names the line an author sees.
pub fn load_from(
    path: &Path,
    text: &str,
    first_line: usize,
    objectives: &[Objective],
    diags: &mut Diagnostics,
) -> Option<Quiz> {
    let before = diags.len();
    // Blank lines are nothing to TOML: prefixing them shifts every span's
    // line to where the text sits in its file.
    let shifted = format!("{}{text}", "\n".repeat(first_line.saturating_sub(1)));
    let src = Source {
        path,
        text: &shifted,
    };
    let raw: RawQuiz = src.parse(diags)?;
    let n = raw.questions.get_ref().len();
    if n == 0 || n > MAX_QUESTIONS {
        diags.push(
            path,
            src.line(raw.questions.span()),
            format!("a quiz has 1 to {MAX_QUESTIONS} questions"),
        );
    }
    let mut questions = Vec::new();
    let mut ids = HashSet::new();
    for q in raw.questions.into_inner() {
        let line = src.line(q.id.span());
        check_id(path, "question id", q.id.get_ref(), line, diags);
        if !ids.insert(q.id.get_ref().clone()) {
            diags.push(
                path,
                line,
                format!("duplicate question id `{}`", q.id.get_ref()),
            );
        }
        if !objectives.iter().any(|o| &o.id == q.objective.get_ref()) {
            diags.push(
                path,
                src.line(q.objective.span()),
                format!(
                    "question `{}` names unknown objective `{}` (the lesson has: {})",
                    q.id.get_ref(),
                    q.objective.get_ref(),
                    objectives
                        .iter()
                        .map(|o| o.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        check_len(&src, "prompt", &q.prompt, 300, diags);
        check_len(&src, "explanation", &q.explanation, 400, diags);
        let count = q.choices.get_ref().len();
        if !(2..=MAX_CHOICES).contains(&count) {
            diags.push(
                path,
                src.line(q.choices.span()),
                format!(
                    "question `{}` has {count} choices; it needs 2 to {MAX_CHOICES}",
                    q.id.get_ref()
                ),
            );
        }
        let mut choices = Vec::new();
        let mut choice_ids = HashSet::new();
        for c in q.choices.into_inner() {
            let cline = src.line(c.id.span());
            check_id(path, "choice id", c.id.get_ref(), cline, diags);
            if !choice_ids.insert(c.id.get_ref().clone()) {
                diags.push(
                    path,
                    cline,
                    format!("duplicate choice id `{}`", c.id.get_ref()),
                );
            }
            check_len(&src, "choice text", &c.text, 80, diags);
            let right = c.id.get_ref() == q.answer.get_ref();
            match (&c.why_wrong, right) {
                (None, false) => diags.push(
                    path,
                    cline,
                    format!(
                        "wrong choice `{}` needs a `why_wrong` explaining the misconception",
                        c.id.get_ref()
                    ),
                ),
                (Some(w), true) => diags.push(
                    path,
                    src.line(w.span()),
                    format!(
                        "`{}` is the right answer, so it takes no `why_wrong`",
                        c.id.get_ref()
                    ),
                ),
                (Some(w), false) => check_len(&src, "why_wrong", w, 300, diags),
                (None, true) => {}
            }
            choices.push(Choice {
                id: c.id.into_inner(),
                text: c.text.into_inner(),
                why_wrong: c.why_wrong.map(Spanned::into_inner),
            });
        }
        if !choices.iter().any(|c| &c.id == q.answer.get_ref()) {
            diags.push(
                path,
                src.line(q.answer.span()),
                format!(
                    "answer `{}` is not one of the choices of `{}`",
                    q.answer.get_ref(),
                    q.id.get_ref()
                ),
            );
        }
        questions.push(Question {
            id: q.id.into_inner(),
            line,
            objective: q.objective.into_inner(),
            prompt: q.prompt.into_inner(),
            answer: q.answer.into_inner(),
            explanation: q.explanation.into_inner(),
            choices,
        });
    }
    // The quiz's own text, wherever it sits: moving a one-file lesson's quiz
    // down a line does not make answer buttons stale.
    let mut fp = Fingerprint::default();
    fp.add(text.as_bytes());
    (diags.len() == before).then(|| Quiz {
        questions,
        path: path.to_path_buf(),
        first_line: first_line.max(1),
        version: fp.hex(),
    })
}

//! Button ids: what a button means, packed into Discord's `custom_id`.
//!
//! A button id names the learner the view was drawn for, the action, and the
//! version of the content it was drawn from, so that a click on an old
//! message is recognised as stale instead of being applied to content that
//! changed. Ids arrive from outside and are parsed strictly: anything that is
//! not exactly what [`ButtonId::encode`] writes is rejected, and the owner
//! named in an id is only ever used to decide *whose message* a click came
//! from, never whose state to change (that is always the clicker's).

use std::fmt::Write;

use crate::content::{is_valid_id, Scope};

/// Discord's limit on a custom_id.
pub const CUSTOM_ID_MAX: usize = 100;

/// A parsed button id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ButtonId {
    /// The learner the message was drawn for.
    pub owner: u64,
    pub action: Action,
}

/// What a click asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Show a page of a section of a lesson (page 0 is the section's
    /// first; a section longer than a screen has more, see
    /// [`crate::content::pages`]).
    Section {
        lesson: String,
        version: String,
        section: String,
        page: u8,
    },
    /// Show a lesson's graded exercises.
    Exercises { lesson: String },
    /// Show the learner's checklist for a lesson.
    Checklist { lesson: String, version: String },
    /// Set one objective to ticked or not (a state, not a toggle, so a click
    /// delivered twice lands once).
    Tick {
        lesson: String,
        version: String,
        objective: String,
        ticked: bool,
    },
    /// Start (or resume) the quiz of a lesson.
    QuizStart { lesson: String, version: String },
    /// Answer question `question` of an attempt with choice `choice`
    /// (indexes into the quiz file's order, checked against `version`).
    QuizAnswer {
        attempt: i64,
        version: String,
        question: u8,
        choice: u8,
    },
    /// Move on to the attempt's next unanswered question.
    QuizNext { attempt: i64, version: String },
    /// Tick one objective the quiz showed the learner mastered.
    QuizTick {
        lesson: String,
        version: String,
        objective: String,
    },
    /// Tick every objective the quiz showed the learner mastered.
    QuizTickAll { lesson: String, version: String },
    /// Answer a review card with choice `choice` (an index into the quiz
    /// file's order). The card is named by its question's index in the quiz
    /// of `version`, and by its `reps` when the buttons were drawn.
    ///
    /// A card of a server's lesson names the server too (`scope`): in
    /// direct messages, where every card is reviewed, two servers' lessons
    /// may share an id. A built-in card's id is written as before.
    ReviewAnswer {
        lesson: String,
        version: String,
        question: u8,
        reps: i32,
        choice: u8,
        scope: Scope,
    },
    /// Rate a card answered right: 2 hard, 3 good, 4 easy.
    ReviewRate {
        lesson: String,
        version: String,
        question: u8,
        reps: i32,
        rating: u8,
        scope: Scope,
    },
    /// Show the learner's next due card.
    ReviewNext,
    /// Open one exercise of a lesson: its statement and starter code.
    ExerciseOpen {
        lesson: String,
        version: String,
        exercise: String,
    },
    /// Open an exercise's answer form (a modal), refilled with the
    /// learner's last code; `predicted` is the index of the time they
    /// guessed, for a predict-then-run exercise.
    ExerciseForm {
        lesson: String,
        version: String,
        exercise: String,
        predicted: Option<u8>,
    },
    /// The answer form itself (a modal's custom_id, never a button's): its
    /// submit runs the code against the exercise's checks.
    ExerciseSubmit {
        lesson: String,
        version: String,
        exercise: String,
        predicted: Option<u8>,
    },
    /// Tick the objective of an exercise the learner passed.
    ExerciseTick {
        lesson: String,
        version: String,
        exercise: String,
    },
    /// Show the Rust behind a demo (`demo` is its name, e.g. `gather`).
    DemoRust { demo: String },
    /// Delete everything stored about the learner.
    ForgetConfirm,
    /// Keep it.
    ForgetCancel,
}

/// Why a custom_id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed button id")]
pub struct MalformedButton;

impl ButtonId {
    pub fn new(owner: u64, action: Action) -> Self {
        ButtonId { owner, action }
    }

    /// The custom_id for this button; always at most [`CUSTOM_ID_MAX`] long
    /// for ids that pass [`is_valid_id`].
    pub fn encode(&self) -> String {
        let mut s = String::with_capacity(64);
        let o = self.owner;
        let _ = match &self.action {
            // Page 0 keeps the id buttons had before sections had pages.
            Action::Section {
                lesson,
                version,
                section,
                page: 0,
            } => write!(s, "sec:{o}:{lesson}:{version}:{section}"),
            Action::Section {
                lesson,
                version,
                section,
                page,
            } => write!(s, "sec:{o}:{lesson}:{version}:{section}:{page}"),
            Action::Exercises { lesson } => write!(s, "ex:{o}:{lesson}"),
            Action::Checklist { lesson, version } => write!(s, "chk:{o}:{lesson}:{version}"),
            Action::Tick {
                lesson,
                version,
                objective,
                ticked,
            } => {
                write!(
                    s,
                    "tick:{o}:{lesson}:{version}:{objective}:{}",
                    u8::from(*ticked)
                )
            }
            Action::QuizStart { lesson, version } => write!(s, "qs:{o}:{lesson}:{version}"),
            Action::QuizAnswer {
                attempt,
                version,
                question,
                choice,
            } => {
                write!(s, "qa:{o}:{attempt}:{version}:{question}:{choice}")
            }
            Action::QuizNext { attempt, version } => write!(s, "qn:{o}:{attempt}:{version}"),
            Action::QuizTick {
                lesson,
                version,
                objective,
            } => write!(s, "qt:{o}:{lesson}:{version}:{objective}"),
            Action::QuizTickAll { lesson, version } => write!(s, "qta:{o}:{lesson}:{version}"),
            Action::ReviewAnswer {
                lesson,
                version,
                question,
                reps,
                choice,
                scope,
            } => write!(
                s,
                "ra:{o}:{lesson}:{version}:{question}:{reps}:{choice}{}",
                server(*scope)
            ),
            Action::ReviewRate {
                lesson,
                version,
                question,
                reps,
                rating,
                scope,
            } => write!(
                s,
                "rr:{o}:{lesson}:{version}:{question}:{reps}:{rating}{}",
                server(*scope)
            ),
            Action::ReviewNext => write!(s, "rn:{o}"),
            Action::ExerciseOpen {
                lesson,
                version,
                exercise,
            } => write!(s, "xo:{o}:{lesson}:{version}:{exercise}"),
            Action::ExerciseForm {
                lesson,
                version,
                exercise,
                predicted,
            } => write!(
                s,
                "xf:{o}:{lesson}:{version}:{exercise}:{}",
                guess(*predicted)
            ),
            Action::ExerciseSubmit {
                lesson,
                version,
                exercise,
                predicted,
            } => write!(
                s,
                "xs:{o}:{lesson}:{version}:{exercise}:{}",
                guess(*predicted)
            ),
            Action::ExerciseTick {
                lesson,
                version,
                exercise,
            } => write!(s, "xt:{o}:{lesson}:{version}:{exercise}"),
            Action::DemoRust { demo } => write!(s, "dr:{o}:{demo}"),
            Action::ForgetConfirm => write!(s, "fy:{o}"),
            Action::ForgetCancel => write!(s, "fn:{o}"),
        };
        debug_assert!(s.len() <= CUSTOM_ID_MAX, "custom_id too long: {s}");
        s
    }

    /// Parses a custom_id exactly as [`encode`](Self::encode) writes it.
    pub fn parse(raw: &str) -> Result<ButtonId, MalformedButton> {
        if raw.is_empty() || raw.len() > CUSTOM_ID_MAX {
            return Err(MalformedButton);
        }
        let parts: Vec<&str> = raw.split(':').collect();
        let (verb, rest) = parts.split_first().ok_or(MalformedButton)?;
        let (owner, args) = rest.split_first().ok_or(MalformedButton)?;
        let owner = snowflake(owner)?;
        let action = match (*verb, args) {
            ("sec", [l, v, s]) => Action::Section {
                lesson: id(l)?,
                version: version(v)?,
                section: id(s)?,
                page: 0,
            },
            ("sec", [l, v, s, p]) => Action::Section {
                lesson: id(l)?,
                version: version(v)?,
                section: id(s)?,
                // Page 0 is written without a page: "0" here is not ours.
                page: small(p).and_then(|p| if p == 0 { Err(MalformedButton) } else { Ok(p) })?,
            },
            ("ex", [l]) => Action::Exercises { lesson: id(l)? },
            ("chk", [l, v]) => Action::Checklist {
                lesson: id(l)?,
                version: version(v)?,
            },
            ("tick", [l, v, o, t]) => Action::Tick {
                lesson: id(l)?,
                version: version(v)?,
                objective: id(o)?,
                ticked: match *t {
                    "1" => true,
                    "0" => false,
                    _ => return Err(MalformedButton),
                },
            },
            ("qs", [l, v]) => Action::QuizStart {
                lesson: id(l)?,
                version: version(v)?,
            },
            ("qa", [a, v, q, c]) => Action::QuizAnswer {
                attempt: attempt(a)?,
                version: version(v)?,
                question: small(q)?,
                choice: small(c)?,
            },
            ("qn", [a, v]) => Action::QuizNext {
                attempt: attempt(a)?,
                version: version(v)?,
            },
            ("qt", [l, v, o]) => Action::QuizTick {
                lesson: id(l)?,
                version: version(v)?,
                objective: id(o)?,
            },
            ("qta", [l, v]) => Action::QuizTickAll {
                lesson: id(l)?,
                version: version(v)?,
            },
            ("ra", [l, v, q, r, c, server @ ..]) => Action::ReviewAnswer {
                lesson: id(l)?,
                version: version(v)?,
                question: small(q)?,
                reps: reps(r)?,
                choice: small(c)?,
                scope: scope(server)?,
            },
            ("rr", [l, v, q, r, g, server @ ..]) => Action::ReviewRate {
                lesson: id(l)?,
                version: version(v)?,
                question: small(q)?,
                reps: reps(r)?,
                rating: match *g {
                    "2" => 2,
                    "3" => 3,
                    "4" => 4,
                    _ => return Err(MalformedButton),
                },
                scope: scope(server)?,
            },
            ("rn", []) => Action::ReviewNext,
            ("xo", [l, v, e]) => Action::ExerciseOpen {
                lesson: id(l)?,
                version: version(v)?,
                exercise: id(e)?,
            },
            ("xf", [l, v, e, p]) => Action::ExerciseForm {
                lesson: id(l)?,
                version: version(v)?,
                exercise: id(e)?,
                predicted: parse_guess(p)?,
            },
            ("xs", [l, v, e, p]) => Action::ExerciseSubmit {
                lesson: id(l)?,
                version: version(v)?,
                exercise: id(e)?,
                predicted: parse_guess(p)?,
            },
            ("xt", [l, v, e]) => Action::ExerciseTick {
                lesson: id(l)?,
                version: version(v)?,
                exercise: id(e)?,
            },
            ("dr", [d]) => Action::DemoRust { demo: id(d)? },
            ("fy", []) => Action::ForgetConfirm,
            ("fn", []) => Action::ForgetCancel,
            _ => return Err(MalformedButton),
        };
        Ok(ButtonId { owner, action })
    }
}

/// A server's lesson's scope as the tail of a review button (`:guild`);
/// nothing for a built-in lesson.
fn server(scope: Scope) -> String {
    scope
        .guild()
        .map_or_else(String::new, |guild| format!(":{guild}"))
}

/// No tail: a built-in lesson; one snowflake: that server's.
fn scope(tail: &[&str]) -> Result<Scope, MalformedButton> {
    match tail {
        [] => Ok(Scope::BuiltIn),
        [guild] => snowflake(guild).map(Scope::Server),
        _ => Err(MalformedButton),
    }
}

/// A prediction's choice index, or `-` for none.
fn guess(predicted: Option<u8>) -> String {
    predicted.map_or_else(|| "-".to_string(), |p| p.to_string())
}

fn parse_guess(s: &str) -> Result<Option<u8>, MalformedButton> {
    match s {
        "-" => Ok(None),
        _ => small(s).map(Some),
    }
}

fn id(s: &str) -> Result<String, MalformedButton> {
    is_valid_id(s).then(|| s.to_string()).ok_or(MalformedButton)
}

fn version(s: &str) -> Result<String, MalformedButton> {
    (s.len() == 8
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    .then(|| s.to_string())
    .ok_or(MalformedButton)
}

/// Digits only: `u64::from_str` would also take a leading `+`.
fn digits(s: &str) -> Result<u64, MalformedButton> {
    if s.is_empty()
        || s.len() > 20
        || !s.bytes().all(|b| b.is_ascii_digit())
        || (s.len() > 1 && s.starts_with('0'))
    {
        return Err(MalformedButton);
    }
    s.parse().map_err(|_| MalformedButton)
}

fn snowflake(s: &str) -> Result<u64, MalformedButton> {
    digits(s).and_then(|n| if n == 0 { Err(MalformedButton) } else { Ok(n) })
}

fn attempt(s: &str) -> Result<i64, MalformedButton> {
    snowflake(s).and_then(|n| i64::try_from(n).map_err(|_| MalformedButton))
}

fn reps(s: &str) -> Result<i32, MalformedButton> {
    digits(s).and_then(|n| i32::try_from(n).map_err(|_| MalformedButton))
}

fn small(s: &str) -> Result<u8, MalformedButton> {
    digits(s).and_then(|n| u8::try_from(n).map_err(|_| MalformedButton))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn long_id() -> String {
        "a".repeat(crate::content::ID_MAX)
    }

    fn every_action() -> Vec<Action> {
        let (l, v) = (long_id(), "0123abcd".to_string());
        vec![
            Action::Section {
                lesson: l.clone(),
                version: v.clone(),
                section: l.clone(),
                page: 0,
            },
            Action::Section {
                lesson: l.clone(),
                version: v.clone(),
                section: l.clone(),
                page: u8::MAX,
            },
            Action::Exercises { lesson: l.clone() },
            Action::Checklist {
                lesson: l.clone(),
                version: v.clone(),
            },
            Action::Tick {
                lesson: l.clone(),
                version: v.clone(),
                objective: l.clone(),
                ticked: true,
            },
            Action::Tick {
                lesson: l.clone(),
                version: v.clone(),
                objective: l.clone(),
                ticked: false,
            },
            Action::QuizStart {
                lesson: l.clone(),
                version: v.clone(),
            },
            Action::QuizAnswer {
                attempt: i64::MAX,
                version: v.clone(),
                question: 49,
                choice: 3,
            },
            Action::QuizNext {
                attempt: i64::MAX,
                version: v.clone(),
            },
            Action::QuizTick {
                lesson: l.clone(),
                version: v.clone(),
                objective: l.clone(),
            },
            Action::QuizTickAll {
                lesson: l.clone(),
                version: v.clone(),
            },
            Action::ReviewAnswer {
                lesson: l.clone(),
                version: v.clone(),
                question: u8::MAX,
                reps: i32::MAX,
                choice: u8::MAX,
                scope: Scope::BuiltIn,
            },
            Action::ReviewAnswer {
                lesson: l.clone(),
                version: v.clone(),
                question: u8::MAX,
                reps: i32::MAX,
                choice: u8::MAX,
                scope: Scope::Server(u64::MAX),
            },
            Action::ReviewRate {
                lesson: l.clone(),
                version: v.clone(),
                question: u8::MAX,
                reps: i32::MAX,
                rating: 4,
                scope: Scope::BuiltIn,
            },
            Action::ReviewRate {
                lesson: l.clone(),
                version: v.clone(),
                question: u8::MAX,
                reps: i32::MAX,
                rating: 4,
                scope: Scope::Server(u64::MAX),
            },
            Action::ReviewNext,
            Action::ExerciseOpen {
                lesson: l.clone(),
                version: v.clone(),
                exercise: l.clone(),
            },
            Action::ExerciseForm {
                lesson: l.clone(),
                version: v.clone(),
                exercise: l.clone(),
                predicted: Some(u8::MAX),
            },
            Action::ExerciseForm {
                lesson: l.clone(),
                version: v.clone(),
                exercise: l.clone(),
                predicted: None,
            },
            Action::ExerciseSubmit {
                lesson: l.clone(),
                version: v.clone(),
                exercise: l.clone(),
                predicted: Some(u8::MAX),
            },
            Action::ExerciseTick {
                lesson: l.clone(),
                version: v.clone(),
                exercise: l.clone(),
            },
            Action::DemoRust { demo: l.clone() },
            Action::ForgetConfirm,
            Action::ForgetCancel,
        ]
    }

    #[test]
    fn every_button_round_trips_and_fits_discords_limit_at_maximum_sizes() {
        for action in every_action() {
            let b = ButtonId::new(u64::MAX, action);
            let raw = b.encode();
            assert!(raw.len() <= CUSTOM_ID_MAX, "{raw} is {} long", raw.len());
            assert_eq!(ButtonId::parse(&raw), Ok(b));
        }
    }

    #[test]
    fn tampered_ids_are_refused() {
        for raw in [
            "",
            "sec",
            "sec:1:async:0123abcd",
            "sec:0:async:0123abcd:overview",
            "sec:+1:async:0123abcd:overview",
            "sec:01:async:0123abcd:overview",
            "sec:1:Async:0123abcd:overview",
            "sec:1:async:0123ABCD:overview",
            "sec:1:async:0123abc:overview",
            "sec:1:async:0123abcd:overview:extra",
            "sec:1:async:0123abcd:overview:0",
            "sec:1:async:0123abcd:overview:256",
            "ex:1:async:extra",
            "qta:1:async",
            "tick:1:async:0123abcd:x:2",
            "qa:1:0:0123abcd:1:1",
            "qa:1:5:0123abcd:256:1",
            "fy:1:now",
            "zz:1",
            "sec:99999999999999999999999:async:0123abcd:overview",
            "rr:1:async:0123abcd:1:1:1",
            "rr:1:async:0123abcd:1:1:5",
            "ra:1:async:0123abcd:1:2147483648:0",
            "ra:1:async:0123abcd:1:-1:0",
            "ra:1:async:0123abcd:1:1:0:0",
            "ra:1:async:0123abcd:1:1:0:01",
            "ra:1:async:0123abcd:1:1:0:7:7",
            "rr:1:async:0123abcd:1:1:3:",
            "rn:1:x",
            "xo:1:async:0123abcd",
            "xo:1:async:0123abcd:Gather",
            "xf:1:async:0123abcd:gather",
            "xf:1:async:0123abcd:gather:256",
            "xf:1:async:0123abcd:gather:+1",
            "xf:1:async:0123abcd:gather:--",
            "xs:1:async:0123abcd:gather:",
            "xt:1:async:0123abcd:gather:0",
        ] {
            assert_eq!(ButtonId::parse(raw), Err(MalformedButton), "{raw:?}");
        }
    }
}

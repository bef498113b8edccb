//! A lesson folder: `lesson.toml` (structure) and one Markdown file a section.
//!
//! Both layouts (this folder and the one-file lesson, see [`super::one_file`])
//! read into a [`Draft`] and meet the same checks in [`assemble`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::diag::{Diagnostics, Source};
use super::markdown::{self, Example};
use super::quiz::Quiz;
use super::tree::Tree;
use super::{check_id, check_text};

/// Discord's embed description limit is 4096; the bot adds a short footer.
pub const SECTION_MAX: usize = 3800;
/// Sections are buttons: three rows of five, with a fourth row of actions.
pub const MAX_SECTIONS: usize = 15;
/// Objectives are toggle buttons: four rows of five, with a row of actions.
pub const MAX_OBJECTIVES: usize = 20;

/// One lesson, checked and ready to serve.
#[derive(Debug, Clone)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub order: i64,
    pub sections: Vec<Section>,
    pub objectives: Vec<Objective>,
    pub quiz: Option<Quiz>,
    /// Graded exercises (`exercises.toml`), run in the lab; may be empty.
    pub exercises: Vec<super::exercise::Exercise>,
    /// A fingerprint of every file of the lesson, carried in its buttons so
    /// that a button drawn from older content is recognised as stale.
    pub version: String,
    /// Built in, or a server's pack (set when the pack is loaded): with the
    /// id, the key of everything a learner does in the lesson.
    pub scope: super::Scope,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub body: String,
    pub examples: Vec<Example>,
    /// The Markdown file, for test messages.
    pub file: std::path::PathBuf,
    /// The line of `file` that `body`'s first line comes from.
    pub line: usize,
}

impl Section {
    /// The section cut into pages that fit a screen (see [`super::pages`]).
    pub fn pages(&self) -> Vec<String> {
        super::pages::split(&self.body)
    }
}

#[derive(Debug, Clone)]
pub struct Objective {
    pub id: String,
    pub text: String,
    /// The section to read again for this objective.
    pub section: String,
}

impl Lesson {
    /// The key the store files a learner's work in this lesson under.
    pub fn key(&self) -> super::LessonKey<'_> {
        super::LessonKey::new(self.scope, &self.id)
    }

    pub fn exercise(&self, id: &str) -> Option<&super::exercise::Exercise> {
        self.exercises.iter().find(|e| e.id == id)
    }

    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    pub fn objective(&self, id: &str) -> Option<&Objective> {
        self.objectives.iter().find(|o| o.id == id)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    title: Spanned<String>,
    summary: Spanned<String>,
    #[serde(default)]
    order: i64,
    sections: Spanned<Vec<RawSection>>,
    objectives: Spanned<Vec<RawObjective>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    id: Spanned<String>,
    title: Spanned<String>,
    file: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObjective {
    id: Spanned<String>,
    text: Spanned<String>,
    section: Spanned<String>,
}

/// A lesson as read from either layout, before any check: every value with
/// the line it came from, so both layouts share one set of checks and name
/// mistakes the same way.
pub(super) struct Draft {
    pub id: String,
    /// The file that holds the lesson's structure (`lesson.toml`, or the
    /// one-file lesson itself), where structural mistakes are reported.
    pub path: PathBuf,
    pub id_line: usize,
    pub id_what: &'static str,
    pub title: (String, usize),
    pub summary: (String, usize),
    pub order: i64,
    pub sections_line: usize,
    pub sections: Vec<DraftSection>,
    /// Where the objectives are declared; `None` when the layout has
    /// already reported that they are missing.
    pub objectives_line: Option<usize>,
    pub objectives: Vec<DraftObjective>,
    /// The quiz's file, its text and the line that text starts on.
    pub quiz: Option<(PathBuf, String, usize)>,
    /// The exercises' file, their text and the line that text starts on
    /// (1 for `exercises.toml`; later for a one-file lesson's block).
    pub exercises: Option<(PathBuf, String, usize)>,
    pub fingerprint: Fingerprint,
}

pub(super) struct DraftSection {
    pub id: (String, usize),
    pub title: (String, usize),
    /// The file holding the body, the body, and the line it starts on.
    pub file: PathBuf,
    pub body: String,
    pub body_line: usize,
}

pub(super) struct DraftObjective {
    pub id: (String, usize),
    pub text: (String, usize),
    pub section: (String, usize),
}

/// Loads folder `dir` of `tree` (`lesson.toml`, its sections and its quiz).
/// Returns `None` (with diagnostics) when the lesson cannot be served.
pub fn load(tree: &Tree, dir: &Path, id: &str, diags: &mut Diagnostics) -> Option<Lesson> {
    let before = diags.len();
    let rel_toml = dir.join("lesson.toml");
    let toml_path = tree.shown(&rel_toml);
    let text = match tree.read(&rel_toml) {
        Ok(t) => t,
        Err(e) => {
            diags.push(&toml_path, 1, format!("cannot read: {e}"));
            return None;
        }
    };
    let mut fingerprint = Fingerprint::default();
    fingerprint.add(text.as_bytes());
    let src = Source {
        path: &toml_path,
        text: &text,
    };
    let raw: RawLesson = src.parse(diags)?;
    let at = |s: Spanned<String>| {
        let line = src.line(s.span());
        (s.into_inner(), line)
    };

    let sections_line = src.line(raw.sections.span());
    let mut sections = Vec::new();
    for s in raw.sections.into_inner() {
        let file_line = src.line(s.file.span());
        let name = s.file.get_ref();
        if name.contains("..") || Path::new(name).is_absolute() {
            diags.push(
                &toml_path,
                file_line,
                "section files live in the lesson folder",
            );
            continue;
        }
        let rel = dir.join(name);
        let body = match tree.read(&rel) {
            Ok(b) => b,
            Err(e) => {
                diags.push(&toml_path, file_line, format!("cannot read {name}: {e}"));
                continue;
            }
        };
        sections.push(DraftSection {
            id: at(s.id),
            title: at(s.title),
            file: tree.shown(&rel),
            body,
            body_line: 1,
        });
    }
    let objectives_line = src.line(raw.objectives.span());
    let objectives = raw
        .objectives
        .into_inner()
        .into_iter()
        .map(|o| DraftObjective {
            id: at(o.id),
            text: at(o.text),
            section: at(o.section),
        })
        .collect();

    let rel_quiz = dir.join("quiz.toml");
    let quiz_path = tree.shown(&rel_quiz);
    let quiz = match tree.read(&rel_quiz) {
        Ok(text) => Some((quiz_path, text, 1)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            diags.push(&quiz_path, 1, format!("cannot read: {e}"));
            None
        }
    };
    let rel_exercises = dir.join("exercises.toml");
    let exercises_path = tree.shown(&rel_exercises);
    let exercises = match tree.read(&rel_exercises) {
        Ok(text) => Some((exercises_path, text, 1)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            diags.push(&exercises_path, 1, format!("cannot read: {e}"));
            None
        }
    };
    let draft = Draft {
        id: id.to_string(),
        id_line: 1,
        id_what: "lesson folder name",
        title: at(raw.title),
        summary: at(raw.summary),
        order: raw.order,
        sections_line,
        sections,
        objectives_line: Some(objectives_line),
        objectives,
        quiz,
        exercises,
        fingerprint,
        path: toml_path.clone(),
    };
    let lesson = assemble(draft, diags);
    if diags.len() == before {
        lesson
    } else {
        None
    }
}

/// Checks a draft from either layout and builds the lesson. Returns `None`
/// when any check failed (every failure is in `diags`).
pub(super) fn assemble(draft: Draft, diags: &mut Diagnostics) -> Option<Lesson> {
    let before = diags.len();
    let path = draft.path.as_path();
    let mut fingerprint = draft.fingerprint;
    check_id(path, draft.id_what, &draft.id, draft.id_line, diags);
    check_text(path, "title", &draft.title, 200, diags);
    check_text(path, "summary", &draft.summary, 300, diags);

    if draft.sections.is_empty() || draft.sections.len() > MAX_SECTIONS {
        diags.push(
            path,
            draft.sections_line,
            format!("a lesson has 1 to {MAX_SECTIONS} sections"),
        );
    }
    let mut sections = Vec::new();
    let mut seen = HashSet::new();
    for s in draft.sections {
        let (id, line) = &s.id;
        check_id(path, "section id", id, *line, diags);
        if !seen.insert(id.clone()) {
            diags.push(path, *line, format!("duplicate section id `{id}`"));
        }
        check_text(path, "section title", &s.title, 80, diags);
        fingerprint.add(s.body.as_bytes());
        let rendered = markdown::render_from(&s.file, &s.body, s.body_line, diags);
        if rendered.text.is_empty() {
            diags.push(&s.file, s.body_line, "the section is empty");
        }
        let chars = rendered.text.chars().count();
        if chars > SECTION_MAX {
            diags.push(
                &s.file,
                s.body_line,
                format!(
                    "the section is {chars} characters; Discord shows at most {SECTION_MAX} here"
                ),
            );
        }
        sections.push(Section {
            id: s.id.0,
            title: s.title.0,
            body: rendered.text,
            examples: rendered.examples,
            file: s.file,
            // The rendered body is trimmed: its first line is the first
            // line of the source that is not blank.
            line: s.body_line + s.body.lines().take_while(|l| l.trim().is_empty()).count(),
        });
    }

    let count = draft.objectives.len();
    if let Some(line) = draft
        .objectives_line
        .filter(|_| count == 0 || count > MAX_OBJECTIVES)
    {
        diags.push(
            path,
            line,
            format!("a lesson has 1 to {MAX_OBJECTIVES} objectives"),
        );
    }
    let mut objectives = Vec::new();
    let mut seen = HashSet::new();
    for o in draft.objectives {
        let (id, line) = &o.id;
        check_id(path, "objective id", id, *line, diags);
        if !seen.insert(id.clone()) {
            diags.push(path, *line, format!("duplicate objective id `{id}`"));
        }
        check_text(path, "objective text", &o.text, 200, diags);
        if !sections.iter().any(|s| s.id == o.section.0) {
            diags.push(
                path,
                o.section.1,
                format!("objective `{id}` names unknown section `{}`", o.section.0),
            );
        }
        objectives.push(Objective {
            id: o.id.0,
            text: o.text.0,
            section: o.section.0,
        });
    }

    let quiz = draft.quiz.and_then(|(quiz_path, text, first_line)| {
        super::quiz::load_from(&quiz_path, &text, first_line, &objectives, diags)
    });
    if let Some(quiz) = &quiz {
        fingerprint.add(quiz.version.as_bytes());
    }
    let exercises = match draft.exercises {
        Some((exercises_path, text, first_line)) => {
            fingerprint.add(text.as_bytes());
            super::exercise::load_from(&exercises_path, &text, first_line, &objectives, diags)
                .unwrap_or_default()
        }
        None => Vec::new(),
    };

    (diags.len() == before).then(|| Lesson {
        id: draft.id,
        title: draft.title.0,
        summary: draft.summary.0,
        order: draft.order,
        sections,
        objectives,
        quiz,
        exercises,
        version: fingerprint.hex(),
        scope: super::Scope::BuiltIn,
    })
}

/// FNV-1a, 64 bit: stable across builds and machines, unlike std's hasher,
/// which matters because several instances must agree on a lesson's version.
#[derive(Debug, Clone, Copy)]
pub struct Fingerprint(u64);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint(0xcbf2_9ce4_8422_2325)
    }
}

impl Fingerprint {
    pub fn add(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // A separator, so ("ab","c") and ("a","bc") differ.
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }

    /// Eight hex digits: short enough for a button id.
    pub fn hex(&self) -> String {
        format!("{:08x}", (self.0 >> 32) as u32 ^ self.0 as u32)
    }
}

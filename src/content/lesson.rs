//! A lesson folder: `lesson.toml` (structure) and one Markdown file a section.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::diag::{Diagnostics, Source};
use super::markdown::{self, Example};
use super::quiz::Quiz;
use super::{check_id, check_len};

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
}

#[derive(Debug, Clone)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub body: String,
    pub examples: Vec<Example>,
    /// The Markdown file, for test messages.
    pub file: std::path::PathBuf,
}

#[derive(Debug, Clone)]
pub struct Objective {
    pub id: String,
    pub text: String,
    /// The section to read again for this objective.
    pub section: String,
}

impl Lesson {
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

/// Loads `dir/lesson.toml`, its sections and its quiz. Returns `None` (with
/// diagnostics) when the lesson cannot be served.
pub fn load(dir: &Path, id: &str, diags: &mut Diagnostics) -> Option<Lesson> {
    let before = diags.len();
    let toml_path = dir.join("lesson.toml");
    let text = match std::fs::read_to_string(&toml_path) {
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

    let folder_line = 1;
    check_id(&src, "lesson folder name", id, folder_line, diags);
    check_len(&src, "title", &raw.title, 200, diags);
    check_len(&src, "summary", &raw.summary, 300, diags);

    let mut sections = Vec::new();
    let mut seen = HashSet::new();
    if raw.sections.get_ref().is_empty() || raw.sections.get_ref().len() > MAX_SECTIONS {
        diags.push(
            &toml_path,
            src.line(raw.sections.span()),
            format!("a lesson has 1 to {MAX_SECTIONS} sections"),
        );
    }
    for s in raw.sections.into_inner() {
        let line = src.line(s.id.span());
        check_id(&src, "section id", s.id.get_ref(), line, diags);
        if !seen.insert(s.id.get_ref().clone()) {
            diags.push(
                &toml_path,
                line,
                format!("duplicate section id `{}`", s.id.get_ref()),
            );
        }
        check_len(&src, "section title", &s.title, 80, diags);
        let file = dir.join(s.file.get_ref());
        let file_line = src.line(s.file.span());
        if s.file.get_ref().contains("..") || Path::new(s.file.get_ref()).is_absolute() {
            diags.push(
                &toml_path,
                file_line,
                "section files live in the lesson folder",
            );
            continue;
        }
        let body = match std::fs::read_to_string(&file) {
            Ok(b) => b,
            Err(e) => {
                diags.push(
                    &toml_path,
                    file_line,
                    format!("cannot read {}: {e}", s.file.get_ref()),
                );
                continue;
            }
        };
        fingerprint.add(body.as_bytes());
        let rendered = markdown::render(&file, &body, diags);
        if rendered.text.is_empty() {
            diags.push(&file, 1, "the section is empty");
        }
        let chars = rendered.text.chars().count();
        if chars > SECTION_MAX {
            diags.push(
                &file,
                1,
                format!(
                    "the section is {chars} characters; Discord shows at most {SECTION_MAX} here"
                ),
            );
        }
        sections.push(Section {
            id: s.id.into_inner(),
            title: s.title.into_inner(),
            body: rendered.text,
            examples: rendered.examples,
            file,
        });
    }

    let mut objectives = Vec::new();
    let mut seen = HashSet::new();
    if raw.objectives.get_ref().is_empty() || raw.objectives.get_ref().len() > MAX_OBJECTIVES {
        diags.push(
            &toml_path,
            src.line(raw.objectives.span()),
            format!("a lesson has 1 to {MAX_OBJECTIVES} objectives"),
        );
    }
    for o in raw.objectives.into_inner() {
        let line = src.line(o.id.span());
        check_id(&src, "objective id", o.id.get_ref(), line, diags);
        if !seen.insert(o.id.get_ref().clone()) {
            diags.push(
                &toml_path,
                line,
                format!("duplicate objective id `{}`", o.id.get_ref()),
            );
        }
        check_len(&src, "objective text", &o.text, 200, diags);
        if !sections.iter().any(|s| &s.id == o.section.get_ref()) {
            diags.push(
                &toml_path,
                src.line(o.section.span()),
                format!(
                    "objective `{}` names unknown section `{}`",
                    o.id.get_ref(),
                    o.section.get_ref()
                ),
            );
        }
        objectives.push(Objective {
            id: o.id.into_inner(),
            text: o.text.into_inner(),
            section: o.section.into_inner(),
        });
    }

    let quiz_path = dir.join("quiz.toml");
    let quiz = match std::fs::read_to_string(&quiz_path) {
        Ok(text) => super::quiz::load(&quiz_path, &text, &objectives, diags),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            diags.push(&quiz_path, 1, format!("cannot read: {e}"));
            None
        }
    };
    if let Some(quiz) = &quiz {
        fingerprint.add(quiz.version.as_bytes());
    }
    let exercises_path = dir.join("exercises.toml");
    let exercises = match std::fs::read_to_string(&exercises_path) {
        Ok(text) => {
            fingerprint.add(text.as_bytes());
            super::exercise::load(&exercises_path, &text, &objectives, diags).unwrap_or_default()
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            diags.push(&exercises_path, 1, format!("cannot read: {e}"));
            Vec::new()
        }
    };

    (diags.len() == before).then(|| Lesson {
        id: id.to_string(),
        title: raw.title.into_inner(),
        summary: raw.summary.into_inner(),
        order: raw.order,
        sections,
        objectives,
        quiz,
        exercises,
        version: fingerprint.hex(),
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

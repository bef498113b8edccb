//! Content: every word a learner reads, loaded from `prompts/` and checked.
//!
//! The loader reads a [`Tree`] (the `prompts/` built into the binary, or an
//! author's folder): each lesson folder (`lesson.toml`, its Markdown
//! sections, `quiz.toml`, `exercises.toml`), each one-file lesson (`*.md`,
//! see [`one_file`]), and the bot's own texts (`ui.toml`, `review.toml`),
//! and checks everything a
//! learner could trip over: Discord's limits, unique ids, empty fields, unknown
//! keys, quiz answers among their choices, objectives that exist, and examples
//! with their output. It collects every mistake as `path:line: message`; the
//! bot refuses to start on any, and `tutorbot check` prints them for authors.
//! Weaknesses that do not stop a lesson (a quiz a guesser passes by picking
//! the longest choice, say) are warnings, from [`check`].
//!
//! A loaded [`Catalog`] is immutable and shared: serving a lesson never
//! touches the disk.

pub mod check;
pub mod diag;
pub mod exercise;
pub mod lesson;
pub mod live;
pub mod markdown;
pub mod one_file;
pub mod pack;
pub mod pages;
pub mod quiz;
pub mod scope;
pub mod template;
pub mod tree;
pub mod ui;

use std::path::Path;

pub use diag::{Diagnostic, Diagnostics};
pub use exercise::{Exercise, Predict, PredictChoice};
pub use lesson::{Lesson, Objective, Section};
pub use quiz::{Choice, Question, Quiz};
pub use scope::{LessonKey, Scope, Within};
pub use tree::Tree;
pub use ui::{AuthorTexts, DemoTexts, LabTexts, ReviewTexts, Texts};

use diag::Source;

/// Reads one of the bot's own TOML files, reporting a failure.
fn read_toml(
    tree: &Tree,
    name: &str,
    diags: &mut Diagnostics,
) -> Option<(std::path::PathBuf, String)> {
    let path = tree.shown(Path::new(name));
    match tree.read(Path::new(name)) {
        Ok(text) => Some((path, text)),
        Err(e) => {
            diags.push(&path, 1, format!("cannot read: {e}"));
            None
        }
    }
}

/// Every lesson and text, checked.
#[derive(Debug, Clone)]
pub struct Catalog {
    lessons: Vec<Lesson>,
    pub texts: Texts,
    pub demo_texts: DemoTexts,
    /// `prompts/review.toml`: reviews, streaks, reminders.
    pub review_texts: ReviewTexts,
    /// `prompts/lab.toml`: `/run` and the lab's verdicts.
    pub lab_texts: LabTexts,
    /// `prompts/author.toml`: `/author`, a server's own lessons.
    pub author_texts: AuthorTexts,
}

impl Catalog {
    /// Loads and checks a `prompts/` folder. Any mistake fails the whole load.
    pub fn load(dir: &Path) -> Result<Catalog, Diagnostics> {
        Catalog::load_tree(&Tree::Folder(dir.to_path_buf()))
    }

    /// The lessons built into the binary.
    pub fn built_in() -> Result<Catalog, Diagnostics> {
        Catalog::load_tree(&Tree::BuiltIn)
    }

    /// Loads and checks a tree: `ui.toml`, `demos.toml`, every lesson
    /// folder and every one-file lesson (`*.md` but `README.md`).
    pub fn load_tree(tree: &Tree) -> Result<Catalog, Diagnostics> {
        let mut diags = Diagnostics::default();
        let texts = read_toml(tree, "ui.toml", &mut diags).and_then(|(path, text)| {
            Texts::load(
                &Source {
                    path: &path,
                    text: &text,
                },
                &mut diags,
            )
        });
        let demo_texts = read_toml(tree, "demos.toml", &mut diags).and_then(|(path, text)| {
            DemoTexts::load(
                &Source {
                    path: &path,
                    text: &text,
                },
                &mut diags,
            )
        });

        let review_texts = read_toml(tree, "review.toml", &mut diags).and_then(|(path, text)| {
            ReviewTexts::load(
                &Source {
                    path: &path,
                    text: &text,
                },
                &mut diags,
            )
        });

        let lab_texts = read_toml(tree, "lab.toml", &mut diags).and_then(|(path, text)| {
            LabTexts::load(
                &Source {
                    path: &path,
                    text: &text,
                },
                &mut diags,
            )
        });

        let author_texts = read_toml(tree, "author.toml", &mut diags).and_then(|(path, text)| {
            AuthorTexts::load(
                &Source {
                    path: &path,
                    text: &text,
                },
                &mut diags,
            )
        });

        let mut lessons: Vec<Lesson> = load_lessons(tree, &mut diags)
            .into_iter()
            .map(|l| l.lesson)
            .collect();
        match (texts, demo_texts, review_texts, lab_texts, author_texts) {
            (
                Some(texts),
                Some(demo_texts),
                Some(review_texts),
                Some(lab_texts),
                Some(author_texts),
            ) if diags.is_empty() => {
                lessons.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.id.cmp(&b.id)));
                Ok(Catalog {
                    lessons,
                    texts,
                    demo_texts,
                    review_texts,
                    lab_texts,
                    author_texts,
                })
            }
            _ => Err(diags),
        }
    }

    pub fn lessons(&self) -> &[Lesson] {
        &self.lessons
    }

    /// This catalog with more lessons (a server's pack) served next to its
    /// own, in order. A lesson whose id this catalog already has is left
    /// out: uploads are refused such ids, and a built-in lesson added later
    /// wins over a pack's.
    pub fn with_lessons(&self, extra: impl IntoIterator<Item = Lesson>) -> Catalog {
        let mut catalog = self.clone();
        for lesson in extra {
            if catalog.lesson(&lesson.id).is_none() {
                catalog.lessons.push(lesson);
            }
        }
        catalog
            .lessons
            .sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.id.cmp(&b.id)));
        catalog
    }

    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }

    /// Lessons whose id or title contains the query, for autocomplete.
    pub fn search(&self, query: &str) -> Vec<&Lesson> {
        let q = query.trim().to_lowercase();
        self.lessons
            .iter()
            .filter(|l| q.is_empty() || l.id.contains(&q) || l.title.to_lowercase().contains(&q))
            .take(25)
            .collect()
    }

    /// The lesson ids closest to a mistyped one, best first.
    pub fn closest(&self, query: &str) -> Vec<&str> {
        let q = query.trim().to_lowercase();
        let mut scored: Vec<(usize, &str)> = self
            .lessons
            .iter()
            .map(|l| {
                let by_id = edit_distance(&q, &l.id);
                let by_title = if l.title.to_lowercase().contains(&q) && !q.is_empty() {
                    0
                } else {
                    usize::MAX
                };
                (by_id.min(by_title), l.id.as_str())
            })
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, id)| id).collect()
    }
}

/// A lesson as loaded from a tree, with where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub lesson: Lesson,
    /// Its name in the tree's root: the folder, or the one-file lesson.
    pub rel: String,
    /// Whether it is a lesson folder (else a one-file lesson).
    pub folder: bool,
    /// The path shown in messages about it, and the line of its id.
    pub shown: std::path::PathBuf,
    pub line: usize,
}

/// Every lesson in the root of `tree` (each folder with a `lesson.toml`,
/// each `*.md` but `README.md`), checked; every mistake goes to `diags`.
/// Two lessons with one id are refused, naming both ends. What the bot's
/// start, `tutorbot check` and a server's uploaded pack all load through.
pub fn load_lessons(tree: &Tree, diags: &mut Diagnostics) -> Vec<Loaded> {
    let root = Path::new("");
    let entries = match tree.list(root) {
        Ok(entries) => entries,
        Err(e) => {
            diags.push(
                &tree.shown(root),
                1,
                format!("cannot read the prompts folder: {e}"),
            );
            return Vec::new();
        }
    };
    let mut lessons: Vec<Loaded> = Vec::new();
    // Where each id was first declared, to name both ends of a clash.
    let mut declared: Vec<(String, std::path::PathBuf)> = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(path) => {
                diags.push(&path, 1, "file name is not valid UTF-8");
                continue;
            }
        };
        let rel = Path::new(&entry.name);
        let shown = tree.shown(rel);
        let (lesson, line) = if entry.is_dir {
            if !tree.is_file(&rel.join("lesson.toml")) {
                diags.push(&shown, 1, "a lesson folder needs a lesson.toml");
                continue;
            }
            let lesson = lesson::load(tree, rel, &entry.name, diags);
            (lesson, 1)
        } else if entry.name.ends_with(".md") && entry.name != "README.md" {
            match one_file::load(tree, rel, diags) {
                Some((lesson, line)) => (Some(lesson), line),
                None => (None, 1),
            }
        } else {
            continue;
        };
        let Some(lesson) = lesson else { continue };
        if let Some((_, first)) = declared.iter().find(|(id, _)| *id == lesson.id) {
            diags.push(
                &shown,
                line,
                format!(
                    "lesson id `{}` is already taken by {}",
                    lesson.id,
                    first.display()
                ),
            );
            continue;
        }
        declared.push((lesson.id.clone(), shown.clone()));
        lessons.push(Loaded {
            lesson,
            rel: entry.name.clone(),
            folder: entry.is_dir,
            shown,
            line,
        });
    }
    if lessons.is_empty() && diags.is_empty() {
        diags.push(
            &tree.shown(root),
            1,
            "no lessons found (a lesson is a folder with a lesson.toml, or a one-file lesson.md)",
        );
    }
    lessons
}

/// Levenshtein distance, on chars; inputs are short lesson ids.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// Ids are short and plain because they travel inside Discord button ids.
pub const ID_MAX: usize = 24;

/// Whether `id` is 1–24 characters of `a-z`, `0-9` and `-`.
pub fn is_valid_id(id: &str) -> bool {
    (1..=ID_MAX).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn check_id(path: &Path, what: &str, id: &str, line: usize, diags: &mut Diagnostics) {
    if !is_valid_id(id) {
        diags.push(
            path,
            line,
            format!("{what} `{id}` must be 1-{ID_MAX} characters of a-z, 0-9 and -"),
        );
    }
}

fn check_len(
    src: &Source<'_>,
    what: &str,
    value: &toml::Spanned<String>,
    max: usize,
    diags: &mut Diagnostics,
) {
    let line = src.line(value.span());
    check_text(src.path, what, &(value.get_ref().clone(), line), max, diags);
}

/// A text that must not be blank nor longer than `max` characters.
fn check_text(
    path: &Path,
    what: &str,
    value: &(String, usize),
    max: usize,
    diags: &mut Diagnostics,
) {
    let (text, line) = value;
    let chars = text.chars().count();
    if text.trim().is_empty() {
        diags.push(path, *line, format!("{what} is empty"));
    } else if chars > max {
        diags.push(
            path,
            *line,
            format!("{what} is {chars} characters; the limit is {max}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("asnyc", "async"), 2);
        assert_eq!(edit_distance("async", "async"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn ids_are_short_lowercase_words() {
        assert!(is_valid_id("explain-gather"));
        assert!(!is_valid_id("Explain"));
        assert!(!is_valid_id("a:b"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id(&"a".repeat(25)));
    }
}

//! Content: every word a learner reads, loaded from `prompts/` and checked.
//!
//! The loader reads each lesson folder (`lesson.toml`, its Markdown sections,
//! `quiz.toml`, `exercises.toml`) and the bot's own texts (`ui.toml`), and checks everything a
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
pub mod markdown;
pub mod quiz;
pub mod template;
pub mod ui;

use std::path::Path;

pub use diag::{Diagnostic, Diagnostics};
pub use exercise::{Exercise, Predict, PredictChoice};
pub use lesson::{Lesson, Objective, Section};
pub use quiz::{Choice, Question, Quiz};
pub use ui::{DemoTexts, ReviewTexts, Texts};

use diag::Source;

/// Every lesson and text, checked.
#[derive(Debug, Clone)]
pub struct Catalog {
    lessons: Vec<Lesson>,
    pub texts: Texts,
    pub demo_texts: DemoTexts,
    /// `prompts/review.toml`: reviews, streaks, reminders.
    pub review_texts: ReviewTexts,
}

impl Catalog {
    /// Loads and checks a `prompts/` folder. Any mistake fails the whole load.
    pub fn load(dir: &Path) -> Result<Catalog, Diagnostics> {
        let mut diags = Diagnostics::default();
        let ui_path = dir.join("ui.toml");
        let texts = match std::fs::read_to_string(&ui_path) {
            Ok(text) => Texts::load(
                &Source {
                    path: &ui_path,
                    text: &text,
                },
                &mut diags,
            ),
            Err(e) => {
                diags.push(&ui_path, 1, format!("cannot read: {e}"));
                None
            }
        };

        let demos_path = dir.join("demos.toml");
        let demo_texts = match std::fs::read_to_string(&demos_path) {
            Ok(text) => DemoTexts::load(
                &Source {
                    path: &demos_path,
                    text: &text,
                },
                &mut diags,
            ),
            Err(e) => {
                diags.push(&demos_path, 1, format!("cannot read: {e}"));
                None
            }
        };

        let review_path = dir.join("review.toml");
        let review_texts = match std::fs::read_to_string(&review_path) {
            Ok(text) => ReviewTexts::load(
                &Source {
                    path: &review_path,
                    text: &text,
                },
                &mut diags,
            ),
            Err(e) => {
                diags.push(&review_path, 1, format!("cannot read: {e}"));
                None
            }
        };

        let mut lessons = Vec::new();
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                diags.push(dir, 1, format!("cannot read the prompts folder: {e}"));
                return Err(diags);
            }
        };
        let mut folders: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        folders.sort();
        for folder in folders {
            let Some(id) = folder
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_string)
            else {
                diags.push(&folder, 1, "folder name is not valid UTF-8");
                continue;
            };
            if !folder.join("lesson.toml").exists() {
                diags.push(&folder, 1, "a lesson folder needs a lesson.toml");
                continue;
            }
            if let Some(lesson) = lesson::load(&folder, &id, &mut diags) {
                lessons.push(lesson);
            }
        }
        if lessons.is_empty() && diags.is_empty() {
            diags.push(
                dir,
                1,
                "no lessons found (a lesson is a folder with a lesson.toml)",
            );
        }
        match (texts, demo_texts, review_texts) {
            (Some(texts), Some(demo_texts), Some(review_texts)) if diags.is_empty() => {
                lessons.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.id.cmp(&b.id)));
                Ok(Catalog {
                    lessons,
                    texts,
                    demo_texts,
                    review_texts,
                })
            }
            _ => Err(diags),
        }
    }

    pub fn lessons(&self) -> &[Lesson] {
        &self.lessons
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

fn check_id(src: &Source<'_>, what: &str, id: &str, line: usize, diags: &mut Diagnostics) {
    if !is_valid_id(id) {
        diags.push(
            src.path,
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
    let text = value.get_ref();
    let chars = text.chars().count();
    if text.trim().is_empty() {
        diags.push(src.path, line, format!("{what} is empty"));
    } else if chars > max {
        diags.push(
            src.path,
            line,
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

//! Quality checks on content that loads: warnings, not errors.
//!
//! A quiz can be valid and still test nothing. When the right answer is
//! usually the longest choice (or, overcorrected, the shortest), a careful
//! guesser passes without reading the lesson; when two questions share a prompt, one of them teaches nothing
//! new; an objective tested once cannot show mastery. These checks name such
//! weaknesses as `path:line: warning: ...` so that `tutorbot check` can
//! print them, without ever refusing a lesson over them.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use super::diag::Diagnostics;
use super::lesson::Lesson;
use super::quiz::Question;
use super::Catalog;

/// A quiz whose right answer is the longest choice in more than this share
/// of its questions (in percent) can be passed by picking the longest; the
/// same holds for the shortest.
pub const LONGEST_RIGHT_MAX_PERCENT: usize = 40;
/// Fewer questions than this on an objective cannot tell a lucky guess from
/// understanding.
pub const MIN_QUESTIONS_PER_OBJECTIVE: usize = 3;

/// How guessable one lesson's quiz is by length alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizStats {
    pub lesson: String,
    pub questions: usize,
    /// Questions whose right answer is longer than every wrong choice.
    pub longest_right: usize,
    /// Questions whose right answer is shorter than every wrong choice.
    pub shortest_right: usize,
}

impl QuizStats {
    /// The share of questions whose right answer is the longest, rounded
    /// down to a whole percent.
    pub fn percent(&self) -> usize {
        share(self.longest_right, self.questions)
    }

    /// The share of questions whose right answer is the shortest.
    pub fn shortest_percent(&self) -> usize {
        share(self.shortest_right, self.questions)
    }

    /// Longest over [`LONGEST_RIGHT_MAX_PERCENT`], compared exactly (not
    /// rounded).
    pub fn too_guessable(&self) -> bool {
        over_limit(self.longest_right, self.questions)
    }

    /// The overcorrection: shortest over the same limit.
    pub fn too_guessable_short(&self) -> bool {
        over_limit(self.shortest_right, self.questions)
    }
}

fn share(part: usize, whole: usize) -> usize {
    (part * 100).checked_div(whole).unwrap_or(0)
}

fn over_limit(part: usize, whole: usize) -> bool {
    part * 100 > LONGEST_RIGHT_MAX_PERCENT * whole
}

impl fmt::Display for QuizStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} question(s); the right answer is the longest choice in {} ({}%), the shortest in {} ({}%); limit {}% each",
            self.lesson,
            self.questions,
            self.longest_right,
            self.percent(),
            self.shortest_right,
            self.shortest_percent(),
            LONGEST_RIGHT_MAX_PERCENT
        )
    }
}

/// Whether the right answer is longer than every wrong choice. (A tie is
/// no tell: a guesser picking the longest must still guess among the tied.)
pub fn right_is_longest(question: &Question) -> bool {
    wrong_lengths(question).all(|wrong| wrong < right_length(question))
}

/// Whether the right answer is shorter than every wrong choice.
pub fn right_is_shortest(question: &Question) -> bool {
    wrong_lengths(question).all(|wrong| wrong > right_length(question))
}

fn right_length(question: &Question) -> usize {
    question.right_choice().text.chars().count()
}

fn wrong_lengths(question: &Question) -> impl Iterator<Item = usize> + '_ {
    question
        .choices
        .iter()
        .filter(|c| c.id != question.answer)
        .map(|c| c.text.chars().count())
}

/// The length statistic of a lesson's quiz, if it has one.
pub fn quiz_stats(lesson: &Lesson) -> Option<QuizStats> {
    let quiz = lesson.quiz.as_ref()?;
    Some(QuizStats {
        lesson: lesson.id.clone(),
        questions: quiz.questions.len(),
        longest_right: quiz
            .questions
            .iter()
            .filter(|q| right_is_longest(q))
            .count(),
        shortest_right: quiz
            .questions
            .iter()
            .filter(|q| right_is_shortest(q))
            .count(),
    })
}

/// Every warning about every lesson, in lesson order.
pub fn warnings(catalog: &Catalog) -> Diagnostics {
    let mut warnings = Diagnostics::default();
    for lesson in catalog.lessons() {
        lesson_warnings(lesson, &mut warnings);
    }
    warnings
}

fn lesson_warnings(lesson: &Lesson, out: &mut Diagnostics) {
    for section in &lesson.sections {
        for (i, width) in super::pages::long_code_lines(&section.body) {
            out.push(
                &section.file,
                section.line + i,
                format!(
                    "warning: this code line is {width} characters; past {} it wraps inside a Discord embed",
                    super::pages::CODE_LINE_MAX
                ),
            );
        }
    }
    let Some(quiz) = &lesson.quiz else {
        return;
    };
    let path: &Path = &quiz.path;
    let warn = |out: &mut Diagnostics, line: usize, message: String| {
        out.push(path, line, format!("warning: {message}"));
    };

    if let Some(stats) = quiz_stats(lesson) {
        if stats.too_guessable() {
            warn(
                out,
                quiz.first_line,
                format!(
                    "the right answer is the longest choice in {} of {} questions ({}%, over {}%): \
                     a guesser who picks the longest passes; lengthen the wrong choices or shorten the right ones",
                    stats.longest_right,
                    stats.questions,
                    stats.percent(),
                    LONGEST_RIGHT_MAX_PERCENT
                ),
            );
        }
        if stats.too_guessable_short() {
            warn(
                out,
                quiz.first_line,
                format!(
                    "the right answer is the shortest choice in {} of {} questions ({}%, over {}%): \
                     a guesser who picks the shortest passes",
                    stats.shortest_right,
                    stats.questions,
                    stats.shortest_percent(),
                    LONGEST_RIGHT_MAX_PERCENT
                ),
            );
        }
    }

    let mut stems: HashMap<String, &Question> = HashMap::new();
    for question in &quiz.questions {
        match stems.get(&stem(&question.prompt)) {
            Some(first) => warn(
                out,
                question.line,
                format!(
                    "question `{}` asks the same as `{}` (line {}): one of them tests nothing new",
                    question.id, first.id, first.line
                ),
            ),
            None => {
                stems.insert(stem(&question.prompt), question);
            }
        }
    }

    for objective in &lesson.objectives {
        let tested = quiz
            .questions
            .iter()
            .filter(|q| q.objective == objective.id)
            .count();
        if tested < MIN_QUESTIONS_PER_OBJECTIVE {
            warn(
                out,
                quiz.first_line,
                format!(
                    "objective `{}` is tested by {tested} question(s); {MIN_QUESTIONS_PER_OBJECTIVE} or more tell understanding from a lucky guess",
                    objective.id
                ),
            );
        }
    }
}

/// A prompt reduced to its words: case, punctuation, code ticks and spacing
/// do not make two questions different.
fn stem(prompt: &str) -> String {
    prompt
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::quiz::Choice;

    fn question(answer: &str, choices: &[(&str, &str)]) -> Question {
        Question {
            id: "q".into(),
            line: 1,
            objective: "o".into(),
            prompt: "p".into(),
            answer: answer.into(),
            explanation: "e".into(),
            choices: choices
                .iter()
                .map(|(id, text)| Choice {
                    id: (*id).into(),
                    text: (*text).into(),
                    why_wrong: (*id != answer).then(|| "w".into()),
                })
                .collect(),
        }
    }

    #[test]
    fn the_right_answer_is_longest_only_when_longer_than_every_wrong_one() {
        let long = question("a", &[("a", "a long answer"), ("b", "short")]);
        assert!(right_is_longest(&long) && !right_is_shortest(&long));
        let tie = question("a", &[("a", "same"), ("b", "four"), ("c", "longer")]);
        assert!(!right_is_longest(&tie) && !right_is_shortest(&tie));
        let short = question("a", &[("a", "short"), ("b", "a longer one")]);
        assert!(!right_is_longest(&short) && right_is_shortest(&short));
    }

    #[test]
    fn the_limit_is_a_share_over_forty_percent_not_rounded() {
        let stats = |longest_right, questions| QuizStats {
            lesson: "l".into(),
            questions,
            longest_right,
            shortest_right: 0,
        };
        assert!(!stats(2, 5).too_guessable());
        assert!(stats(3, 5).too_guessable());
        assert!(!stats(4, 10).too_guessable());
        assert!(stats(41, 100).too_guessable());
        assert_eq!(stats(1, 3).percent(), 33);
        assert_eq!(stats(0, 0).percent(), 0);
    }

    #[test]
    fn stems_ignore_case_punctuation_and_code_ticks() {
        assert_eq!(stem("What does `await` do?"), stem("what does await   do"));
        assert_ne!(stem("What does await do?"), stem("What does gather do?"));
    }
}

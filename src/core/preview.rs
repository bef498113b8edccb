//! `tutorbot preview`: the main screens as the payloads Discord receives.
//!
//! Each screen is drawn by the real views from a fixed outcome (a learner
//! half way through a lesson, a quiz answered right and wrong, a demo with
//! fixed timings), with no database and no Discord: an author sees their
//! lesson's pages as a learner will, and the README's pictures are made from
//! these files with the Discord preview renderer. What a screen shows is
//! what the core would answer for that outcome; only the outcome is made up.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use serenity::all::CreateInteractionResponse;

use super::checklist::ChecklistShown;
use super::demo::Report;
use super::lesson::SectionShown;
use super::progress::ProgressReport;
use super::quiz::{QuizAt, QuizStep};
use super::request::{DemoKind, Learner};
use super::view;
use crate::content::{Catalog, Lesson};
use crate::demo::{GatherReport, Outcome, Run, RunKind, Span};
use crate::store::{Answered, Attempt, Mark, Streak};

/// The learner every preview is drawn for.
const WHO: Learner = Learner {
    id: 412_345_678_901_234_567,
    guild: None,
};

/// Every main screen of `lesson`, named, as the JSON Discord would receive
/// (a `CreateInteractionResponse`; the demo's edit wrapped as one).
pub fn screens(catalog: &Catalog, lesson: &str) -> anyhow::Result<Vec<(String, Value)>> {
    let l = catalog
        .lesson(lesson)
        .ok_or_else(|| anyhow::anyhow!("there is no lesson `{lesson}`"))?;
    let mut out = Vec::new();
    let mut add = |name: &str, r: CreateInteractionResponse| -> anyhow::Result<()> {
        out.push((name.to_string(), serde_json::to_value(&r)?));
        Ok(())
    };
    add(
        "lesson-page",
        view::lesson::section(catalog, WHO, &page(l, 0, 0)),
    )?;
    // The first section read in pages, on its second page.
    if let Some(i) = l.sections.iter().position(|s| s.pages().len() > 1) {
        add(
            "lesson-subpage",
            view::lesson::section(catalog, WHO, &page(l, i, 1)),
        )?;
    }
    let ticked = l.objectives.iter().take(2).map(|o| o.id.clone()).collect();
    let checklist = ChecklistShown {
        lesson: l,
        ticked,
        in_place: true,
    };
    add(
        "checklist",
        view::lesson::checklist(catalog, WHO, &checklist),
    )?;
    if let Some(quiz) = &l.quiz {
        let at = |answers: Vec<Answered>, finished| QuizAt {
            lesson: l,
            quiz,
            attempt: Attempt {
                id: 1,
                learner: WHO.id,
                scope: l.scope,
                lesson_id: l.id.clone(),
                version: quiz.version.clone(),
                seed: 7,
                finished,
                answers,
            },
        };
        let q = &quiz.questions[0];
        let wrong = q.choices.iter().find(|c| c.id != q.answer);
        let question = QuizStep::Question {
            at: at(Vec::new(), false),
            index: 0,
            in_place: false,
        };
        add("quiz-question", view::quiz::step(catalog, WHO, &question))?;
        let feedback = |picked: &str| QuizStep::Feedback {
            at: at(Vec::new(), false),
            index: 0,
            picked: picked.to_string(),
            repeat: false,
            answered: 1,
        };
        add(
            "quiz-right",
            view::quiz::step(catalog, WHO, &feedback(&q.answer)),
        )?;
        if let Some(wrong) = wrong {
            add(
                "quiz-wrong",
                view::quiz::step(catalog, WHO, &feedback(&wrong.id)),
            )?;
        }
        // Every question right but those of the last objective asked.
        let missed = quiz.questions.last().map(|q| q.objective.clone());
        let answers = quiz
            .questions
            .iter()
            .map(|q| Answered {
                question_id: q.id.clone(),
                choice_id: q.answer.clone(),
                correct: Some(&q.objective) != missed.as_ref(),
            })
            .collect();
        let results = QuizStep::Results {
            at: at(answers, true),
            ticked: l.objectives.iter().take(1).map(|o| o.id.clone()).collect(),
        };
        add("quiz-results", view::quiz::step(catalog, WHO, &results))?;
    }
    add("help", view::progress::help(catalog, WHO, false))?;
    add(
        "progress",
        view::progress::progress(catalog, WHO, &progress(l)),
    )?;
    let demo = view::demo::finished(
        &catalog.demo_texts,
        WHO,
        DemoKind::Gather { n: 5 },
        300,
        &gather(5, 300),
        None,
    );
    out.push(("demo".to_string(), json!({"type": 4, "data": demo})));
    Ok(out)
}

fn page(lesson: &Lesson, index: usize, page: usize) -> SectionShown<'_> {
    SectionShown {
        lesson,
        index,
        page,
        pages: lesson.sections[index].pages(),
        in_place: false,
    }
}

/// A fixed moment, so the screens do not change from one run to the next.
fn when() -> DateTime<Utc> {
    DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default()
}

/// Half of `lesson` ticked, one quiz taken, a few demos.
fn progress(lesson: &Lesson) -> ProgressReport {
    let half = lesson.objectives.len() / 2;
    let marks = lesson
        .objectives
        .iter()
        .take(half)
        .map(|o| Mark {
            scope: lesson.scope,
            lesson_id: lesson.id.clone(),
            objective_id: o.id.clone(),
            ticked: true,
            updated_at: when(),
        })
        .collect();
    let questions = lesson.quiz.as_ref().map_or(0, |q| q.questions.len() as i64);
    ProgressReport {
        marks,
        scores: vec![(lesson.scope, lesson.id.clone(), questions - 1, questions)],
        demos: 3,
        streak: Streak {
            current: 2,
            longest: 4,
        },
        reviews_due: 3,
        exercises: Vec::new(),
    }
}

/// A gather demo with the timings an ideal machine would measure.
fn gather(n: usize, delay: u64) -> Report {
    let ms = std::time::Duration::from_millis;
    let span = |index: usize, start: u64, end: u64| Span {
        index,
        start: ms(start),
        end: ms(end),
        outcome: Outcome::Ok,
    };
    let d = delay;
    let sequential = Run {
        kind: RunKind::Sequential,
        wall: ms(d * n as u64 + 6),
        spans: (0..n)
            .map(|i| span(i, i as u64 * (d + 1), i as u64 * (d + 1) + d))
            .collect(),
    };
    let concurrent = Run {
        kind: RunKind::Concurrent,
        wall: ms(d + 4),
        spans: (0..n).map(|i| span(i, i as u64, d + i as u64)).collect(),
    };
    Report::Gather(GatherReport {
        n,
        delay_ms: delay,
        sequential,
        concurrent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_main_screen_of_the_built_in_lesson_is_drawn() {
        let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/prompts"));
        let catalog = Catalog::load(dir).unwrap();
        let screens = screens(&catalog, "async").unwrap();
        let names: Vec<&str> = screens.iter().map(|(n, _)| n.as_str()).collect();
        for want in [
            "lesson-page",
            "checklist",
            "quiz-question",
            "quiz-right",
            "quiz-wrong",
            "quiz-results",
            "help",
            "progress",
            "demo",
        ] {
            assert!(names.contains(&want), "{want} missing from {names:?}");
        }
        for (name, payload) in &screens {
            let broken = crate::core::limits::check(payload);
            assert!(broken.is_empty(), "{name}: {broken:?}");
        }
    }
}

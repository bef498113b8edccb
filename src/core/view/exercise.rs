//! `/exercise` drawn: the list with the learner's status and a button per
//! exercise, one exercise (statement, starter code, "Write your answer" or
//! the predicted times), its answer form, and the verdict.
//!
//! The verdict is two embeds: the grade (passed or not, the check's
//! message, the prediction beside the time measured, the hints earned) and
//! the run as `/run` draws it ([`super::lab::verdict_embed`]: output, ending,
//! times, the practice server's timeline). Discord allows 6000 characters
//! over a message's embeds, so the grade gets what the run leaves.

use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAttachment, CreateButton, CreateEmbed, CreateEmbedAuthor,
    CreateInputText, CreateInteractionResponse, CreateModal, EditInteractionResponse,
    InputTextStyle,
};

use super::lab::{defuse, secs, ATTACHMENT};
use super::{button, edit, id, notice, rows, show, truncate, COLOUR, COLOUR_DONE};
use crate::content::{Catalog, Exercise, LabTexts, Lesson, PredictChoice};
use crate::core::button::Action;
use crate::core::error::Refusal;
use crate::core::exercise::{ExerciseList, ExerciseShown, ExerciseTicked, FormShown, Graded};
use crate::core::limits;
use crate::core::request::{Learner, EXERCISE_FORM_CODE};
use crate::lab::Check;
use crate::store::Tally;

/// Red, for an attempt that did not pass.
const COLOUR_BAD: u32 = 0xED4245;
/// Characters of a check's message shown.
const WHY_MAX: usize = 600;

/// `/exercise <lesson>`: each exercise with the objective it proves and the
/// learner's status, and a button to open each.
pub fn list(catalog: &Catalog, who: Learner, list: &ExerciseList) -> CreateInteractionResponse {
    let t = &catalog.lab_texts;
    let lesson = list.lesson;
    if lesson.exercises.is_empty() {
        return notice(&t.exercises_none.fill(&[("lesson", &lesson.title)]));
    }
    let mut lines = vec![t.exercises_intro.as_str().to_string()];
    let mut buttons = Vec::new();
    for (i, e) in lesson.exercises.iter().enumerate() {
        let tally = list
            .tallies
            .iter()
            .find(|x| x.exercise_id == e.id)
            .map_or_else(Tally::default, |x| Tally {
                tries: x.tries,
                passes: x.passes,
            });
        lines.push(t.exercise_line.fill(&[
            ("number", &(i + 1)),
            ("title", &e.title),
            ("objective", &objective_text(lesson, e)),
            ("status", &status(t, tally)),
        ]));
        buttons.push(button(
            open_id(who, lesson, e),
            &t.button_exercise
                .fill(&[("number", &(i + 1)), ("title", &e.title)]),
            if tally.passes > 0 {
                ButtonStyle::Success
            } else {
                ButtonStyle::Secondary
            },
        ));
    }
    let embed = CreateEmbed::new()
        .title(truncate(
            &t.exercises_title.fill(&[("lesson", &lesson.title)]),
            limits::EMBED_TITLE_MAX,
        ))
        .description(truncate(&lines.join("\n\n"), limits::EMBED_DESCRIPTION_MAX))
        .colour(COLOUR);
    show(false, None, embed, rows(buttons))
}

/// One exercise: its statement, what it proves and the learner's status,
/// the starter code, and the way to answer: "Write your answer", a button
/// per predicted time (in the console too, where a guess is typed as its
/// number), or (typed in the console) the lines to type.
pub fn exercise(
    catalog: &Catalog,
    who: Learner,
    shown: &ExerciseShown,
) -> CreateInteractionResponse {
    let t = &catalog.lab_texts;
    let (lesson, e) = (shown.lesson, shown.exercise);
    let mut parts = vec![
        e.statement.clone(),
        t.exercise_proves.fill(&[
            ("objective", &objective_text(lesson, e)),
            ("status", &status(t, shown.tally)),
        ]),
    ];
    let way = match (&e.predict, shown.typed) {
        (Some(p), true) => t
            .exercise_predict_console
            .fill(&[("question", &p.question)]),
        (None, true) => t.exercise_write_console.as_str().to_string(),
        (Some(p), false) => t.exercise_predict.fill(&[("question", &p.question)]),
        (None, false) => t.exercise_write_discord.as_str().to_string(),
    };
    let starter = format!("```py\n{}\n```", defuse(e.starter.trim_end()));
    // The statement, the status and the way on are short and bounded; the
    // starter code is shown whole or not at all (it is in the form).
    let room = limits::EMBED_DESCRIPTION_MAX
        .saturating_sub(parts.iter().map(|p| p.chars().count() + 2).sum::<usize>())
        .saturating_sub(way.chars().count() + 40);
    parts.push(t.exercise_starter.as_str().to_string());
    if starter.chars().count() <= room {
        parts.push(starter);
    } else {
        parts.push(t.exercise_starter_in_form.as_str().to_string());
    }
    parts.push(way);
    let embed = CreateEmbed::new()
        .author(CreateEmbedAuthor::new(truncate(
            &lesson.title,
            limits::AUTHOR_NAME_MAX,
        )))
        .title(truncate(
            &t.exercise_title
                .fill(&[("number", &(shown.index + 1)), ("title", &e.title)]),
            limits::EMBED_TITLE_MAX,
        ))
        .description(truncate(&parts.join("\n\n"), limits::EMBED_DESCRIPTION_MAX))
        .colour(if shown.tally.passes > 0 {
            COLOUR_DONE
        } else {
            COLOUR
        });
    let buttons = match (&e.predict, shown.typed) {
        // The console types the answer; a guess is still a click first (a
        // number there), which "opens the form": the lines typed next.
        (None, true) => Vec::new(),
        (Some(p), _) => p
            .choices
            .iter()
            .enumerate()
            .map(|(i, c)| {
                button(
                    form_id(who, lesson, e, u8::try_from(i).ok()),
                    &c.text,
                    ButtonStyle::Primary,
                )
            })
            .collect(),
        (None, false) => vec![button(
            form_id(who, lesson, e, None),
            t.button_exercise_write.as_str(),
            ButtonStyle::Primary,
        )],
    };
    show(shown.in_place, None, embed, rows(buttons))
}

/// The answer form: one paragraph holding the starter or the learner's last
/// code. Its id carries the exercise, the lesson's version and the
/// prediction, checked again when it is submitted.
pub fn form(catalog: &Catalog, who: Learner, shown: &FormShown) -> CreateInteractionResponse {
    let t = &catalog.lab_texts;
    let (lesson, e) = (shown.lesson, shown.exercise);
    let code = CreateInputText::new(
        InputTextStyle::Paragraph,
        truncate(t.exercise_form_code.as_str(), limits::TEXT_INPUT_LABEL_MAX),
        EXERCISE_FORM_CODE,
    )
    .value(truncate(&shown.code, limits::TEXT_INPUT_VALUE_MAX))
    .max_length(limits::TEXT_INPUT_VALUE_MAX.min(crate::lab::limits::MAX_CODE_CHARS) as u16)
    .required(true);
    let submit = id(
        who,
        Action::ExerciseSubmit {
            lesson: lesson.id.clone(),
            version: lesson.version.clone(),
            exercise: e.id.clone(),
            predicted: shown.predicted,
        },
    );
    CreateInteractionResponse::Modal(
        CreateModal::new(
            submit,
            truncate(
                &t.exercise_form_title.fill(&[("title", &e.title)]),
                limits::MODAL_TITLE_MAX,
            ),
        )
        .components(vec![CreateActionRow::InputText(code)]),
    )
}

/// The verdict of an attempt: the grade, then the run.
pub fn verdict(catalog: &Catalog, who: Learner, g: &Graded) -> EditInteractionResponse {
    let t = &catalog.lab_texts;
    let (lesson, e, v) = (g.lesson, g.exercise, g.verdict);
    let (run, partial) = super::lab::verdict_embed(t, v, g.discord);
    let mut lines = Vec::new();
    if g.passed {
        lines.push(
            t.exercise_passed_body
                .fill(&[("objective", &objective_text(lesson, e))]),
        );
    } else {
        lines.push(match &v.check {
            Some(Check::Failed(why)) => t
                .exercise_check_failed
                .fill(&[("why", &defuse(&truncate(why, WHY_MAX)))]),
            _ => t
                .exercise_did_not_finish
                .fill(&[("ending", &v.ending.to_string())]),
        });
    }
    if let Some((_, choice)) = g.guess {
        let took = v.code_wall.unwrap_or(v.wall);
        let choices = e.predict.as_ref().map_or(&[][..], |p| &p.choices[..]);
        lines.push(t.exercise_prediction.fill(&[
            ("guess", &choice.text),
            ("wall", &secs(took)),
            ("closest", &closest(choices, took.as_secs_f64())),
        ]));
    }
    if !g.passed {
        let earned = g.tally.map_or(1, |x| x.fails().max(1)) as usize;
        for (i, hint) in e.hints.iter().take(earned).enumerate() {
            lines.push(
                t.exercise_hint
                    .fill(&[("number", &(i + 1)), ("text", hint)]),
            );
        }
    }
    lines.push(match g.tally {
        Some(x) => t
            .exercise_tries
            .fill(&[("tries", &x.tries), ("passes", &x.passes)]),
        None => t.exercise_not_saved.as_str().to_string(),
    });
    let title = if g.passed {
        &t.exercise_passed_title
    } else {
        &t.exercise_failed_title
    };
    let title = truncate(&title.fill(&[("title", &e.title)]), limits::EMBED_TITLE_MAX);
    // What the run's embed leaves of the message's 6000 characters.
    let used = embed_chars(&run) + title.chars().count();
    let room = limits::EMBED_TOTAL_MAX
        .saturating_sub(used)
        .min(limits::EMBED_DESCRIPTION_MAX);
    let grade = CreateEmbed::new()
        .author(CreateEmbedAuthor::new(truncate(
            &lesson.title,
            limits::AUTHOR_NAME_MAX,
        )))
        .title(title)
        .description(truncate(
            &lines.join("\n\n"),
            room.saturating_sub(lesson.title.chars().count().min(limits::AUTHOR_NAME_MAX)),
        ))
        .colour(if g.passed { COLOUR_DONE } else { COLOUR_BAD });
    let mut shown = edit().content("").embeds(vec![grade, run]);
    if g.discord && partial {
        let whole = crate::lab::cli::render(v);
        shown = shown.new_attachment(CreateAttachment::bytes(whole.into_bytes(), ATTACHMENT));
    }
    let mut buttons: Vec<CreateButton> = Vec::new();
    if g.discord {
        buttons.push(button(
            form_id(who, lesson, e, None),
            t.button_exercise_again.as_str(),
            if g.passed {
                ButtonStyle::Secondary
            } else {
                ButtonStyle::Primary
            },
        ));
    }
    if g.passed {
        buttons.push(button(
            id(
                who,
                Action::ExerciseTick {
                    lesson: lesson.id.clone(),
                    version: lesson.version.clone(),
                    exercise: e.id.clone(),
                },
            ),
            &t.button_exercise_tick
                .fill(&[("objective", &objective_text(lesson, e))]),
            ButtonStyle::Success,
        ));
    }
    shown.components(rows(buttons))
}

/// The objective ticked after a pass.
pub fn ticked(catalog: &Catalog, ticked: &ExerciseTicked) -> CreateInteractionResponse {
    notice(
        &catalog
            .lab_texts
            .exercise_ticked
            .fill(&[("objective", &ticked.objective.text)]),
    )
}

/// The words of an exercise refusal (`refusal.rs` draws them as a notice).
pub fn refusal(catalog: &Catalog, refusal: &Refusal) -> String {
    let t = &catalog.lab_texts;
    match refusal {
        Refusal::UnknownExercise { lesson, exercise } => {
            let exercises = catalog.lesson(lesson).map_or_else(String::new, |l| {
                l.exercises
                    .iter()
                    .map(|e| format!("`{}`", e.id))
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            t.exercise_unknown.fill(&[
                ("lesson", lesson),
                ("exercise", &truncate(&exercise.replace('`', "'"), 40)),
                ("exercises", &exercises),
            ])
        }
        Refusal::NotPassed => t.exercise_not_passed.as_str().to_string(),
        // Not an exercise refusal: refusal.rs never sends one here.
        _ => String::new(),
    }
}

/// "not tried yet", "tried 2×, not passed yet", "✅ passed".
fn status(t: &LabTexts, tally: Tally) -> String {
    if tally.passes > 0 {
        t.exercise_status_passed.fill(&[("tries", &tally.tries)])
    } else if tally.tries > 0 {
        t.exercise_status_tried.fill(&[("tries", &tally.tries)])
    } else {
        t.exercise_status_new.as_str().to_string()
    }
}

/// The choice nearest to what was measured, by ratio (0.3 s against 0.6 s
/// is as far as 1.5 s against 3 s).
fn closest(choices: &[PredictChoice], secs: f64) -> String {
    let distance = |c: &PredictChoice| (c.secs.max(1e-3) / secs.max(1e-3)).ln().abs();
    choices
        .iter()
        .min_by(|a, b| distance(a).total_cmp(&distance(b)))
        .map_or_else(String::new, |c| c.text.clone())
}

fn objective_text<'a>(lesson: &'a Lesson, e: &'a Exercise) -> &'a str {
    lesson
        .objective(&e.objective)
        .map_or(e.objective.as_str(), |o| o.text.as_str())
}

fn open_id(who: Learner, lesson: &Lesson, e: &Exercise) -> String {
    id(
        who,
        Action::ExerciseOpen {
            lesson: lesson.id.clone(),
            version: lesson.version.clone(),
            exercise: e.id.clone(),
        },
    )
}

fn form_id(who: Learner, lesson: &Lesson, e: &Exercise, predicted: Option<u8>) -> String {
    id(
        who,
        Action::ExerciseForm {
            lesson: lesson.id.clone(),
            version: lesson.version.clone(),
            exercise: e.id.clone(),
            predicted,
        },
    )
}

/// The characters of an embed that count toward Discord's 6000.
fn embed_chars(embed: &CreateEmbed) -> usize {
    let value = serde_json::to_value(embed).unwrap_or_default();
    let count = |v: &serde_json::Value| v.as_str().map_or(0, |s| s.chars().count());
    count(&value["title"])
        + count(&value["description"])
        + count(&value["author"]["name"])
        + count(&value["footer"]["text"])
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::lab::{Captured, Ending, Span, Verdict};

    fn catalog() -> Catalog {
        Catalog::built_in().expect("the built-in prompts load")
    }

    /// A verdict as large as the lab makes one: output past its budget, a
    /// full timeline.
    fn huge(check: Check) -> Verdict {
        let lines: String = (0..500)
            .map(|i| format!("{i} {}\n", "x".repeat(150)))
            .collect();
        Verdict {
            ending: Ending::Exited {
                code: 0,
                error: None,
            },
            stdout: Captured {
                text: lines.clone(),
                cut: true,
            },
            stderr: Captured {
                text: lines,
                cut: true,
            },
            wall: Duration::from_millis(1500),
            cpu: Duration::from_millis(200),
            requests: (0..200)
                .map(|i| Span {
                    path: format!("/delay/{i}?{}", "q".repeat(190)),
                    status: 200,
                    start: Duration::from_millis(i),
                    end: Duration::from_millis(i + 300),
                })
                .collect(),
            check: Some(check),
            code_wall: Some(Duration::from_millis(320)),
        }
    }

    #[test]
    fn the_largest_verdict_keeps_every_discord_limit_and_shows_the_grade() {
        let catalog = catalog();
        let lesson = catalog.lesson("async").unwrap();
        let e = lesson.exercise("gather").unwrap();
        let who = Learner {
            id: u64::MAX,
            guild: None,
        };
        let choice = &e.predict.as_ref().unwrap().choices[0];
        for (check, tally) in [
            (
                Check::Failed("w".repeat(5000)),
                Some(Tally {
                    tries: 9,
                    passes: 0,
                }),
            ),
            (Check::Passed, None),
        ] {
            let v = huge(check);
            let g = Graded {
                lesson,
                index: 0,
                exercise: e,
                passed: crate::core::exercise::passed(&v),
                verdict: &v,
                tally,
                guess: Some((0, choice)),
                discord: true,
            };
            let body = serde_json::to_value(verdict(&catalog, who, &g)).unwrap();
            let broken = limits::check_message_body(&body);
            assert!(broken.is_empty(), "{broken:?}");
            let grade = body["embeds"][0]["description"].as_str().unwrap();
            assert!(
                grade.contains("You predicted **about 0.3 s**; your program took **0.32 s**"),
                "{grade}"
            );
            assert!(grade.contains("closest choice: about 0.3 s"), "{grade}");
        }
    }

    #[test]
    fn a_failed_try_earns_one_more_hint_up_to_all_of_them() {
        let catalog = catalog();
        let lesson = catalog.lesson("async").unwrap();
        let e = lesson.exercise("give-up").unwrap();
        let who = Learner { id: 1, guild: None };
        let mut v = huge(Check::Failed("nope".into()));
        v.stdout = Captured::default();
        v.stderr = Captured::default();
        let hints = |fails: i64| {
            let g = Graded {
                lesson,
                index: 2,
                exercise: e,
                verdict: &v,
                passed: false,
                tally: Some(Tally {
                    tries: fails,
                    passes: 0,
                }),
                guess: None,
                discord: false,
            };
            let body = serde_json::to_value(verdict(&catalog, who, &g)).unwrap();
            body["embeds"][0]["description"]
                .as_str()
                .unwrap()
                .matches("Hint ")
                .count()
        };
        assert_eq!(hints(1), 1);
        assert_eq!(hints(2), 2);
        assert_eq!(hints(7), e.hints.len());
    }

    #[test]
    fn the_closest_choice_is_measured_by_ratio() {
        let c = |text: &str, secs| PredictChoice {
            text: text.into(),
            secs,
        };
        let choices = [c("0.3", 0.3), c("1.5", 1.5), c("3", 3.0)];
        assert_eq!(closest(&choices, 0.6), "0.3");
        assert_eq!(closest(&choices, 0.8), "1.5");
        assert_eq!(closest(&choices, 2.2), "3");
        assert_eq!(closest(&[], 1.0), "");
    }
}

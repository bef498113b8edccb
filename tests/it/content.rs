//! Each kind of broken content file yields its own message, with the right
//! path and line, and stops the load.

use crate::support;

use std::fs;
use std::path::{Path, PathBuf};

use tutorbot::content::{check, Catalog};

/// A copy of the shipped prompts/ in a temp folder, to break.
struct Prompts {
    dir: tempfile::TempDir,
}

impl Prompts {
    fn copy() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(support::prompts_dir(), dir.path());
        Prompts { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Replaces the first occurrence of `from` in a file.
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let p = self.path(rel);
        let text = fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel} has no {from:?}");
        fs::write(&p, text.replacen(from, to, 1)).unwrap();
    }

    fn line_of(&self, rel: &str, needle: &str) -> usize {
        let text = fs::read_to_string(self.path(rel)).unwrap();
        text.lines()
            .position(|l| l.contains(needle))
            .expect("needle present")
            + 1
    }

    /// Loads, expecting failure; returns every diagnostic as text.
    fn errors(&self) -> Vec<String> {
        match Catalog::load(self.dir.path()) {
            Ok(_) => panic!("broken content loaded"),
            Err(d) => d.iter().map(|d| d.to_string()).collect(),
        }
    }

    /// Loads, expecting success; returns every warning as text.
    fn warnings(&self) -> Vec<String> {
        match Catalog::load(self.dir.path()) {
            Ok(catalog) => check::warnings(&catalog)
                .iter()
                .map(|d| d.to_string())
                .collect(),
            Err(d) => panic!("warnings must never stop a load:\n{d}"),
        }
    }

    /// Rewrites every choice of a quiz: `f(is_right, text)` gives the new
    /// text. (The file is re-serialized; its line numbers change.)
    fn rewrite_choices(&self, rel: &str, f: impl Fn(bool, &str) -> String) {
        let p = self.path(rel);
        let mut quiz: toml::Table = fs::read_to_string(&p).unwrap().parse().unwrap();
        for q in quiz["questions"].as_array_mut().unwrap() {
            let answer = q["answer"].as_str().unwrap().to_string();
            for c in q["choices"].as_array_mut().unwrap() {
                let right = c["id"].as_str() == Some(answer.as_str());
                let text = f(right, c["text"].as_str().unwrap());
                c["text"] = toml::Value::String(text);
            }
        }
        fs::write(&p, toml::to_string(&quiz).unwrap()).unwrap();
    }

    fn expect(&self, rel: &str, line: usize, message: &str) {
        let errors = self.errors();
        let want = format!("{}:{line}: ", self.path(rel).display());
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with(&want) && e.contains(message)),
            "wanted {want}…{message}…, got:\n{}",
            errors.join("\n")
        );
    }
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn the_shipped_content_loads_cleanly() {
    let catalog = support::catalog();
    assert!(catalog.lesson("async").is_some());
    assert!(catalog.lesson("python-setup").is_some());
    assert!(catalog.lesson("async-practice").is_some());
    // python-setup first: the async lessons ask for a venv.
    let order: Vec<&str> = catalog.lessons().iter().map(|l| l.id.as_str()).collect();
    assert_eq!(order, ["python-setup", "async", "async-practice"]);
}

#[sqlx::test]
async fn every_page_of_the_second_async_lesson_opens_through_the_core(pool: sqlx::PgPool) {
    use support::{ask, button, text, Learner};
    let core = support::core(pool);
    let lesson = core.catalog.lesson("async-practice").unwrap().clone();
    let ada = Learner::new("ada");
    let (_, first) = ask(&core, &ada.lesson("async-practice")).await;
    assert!(text(&first).contains(&lesson.title), "{first:#}");
    for section in &lesson.sections {
        let (_, page) = ask(&core, &ada.click(&button(&first, &section.title))).await;
        let shown = text(&page);
        assert!(shown.contains(&section.title), "{page:#}");
        // The first line of the section's text, as Markdown shows it.
        let opening = section.body.lines().next().unwrap();
        assert!(
            shown.contains(opening),
            "{} not shown:\n{shown}",
            section.id
        );
    }
    let (_, checklist) = ask(&core, &ada.click(&button(&first, "checklist"))).await;
    for objective in &lesson.objectives {
        assert!(text(&checklist).contains(&objective.text), "{checklist:#}");
    }
}

#[test]
fn a_toml_syntax_error_names_its_line() {
    let p = Prompts::copy();
    let line = p.line_of("async/lesson.toml", "[[sections]]");
    p.edit("async/lesson.toml", "[[sections]]", "[[sections]");
    p.expect("async/lesson.toml", line, "");
}

#[test]
fn an_unknown_key_is_an_error_not_silently_dropped() {
    let p = Prompts::copy();
    p.edit(
        "async/lesson.toml",
        "[[sections]]\n",
        "[[sections]]\ncolour = \"red\"\n",
    );
    let line = p.line_of("async/lesson.toml", "colour = ");
    p.expect("async/lesson.toml", line, "unknown field `colour`");
}

#[test]
fn a_missing_field_is_named() {
    let p = Prompts::copy();
    let text = fs::read_to_string(p.path("async/lesson.toml")).unwrap();
    let summary = text
        .lines()
        .find(|l| l.starts_with("summary"))
        .unwrap()
        .to_string();
    p.edit("async/lesson.toml", &summary, "");
    p.expect("async/lesson.toml", 1, "missing field `summary`");
}

#[test]
fn a_duplicate_objective_id_names_the_second_one() {
    let p = Prompts::copy();
    let catalog = support::catalog();
    let objectives = &catalog.lesson("async").unwrap().objectives;
    let (first, second) = (&objectives[0].id, &objectives[1].id);
    let line = p.line_of("async/lesson.toml", &format!("id = \"{second}\""));
    p.edit(
        "async/lesson.toml",
        &format!("id = \"{second}\""),
        &format!("id = \"{first}\""),
    );
    p.expect(
        "async/lesson.toml",
        line,
        &format!("duplicate objective id `{first}`"),
    );
}

#[test]
fn an_id_with_forbidden_characters_is_refused() {
    let p = Prompts::copy();
    let line = p.line_of("async/lesson.toml", "id = \"overview\"");
    p.edit(
        "async/lesson.toml",
        "id = \"overview\"",
        "id = \"Over:view\"",
    );
    p.expect(
        "async/lesson.toml",
        line,
        "section id `Over:view` must be 1-24 characters",
    );
}

#[test]
fn an_empty_title_is_refused() {
    let p = Prompts::copy();
    let text = fs::read_to_string(p.path("python-setup/lesson.toml")).unwrap();
    let title = text
        .lines()
        .find(|l| l.starts_with("title"))
        .unwrap()
        .to_string();
    let line = p.line_of("python-setup/lesson.toml", &title);
    p.edit("python-setup/lesson.toml", &title, "title = \"  \"");
    p.expect("python-setup/lesson.toml", line, "title is empty");
}

#[test]
fn a_section_longer_than_discord_shows_is_refused() {
    let p = Prompts::copy();
    let long = "word ".repeat(900);
    fs::write(p.path("async/01-overview.md"), long).unwrap();
    p.expect(
        "async/01-overview.md",
        1,
        "characters; Discord shows at most 3800",
    );
}

#[test]
fn a_missing_section_file_is_named_where_it_is_listed() {
    let p = Prompts::copy();
    let line = p.line_of("async/lesson.toml", "01-overview.md");
    fs::remove_file(p.path("async/01-overview.md")).unwrap();
    p.expect("async/lesson.toml", line, "cannot read 01-overview.md");
}

#[test]
fn an_objective_pointing_at_an_unknown_section_is_refused() {
    let p = Prompts::copy();
    let line = p.line_of("async/lesson.toml", "section = \"");
    let text = fs::read_to_string(p.path("async/lesson.toml")).unwrap();
    let first = text
        .lines()
        .find(|l| l.starts_with("section = "))
        .unwrap()
        .to_string();
    p.edit("async/lesson.toml", &first, "section = \"nowhere\"");
    p.expect("async/lesson.toml", line, "unknown section `nowhere`");
}

#[test]
fn a_run_block_without_its_output_is_refused() {
    let p = Prompts::copy();
    let rel = "async/02-sync-vs-async.md";
    let line = p.line_of(rel, "```python run");
    p.edit(rel, "```output", "```text");
    p.expect(rel, line, "must be followed by an `output` block");
}

#[test]
fn an_unclosed_code_block_is_refused() {
    let p = Prompts::copy();
    let rel = "python-setup/01-overview.md";
    let mut text = fs::read_to_string(p.path(rel)).unwrap();
    text.push_str("\n```py\nprint('never closed')\n");
    let line = text.lines().count() - 1;
    fs::write(p.path(rel), text).unwrap();
    p.expect(rel, line, "never closed");
}

#[test]
fn a_quiz_answer_that_is_not_among_its_choices_is_refused() {
    let p = Prompts::copy();
    let text = fs::read_to_string(p.path("async/quiz.toml")).unwrap();
    let answer = text
        .lines()
        .find(|l| l.starts_with("answer = "))
        .unwrap()
        .to_string();
    let line = p.line_of("async/quiz.toml", &answer);
    p.edit("async/quiz.toml", &answer, "answer = \"no-such-choice\"");
    p.expect(
        "async/quiz.toml",
        line,
        "answer `no-such-choice` is not one of the choices",
    );
}

#[test]
fn a_quiz_question_must_name_an_objective_of_its_lesson() {
    let p = Prompts::copy();
    let text = fs::read_to_string(p.path("async/quiz.toml")).unwrap();
    let objective = text
        .lines()
        .find(|l| l.starts_with("objective = "))
        .unwrap()
        .to_string();
    let line = p.line_of("async/quiz.toml", &objective);
    p.edit("async/quiz.toml", &objective, "objective = \"made-up\"");
    p.expect("async/quiz.toml", line, "names unknown objective `made-up`");
}

#[test]
fn a_wrong_choice_without_its_misconception_is_refused() {
    let p = Prompts::copy();
    let text = fs::read_to_string(p.path("async/quiz.toml")).unwrap();
    let why = text
        .lines()
        .find(|l| l.starts_with("why_wrong = "))
        .unwrap()
        .to_string();
    p.edit("async/quiz.toml", &why, "");
    let errors = p.errors();
    assert!(
        errors.iter().any(|e| e.contains("needs a `why_wrong`")),
        "{errors:?}"
    );
}

#[test]
fn a_quiz_question_with_one_choice_is_refused() {
    let p = Prompts::copy();
    fs::write(
        p.path("python-setup/quiz.toml"),
        "[[questions]]\nid = \"q\"\nobjective = \"why-python\"\nprompt = \"?\"\nanswer = \"a\"\nexplanation = \"x\"\n\n[[questions.choices]]\nid = \"a\"\ntext = \"only\"\n",
    )
    .unwrap();
    p.expect(
        "python-setup/quiz.toml",
        8,
        "has 1 choices; it needs 2 to 4",
    );
}

#[test]
fn a_missing_ui_text_is_named() {
    let p = Prompts::copy();
    p.edit("ui.toml", "forget_done = ", "forget_gone = ");
    let errors = p.errors();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("ui.toml") && e.contains("forget_gone")),
        "{errors:?}"
    );
}

#[test]
fn an_unknown_placeholder_in_a_ui_text_is_refused() {
    let p = Prompts::copy();
    let line = p.line_of("ui.toml", "checklist_complete = ");
    p.edit(
        "ui.toml",
        "You've completed {lesson}",
        "You've completed {lessen}",
    );
    p.expect(
        "ui.toml",
        line,
        "unknown placeholder {lessen} (it takes lesson)",
    );
}

#[test]
fn a_button_label_over_discords_limit_is_refused() {
    let p = Prompts::copy();
    let line = p.line_of("ui.toml", "button_start_again = ");
    p.edit(
        "ui.toml",
        "button_start_again = \"Start again\"",
        &format!("button_start_again = \"{}\"", "x".repeat(81)),
    );
    p.expect("ui.toml", line, "Discord allows 80 here");
}

#[test]
fn every_mistake_is_reported_in_one_run() {
    let p = Prompts::copy();
    p.edit(
        "ui.toml",
        "You've completed {lesson}",
        "You've completed {lessen}",
    );
    p.edit(
        "async/lesson.toml",
        "id = \"overview\"",
        "id = \"Overview\"",
    );
    assert!(p.errors().len() >= 2, "{:?}", p.errors());
}

#[test]
fn the_shipped_quizzes_raise_no_warning_and_a_guesser_cannot_pass_them_by_length() {
    let catalog = support::catalog();
    let warnings = check::warnings(&catalog);
    assert!(warnings.is_empty(), "{warnings}");
    for lesson in catalog.lessons() {
        let stats = check::quiz_stats(lesson).expect("every shipped lesson has a quiz");
        assert!(
            !stats.too_guessable() && !stats.too_guessable_short(),
            "{stats}"
        );
    }
}

#[test]
fn a_quiz_whose_right_answer_is_usually_the_longest_is_warned_but_still_loads() {
    let p = Prompts::copy();
    p.rewrite_choices("async/quiz.toml", |right, text| {
        if right {
            text.to_string()
        } else {
            "No".to_string()
        }
    });
    let warnings = p.warnings();
    let want = format!(
        "{}:1: warning: the right answer is the longest choice in",
        p.path("async/quiz.toml").display()
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with(&want) && w.contains("over 40%")),
        "{warnings:#?}"
    );
    assert!(
        !warnings.iter().any(|w| w.contains("python-setup")),
        "{warnings:#?}"
    );
}

#[test]
fn a_code_line_too_wide_for_an_embed_is_warned_with_its_file_and_line_but_still_loads() {
    let p = Prompts::copy();
    let long = format!("x = {}", "1 + ".repeat(20));
    p.edit(
        "async/01-overview.md",
        "import asyncio\n",
        &format!("import asyncio\n{long}\n"),
    );
    let line = p.line_of("async/01-overview.md", &long);
    let want = format!(
        "{}:{line}: warning: this code line is {} characters",
        p.path("async/01-overview.md").display(),
        long.chars().count()
    );
    let warnings = p.warnings();
    assert!(
        warnings.iter().any(|w| w.starts_with(&want)),
        "{want} in {warnings:#?}"
    );
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
}

#[test]
fn a_quiz_overcorrected_to_short_right_answers_is_warned_too() {
    let p = Prompts::copy();
    p.rewrite_choices("python-setup/quiz.toml", |right, text| {
        if right {
            text.to_string()
        } else {
            "x".repeat(80)
        }
    });
    let warnings = p.warnings();
    assert!(
        warnings.iter().any(|w| w.contains(
            "python-setup/quiz.toml:1: warning: the right answer is the shortest choice in"
        )),
        "{warnings:#?}"
    );
}

#[test]
fn two_questions_with_the_same_prompt_are_warned_at_the_second() {
    let p = Prompts::copy();
    // Case, punctuation and code ticks aside, the same question as
    // `how-many-threads`, which comes later in the file.
    p.edit(
        "async/quiz.toml",
        "prompt = \"In a normal script, what does `result = asyncio.run(main())` do?\"",
        "prompt = \"how many threads does asyncio use to run 100 coroutines with gather\"",
    );
    let line = p.line_of("async/quiz.toml", "id = \"how-many-threads\"");
    let want = format!(
        "{}:{line}: warning: question `how-many-threads` asks the same as `what-run-does`",
        p.path("async/quiz.toml").display()
    );
    let warnings = p.warnings();
    assert!(
        warnings.iter().any(|w| w.starts_with(&want)),
        "{warnings:#?}"
    );
}

#[test]
fn an_objective_tested_by_fewer_than_three_questions_is_warned() {
    let p = Prompts::copy();
    for id in ["function-or-object", "when-body-runs"] {
        p.edit(
            "async/quiz.toml",
            &format!("id = \"{id}\"\nobjective = \"define-coroutine\""),
            &format!("id = \"{id}\"\nobjective = \"explain-await\""),
        );
    }
    let warnings = p.warnings();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("warning: objective `define-coroutine` is tested by 1 question(s)")),
        "{warnings:#?}"
    );
}

#[test]
fn tutorbot_check_prints_the_length_statistic_per_quiz_and_passes_with_warnings() {
    let p = Prompts::copy();
    p.rewrite_choices("async/quiz.toml", |right, text| {
        if right {
            text.to_string()
        } else {
            "No".to_string()
        }
    });
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tutorbot"))
        .arg("check")
        .arg(p.dir.path())
        .arg("--stats")
        .env_clear()
        .output()
        .expect("tutorbot runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "warnings must not fail the check: {stderr}"
    );
    let catalog = Catalog::load(p.dir.path()).unwrap();
    for lesson in catalog.lessons() {
        let stats = check::quiz_stats(lesson).unwrap();
        assert!(
            stdout.contains(&format!("{stats}\n")),
            "{stats} not in:\n{stdout}"
        );
    }
    assert!(
        stdout.contains("all checks passed, 1 warning(s)"),
        "{stdout}"
    );
    assert!(
        stderr.contains("warning: the right answer is the longest choice"),
        "{stderr}"
    );
}

//! Lessons that travel: the binary carries its own lessons, and a lesson can
//! be one Markdown file (`src/content/one_file.rs`) that an author starts
//! with `tutorbot new-lesson`, checks with `tutorbot check` and serves.

use crate::support::{self, ask, button, text, url_of, Learner};

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use sqlx::PgPool;

use tutorbot::content::{one_file, Catalog, Lesson, Tree};
use tutorbot::core::{Core, Outcome};
use tutorbot::store::Store;

/// The built binary, run in `dir` with no PROMPTS_DIR at all.
fn tutorbot(dir: &Path, args: &[&str], url: &str, stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tutorbot"))
        .args(args)
        .current_dir(dir)
        .env_remove("PROMPTS_DIR")
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tutorbot binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn show(out: &Output) -> String {
    format!(
        "status {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[sqlx::test]
async fn the_binary_serves_its_built_in_lessons_from_a_folder_without_prompts(pool: PgPool) {
    let url = url_of(&pool).await;
    let empty = tempfile::tempdir().unwrap();
    assert!(!empty.path().join("prompts").exists());

    let check = tutorbot(empty.path(), &["check"], &url, "");
    assert!(check.status.success(), "{}", show(&check));
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(
        said.contains("the built-in prompts/: 3 lesson(s)"),
        "{said}"
    );

    let console = tutorbot(
        empty.path(),
        &["console", "--learner", "ada"],
        &url,
        "/lesson async\n",
    );
    assert!(console.status.success(), "{}", show(&console));
    let said = String::from_utf8_lossy(&console.stdout);
    assert!(
        said.contains("Introduction to Asynchronous Programming"),
        "{said}"
    );
    assert!(
        said.contains("asyncio.run()"),
        "the overview section: {said}"
    );
}

#[test]
fn a_prompts_dir_replaces_the_built_in_lessons_entirely() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tutorbot"))
        .args(["check"])
        .current_dir(dir.path())
        .env("PROMPTS_DIR", dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", show(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    let ui = dir.path().join("ui.toml");
    assert!(
        err.contains(&format!("{}:1: cannot read", ui.display())),
        "only that folder is read, never the built-in one: {err}"
    );
}

#[test]
fn the_built_in_lessons_are_the_repository_prompts_folder() {
    let built_in = Catalog::built_in().expect("the built-in lessons load");
    let on_disk = support::catalog();
    assert_eq!(summary(built_in.lessons()), summary(on_disk.lessons()));
}

/// Everything a learner meets in a lesson, versions aside.
fn summary(lessons: &[Lesson]) -> Vec<String> {
    lessons
        .iter()
        .map(|l| {
            let mut s = format!("{} | {} | {} | {}\n", l.id, l.title, l.summary, l.order);
            for x in &l.sections {
                s += &format!("section {} | {}\n{}\n", x.id, x.title, x.body);
                for e in &x.examples {
                    s += &format!("example\n{}{}", e.code, e.expected_output);
                }
            }
            for o in &l.objectives {
                s += &format!("objective {} | {} | {}\n", o.id, o.text, o.section);
            }
            if let Some(q) = &l.quiz {
                s += &format!("quiz {}\n", q.version);
                for q in &q.questions {
                    s += &format!(
                        "{} {} {} {} {}\n",
                        q.id, q.objective, q.prompt, q.answer, q.explanation
                    );
                    for c in &q.choices {
                        s += &format!("  {} {} {:?}\n", c.id, c.text, c.why_wrong);
                    }
                }
            }
            // Every field of every exercise (statement, code, checks,
            // hints, prediction) but where it is written.
            for e in &l.exercises {
                let e = tutorbot::content::Exercise {
                    path: Default::default(),
                    line: 0,
                    ..e.clone()
                };
                s += &format!("exercise {e:?}\n");
            }
            s
        })
        .collect()
}

#[test]
fn the_built_in_lessons_converted_to_one_file_form_give_the_same_catalog() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "ui.toml",
        "demos.toml",
        "review.toml",
        "lab.toml",
        "author.toml",
    ] {
        std::fs::copy(support::prompts_dir().join(name), dir.path().join(name)).unwrap();
    }
    let folders = Tree::Folder(support::prompts_dir().to_path_buf());
    let original = support::catalog();
    for lesson in original.lessons() {
        let text = one_file::from_folder(&folders, Path::new(&lesson.id))
            .unwrap_or_else(|d| panic!("{d}"));
        std::fs::write(dir.path().join(format!("{}.md", lesson.id)), text).unwrap();
    }
    let converted = Catalog::load(dir.path()).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(converted.lessons().len(), 3);
    let exercises = |c: &Catalog| c.lessons().iter().map(|l| l.exercises.len()).sum::<usize>();
    assert!(
        exercises(&original) >= 5,
        "the built-in lessons have exercises"
    );
    assert_eq!(exercises(&converted), exercises(&original));
    assert_eq!(summary(converted.lessons()), summary(original.lessons()));

    // `tutorbot check` says the same of both forms.
    let check = |d: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_tutorbot"))
            .arg("check")
            .arg(d)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", show(&out));
        let said = String::from_utf8_lossy(&out.stdout).to_string();
        said.split_once(": ").unwrap().1.to_string()
    };
    assert_eq!(check(dir.path()), check(support::prompts_dir()));
}

#[sqlx::test]
async fn a_new_lesson_is_written_edited_checked_and_served(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let lessons = dir.path().join("lessons");
    let out = Command::new(env!("CARGO_BIN_EXE_tutorbot"))
        .args(["new-lesson", "loops", "--dir"])
        .arg(&lessons)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", show(&out));
    let file = lessons.join("loops.md");

    // Written again, it refuses and leaves the file alone.
    let again = Command::new(env!("CARGO_BIN_EXE_tutorbot"))
        .args(["new-lesson", "loops", "--dir"])
        .arg(&lessons)
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has a lesson `loops`"));

    // The author edits the starter: a title and a sentence of their own.
    let starter = std::fs::read_to_string(&file).unwrap();
    let edited = starter
        .replace(
            "title = \"A title learners pick from a list\"",
            "title = \"Loops in Python\"",
        )
        .replace(
            "**In one line:** what this lesson teaches, and why it matters.",
            "**In one line:** a `for` loop runs its body once for each item.",
        );
    assert_ne!(edited, starter);
    std::fs::write(&file, edited).unwrap();

    let check = Command::new(env!("CARGO_BIN_EXE_tutorbot"))
        .arg("check")
        .arg(&lessons)
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", show(&check));
    assert!(String::from_utf8_lossy(&check.stdout)
        .contains("1 lesson(s), 1 quiz question(s), 1 exercise(s)"));
    // Its warnings (one question cannot test two objectives) point into
    // the quiz block, not at the top of the file.
    let quiz_line = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .position(|l| l == "```toml quiz")
        .unwrap()
        + 2;
    let warnings = String::from_utf8_lossy(&check.stderr).to_string();
    assert!(
        warnings.contains(&format!(
            "{}:{quiz_line}: warning: objective `do-it`",
            file.display()
        )),
        "{warnings}"
    );

    // Served through the core: the lesson, its first section, its quiz.
    let catalog = Catalog::load(&lessons).unwrap_or_else(|d| panic!("{d}"));
    let core = Core::new(Arc::new(catalog), Store::from_pool(pool));
    let ada = Learner::new("ada");
    let (answer, r) = ask(&core, &ada.lesson("loops")).await;
    assert_eq!(answer.outcome, Outcome::Ok, "{}", text(&r));
    assert!(text(&r).contains("Loops in Python"), "{}", text(&r));
    assert!(text(&r).contains("once for each item"), "{}", text(&r));
    assert!(!text(&r).contains("<!--"), "notes for authors stay hidden");
    let (answer, r) = ask(&core, &ada.click(&button(&r, "Try it yourself"))).await;
    assert_eq!(answer.outcome, Outcome::Ok, "{}", text(&r));
    assert!(text(&r).contains("one small task"), "{}", text(&r));
}

#[test]
fn the_complete_example_in_prompts_readme_passes_every_check() {
    let readme = std::fs::read_to_string(support::prompts_dir().join("README.md")).unwrap();
    let start = readme.find("`````markdown\n").expect("the example") + "`````markdown\n".len();
    let len = readme[start..].find("`````").expect("the example's end");
    let mut diags = tutorbot::content::Diagnostics::default();
    let (lesson, _) = one_file::parse(
        Path::new("README.md"),
        &readme[start..start + len],
        &mut diags,
    )
    .unwrap_or_else(|| panic!("{diags}"));
    assert_eq!(lesson.id, "list-basics");
    assert_eq!(lesson.sections.len(), 2);
    assert_eq!(
        lesson
            .sections
            .iter()
            .map(|s| s.examples.len())
            .sum::<usize>(),
        2
    );
    assert_eq!(lesson.quiz.unwrap().questions.len(), 2);
    assert_eq!(lesson.exercises.len(), 1);
    assert!(
        lesson.exercises[0].statement.contains("```py"),
        "the statement keeps its own code block"
    );
}

#[test]
fn a_one_file_lesson_cannot_take_the_id_of_a_lesson_folder() {
    let dir = tempfile::tempdir().unwrap();
    crate::content::copy_dir(support::prompts_dir(), dir.path());
    let file = dir.path().join("zz-copy.md");
    std::fs::write(&file, one_file::starter("async")).unwrap();
    let diags = Catalog::load(dir.path()).expect_err("two lessons `async`");
    let line = one_file::starter("async")
        .lines()
        .position(|l| l.starts_with("id = "))
        .unwrap()
        + 1;
    assert_eq!(
        diags.to_string(),
        format!(
            "{}:{line}: lesson id `async` is already taken by {}",
            file.display(),
            dir.path().join("async").display()
        )
    );
}

//! Every shipped exercise, through the real sandbox: its reference solution
//! passes and its starter code does not. And `tutorbot lab run`, the same
//! sandbox for authors and CI, as a process.

use std::process::Command;

use tutorbot::content::one_file;
use tutorbot::lab::{Check, Job, LabLimits, LabQueue};

use crate::lab::sandbox_with;
use crate::support;

#[tokio::test]
async fn every_exercise_passes_with_its_solution_and_fails_with_its_starter() {
    let Some(lab) = sandbox_with(LabLimits::default(), None).await else {
        return;
    };
    let catalog = support::catalog();
    let queue = LabQueue::new(lab, 2, 1000);
    let mut runs = Vec::new();
    let mut learner = 0;
    for lesson in catalog.lessons() {
        for ex in &lesson.exercises {
            for (kind, code) in [("solution", &ex.solution), ("starter", &ex.starter)] {
                learner += 1;
                let job = Job::new(code.clone(), "")
                    .unwrap()
                    .with_checks(ex.checks.clone());
                let ticket = queue.submit(learner, job).unwrap();
                runs.push((format!("{}/{} {kind}", lesson.id, ex.id), kind, ticket));
            }
        }
    }
    assert!(
        runs.len() >= 10,
        "the async lesson has at least five exercises"
    );
    for (name, kind, ticket) in runs {
        let v = ticket.verdict().await.unwrap();
        match kind {
            "solution" => assert!(
                v.passed() && v.check == Some(Check::Passed),
                "{name} must pass: {} {:?}\n{}",
                v.ending,
                v.check,
                v.stderr.text
            ),
            _ => assert!(!v.passed(), "{name} must fail, and passed"),
        }
    }
}

/// The exercises of the one-file examples authors start from (the file
/// `tutorbot new-lesson` writes, and prompts/README's complete lesson) are
/// real: each solution passes its checks in the sandbox, each starter fails.
#[tokio::test]
async fn the_one_file_examples_exercises_pass_with_their_solutions_and_fail_with_their_starters() {
    let Some(lab) = sandbox_with(LabLimits::default(), None).await else {
        return;
    };
    let readme = std::fs::read_to_string(support::prompts_dir().join("README.md")).unwrap();
    let start = readme.find("`````markdown\n").expect("the example") + "`````markdown\n".len();
    let example = &readme[start..start + readme[start..].find("`````").unwrap()];
    let mut exercises = Vec::new();
    for (name, text) in [
        ("starter.md", one_file::starter("demo")),
        ("README.md", example.to_string()),
    ] {
        let mut diags = tutorbot::content::Diagnostics::default();
        let (lesson, _) = one_file::parse(std::path::Path::new(name), &text, &mut diags)
            .unwrap_or_else(|| panic!("{diags}"));
        assert!(!lesson.exercises.is_empty(), "{name} has an exercise");
        exercises.extend(lesson.exercises);
    }
    let queue = LabQueue::new(lab, 2, 100);
    let mut runs = Vec::new();
    for (learner, (ex, kind)) in exercises
        .iter()
        .flat_map(|ex| [(ex, "solution"), (ex, "starter")])
        .enumerate()
    {
        let code = if kind == "solution" {
            &ex.solution
        } else {
            &ex.starter
        };
        let job = Job::new(code.clone(), "")
            .unwrap()
            .with_checks(ex.checks.clone());
        let ticket = queue.submit(learner as u64, job).unwrap();
        runs.push((format!("{} {kind}", ex.id), kind, ticket));
    }
    for (name, kind, ticket) in runs {
        let v = ticket.verdict().await.unwrap();
        let passed = v.passed() && v.check == Some(Check::Passed);
        assert_eq!(
            passed,
            kind == "solution",
            "{name}: {} {:?}\n{}",
            v.ending,
            v.check,
            v.stderr.text
        );
    }
}

#[test]
fn the_async_lesson_has_the_five_exercises_of_the_issue_two_with_predictions() {
    let catalog = support::catalog();
    let lesson = catalog.lesson("async").unwrap();
    let ids: Vec<&str> = lesson.exercises.iter().map(|e| e.id.as_str()).collect();
    for id in ["gather", "keep-failures", "give-up", "limit", "unblock"] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    let predicted = lesson
        .exercises
        .iter()
        .filter(|e| e.predict.is_some())
        .count();
    assert!(predicted >= 2, "{predicted} exercises predict");
}

fn lab_run(dir: &std::path::Path, file: &str, exercise: &str) -> std::process::Output {
    let mut command = Command::new(support::process::binary());
    command
        .args(["lab", "run", file, "--exercise", exercise])
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("PROMPTS_DIR", support::prompts_dir());
    if let Some(python) = std::env::var_os("LAB_PYTHON") {
        command.env("LAB_PYTHON", python);
    }
    command.output().unwrap()
}

#[tokio::test]
async fn lab_run_prints_the_verdict_and_its_exit_code_follows_the_checks() {
    if sandbox_with(LabLimits::default(), None).await.is_none() {
        return;
    }
    let catalog = support::catalog();
    let ex = catalog.lesson("async").unwrap().exercise("limit").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("solution.py"), &ex.solution).unwrap();
    std::fs::write(dir.path().join("starter.py"), &ex.starter).unwrap();

    let out = lab_run(dir.path(), "solution.py", "async/limit");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("--- exited with 0"), "{stdout}");
    assert!(stdout.contains("checks: passed"), "{stdout}");
    assert!(
        stdout.contains("200 /delay/200"),
        "the server's requests: {stdout}"
    );

    let out = lab_run(dir.path(), "starter.py", "async/limit");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("starter.py: the checks failed: 6 requests were in flight at the same time; the limit was 2"),
        "{stderr}"
    );

    let out = lab_run(dir.path(), "starter.py", "async/nope");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("lesson async has no exercise \"nope\""),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

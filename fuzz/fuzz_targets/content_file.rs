//! Content files, as an author (or a bad merge) might leave them: the first
//! byte picks a file of a copy of `prompts/`, the rest replaces it, and the
//! whole folder is loaded. The loader never panics; it loads, or it names
//! every mistake as `path:line: message` with a path in the folder and a
//! line inside the file.
#![no_main]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tutorbot::content::Catalog;

const FILES: &[&str] = &[
    "async/lesson.toml",
    "async/quiz.toml",
    "ui.toml",
    "demos.toml",
    "async/01-overview.md",
];

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../prompts")
}

fn copy_dir(from: &Path, to: &Path) {
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

/// One copy of prompts/ (its shared files and the async lesson, to keep each
/// run short) for the whole run, in memory where the machine has a tmpfs;
/// each input edits one file of it and puts it back.
fn folder() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            tempfile::tempdir_in(shm).unwrap()
        } else {
            tempfile::tempdir().unwrap()
        };
        let from = shipped();
        for file in ["ui.toml", "demos.toml"] {
            fs::copy(from.join(file), dir.path().join(file)).unwrap();
        }
        copy_dir(&from.join("async"), &dir.path().join("async"));
        dir
    })
    .path()
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, text)) = data.split_first() else {
        return;
    };
    let rel = FILES[usize::from(pick) % FILES.len()];
    let dir = folder();
    let path = dir.join(rel);
    fs::write(&path, text).unwrap();
    let loaded = Catalog::load(dir);
    fs::copy(shipped().join(rel), &path).unwrap();
    let Err(diags) = loaded else {
        return;
    };
    assert!(!diags.is_empty(), "a failed load says why");
    for d in diags.iter() {
        let shown = d.to_string();
        assert!(shown.starts_with(&format!("{}:{}: ", d.path.display(), d.line)));
        assert!(!d.message.trim().is_empty(), "{shown}");
        assert!(!shown.contains('\n'), "one line a mistake: {shown}");
        assert!(d.path.starts_with(dir), "{shown}");
        assert!(d.line >= 1, "{shown}");
        if d.path == path {
            let lines = text.iter().filter(|&&b| b == b'\n').count() + 1;
            assert!(d.line <= lines + 1, "{shown}: the file has {lines} lines");
        }
    }
});

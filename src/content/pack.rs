//! A server's lesson pack: what a teacher uploads with `/author upload`,
//! checked before anything is stored.
//!
//! An upload is one one-file lesson (`*.md`) or a zip of lesson folders and
//! one-file lessons. Nothing in it is trusted: [`check_upload`] refuses a
//! file over the download cap; for a zip, more entries than the file cap,
//! more bytes unpacked than the unpacked cap (the size each entry declares
//! is checked first, then what it really inflates to, read through a
//! `Take` one byte past what is left, so a zip bomb or an entry that lies
//! about its size stops at the cap), names that are absolute, hold `..` or
//! a backslash, symbolic links, duplicates and files other than `.md` and
//! `.toml`; and any text that is not UTF-8, naming its line. What is left
//! is a [`Tree::Memory`] that meets exactly the loaders and checks of
//! `tutorbot check` ([`super::load_lessons`]), so every mistake is named as
//! `file:line`. A lesson whose id a built-in lesson has is refused: pack
//! ids live per server, next to the built-in ones, and never shadow them.
//!
//! Each lesson is kept as its own source ([`PackLesson::source`]): a
//! one-file lesson's text, or its folder zipped again (stored, not
//! compressed). That is what Postgres keeps, what `/author export` gives
//! back, and what [`load_stored`] loads on every instance.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::sync::Arc;

use super::tree::{MemoryTree, Tree};
use super::{load_lessons, Catalog, Diagnostics, Lesson};

/// What an upload may be, at most. Settings (`PACK_*`) with these defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackLimits {
    /// Bytes downloaded (the attachment as Discord stores it).
    pub download_max: u64,
    /// Bytes a zip unpacks to, all files together.
    pub unpacked_max: u64,
    /// Files in a zip.
    pub files_max: usize,
    /// Lessons one server serves, all uploads together.
    pub lessons_max: usize,
    /// Bytes of lesson sources one server serves, all lessons together.
    pub server_max: u64,
}

/// 1 MiB.
pub const MIB: u64 = 1024 * 1024;

impl Default for PackLimits {
    fn default() -> Self {
        PackLimits {
            download_max: MIB,
            unpacked_max: 4 * MIB,
            files_max: 64,
            lessons_max: 25,
            server_max: 8 * MIB,
        }
    }
}

/// How a lesson's source is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A one-file lesson's text.
    Md,
    /// A lesson folder's files, zipped.
    Zip,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Zip => "zip",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "md" => Some(Format::Md),
            "zip" => Some(Format::Zip),
            _ => None,
        }
    }

    /// The file name `/author export` gives a lesson's source.
    pub fn file_name(self, lesson: &str) -> String {
        format!("{lesson}.{}", self.as_str())
    }
}

/// One checked lesson of an upload, with the source it is kept as.
#[derive(Debug, Clone)]
pub struct PackLesson {
    pub lesson: Lesson,
    pub format: Format,
    pub source: Vec<u8>,
}

/// Checks an upload named `filename` (as the teacher named it) against
/// `limits` and the lessons in `built_in`: its lessons, or every mistake as
/// `file:line`.
pub fn check_upload(
    filename: &str,
    bytes: &[u8],
    limits: &PackLimits,
    built_in: &Catalog,
) -> Result<Vec<PackLesson>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let name = Path::new(filename);
    if bytes.len() as u64 > limits.download_max {
        diags.push(
            name,
            1,
            format!(
                "the file is {} bytes; an upload may be at most {} bytes",
                bytes.len(),
                limits.download_max
            ),
        );
        return Err(diags);
    }
    let lower = filename.to_ascii_lowercase();
    let files = if lower.ends_with(".md") {
        let Some(text) = utf8(name, bytes, &mut diags) else {
            return Err(diags);
        };
        BTreeMap::from([(plain_name(filename), text)])
    } else if lower.ends_with(".zip") {
        match unpack(name, bytes, limits, &mut diags) {
            Some(files) if diags.is_empty() => files,
            _ => return Err(diags),
        }
    } else {
        diags.push(
            name,
            1,
            "upload a one-file lesson (.md) or a zip of lesson folders and one-file lessons (.zip)",
        );
        return Err(diags);
    };
    let files = strip_single_folder(files);
    let tree = Tree::Memory(Arc::new(MemoryTree {
        files: files.clone(),
    }));
    let loaded = load_lessons(&tree, &mut diags);
    for l in &loaded {
        if built_in.lesson(&l.lesson.id).is_some() {
            diags.push(
                &l.shown,
                l.line,
                format!(
                    "lesson id `{}` is a built-in lesson's; choose another id",
                    l.lesson.id
                ),
            );
        }
    }
    if loaded.len() > limits.lessons_max {
        diags.push(
            name,
            1,
            format!(
                "the upload holds {} lessons; a server may serve at most {}",
                loaded.len(),
                limits.lessons_max
            ),
        );
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    loaded
        .into_iter()
        .map(|l| {
            let (format, source) = if l.folder {
                let prefix = format!("{}/", l.rel);
                let folder = files
                    .iter()
                    .filter_map(|(k, v)| k.strip_prefix(&prefix).map(|rest| (rest, v.as_str())));
                (Format::Zip, zip_files(folder))
            } else {
                let text = files.get(&l.rel).cloned().unwrap_or_default();
                (Format::Md, text.into_bytes())
            };
            Ok(PackLesson {
                lesson: l.lesson,
                format,
                source,
            })
        })
        .collect()
}

/// Loads one lesson as Postgres keeps it (checked when it was uploaded, and
/// checked again here: the loaders are the same). `lesson_id` names the
/// folder or file it is loaded as.
pub fn load_stored(lesson_id: &str, format: Format, source: &[u8]) -> Result<Lesson, Diagnostics> {
    let mut diags = Diagnostics::default();
    let shown = Path::new(lesson_id);
    let files = match format {
        Format::Md => {
            let Some(text) = utf8(shown, source, &mut diags) else {
                return Err(diags);
            };
            BTreeMap::from([(format!("{lesson_id}.md"), text)])
        }
        Format::Zip => {
            // Within the caps of its upload; these only bound the work.
            let roomy = PackLimits {
                download_max: u64::MAX,
                unpacked_max: 64 * MIB,
                files_max: 10_000,
                lessons_max: 1,
                server_max: u64::MAX,
            };
            match unpack(shown, source, &roomy, &mut diags) {
                Some(files) if diags.is_empty() => files
                    .into_iter()
                    .map(|(k, v)| (format!("{lesson_id}/{k}"), v))
                    .collect(),
                _ => return Err(diags),
            }
        }
    };
    let tree = Tree::Memory(Arc::new(MemoryTree { files }));
    let mut loaded = load_lessons(&tree, &mut diags);
    match loaded.pop() {
        Some(l) if diags.is_empty() && loaded.is_empty() => Ok(l.lesson),
        _ => {
            if diags.is_empty() {
                diags.push(shown, 1, "holds more than one lesson");
            }
            Err(diags)
        }
    }
}

/// The last part of an uploaded file's name (clients send a bare name;
/// anything with a path in it is cut to the name).
fn plain_name(filename: &str) -> String {
    filename
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(filename)
        .to_string()
}

/// The text of `bytes`, or a mistake naming the line of the first byte
/// that is not UTF-8.
fn utf8(path: &Path, bytes: &[u8], diags: &mut Diagnostics) -> Option<String> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text.to_string()),
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            diags.push(
                path,
                line,
                "is not UTF-8 text; save it as UTF-8 (every content file is)",
            );
            None
        }
    }
}

/// The files of a zip, checked (see the module doc); `None` when it cannot
/// be read at all. Every refusal goes to `diags`.
fn unpack(
    name: &Path,
    bytes: &[u8],
    limits: &PackLimits,
    diags: &mut Diagnostics,
) -> Option<BTreeMap<String, String>> {
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(e) => {
            diags.push(name, 1, format!("is not a zip file that can be read ({e})"));
            return None;
        }
    };
    if archive.len() > limits.files_max {
        diags.push(
            name,
            1,
            format!(
                "holds {} entries; a pack may hold at most {} files",
                archive.len(),
                limits.files_max
            ),
        );
        return None;
    }
    let mut files = BTreeMap::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut entry = match archive.by_index(i) {
            Ok(entry) => entry,
            Err(e) => {
                diags.push(name, 1, format!("entry {} cannot be read ({e})", i + 1));
                continue;
            }
        };
        let Ok(path) = std::str::from_utf8(entry.name_raw()).map(str::to_string) else {
            diags.push(
                name,
                1,
                format!("entry {} has a name that is not UTF-8", i + 1),
            );
            continue;
        };
        let shown = Path::new(&path);
        if let Some(why) = bad_path(&path) {
            diags.push(shown, 1, why);
            continue;
        }
        if entry.is_symlink() {
            diags.push(
                shown,
                1,
                "is a symbolic link; a pack holds only files and folders",
            );
            continue;
        }
        if entry.is_dir() || is_junk(&path) {
            continue;
        }
        let declared = entry.size();
        let left = limits.unpacked_max.saturating_sub(total);
        if declared > left {
            diags.push(
                shown,
                1,
                format!(
                    "unpacks to {declared} bytes; a pack may unpack to at most {} bytes in all",
                    limits.unpacked_max
                ),
            );
            return None;
        }
        // One byte past what is left: reading it proves the entry lied.
        let mut data = Vec::new();
        if let Err(e) = (&mut entry).take(left + 1).read_to_end(&mut data) {
            diags.push(shown, 1, format!("cannot be unpacked ({e})"));
            continue;
        }
        if data.len() as u64 > left || data.len() as u64 > declared {
            diags.push(
                shown,
                1,
                format!(
                    "unpacks to more than the {declared} bytes it declares; a pack may unpack to at most {} bytes in all",
                    limits.unpacked_max
                ),
            );
            return None;
        }
        total += data.len() as u64;
        let key = path.trim_start_matches("./").to_string();
        if !(key.ends_with(".md") || key.ends_with(".toml")) {
            diags.push(shown, 1, "only .md and .toml files belong in a lesson pack");
            continue;
        }
        let Some(text) = utf8(shown, &data, diags) else {
            continue;
        };
        if files.insert(key, text).is_some() {
            diags.push(shown, 1, "is in the zip twice");
        }
    }
    Some(files)
}

/// Why an entry's name is refused: absolute, leading outside the pack, or
/// not portable.
fn bad_path(path: &str) -> Option<&'static str> {
    if path.starts_with('/') || path.as_bytes().get(1) == Some(&b':') {
        return Some("is an absolute path; a pack holds only paths inside it");
    }
    if path.contains('\\') {
        return Some("holds a backslash; zip paths are separated by /");
    }
    if path.split('/').any(|part| part == "..") {
        return Some("leads outside the pack (`..`)");
    }
    if path.chars().any(char::is_control) {
        return Some("holds a control character");
    }
    None
}

/// What archivers add beside the files (macOS's resource forks, Finder's
/// folder settings): skipped, never loaded.
fn is_junk(path: &str) -> bool {
    path.starts_with("__MACOSX/") || path.rsplit('/').next() == Some(".DS_Store")
}

/// A zip of one folder (`top/...`) is served as its contents, unless the
/// folder itself is a lesson folder.
fn strip_single_folder(files: BTreeMap<String, String>) -> BTreeMap<String, String> {
    let tops: std::collections::BTreeSet<&str> = files
        .keys()
        .map(|k| k.split_once('/').map_or("", |(top, _)| top))
        .collect();
    match tops.into_iter().collect::<Vec<_>>().as_slice() {
        [top] if !top.is_empty() && !files.contains_key(&format!("{top}/lesson.toml")) => {
            let prefix = format!("{top}/");
            files
                .iter()
                .map(|(k, v)| (k[prefix.len()..].to_string(), v.clone()))
                .collect()
        }
        _ => files,
    }
}

/// Files zipped, stored (not compressed): a lesson folder as kept.
fn zip_files<'a>(files: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in files {
        // Writing to memory fails only on names zip cannot hold, which
        // were read from a zip in the first place.
        if writer.start_file(name, options).is_ok() {
            let _ = writer.write_all(text.as_bytes());
        }
    }
    writer.finish().map(Cursor::into_inner).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::one_file::starter;

    fn built_in() -> Catalog {
        Catalog::built_in().expect("the built-in lessons load")
    }

    fn stored() -> zip::write::SimpleFileOptions {
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)
    }

    /// A zip of `(name, bytes)` entries, stored.
    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            w.start_file(*name, stored()).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    /// The built-in `python-setup` folder's files, as folder `id`.
    fn folder_lesson(id: &str) -> Vec<(String, Vec<u8>)> {
        let tree = Tree::BuiltIn;
        tree.list(Path::new("python-setup"))
            .unwrap()
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| !e.is_dir)
            .map(|e| {
                let text = tree.read(&Path::new("python-setup").join(&e.name)).unwrap();
                (format!("{id}/{}", e.name), text.into_bytes())
            })
            .collect()
    }

    fn check(filename: &str, bytes: &[u8]) -> Result<Vec<PackLesson>, Diagnostics> {
        check_upload(filename, bytes, &PackLimits::default(), &built_in())
    }

    fn refused(filename: &str, bytes: &[u8]) -> String {
        match check(filename, bytes) {
            Ok(lessons) => panic!("accepted {} lesson(s)", lessons.len()),
            Err(diags) => diags.to_string(),
        }
    }

    #[test]
    fn a_one_file_lesson_is_checked_and_kept_as_its_text() {
        let text = starter("my-lesson");
        let lessons = check("my-lesson.md", text.as_bytes()).unwrap();
        assert_eq!(lessons.len(), 1);
        assert_eq!(lessons[0].lesson.id, "my-lesson");
        assert_eq!(lessons[0].format, Format::Md);
        assert_eq!(lessons[0].source, text.as_bytes());
        // What Postgres keeps loads as the same lesson.
        let again = load_stored("my-lesson", Format::Md, &lessons[0].source).unwrap();
        assert_eq!(again.sections.len(), lessons[0].lesson.sections.len());
        assert_eq!(again.version, lessons[0].lesson.version);
    }

    #[test]
    fn a_zip_of_a_folder_of_lessons_serves_each_lesson_and_rezips_folders() {
        let mut entries = folder_lesson("setup-copy");
        entries.push(("one.md".into(), starter("one").into_bytes()));
        // Zipped as a folder of its own, as archivers do.
        let entries: Vec<(String, Vec<u8>)> = entries
            .into_iter()
            .map(|(name, bytes)| (format!("my-pack/{name}"), bytes))
            .collect();
        let borrowed: Vec<(&str, &[u8])> = entries
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        let lessons = check("pack.zip", &zip_of(&borrowed)).unwrap();
        let ids: Vec<&str> = lessons.iter().map(|l| l.lesson.id.as_str()).collect();
        assert_eq!(ids, ["one", "setup-copy"]);
        let folder = &lessons[1];
        assert_eq!(folder.format, Format::Zip);
        let again = load_stored("setup-copy", Format::Zip, &folder.source).unwrap();
        assert_eq!(again.title, folder.lesson.title);
        assert_eq!(again.objectives.len(), folder.lesson.objectives.len());
    }

    #[test]
    fn mistakes_are_named_with_the_file_and_line_inside_the_upload() {
        let text = starter("broken").replace("order = 100", "order = \"soon\"");
        let err = refused("broken.md", text.as_bytes());
        assert!(err.starts_with("broken.md:"), "{err}");
        let line = err.split(':').nth(1).unwrap();
        assert_eq!(line, "7", "{err}");
    }

    #[test]
    fn a_built_in_lesson_id_is_refused_at_its_line() {
        let err = refused("async.md", starter("async").as_bytes());
        assert!(
            err.contains("async.md:") && err.contains("built-in"),
            "{err}"
        );
    }

    #[test]
    fn a_zip_bomb_is_refused_by_the_size_it_declares() {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("bomb.md", deflated).unwrap();
        w.write_all(&vec![b'a'; 50 * MIB as usize]).unwrap();
        let bomb = w.finish().unwrap().into_inner();
        assert!(bomb.len() < MIB as usize, "{} bytes", bomb.len());
        let err = refused("bomb.zip", &bomb);
        assert!(
            err.contains("bomb.md:1: unpacks to 52428800 bytes"),
            "{err}"
        );
    }

    #[test]
    fn an_entry_that_declares_less_than_it_holds_is_stopped_at_the_cap() {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("liar.md", deflated).unwrap();
        w.write_all(&vec![b'a'; 8 * MIB as usize]).unwrap();
        let mut bytes = w.finish().unwrap().into_inner();
        // Rewrite the uncompressed size in the local header (offset 22)
        // and the central directory (offset 24) to 10 bytes.
        let real = (8 * MIB as u32).to_le_bytes();
        let mut patched = 0;
        for at in 0..bytes.len().saturating_sub(4) {
            let sig = &bytes[at..at + 4];
            let field = if sig == [0x50, 0x4b, 0x03, 0x04] {
                at + 22
            } else if sig == [0x50, 0x4b, 0x01, 0x02] {
                at + 24
            } else {
                continue;
            };
            if bytes[field..field + 4] == real {
                bytes[field..field + 4].copy_from_slice(&10u32.to_le_bytes());
                patched += 1;
            }
        }
        assert_eq!(patched, 2);
        let err = refused("liar.zip", &bytes);
        assert!(err.starts_with("liar.md:1:"), "{err}");
    }

    #[test]
    fn paths_outside_the_pack_are_refused() {
        let lesson = starter("fine").into_bytes();
        for (name, why) in [
            ("../evil.md", "leads outside the pack"),
            ("lessons/../../evil.md", "leads outside the pack"),
            ("/etc/evil.md", "absolute path"),
            ("C:/evil.md", "absolute path"),
            ("dir\\evil.md", "backslash"),
        ] {
            let err = refused("pack.zip", &zip_of(&[(name, &lesson)]));
            assert!(err.contains(why), "{name}: {err}");
        }
    }

    #[test]
    fn a_symbolic_link_is_refused() {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("fine.md", stored()).unwrap();
        w.write_all(starter("fine").as_bytes()).unwrap();
        w.add_symlink("link.md", "/etc/passwd", stored()).unwrap();
        let bytes = w.finish().unwrap().into_inner();
        let err = refused("pack.zip", &bytes);
        assert!(err.contains("link.md:1: is a symbolic link"), "{err}");
    }

    #[test]
    fn text_that_is_not_utf8_is_named_with_its_line() {
        let mut bytes = starter("latin").into_bytes();
        let at = bytes.len() - 5;
        bytes.insert(at, 0xE9);
        let lines = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        let err = refused("latin.md", &bytes);
        assert_eq!(
            err,
            format!(
                "latin.md:{lines}: is not UTF-8 text; save it as UTF-8 (every content file is)"
            )
        );
        let err = refused("pack.zip", &zip_of(&[("latin.md", &bytes)]));
        assert!(err.starts_with(&format!("latin.md:{lines}:")), "{err}");
    }

    #[test]
    fn ten_thousand_sections_are_refused_naming_the_limit() {
        let mut text = starter("many");
        let sections: String = (0..10_000)
            .map(|i| format!("## Part {i} {{#part-{i}}}\n\nText.\n\n"))
            .collect();
        text = text.replacen("## Overview", &format!("{sections}## Overview"), 1);
        let err = refused("many.md", text.as_bytes());
        assert!(
            err.contains("many.md:") && err.contains("1 to 15 sections"),
            "{}",
            &err[..err.len().min(500)]
        );
    }

    #[test]
    fn an_upload_over_the_caps_is_refused_before_it_is_read() {
        let big = vec![b'a'; MIB as usize + 1];
        assert!(refused("big.md", &big).contains("at most 1048576 bytes"));
        let many: Vec<(String, Vec<u8>)> = (0..65)
            .map(|i| (format!("f{i}.md"), b"x".to_vec()))
            .collect();
        let borrowed: Vec<(&str, &[u8])> = many
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        assert!(refused("many.zip", &zip_of(&borrowed)).contains("at most 64 files"));
    }

    #[test]
    fn only_lessons_belong_in_a_pack() {
        assert!(refused("notes.txt", b"hello").contains("upload a one-file lesson"));
        let err = refused(
            "pack.zip",
            &zip_of(&[
                ("run.sh", b"rm -rf /"),
                ("fine.md", starter("fine").as_bytes()),
            ]),
        );
        assert!(err.contains("run.sh:1: only .md and .toml"), "{err}");
        assert!(refused("pack.zip", b"PK not really").contains("not a zip file"));
    }
}

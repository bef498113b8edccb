//! Where content is read from: the `prompts/` tree built into the binary, or
//! an author's folder (`PROMPTS_DIR`).
//!
//! The loader reads every file through [`Tree`], so one loader serves both,
//! and every diagnostic names a path an author can open: the folder's own
//! path, or `prompts/...` (the repository path) for the built-in lessons.
//! The built-in tree is embedded at compile time, which is why the binary
//! runs from any folder and in a bare container. A server's lesson pack is
//! a third kind, [`Tree::Memory`]: files unpacked from an upload (or from
//! Postgres), already checked to be UTF-8 and inside the pack.

use std::io;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir, DirEntry};

/// The repository's `prompts/`, embedded (build.rs makes cargo rebuild when
/// a file in it is added or removed, not only when one changes).
static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/prompts");

/// A tree of content files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tree {
    /// The lessons this binary was built with.
    BuiltIn,
    /// A folder on disk; only this folder is read.
    Folder(PathBuf),
    /// Files held in memory (a server's lesson pack), shown by their paths.
    Memory(std::sync::Arc<MemoryTree>),
}

/// Files in memory: `/`-separated relative paths to their text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryTree {
    pub files: std::collections::BTreeMap<String, String>,
}

impl MemoryTree {
    /// The key of `rel`: its components joined by `/`.
    fn key(rel: &Path) -> String {
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The names directly in folder `rel`, each with whether it is a folder.
    fn list(&self, rel: &Path) -> io::Result<Vec<Entry>> {
        let dir = Self::key(rel);
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut entries: Vec<Entry> = Vec::new();
        for path in self.files.keys() {
            let Some(rest) = path.strip_prefix(&prefix) else {
                continue;
            };
            let (name, is_dir) = match rest.split_once('/') {
                Some((name, _)) => (name, true),
                None => (rest, false),
            };
            if !entries.iter().any(|e| e.name == name) {
                entries.push(Entry {
                    name: name.to_string(),
                    is_dir,
                });
            }
        }
        if entries.is_empty() && !dir.is_empty() {
            return Err(io::Error::from(io::ErrorKind::NotFound));
        }
        Ok(entries)
    }
}

/// One name in a folder of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub is_dir: bool,
}

impl Tree {
    /// The path an author sees in messages for `rel`.
    pub fn shown(&self, rel: &Path) -> PathBuf {
        match self {
            Tree::BuiltIn => Path::new("prompts").join(rel),
            Tree::Folder(dir) => dir.join(rel),
            Tree::Memory(_) => rel.to_path_buf(),
        }
    }

    /// The tree's name for people: its folder, or the built-in lessons.
    pub fn name(&self) -> String {
        match self {
            Tree::BuiltIn => "the built-in prompts/".to_string(),
            Tree::Folder(dir) => dir.display().to_string(),
            Tree::Memory(_) => "the uploaded lessons".to_string(),
        }
    }

    /// A file's text. Content is UTF-8; anything else is an error.
    pub fn read(&self, rel: &Path) -> io::Result<String> {
        match self {
            Tree::BuiltIn => {
                let file = BUILT_IN
                    .get_file(rel)
                    .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?;
                file.contents_utf8().map(str::to_string).ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        "stream did not contain valid UTF-8",
                    )
                })
            }
            Tree::Folder(dir) => std::fs::read_to_string(dir.join(rel)),
            Tree::Memory(mem) => mem
                .files
                .get(&MemoryTree::key(rel))
                .cloned()
                .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound)),
        }
    }

    /// The names in folder `rel` (`""` for the root), sorted. Names that are
    /// not UTF-8 come back as errors for the caller to report.
    pub fn list(&self, rel: &Path) -> io::Result<Vec<Result<Entry, PathBuf>>> {
        let mut entries = match self {
            Tree::BuiltIn => {
                let dir = if rel.as_os_str().is_empty() {
                    &BUILT_IN
                } else {
                    BUILT_IN
                        .get_dir(rel)
                        .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?
                };
                dir.entries()
                    .iter()
                    .map(|e| {
                        let name = e.path().file_name().and_then(|n| n.to_str());
                        match name {
                            Some(name) => Ok(Entry {
                                name: name.to_string(),
                                is_dir: matches!(e, DirEntry::Dir(_)),
                            }),
                            None => Err(e.path().to_path_buf()),
                        }
                    })
                    .collect::<Vec<_>>()
            }
            Tree::Folder(dir) => std::fs::read_dir(dir.join(rel))?
                .filter_map(Result::ok)
                .map(|e| {
                    let path = e.path();
                    match e.file_name().into_string() {
                        Ok(name) => Ok(Entry {
                            name,
                            is_dir: path.is_dir(),
                        }),
                        Err(_) => Err(path),
                    }
                })
                .collect(),
            Tree::Memory(mem) => mem.list(rel)?.into_iter().map(Ok).collect(),
        };
        entries.sort_by(|a, b| match (a, b) {
            (Ok(a), Ok(b)) => a.name.cmp(&b.name),
            (Err(a), Err(b)) => a.cmp(b),
            (Ok(_), Err(_)) => std::cmp::Ordering::Less,
            (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        });
        Ok(entries)
    }

    /// Whether `rel` names a file.
    pub fn is_file(&self, rel: &Path) -> bool {
        match self {
            Tree::BuiltIn => BUILT_IN.get_file(rel).is_some(),
            Tree::Folder(dir) => dir.join(rel).is_file(),
            Tree::Memory(mem) => mem.files.contains_key(&MemoryTree::key(rel)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_tree_holds_the_shipped_lessons() {
        let names: Vec<String> = Tree::BuiltIn
            .list(Path::new(""))
            .unwrap()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.is_dir)
            .map(|e| e.name)
            .collect();
        assert!(names.contains(&"async".to_string()), "{names:?}");
        assert!(Tree::BuiltIn.is_file(Path::new("async/lesson.toml")));
        assert!(Tree::BuiltIn
            .read(Path::new("ui.toml"))
            .unwrap()
            .contains('='));
    }

    #[test]
    fn a_memory_tree_lists_folders_and_files_like_a_folder_on_disk() {
        let mut files = std::collections::BTreeMap::new();
        files.insert("intro/lesson.toml".to_string(), "a".to_string());
        files.insert("intro/one.md".to_string(), "b".to_string());
        files.insert("extra.md".to_string(), "c".to_string());
        let tree = Tree::Memory(std::sync::Arc::new(MemoryTree { files }));
        let root: Vec<Entry> = tree
            .list(Path::new(""))
            .unwrap()
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            root,
            vec![
                Entry {
                    name: "extra.md".into(),
                    is_dir: false
                },
                Entry {
                    name: "intro".into(),
                    is_dir: true
                }
            ]
        );
        assert!(tree.is_file(Path::new("intro/lesson.toml")));
        assert!(!tree.is_file(Path::new("intro")));
        assert_eq!(tree.read(&Path::new("intro").join("one.md")).unwrap(), "b");
        assert!(tree.list(Path::new("nowhere")).is_err());
        assert_eq!(
            tree.shown(Path::new("intro/one.md")),
            PathBuf::from("intro/one.md")
        );
    }

    #[test]
    fn built_in_paths_are_shown_as_repository_paths() {
        assert_eq!(
            Tree::BuiltIn.shown(Path::new("async/quiz.toml")),
            PathBuf::from("prompts/async/quiz.toml")
        );
    }
}

//! What the sandbox shows of the host: the Python runtime, found once.
//!
//! The sandbox's root is an empty tmpfs. Into it go, read-only, the system
//! libraries (`/usr/lib`, `/usr/lib64`, and `/lib*` as they are on the host:
//! symlinks on a merged-/usr system), the Python executable with its chain
//! of symlinks, and the Python's prefixes when they are not under
//! `/usr/lib` already (a venv's folder, a pyenv install). Nothing else of
//! the host: no `/etc` (the lab writes its own `hosts` and `passwd`), no
//! `/home`, no `/root`, no `/run` with its sockets, no `/sys`.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use super::error::LabError;

/// One entry of the sandbox's file system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mount {
    /// A host path, read-only, at the same path.
    ReadOnly(PathBuf),
    /// A symlink at `at` pointing to `target`.
    Symlink { target: PathBuf, at: PathBuf },
}

/// The Python the sandbox runs and the mounts it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runtime {
    /// The path the sandbox starts (as configured, symlinks kept: a venv's
    /// `bin/python3` must be started by that name to find its venv).
    pub python: PathBuf,
    pub mounts: Vec<Mount>,
}

const SYSTEM_DIRS: [&str; 2] = ["/usr/lib", "/usr/lib64"];
const TOP_LINKS: [&str; 3] = ["/lib", "/lib64", "/bin"];

impl Runtime {
    /// Asks the configured Python (on the host, once, our own one-liner) for
    /// its prefixes, and lists what the sandbox must show.
    pub async fn find(python: &Path) -> Result<Runtime, LabError> {
        let bad = |reason: String| LabError::Python {
            python: python.to_path_buf(),
            reason,
        };
        if !python.is_absolute() {
            return Err(bad("LAB_PYTHON must be an absolute path".into()));
        }
        let out = tokio::process::Command::new(python)
            .args([
                "-I",
                "-c",
                "import sys; print(sys.prefix); print(sys.base_prefix)",
            ])
            .env_clear()
            .stdin(Stdio::null())
            .output()
            .await
            .map_err(|e| bad(e.to_string()))?;
        if !out.status.success() {
            return Err(bad(String::from_utf8_lossy(&out.stderr).trim().to_string()));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let prefixes: Vec<PathBuf> = text.lines().map(PathBuf::from).collect();

        let mut mounts = Vec::new();
        for dir in SYSTEM_DIRS {
            if Path::new(dir).is_dir() {
                mounts.push(Mount::ReadOnly(dir.into()));
            }
        }
        for top in TOP_LINKS {
            let path = Path::new(top);
            match std::fs::read_link(path) {
                Ok(target) => mounts.push(Mount::Symlink {
                    target,
                    at: path.into(),
                }),
                Err(_) if top != "/bin" && path.is_dir() => {
                    mounts.push(Mount::ReadOnly(path.into()))
                }
                Err(_) => {}
            }
        }
        for prefix in prefixes {
            if prefix.as_os_str().is_empty() || prefix == Path::new("/usr") {
                continue; // the system Python: its stdlib is under /usr/lib
            }
            if !covered(&mounts, &prefix) {
                mounts.push(Mount::ReadOnly(prefix));
            }
        }
        // The executable and every link on the way to it.
        let mut at = python.to_path_buf();
        for _ in 0..16 {
            match std::fs::read_link(&at) {
                Ok(target) => {
                    let next = at.parent().unwrap_or(Path::new("/")).join(&target);
                    if !covered(&mounts, &at) {
                        mounts.push(Mount::Symlink {
                            target,
                            at: at.clone(),
                        });
                    }
                    at = next;
                }
                Err(_) => {
                    if !covered(&mounts, &at) {
                        mounts.push(Mount::ReadOnly(at));
                    }
                    break;
                }
            }
        }
        Ok(Runtime {
            python: python.to_path_buf(),
            mounts,
        })
    }

    /// bubblewrap's arguments for these mounts.
    pub fn bwrap_args(&self) -> Vec<std::ffi::OsString> {
        let mut args = Vec::new();
        for m in &self.mounts {
            match m {
                Mount::ReadOnly(p) => {
                    args.extend(["--ro-bind".into(), p.clone().into(), p.clone().into()])
                }
                Mount::Symlink { target, at } => {
                    args.extend(["--symlink".into(), target.clone().into(), at.clone().into()])
                }
            }
        }
        args
    }
}

/// Whether `path` is inside a read-only mount already.
fn covered(mounts: &[Mount], path: &Path) -> bool {
    mounts.iter().any(|m| match m {
        Mount::ReadOnly(dir) => path.starts_with(dir),
        Mount::Symlink { at, .. } => path == at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_inside_a_mount_is_not_mounted_twice() {
        let mounts = vec![Mount::ReadOnly("/usr/lib".into())];
        assert!(covered(&mounts, Path::new("/usr/lib/python3.11")));
        assert!(!covered(&mounts, Path::new("/usr/lib64")));
        assert!(!covered(&mounts, Path::new("/usr/bin/python3")));
    }
}

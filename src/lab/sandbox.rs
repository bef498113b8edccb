//! One run in bubblewrap: set up, spawn, watch, kill, judge.
//!
//! # The sandbox
//! `bwrap` runs with fresh user, PID, network, IPC, UTS (and cgroup)
//! namespaces (`--unshare-all`), `--die-with-parent`, `--new-session`, a
//! fresh `/proc` and `/dev`, a size-capped private `/tmp`, the runtime's
//! read-only mounts ([`Runtime`]), the run's own read-only folder at `/lab`
//! (the code, stdin, `run.py`, the run's settings, its `/etc`), our PID 1
//! read-only at [`INIT_IN_SANDBOX`], an empty environment but a handful of
//! variables, and `--as-pid-1` so that `tutorbot-lab-init` (src/bin) is
//! PID 1: it applies the learner's limits, serves the practice server,
//! reaps, and reports; signals from inside cannot stop it, and when it ends
//! the kernel ends everything else in the sandbox. Only the learner's
//! process (`run.py`) starts a Python. When the bot runs as
//! root, `bwrap` itself runs as [`LabConfig::uid`], an unprivileged host
//! uid: the kernel never caps root's processes, and root would own the
//! runtime's files.
//!
//! # Watching
//! stdout and stderr are pipes read as they come into buffers that never
//! grow past the output budget; past it, or past the wall time, the whole
//! sandbox is killed (SIGKILL to `bwrap`, whose child dies with it and takes
//! the PID namespace along). A third pipe, fd 3 inside, carries the report
//! (see [`verdict`](super::verdict)); a fourth, fd 5, hands in an
//! exercise's hidden checks, so no file inside holds them. A run ends when `bwrap` has exited and
//! every pipe is closed and the sandbox's PID 1 (whose host pid bwrap gives
//! on `--info-fd`, watched through a pidfd) has ended: the kernel ends every
//! process of a PID namespace before its PID 1 is gone, so nothing of the
//! run is left running.
//!
//! `--die-with-parent` ties the sandbox to the *thread* that spawned bwrap
//! (Linux's parent-death signal follows the thread): runs are spawned from
//! async code, on the runtime's long-lived worker threads, never from a
//! `spawn_blocking` thread that could retire mid-run.

use std::ffi::OsString;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::AsyncReadExt;
use tokio::process::Command;

use super::error::{BadJob, LabError};
use super::limits::{LabConfig, LabLimits, MAX_CODE_CHARS, MAX_STDIN_CHARS};
use super::runtime::Runtime;
use super::verdict::{judge, Captured, Observed, Report, Verdict};

const RUN_PY: &str = include_str!("py/run.py");
const CHECK_PRELUDE_PY: &str = include_str!("py/check_prelude.py");

/// The practice server's port, inside each sandbox's own network namespace.
pub const PRACTICE_PORT: u16 = 8000;

/// Where the sandbox's PID 1 (`LAB_INIT` on the host) is bound, read-only:
/// outside `/lab`, whose files the bot writes per run, and outside the
/// runtime's mounts.
pub const INIT_IN_SANDBOX: &str = "/usr/libexec/tutorbot-lab-init";

/// The most bytes of hidden checks (with the prelude) a job may carry: less
/// than a pipe's buffer, so they are written before the sandbox starts.
const MAX_CHECKS_BYTES: usize = 60 * 1024;

/// Most bytes of report read; the rest is drained and dropped.
const MAX_REPORT_BYTES: usize = 256 * 1024;

/// How long the pipes may stay open after `bwrap` has exited (they close at
/// once when the PID namespace is gone; this only guards against a bug).
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// A learner's program, checked and ready to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    code: String,
    stdin: String,
    checks: Option<String>,
}

impl Job {
    /// Checks the learner's code and stdin against the lab's sizes (counted
    /// in characters, as Discord counts them). Anything else, NUL bytes and
    /// odd Unicode included, is Python's to judge.
    pub fn new(code: impl Into<String>, stdin: impl Into<String>) -> Result<Job, BadJob> {
        let (code, stdin) = (code.into(), stdin.into());
        if code.trim().is_empty() {
            return Err(BadJob::Empty);
        }
        let chars = code.chars().count();
        if chars > MAX_CODE_CHARS {
            return Err(BadJob::CodeTooLong {
                chars,
                max: MAX_CODE_CHARS,
            });
        }
        let chars = stdin.chars().count();
        if chars > MAX_STDIN_CHARS {
            return Err(BadJob::StdinTooLong {
                chars,
                max: MAX_STDIN_CHARS,
            });
        }
        Ok(Job {
            code,
            stdin,
            checks: None,
        })
    }

    /// The same job, followed by an exercise's hidden checks (our Python,
    /// run after the learner's code in its namespace, after the helpers of
    /// `py/check_prelude.py`: `requests_since`, `max_overlap`, `need`).
    pub fn with_checks(mut self, checks: impl Into<String>) -> Job {
        self.checks = Some(checks.into());
        self
    }

    pub fn code(&self) -> &str {
        &self.code
    }
}

/// The sandbox runner: a configuration and the runtime found for it.
#[derive(Debug, Clone)]
pub struct Sandbox {
    config: LabConfig,
    runtime: Runtime,
    bwrap: PathBuf,
    /// The sandbox's PID 1 on the host, as an absolute path.
    init: PathBuf,
    /// Whether to drop to `config.uid` (only root can, and only root must).
    drop_to: Option<u32>,
}

impl Sandbox {
    /// Finds bubblewrap, the sandbox's PID 1 and the runtime. Does not run
    /// anything in the sandbox yet: [`probe`](super::probe) does.
    pub async fn new(config: LabConfig) -> Result<Sandbox, LabError> {
        let bwrap =
            find_on_path(&config.bwrap).ok_or(LabError::BwrapMissing(config.bwrap.clone()))?;
        // Absolute (bwrap binds it from its own working directory) and a
        // file; whether it runs, the probe's real run finds out.
        let init = std::fs::canonicalize(&config.init)
            .ok()
            .filter(|p| p.is_file())
            .ok_or_else(|| LabError::InitMissing(config.init.clone()))?;
        let runtime = Runtime::find(&config.python).await?;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let root = unsafe { libc::geteuid() } == 0;
        Ok(Sandbox {
            drop_to: root.then_some(config.uid),
            config,
            runtime,
            bwrap,
            init,
        })
    }

    pub fn limits(&self) -> &LabLimits {
        &self.config.limits
    }

    /// Runs the job and judges it. `Err` only for our own failures.
    pub async fn run(&self, job: &Job) -> Result<Verdict, LabError> {
        let folder = RunFolder::create(&self.config.work_dir)?;
        folder.write(job, &self.config.limits)?;
        let limits = self.config.limits;

        let (report_read, report_write) = pipe()?;
        let mut command = Command::new(&self.bwrap);
        command
            .args(self.bwrap_args(&folder.path))
            .env_clear()
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .process_group(0);
        if let Some(uid) = self.drop_to {
            command.uid(uid).gid(uid);
        }
        let (info_read, info_write) = pipe()?;
        // The hidden checks travel on a pipe, read and closed by run.py
        // before the learner's code starts: no file in the sandbox holds
        // them. Written whole now: they fit in the pipe's buffer.
        let (checks_read, checks_write) = pipe()?;
        {
            use std::io::Write;
            let checks = job
                .checks
                .as_ref()
                .map(|c| format!("{CHECK_PRELUDE_PY}\n{c}\n"))
                .unwrap_or_default();
            if checks.len() > MAX_CHECKS_BYTES {
                return Err(LabError::Io(std::io::Error::other(format!(
                    "the checks are {} bytes; at most {MAX_CHECKS_BYTES} fit",
                    checks.len()
                ))));
            }
            std::fs::File::from(checks_write).write_all(checks.as_bytes())?;
        }
        let handed = [
            report_write.as_raw_fd(),
            info_write.as_raw_fd(),
            checks_read.as_raw_fd(),
        ];
        // SAFETY: between fork and exec only async-signal-safe calls (fcntl,
        // dup2) on descriptors open in the parent.
        unsafe {
            command.pre_exec(move || hand_fds(handed));
        }
        let started = Instant::now();
        let mut child = command.spawn()?;
        // Only the sandbox holds the writing ends now: EOF means it is gone.
        drop(info_write);
        drop(report_write);
        drop(checks_read);
        let pid1 = tokio::spawn(sandbox_pid1(info_read));
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let mut report_pipe = tokio::net::unix::pipe::Receiver::from_owned_fd(report_read)?;

        let mut out = Budgeted::default();
        let mut err = Budgeted::default();
        let mut report_bytes = Vec::new();
        let (mut out_open, mut err_open, mut report_open) = (true, true, true);
        let (mut wall_killed, mut output_killed) = (false, false);
        let mut status = None;
        let (mut b1, mut b2, mut b3) = ([0u8; 8192], [0u8; 8192], [0u8; 8192]);
        let wall = tokio::time::sleep(limits.wall);
        tokio::pin!(wall);
        let mut drain: Option<std::pin::Pin<Box<tokio::time::Sleep>>> = None;

        while status.is_none() || out_open || err_open || report_open {
            tokio::select! {
                n = stdout.read(&mut b1), if out_open => match n {
                    Ok(0) | Err(_) => out_open = false,
                    Ok(n) => if !out.take(&b1[..n], &mut err.used, limits.output_bytes) && !output_killed {
                        output_killed = true;
                        let _ = child.start_kill();
                    },
                },
                n = stderr.read(&mut b2), if err_open => match n {
                    Ok(0) | Err(_) => err_open = false,
                    Ok(n) => if !err.take(&b2[..n], &mut out.used, limits.output_bytes) && !output_killed {
                        output_killed = true;
                        let _ = child.start_kill();
                    },
                },
                n = report_pipe.read(&mut b3), if report_open => match n {
                    Ok(0) | Err(_) => report_open = false,
                    Ok(n) => {
                        let room = MAX_REPORT_BYTES.saturating_sub(report_bytes.len());
                        report_bytes.extend_from_slice(&b3[..n.min(room)]);
                    }
                },
                s = child.wait(), if status.is_none() => {
                    status = Some(s?);
                    drain = Some(Box::pin(tokio::time::sleep(DRAIN_GRACE)));
                },
                _ = &mut wall, if status.is_none() && !wall_killed => {
                    wall_killed = true;
                    let _ = child.start_kill();
                },
                _ = async { drain.as_mut().expect("set with the status").await }, if drain.is_some() => {
                    tracing::warn!("lab: a sandbox's pipes stayed open after it ended");
                    break;
                },
            }
        }
        let elapsed = started.elapsed();
        // bwrap has exited; its child, the sandbox's PID 1, may still be
        // ending (killed through --die-with-parent). Its end is the end of
        // every process in its PID namespace: wait for it.
        if let Ok(Some(pid1)) = pid1.await {
            if tokio::time::timeout(DRAIN_GRACE, pid1.readable())
                .await
                .is_err()
            {
                tracing::warn!("lab: a sandbox's PID 1 outlived its bwrap");
            }
        }
        let status = status.expect("the loop ends after the exit");

        let mut report = Report::default();
        for line in report_bytes.split(|b| *b == b'\n') {
            report.take_line(line);
        }
        let seen = Observed {
            stdout: out.into_captured(),
            stderr: err.into_captured(),
            wall_killed,
            output_killed,
            elapsed,
        };
        let stderr_tail = tail(&seen.stderr.text);
        judge(report, seen, &limits).ok_or_else(|| LabError::NoVerdict {
            status: status.to_string(),
            stderr: stderr_tail,
        })
    }

    fn bwrap_args(&self, folder: &Path) -> Vec<OsString> {
        let limits = &self.config.limits;
        let mut args: Vec<OsString> = [
            "--unshare-all",
            "--die-with-parent",
            "--new-session",
            "--as-pid-1",
            "--info-fd",
            "4",
            "--uid",
            "65534",
            "--gid",
            "65534",
            "--hostname",
            "lab",
            "--clearenv",
        ]
        .into_iter()
        .map(OsString::from)
        .collect();
        args.extend(self.runtime.bwrap_args());
        let tmp_size = limits.tmp_bytes.to_string();
        let mut plain = |words: &[&str]| args.extend(words.iter().map(OsString::from));
        plain(&["--proc", "/proc", "--dev", "/dev"]);
        plain(&["--size", &tmp_size, "--tmpfs", "/tmp"]);
        plain(&[
            "--setenv", "PATH", "/usr/bin", "--setenv", "LANG", "C.UTF-8",
        ]);
        plain(&["--chdir", "/tmp"]);
        args.extend([
            "--ro-bind".into(),
            folder.join("etc").into(),
            "/etc".into(),
            "--ro-bind".into(),
            folder.into(),
            "/lab".into(),
            "--ro-bind".into(),
            self.init.clone().into(),
            INIT_IN_SANDBOX.into(),
            "--".into(),
            INIT_IN_SANDBOX.into(),
            // The Python run.py starts with (a venv's by its own name).
            self.runtime.python.clone().into(),
        ]);
        args
    }
}

/// In the child, before exec: `fds[0]` becomes fd 3 (the report), `fds[1]`
/// fd 4 (bwrap's --info-fd), `fds[2]` fd 5 (the checks), all without
/// close-on-exec.
fn hand_fds(fds: [i32; 3]) -> std::io::Result<()> {
    let last = |r: i32| {
        if r < 0 {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(r)
        }
    };
    // SAFETY: plain fcntl/dup2 on descriptors the parent holds open.
    unsafe {
        // First out of the way of 3 and 4, then into place (dup2 clears
        // close-on-exec on the copy).
        let high = [
            last(libc::fcntl(fds[0], libc::F_DUPFD_CLOEXEC, 10))?,
            last(libc::fcntl(fds[1], libc::F_DUPFD_CLOEXEC, 10))?,
            last(libc::fcntl(fds[2], libc::F_DUPFD_CLOEXEC, 10))?,
        ];
        last(libc::dup2(high[0], 3))?;
        last(libc::dup2(high[1], 4))?;
        last(libc::dup2(high[2], 5))?;
    }
    Ok(())
}

/// The host pid of the sandbox's PID 1, from bwrap's `--info-fd`, as a
/// pidfd that becomes readable when it has ended (and with it, its PID
/// namespace). `None` if bwrap said nothing or it is gone already.
async fn sandbox_pid1(info: OwnedFd) -> Option<tokio::io::unix::AsyncFd<OwnedFd>> {
    let mut pipe = tokio::net::unix::pipe::Receiver::from_owned_fd(info).ok()?;
    #[derive(serde::Deserialize)]
    struct Info {
        #[serde(rename = "child-pid")]
        child_pid: i32,
    }
    let mut text = Vec::new();
    let mut buf = [0u8; 1024];
    // One small JSON object, read as soon as it is whole.
    let pid = loop {
        match pipe.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => text.extend_from_slice(&buf[..n]),
        }
        if let Ok(info) = serde_json::from_slice::<Info>(&text) {
            break info.child_pid;
        }
        if text.len() > 4096 {
            return None;
        }
    };
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return None;
    }
    // SAFETY: the descriptor was just opened and is owned by nobody else.
    let fd = unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd as i32) };
    // SAFETY: the OwnedFd stays open, the same descriptor, while the AsyncFd
    // owns it.
    unsafe {
        tokio::io::unix::AsyncFd::register_with_interest(fd, tokio::io::Interest::READABLE).ok()
    }
}

/// A pipe (read end, write end), both close-on-exec.
fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills two descriptors, which we own from here on.
    unsafe {
        if libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) < 0 {
            return Err(std::io::Error::last_os_error());
        }
        use std::os::fd::FromRawFd;
        Ok((OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])))
    }
}

/// Looks `name` up on PATH unless it is a path already.
fn find_on_path(name: &Path) -> Option<PathBuf> {
    if name.components().count() > 1 {
        return name.is_file().then(|| name.to_path_buf());
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// One stream's bytes, kept within a budget it shares with the other stream.
#[derive(Debug, Default)]
struct Budgeted {
    bytes: Vec<u8>,
    used: usize,
    cut: bool,
}

impl Budgeted {
    /// Keeps what fits in the shared budget; false once it is exceeded.
    fn take(&mut self, chunk: &[u8], other_used: &mut usize, budget: usize) -> bool {
        let room = budget.saturating_sub(self.used + *other_used);
        let kept = chunk.len().min(room);
        self.bytes.extend_from_slice(&chunk[..kept]);
        self.used += kept;
        if kept < chunk.len() {
            self.cut = true;
            return false;
        }
        true
    }

    fn into_captured(self) -> Captured {
        Captured {
            text: String::from_utf8_lossy(&self.bytes).into_owned(),
            cut: self.cut,
        }
    }
}

/// The last 500 characters of a text, for an error message.
fn tail(text: &str) -> String {
    let n = text.chars().count();
    text.chars()
        .skip(n.saturating_sub(500))
        .collect::<String>()
        .trim()
        .to_string()
}

/// A run's own folder: created 0755 under the work dir, files 0644 (the
/// sandbox's uid reads them), removed when dropped.
struct RunFolder {
    path: PathBuf,
}

static RUNS: AtomicU64 = AtomicU64::new(0);

impl RunFolder {
    fn create(work_dir: &Path) -> std::io::Result<RunFolder> {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        let path = work_dir.join(format!(
            "tutorbot-lab-{}-{}-{:08x}",
            std::process::id(),
            RUNS.fetch_add(1, Ordering::Relaxed),
            rand::random::<u32>()
        ));
        std::fs::DirBuilder::new().mode(0o755).create(&path)?;
        let folder = RunFolder { path };
        std::fs::DirBuilder::new().create(folder.path.join("etc"))?;
        // Whatever the umask, the sandbox's uid must read them.
        for dir in [folder.path.clone(), folder.path.join("etc")] {
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))?;
        }
        Ok(folder)
    }

    fn write(&self, job: &Job, limits: &LabLimits) -> std::io::Result<()> {
        let config = serde_json::json!({
            "port": PRACTICE_PORT,
            "limits": {
                "cpu_secs": limits.cpu.as_secs().max(1),
                "address_space_bytes": limits.memory_bytes,
                "processes": limits.processes,
                "file_size_bytes": limits.file_size_bytes,
                "open_files": limits.open_files,
            },
        });
        let mut files: Vec<(&str, &[u8])> = vec![
            ("run.py", RUN_PY.as_bytes()),
            ("main.py", job.code.as_bytes()),
            ("stdin", job.stdin.as_bytes()),
            ("etc/hosts", b"127.0.0.1 localhost\n::1 localhost\n"),
            (
                "etc/passwd",
                b"learner:x:65534:65534:learner:/tmp:/usr/sbin/nologin\n",
            ),
            ("etc/group", b"learner:x:65534:\n"),
        ];
        let config = config.to_string();
        files.push(("run.json", config.as_bytes()));
        for (name, bytes) in files {
            write_readable(&self.path.join(name), bytes)?;
        }
        Ok(())
    }
}

fn write_readable(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o644)
        .open(path)?;
    f.write_all(bytes)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
}

impl Drop for RunFolder {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.path) {
            tracing::warn!(path = %self.path.display(), "lab: cannot remove a run's folder: {e}");
        }
    }
}

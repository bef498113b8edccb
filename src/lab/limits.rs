//! The lab's limits and where its runtime lives, as plain typed values.
//!
//! [`LabLimits`] holds every bound a run is kept within; its defaults follow
//! python-discord's snekbox (6 s, 70 MiB, 15 processes, 1 MB of output) and
//! `src/settings.rs` reads each from the environment (`LAB_*`).

use std::path::PathBuf;
use std::time::Duration;

/// Longest program a learner may run, in characters (Discord's paragraph
/// field holds 4000).
pub const MAX_CODE_CHARS: usize = 4000;

/// Longest stdin a learner may hand in, in characters.
pub const MAX_STDIN_CHARS: usize = 4000;

/// Every bound one run is kept within.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabLimits {
    /// CPU time of each process (`RLIMIT_CPU`): SIGXCPU at the limit, SIGKILL
    /// a second later.
    pub cpu: Duration,
    /// Wall time of the whole sandbox, start to end; then it is killed.
    pub wall: Duration,
    /// Address space of each process (`RLIMIT_AS`), in bytes.
    pub memory_bytes: u64,
    /// Processes (and threads) in the sandbox at once (`RLIMIT_NPROC`,
    /// counted in the sandbox's own user namespace; the lab's own PID 1,
    /// which is also the practice server, counts too).
    pub processes: u32,
    /// Largest file the code may write (`RLIMIT_FSIZE`), in bytes.
    pub file_size_bytes: u64,
    /// Open file descriptors of each process (`RLIMIT_NOFILE`).
    pub open_files: u32,
    /// stdout and stderr together, in bytes; past it the run is stopped.
    pub output_bytes: usize,
    /// Size of the private `/tmp`, in bytes.
    pub tmp_bytes: u64,
}

impl Default for LabLimits {
    fn default() -> Self {
        LabLimits {
            cpu: Duration::from_secs(5),
            wall: Duration::from_secs(6),
            memory_bytes: 70 * MIB,
            processes: 15,
            file_size_bytes: 10 * MIB,
            open_files: 64,
            output_bytes: 1_000_000,
            tmp_bytes: 16 * MIB,
        }
    }
}

/// One mebibyte.
pub const MIB: u64 = 1024 * 1024;

/// Where the lab finds its parts, and which limits it keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabConfig {
    /// `LAB_PYTHON`: the Python the sandbox runs (a venv's or a system
    /// `python3`, with httpx and aiohttp). Its files must be readable by
    /// [`LabConfig::uid`]: a runtime under root's 0700 home is not.
    pub python: PathBuf,
    /// `LAB_BWRAP`: the bubblewrap binary (a name is looked up on `PATH`).
    pub bwrap: PathBuf,
    /// `LAB_INIT`: the sandbox's PID 1, `tutorbot-lab-init` (limits, the
    /// practice server, reaping, the report), bound read-only into each
    /// sandbox. Default: [`default_init`].
    pub init: PathBuf,
    /// `LAB_UID`: when the bot runs as root, the host uid each sandbox runs
    /// as (never root: the kernel does not cap root's processes).
    pub uid: u32,
    /// Where each run's read-only folder (the code, the lab's scripts) is made.
    pub work_dir: PathBuf,
    pub limits: LabLimits,
}

/// The lab's runtime on a machine set up by `scripts/lab-runtime` (and the
/// Dockerfile): a venv of the system Python with httpx and aiohttp.
pub const DEFAULT_PYTHON: &str = "/opt/tutorbot-lab/bin/python3";

/// The file name of the sandbox's PID 1, built with tutorbot.
pub const INIT_NAME: &str = "tutorbot-lab-init";

/// Where `tutorbot-lab-init` is unless `LAB_INIT` says: next to the running
/// executable (`tutorbot`, as built and as installed by the Dockerfile), or
/// one folder up (tests and benches run from `target/*/deps/`, the bins
/// live in `target/*/`). When neither has it, the path next to the
/// executable, so the lab's reason for being off names where it looked.
pub fn default_init() -> PathBuf {
    let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(std::path::Path::to_path_buf))
    else {
        return PathBuf::from(INIT_NAME);
    };
    let beside = dir.join(INIT_NAME);
    if beside.is_file() {
        return beside;
    }
    match dir.parent().map(|up| up.join(INIT_NAME)) {
        Some(up) if up.is_file() => up,
        _ => beside,
    }
}

/// `nobody`.
pub const DEFAULT_UID: u32 = 65534;

impl Default for LabConfig {
    fn default() -> Self {
        LabConfig {
            python: DEFAULT_PYTHON.into(),
            bwrap: "bwrap".into(),
            init: default_init(),
            uid: DEFAULT_UID,
            work_dir: std::env::temp_dir(),
            limits: LabLimits::default(),
        }
    }
}

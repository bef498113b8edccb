//! `tutorbot-lab-init`: PID 1 of a lab sandbox (tutorbot's `src/lab`),
//! started by bubblewrap `--as-pid-1` as `tutorbot-lab-init PYTHON`.
//!
//! It replaces the two Python interpreters that used to start before the
//! learner's (`launch.py`, `server.py`): the lab's overhead is start-up
//! time, and a native PID 1 starts in about a millisecond. In order it
//! 1. makes itself not dumpable (the learner's processes, same uid, cannot
//!    ptrace it or open its descriptors through `/proc`);
//! 2. reads `/lab/run.json` (the practice port and the run's limits);
//! 3. binds and listens on `127.0.0.1:PORT` in the sandbox's own network
//!    namespace, before the learner starts, so a connection never finds
//!    the port closed (it waits in the backlog until accepted);
//! 4. starts `PYTHON -I -u -B /lab/run.py 3 5` in a session of its own,
//!    stdin from `/lab/stdin`, with the run's limits (`RLIMIT_CORE`, `AS`,
//!    `NOFILE`, `FSIZE`, `CPU`, `NPROC`: the learner's process only) and
//!    exactly the report pipe (fd 3) and the checks pipe (fd 5) besides
//!    stdio; bubblewrap's info fd (4) is closed;
//! 5. serves the practice server ([`server`], [`http`]) and reaps every
//!    process of the sandbox (`wait4(-1)` on each `SIGCHLD`);
//! 6. when the learner's process ends, writes `{"learner": {...}}` on fd 3
//!    (monotonic start and end in seconds, CPU seconds, peak RSS in KiB,
//!    and `exit` or `signal`) and exits: the kernel then ends every process
//!    left in the PID namespace.
//!
//! # Why it cannot be stopped from inside
//! The kernel delivers to a namespace's PID 1 only the signals it has a
//! handler for, and this one handles only `SIGCHLD` (which only makes it
//! reap); `SIGPIPE` is ignored, as in every Rust program. It runs on one
//! thread (tokio's current-thread runtime, no blocking pool is ever used):
//! `RLIMIT_NPROC` counts threads per uid, so PID 1 takes one of the
//! learner's processes, as `launch.py` did, and never more. Its memory is
//! bounded by the server's caps (connections, head sizes, records).

mod http;
mod server;

use std::ffi::OsString;
use std::os::fd::RawFd;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::ExitCode;

use tokio::net::TcpSocket;
use tokio::signal::unix::{signal, SignalKind};

use server::{monotonic, Server};

/// The report pipe the bot reads (JSON lines).
const REPORT_FD: RawFd = 3;
/// bubblewrap's `--info-fd`, meant for the host side only.
const INFO_FD: RawFd = 4;
/// The hidden checks, for run.py only.
const CHECKS_FD: RawFd = 5;

/// The run's settings, written by the bot (src/lab/sandbox.rs).
const CONFIG: &str = "/lab/run.json";

/// The run's limits, applied to the learner's process.
#[derive(Debug, Clone, Copy)]
struct Limits {
    cpu_secs: u64,
    address_space_bytes: u64,
    processes: u64,
    file_size_bytes: u64,
    open_files: u64,
}

#[derive(Debug, Clone, Copy)]
struct Config {
    port: u16,
    limits: Limits,
}

fn main() -> ExitCode {
    // SAFETY: prctl with PR_SET_DUMPABLE takes plain integers.
    unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
    let Some(python) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: tutorbot-lab-init PYTHON (PID 1 of a tutorbot lab sandbox)");
        return ExitCode::from(2);
    };
    let config = match read_config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("tutorbot-lab-init: {CONFIG}: {e}");
            return ExitCode::from(2);
        }
    };
    own_limits();
    // Before the event loop opens descriptors of its own, which could take
    // the numbers of missing ones.
    if let Err(e) = take_fds() {
        eprintln!("tutorbot-lab-init: {e}");
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tutorbot-lab-init: no event loop: {e}");
            return ExitCode::from(2);
        }
    };
    let local = tokio::task::LocalSet::new();
    match local.block_on(&runtime, run(python, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tutorbot-lab-init: {e}");
            ExitCode::from(2)
        }
    }
}

fn read_config() -> Result<Config, String> {
    let text = std::fs::read(CONFIG).map_err(|e| e.to_string())?;
    let v: serde_json::Value = serde_json::from_slice(&text).map_err(|e| e.to_string())?;
    let number = |v: &serde_json::Value, name: &str| {
        v.get(name)
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| format!("{name} is missing or not a whole number"))
    };
    let port = u16::try_from(number(&v, "port")?).map_err(|_| "port is out of range")?;
    let l = v.get("limits").ok_or("limits are missing")?;
    Ok(Config {
        port,
        limits: Limits {
            cpu_secs: number(l, "cpu_secs")?,
            address_space_bytes: number(l, "address_space_bytes")?,
            processes: number(l, "processes")?,
            file_size_bytes: number(l, "file_size_bytes")?,
            open_files: number(l, "open_files")?,
        },
    })
}

/// PID 1's own limits: no core dumps, and room for the server's
/// connections (the soft open-files limit raised to the hard one).
fn own_limits() {
    // SAFETY: getrlimit/setrlimit on structs we own.
    unsafe {
        let none = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::setrlimit(libc::RLIMIT_CORE, &none);
        let mut files = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut files) == 0 {
            files.rlim_cur = files.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &files);
        }
    }
}

/// Closes bubblewrap's info fd and keeps the report and checks pipes from
/// every child but the learner's (whose copies are made inheritable in its
/// child, between fork and exec). Both must be open: the bot hands them in.
fn take_fds() -> Result<(), String> {
    // SAFETY: fcntl and close on descriptor numbers; none is owned by
    // anything in this process yet.
    unsafe {
        libc::close(INFO_FD);
        for (fd, what) in [
            (REPORT_FD, "the report pipe"),
            (CHECKS_FD, "the checks pipe"),
        ] {
            if libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) < 0 {
                return Err(format!("{what} (fd {fd}) is not open"));
            }
        }
    }
    Ok(())
}

async fn run(python: PathBuf, config: Config) -> std::io::Result<()> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(([127, 0, 0, 1], config.port).into())?;
    // A deep backlog: a learner opening hundreds of connections at once
    // must not see SYNs dropped (and retried a second later) while this
    // loop waits for a CPU on a busy machine.
    let listener = socket.listen(1024)?;
    // Before the learner starts, so its end is never missed.
    let mut children = signal(SignalKind::child())?;

    let started = monotonic();
    let learner = spawn_learner(&python, &config);
    // SAFETY: closing our copy of the checks pipe; run.py holds its own.
    unsafe { libc::close(CHECKS_FD) };
    let learner = match learner {
        Ok(pid) => pid,
        Err(e) => {
            eprintln!("tutorbot-lab-init: cannot start {}: {e}", python.display());
            report_learner(started, None);
            return Ok(());
        }
    };
    let server = Server::new(REPORT_FD);
    loop {
        tokio::select! {
            // The learner's end first: nothing the server is doing may
            // hold up the report.
            biased;
            _ = children.recv() => {
                if let Some(ended) = reap(learner) {
                    report_learner(started, Some(ended));
                    // Everything else in the sandbox ends with us.
                    std::process::exit(0);
                }
            }
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => server.admit(stream),
                Err(_) => {
                    // Out of descriptors (or a connection gone before it
                    // was accepted): make room, and do not spin on it.
                    server.evict_one();
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                }
            },
        }
    }
}

/// Starts run.py with the learner's limits; its pid.
fn spawn_learner(python: &std::path::Path, config: &Config) -> std::io::Result<libc::pid_t> {
    let stdin = std::fs::File::open("/lab/stdin")?;
    let practice_url = format!("http://127.0.0.1:{}", config.port);
    let mut command = std::process::Command::new(python);
    command
        .args(["-I", "-u", "-B", "/lab/run.py"])
        .arg(REPORT_FD.to_string())
        .arg(CHECKS_FD.to_string())
        .env_clear()
        .envs([
            ("PATH", "/usr/bin"),
            ("HOME", "/tmp"),
            ("LANG", "C.UTF-8"),
            // One malloc arena: threads would otherwise reserve 64 MiB of
            // address space each, against RLIMIT_AS.
            ("MALLOC_ARENA_MAX", "1"),
        ])
        .env("PRACTICE_URL", OsString::from(practice_url))
        .stdin(stdin);
    let limits = config.limits;
    // SAFETY: between fork and exec only async-signal-safe calls (setsid,
    // fcntl, setrlimit) on values copied in before the fork.
    unsafe {
        command.pre_exec(move || learner_setup(&limits));
    }
    let child = command.spawn()?;
    // The child is reaped by `reap`, never through `Child`.
    Ok(child.id() as libc::pid_t)
}

/// In the learner's child, before exec: a session of its own, the report
/// and checks pipes inherited, and the run's limits.
fn learner_setup(l: &Limits) -> std::io::Result<()> {
    let check = |r: libc::c_int| {
        if r < 0 {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(())
        }
    };
    let limit = |resource, soft: u64, hard: u64| {
        let r = libc::rlimit {
            rlim_cur: soft as libc::rlim_t,
            rlim_max: hard as libc::rlim_t,
        };
        // SAFETY: setrlimit reads the struct we own.
        check(unsafe { libc::setrlimit(resource, &r) })
    };
    // SAFETY: plain calls on our own process and descriptors.
    unsafe {
        check(libc::setsid())?;
        check(libc::fcntl(REPORT_FD, libc::F_SETFD, 0))?;
        check(libc::fcntl(CHECKS_FD, libc::F_SETFD, 0))?;
    }
    limit(libc::RLIMIT_CORE, 0, 0)?;
    limit(
        libc::RLIMIT_AS,
        l.address_space_bytes,
        l.address_space_bytes,
    )?;
    limit(libc::RLIMIT_NOFILE, l.open_files, l.open_files)?;
    limit(libc::RLIMIT_FSIZE, l.file_size_bytes, l.file_size_bytes)?;
    // The soft limit sends SIGXCPU, the hard one SIGKILL a second later.
    limit(libc::RLIMIT_CPU, l.cpu_secs, l.cpu_secs + 1)?;
    limit(libc::RLIMIT_NPROC, l.processes, l.processes)?;
    Ok(())
}

/// How the learner's process ended: its wait status, its usage, and when.
struct Ended {
    status: libc::c_int,
    usage: libc::rusage,
    at: f64,
}

/// Reaps every process that has ended; the learner's end, if it is among
/// them.
fn reap(learner: libc::pid_t) -> Option<Ended> {
    let mut found = None;
    loop {
        let mut status = 0;
        // SAFETY: rusage is plain data; all zeros is a valid value.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: wait4 fills the two values we own.
        let pid = unsafe { libc::wait4(-1, &mut status, libc::WNOHANG, &mut usage) };
        if pid > 0 {
            if pid == learner {
                found = Some(Ended {
                    status,
                    usage,
                    at: monotonic(),
                });
            }
            continue;
        }
        if pid < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        // 0: the others are still running; ECHILD: none left.
        return found;
    }
}

/// Writes the learner's line on the report pipe. `None`: it never started.
fn report_learner(started: f64, ended: Option<Ended>) {
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let mut fact = serde_json::json!({
        "started": started,
        "ended": ended.as_ref().map_or_else(monotonic, |e| e.at),
        "cpu_secs": ended.as_ref().map_or(0.0, |e| seconds(e.usage.ru_utime) + seconds(e.usage.ru_stime)),
        "max_rss_kib": ended.as_ref().map_or(0, |e| e.usage.ru_maxrss),
    });
    match ended {
        Some(e) if libc::WIFSIGNALED(e.status) => fact["signal"] = libc::WTERMSIG(e.status).into(),
        Some(e) => fact["exit"] = libc::WEXITSTATUS(e.status).into(),
        // As a failed exec in launch.py's child did.
        None => fact["exit"] = 127.into(),
    }
    let mut line = serde_json::json!({ "learner": fact }).to_string();
    line.push('\n');
    let mut bytes = line.as_bytes();
    while !bytes.is_empty() {
        // SAFETY: writes from a live buffer to the report pipe we hold.
        let n = unsafe { libc::write(REPORT_FD, bytes.as_ptr().cast(), bytes.len()) };
        if n > 0 {
            bytes = &bytes[n as usize..];
        } else if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
        {
            continue;
        } else {
            return;
        }
    }
}

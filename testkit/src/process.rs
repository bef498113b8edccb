//! `tutorbot http` as a child process: started with a clean environment,
//! ready once it prints `listening on http://ADDR`, stopped with SIGTERM or
//! killed with SIGKILL, and its peak memory read from `/proc`.
//!
//! Used by the door tests, the crash and outage tests and `benches/chaos.rs`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

/// A running `tutorbot http`.
pub struct BotProcess {
    child: Child,
    /// Everything it wrote to stderr, once it has exited.
    stderr: tokio::task::JoinHandle<String>,
    /// `http://127.0.0.1:PORT`: `POST /interactions`.
    pub base: String,
    /// `http://127.0.0.1:PORT` of `/healthz` and `/metrics` (`OPS_ADDR`).
    pub ops: String,
    _dir: tempfile::TempDir,
}

/// How to start one: the environment it gets (nothing else is inherited).
#[derive(Clone, Debug, Default)]
pub struct BotEnv {
    pub vars: Vec<(String, String)>,
}

impl BotEnv {
    /// The door on `database_url`, checking signatures with `public_key`,
    /// listening on `addr` (`127.0.0.1:0` for any free port).
    pub fn http(database_url: &str, public_key: &str, addr: &str) -> BotEnv {
        let mut env = BotEnv::default();
        env.set("DATABASE_URL", database_url)
            .set("PROMPTS_DIR", prompts_dir().to_str().unwrap())
            .set("DISCORD_PUBLIC_KEY", public_key)
            .set("HTTP_ADDR", addr)
            .set("OPS_ADDR", "127.0.0.1:0")
            .set("RUST_LOG", "warn");
        env
    }

    /// Sets (or replaces) one variable.
    pub fn set(&mut self, key: &str, value: &str) -> &mut Self {
        self.vars.retain(|(k, _)| k != key);
        self.vars.push((key.to_string(), value.to_string()));
        self
    }
}

/// The repository's own prompts/ folder.
pub fn prompts_dir() -> PathBuf {
    crate::prompts_dir().to_path_buf()
}

/// The binary under test: `TUTORBOT_BIN` if set (a bench comparing builds),
/// else the one cargo built beside the running test or bench.
///
/// `CARGO_BIN_EXE_tutorbot` exists only while compiling tutorbot's own tests
/// and benches, not this crate; cargo builds the binary before running
/// either, into the profile folder whose `deps/` holds the test or bench
/// executable itself (`target/<profile>/deps/it-…` beside
/// `target/<profile>/tutorbot`).
pub fn binary() -> String {
    if let Ok(bin) = std::env::var("TUTORBOT_BIN") {
        return bin;
    }
    let me = std::env::current_exe().expect("the running executable's path");
    let profile = me
        .parent()
        .and_then(Path::parent)
        .expect("a test or bench runs from target/<profile>/deps");
    let bin = profile.join(format!("tutorbot{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "no tutorbot binary at {} (run through cargo test or cargo bench, or set TUTORBOT_BIN)",
        bin.display()
    );
    bin.to_string_lossy().into_owned()
}

impl BotProcess {
    /// Starts `tutorbot http` and waits (at most 60 s) until it listens.
    pub async fn spawn(env: &BotEnv) -> BotProcess {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(binary())
            .arg("http")
            .current_dir(dir.path())
            .env_clear()
            .envs(env.vars.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the tutorbot binary runs");
        let (base, ops) = listening_on(&mut child).await;
        // Keep draining stderr so a chatty process never blocks on a full pipe.
        let mut pipe = child.stderr.take().expect("piped");
        let stderr = tokio::spawn(async move {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text).await;
            String::from_utf8_lossy(&text).into_owned()
        });
        BotProcess {
            child,
            stderr,
            base,
            ops,
            _dir: dir,
        }
    }

    /// `POST /interactions` here.
    pub fn url(&self) -> String {
        format!("{}/interactions", self.base)
    }

    /// The `host:port` it listens on (to start the next one on the same port).
    pub fn addr(&self) -> String {
        self.base.trim_start_matches("http://").to_string()
    }

    pub fn pid(&self) -> u32 {
        self.child.id().expect("running")
    }

    /// The most memory it has held so far (VmHWM), in bytes; 0 if unknown.
    pub fn peak_memory(&self) -> u64 {
        self.child.id().map_or(0, peak_memory_of)
    }

    /// SIGKILL: no shutdown, no flush, no goodbye. Waits until it is gone.
    pub async fn kill(mut self) {
        self.child.start_kill().expect("SIGKILL");
        let status = self.child.wait().await.unwrap();
        assert!(!status.success(), "killed, not exited: {status}");
    }

    /// SIGTERM, then the exit status (within 30 s) and what it wrote to stderr.
    pub async fn terminate(mut self) -> (std::process::ExitStatus, String) {
        let pid = self.pid().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("exits within 30 s of SIGTERM")
            .unwrap();
        (status, self.stderr.await.unwrap_or_default())
    }
}

/// VmHWM of a process, in bytes (0 if it is gone or `/proc` is missing).
pub fn peak_memory_of(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// Reads the child's stdout up to its `listening on http://ADDR` line; the
/// `ops on http://ADDR` line comes before it (empty if `OPS_ADDR=off`).
async fn listening_on(child: &mut Child) -> (String, String) {
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let found = tokio::time::timeout(Duration::from_secs(60), async {
        let mut ops = String::new();
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(base) = line.strip_prefix("ops on ") {
                ops = base.trim().to_string();
            }
            if let Some(base) = line.strip_prefix("listening on ") {
                return Some((base.trim().to_string(), ops));
            }
        }
        None
    })
    .await
    .expect("the process is ready within 60 s");
    match found {
        Some(found) => found,
        None => {
            let status = child.wait().await.unwrap();
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err).await;
            }
            panic!("tutorbot http exited ({status}) before listening:\n{err}");
        }
    }
}

//! The hostile suite: what a learner could throw at the lab, through the
//! real sandbox. For each: a clear verdict within the limits, nothing of the
//! host read or reached, nothing left running after the run.
//!
//! "Nothing left running" is checked on the host: the runs here use host
//! uids of their own (when the tests run as root, as in CI), and after each
//! run no process of that uid may exist.

use std::time::Duration;

use tutorbot::lab::{Ending, Job, LabLimits};

use crate::lab::sandbox_with;

/// Live host processes of `uid` (from /proc), none expected after a run.
/// A zombie (`Z`) or dead (`X`) entry runs nothing: the kernel has already
/// closed its files and freed its memory, and only its exit status waits to
/// be collected in the PID namespace being torn down.
fn processes_of(uid: u32) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(status) = std::fs::read_to_string(entry.path().join("status")) else {
            continue;
        };
        let owner = status
            .lines()
            .find(|l| l.starts_with("Uid:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|u| u.parse::<u32>().ok());
        let state = status
            .lines()
            .find(|l| l.starts_with("State:"))
            .unwrap_or("State: ?");
        let gone = state.contains("Z (zombie)") || state.contains("X (dead)");
        if owner == Some(uid) && !gone {
            found.push(format!("{}, {state}", status.lines().next().unwrap_or("?")));
        }
    }
    found
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// Runs `code` as host uid `uid` and checks that nothing of it outlived the run.
async fn run_alone(code: &str, uid: u32, limits: LabLimits) -> Option<tutorbot::lab::Verdict> {
    let lab = sandbox_with(limits, Some(uid)).await?;
    let v = lab.run(&Job::new(code, "").unwrap()).await.unwrap();
    if is_root() {
        assert_eq!(
            processes_of(uid),
            Vec::<String>::new(),
            "left running after {code}"
        );
    }
    Some(v)
}

#[tokio::test]
async fn a_fork_bomb_stops_at_the_process_limit_and_leaves_nothing() {
    let code = "import os\nwhile True:\n    os.fork()\n";
    let Some(v) = run_alone(code, 61001, LabLimits::default()).await else {
        return;
    };
    assert_eq!(
        v.ending.to_string(),
        "stopped: started more than 15 processes"
    );
}

#[tokio::test]
async fn a_memory_bomb_stops_at_the_memory_limit() {
    let code = "chunks = []\nwhile True:\n    chunks.append(bytearray(1024 * 1024))\n";
    let Some(v) = run_alone(code, 61002, LabLimits::default()).await else {
        return;
    };
    assert_eq!(v.ending.to_string(), "stopped: used more than 70 MiB");
}

#[tokio::test]
async fn an_endless_loop_stops_at_the_cpu_limit() {
    let limits = LabLimits {
        cpu: Duration::from_secs(1),
        wall: Duration::from_secs(20),
        ..LabLimits::default()
    };
    let Some(v) = run_alone("while True: pass\n", 61003, limits).await else {
        return;
    };
    assert_eq!(v.ending.to_string(), "stopped: used more than 1 s of CPU");
}

#[tokio::test]
async fn endless_output_stops_at_the_output_limit() {
    let code = "import sys\nwhile True:\n    sys.stdout.write('spam ' * 1000)\n    sys.stderr.write('eggs ' * 1000)\n";
    let Some(v) = run_alone(code, 61004, LabLimits::default()).await else {
        return;
    };
    assert_eq!(v.ending.to_string(), "stopped: printed more than 1 MB");
    assert!(v.stdout.text.len() + v.stderr.text.len() <= 1_000_000);
}

#[tokio::test]
async fn a_process_left_in_the_background_ends_with_the_run() {
    let code = r#"
import os, subprocess, sys, time
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    time.sleep(300)
print("bye")
"#;
    let Some(v) = run_alone(code, 61005, LabLimits::default()).await else {
        return;
    };
    assert_eq!(v.stdout.text, "bye\n");
    assert_eq!(v.ending.to_string(), "exited with 0");
}

#[tokio::test]
async fn a_one_gigabyte_file_stops_at_the_file_size_limit() {
    let code = "with open('/tmp/big', 'wb') as f:\n    for _ in range(1024):\n        f.write(bytes(1024 * 1024))\n";
    let Some(v) = run_alone(code, 61006, LabLimits::default()).await else {
        return;
    };
    assert_eq!(v.ending.to_string(), "stopped: wrote a file over 10 MiB");
}

#[tokio::test]
async fn host_secrets_are_not_there_to_read() {
    // A secret on the host, where the bot's .env would be.
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join(".env");
    std::fs::write(&env, "DISCORD_TOKEN=host-secret-token\n").unwrap();
    let code = format!(
        r#"
import os
for path in ["/etc/shadow", "/etc/passwd", {env:?}, "/root/.bash_history", "/home", "/run/postgresql", "/var/run/postgresql/.s.PGSQL.5432", "/sys/kernel"]:
    try:
        with open(path) as f:
            print(path, "READ", f.read()[:200].replace("\n", "|"))
    except OSError as e:
        print(path, type(e).__name__)
print("root", sorted(os.listdir("/")))
try:
    print("environ", sorted(open("/proc/1/environ").read().split("\0")))
except OSError as e:
    print("environ", type(e).__name__)
print("pids", sorted(p for p in os.listdir("/proc") if p.isdigit()))
"#
    );
    let Some(v) = run_alone(&code, 61007, LabLimits::default()).await else {
        return;
    };
    let out = &v.stdout.text;
    assert!(!out.contains("host-secret-token"), "{out}");
    assert!(out.contains("/etc/shadow FileNotFoundError"), "{out}");
    assert!(
        out.contains(&format!("{} FileNotFoundError", env.display())),
        "{out}"
    );
    assert!(
        out.contains("/root/.bash_history FileNotFoundError"),
        "{out}"
    );
    assert!(out.contains("/run/postgresql FileNotFoundError"), "{out}");
    assert!(out.contains("/sys/kernel FileNotFoundError"), "{out}");
    // The lab's own passwd: one line, no host accounts.
    assert!(out.contains("/etc/passwd READ learner:x:65534"), "{out}");
    assert!(!out.contains("root:x:0"), "{out}");
    assert!(
        out.contains(
            "root ['bin', 'dev', 'etc', 'lab', 'lib', 'lib64', 'opt', 'proc', 'tmp', 'usr']"
        ),
        "{out}"
    );
    // PID 1 is the lab's own and not dumpable: its environment is closed.
    assert!(out.contains("environ PermissionError"), "{out}");
    // Only the sandbox's own processes: PID 1 (which is also the practice
    // server) and the learner.
    assert!(out.contains("pids ['1', '2']"), "{out}");
}

#[tokio::test]
async fn another_learners_files_are_out_of_reach() {
    let Some(lab) = sandbox_with(LabLimits::default(), Some(61008)).await else {
        return;
    };
    let writer = Job::new(
        "import time\nopen('/tmp/mine', 'w').write('secret of learner one')\ntime.sleep(1.5)\n",
        "",
    )
    .unwrap();
    let reader = Job::new(
        "import os, time\ntime.sleep(0.5)\nprint(os.listdir('/tmp'), os.listdir('/lab'))\n",
        "",
    )
    .unwrap();
    let (w, r) = tokio::join!(lab.run(&writer), lab.run(&reader));
    assert_eq!(w.unwrap().ending.to_string(), "exited with 0");
    let out = r.unwrap().stdout.text;
    assert!(!out.contains("mine"), "{out}");
    assert!(out.starts_with("[] "), "{out}");
}

#[tokio::test]
async fn killing_the_parent_does_not_escape_or_break_the_verdict() {
    let code = r#"
import os, signal
for pid in (os.getppid(), 1):
    try:
        os.kill(pid, signal.SIGKILL)
        print("sent", pid)
    except OSError as e:
        print(pid, type(e).__name__)
print("still here, parent", os.getppid())
raise SystemExit(3)
"#;
    let Some(v) = run_alone(code, 61009, LabLimits::default()).await else {
        return;
    };
    assert!(v.stdout.text.contains("still here, parent 1"), "{v:?}");
    assert_eq!(v.ending.to_string(), "exited with 3");
}

#[tokio::test]
async fn nul_bytes_and_odd_unicode_get_a_clear_verdict() {
    let Some(lab) = sandbox_with(LabLimits::default(), None).await else {
        return;
    };
    let nul = lab
        .run(&Job::new("print('a')\0print('b')\n", "").unwrap())
        .await
        .unwrap();
    match &nul.ending {
        Ending::Exited {
            code: 1,
            error: Some(e),
        } => assert!(e.contains("null bytes"), "{e}"),
        other => panic!("{other:?}"),
    }
    let odd = "s = 'e\u{301} \u{202e}abc \u{1f600} \u{fffd} \u{200b}'\nprint(s)\nprint(len(s))\n";
    let v = lab.run(&Job::new(odd, "").unwrap()).await.unwrap();
    assert_eq!(v.ending.to_string(), "exited with 0");
    assert_eq!(
        v.stdout.text,
        "e\u{301} \u{202e}abc \u{1f600} \u{fffd} \u{200b}\n13\n"
    );
    // Output that is not UTF-8 is shown, not refused.
    let bytes = lab
        .run(
            &Job::new(
                "import sys\nsys.stdout.buffer.write(b'\\xff\\xfe ok')\n",
                "",
            )
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(bytes.stdout.text, "\u{fffd}\u{fffd} ok");
}

#[tokio::test]
async fn code_of_4001_characters_is_refused_before_anything_runs() {
    let code = format!("print(1)\n{}", "#".repeat(3992));
    assert_eq!(code.chars().count(), 4001);
    assert!(Job::new(code, "").is_err());
}

#[tokio::test]
async fn an_exercises_hidden_checks_cannot_be_read_by_the_learners_code() {
    let Some(lab) = sandbox_with(LabLimits::default(), None).await else {
        return;
    };
    let code = r#"
import os
print(sorted(os.listdir("/lab")))
for fd in (3, 4, 5):
    try:
        print(fd, os.read(fd, 100))
    except OSError as e:
        print(fd, type(e).__name__)
print("open fds", sorted(int(f) for f in os.listdir("/proc/self/fd")))
"#;
    let job = Job::new(code, "")
        .unwrap()
        .with_checks("assert 'secret-check-word' != '', 'never'\n");
    let v = lab.run(&job).await.unwrap();
    let out = &v.stdout.text;
    assert!(!out.contains("check"), "{out}");
    assert!(!out.contains("secret-check-word"), "{out}");
    assert!(
        out.contains("4 OSError") && out.contains("5 OSError"),
        "{out}"
    );
    assert_eq!(v.check, Some(tutorbot::lab::Check::Passed), "{v:?}");
}

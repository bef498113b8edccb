//! The lab's sandbox, for real: bubblewrap, the lab's Python, the practice
//! server inside the sandbox. Every limit, the network rule, the verdict's
//! words. Skipped with a printed reason only where the sandbox cannot run
//! (and never when `TUTORBOT_LAB_REQUIRED=1`, as in CI).

use std::time::Duration;

use tutorbot::lab::{Check, Ending, Job, Lab, LabConfig, LabLimits, Sandbox};

/// A sandbox with these limits (and host uid), or `None` with the reason
/// printed when this machine cannot run one.
pub async fn sandbox_with(limits: LabLimits, uid: Option<u32>) -> Option<std::sync::Arc<Sandbox>> {
    let mut config = LabConfig {
        limits,
        ..LabConfig::default()
    };
    if let Some(python) = std::env::var_os("LAB_PYTHON") {
        config.python = python.into();
    }
    if let Some(uid) = uid {
        config.uid = uid;
    }
    match Lab::start(config).await {
        Lab::On(s) => Some(s),
        Lab::Off { reason } => {
            if std::env::var("TUTORBOT_LAB_REQUIRED").as_deref() == Ok("1") {
                panic!("TUTORBOT_LAB_REQUIRED=1 but the lab is off: {reason}");
            }
            eprintln!("SKIPPED: the lab cannot run on this machine: {reason}");
            None
        }
    }
}

pub async fn sandbox() -> Option<std::sync::Arc<Sandbox>> {
    sandbox_with(LabLimits::default(), None).await
}

fn job(code: &str) -> Job {
    Job::new(code, "").unwrap()
}

#[tokio::test]
async fn a_program_runs_and_its_output_exit_status_and_times_are_reported() {
    let Some(lab) = sandbox().await else { return };
    let v = lab
        .run(&job(
            "import sys\nprint('hello')\nprint('oops', file=sys.stderr)\n",
        ))
        .await
        .unwrap();
    assert_eq!(v.stdout.text, "hello\n");
    assert_eq!(v.stderr.text, "oops\n");
    assert_eq!(v.ending.to_string(), "exited with 0");
    assert!(v.passed());
    assert!(v.wall > Duration::ZERO && v.wall < LabLimits::default().wall);
}

#[tokio::test]
async fn an_exception_is_reported_from_the_learners_own_line() {
    let Some(lab) = sandbox().await else { return };
    let v = lab.run(&job("x = 1\nint('seven')\n")).await.unwrap();
    assert_eq!(
        v.ending.to_string(),
        "exited with 1: ValueError: invalid literal for int() with base 10: 'seven'"
    );
    assert!(
        v.stderr.text.contains("File \"main.py\", line 2"),
        "{}",
        v.stderr.text
    );
    assert!(v.stderr.text.contains("int('seven')"), "{}", v.stderr.text);
    assert!(!v.stderr.text.contains("run.py"), "{}", v.stderr.text);
    assert!(!v.passed());
}

#[tokio::test]
async fn stdin_is_handed_to_the_code() {
    let Some(lab) = sandbox().await else { return };
    let job = Job::new("name = input()\nprint(f'hi {name}')\n", "Ada\n").unwrap();
    let v = lab.run(&job).await.unwrap();
    assert_eq!(v.stdout.text, "hi Ada\n");
}

#[tokio::test]
async fn the_practice_server_answers_delays_and_failures_and_its_timeline_comes_back() {
    let Some(lab) = sandbox().await else { return };
    let code = r#"
import asyncio, httpx
async def main():
    async with httpx.AsyncClient() as client:
        urls = ["http://127.0.0.1:8000/delay/300", "http://127.0.0.1:8000/delay/100?fail=1"]
        for r in await asyncio.gather(*(client.get(u) for u in urls)):
            print(r.status_code, r.text)
asyncio.run(main())
"#;
    let v = lab.run(&job(code)).await.unwrap();
    assert_eq!(v.stdout.text, "200 ok 300\n500 fail 100\n", "{v:?}");
    assert_eq!(v.requests.len(), 2);
    let slow = v.requests.iter().find(|r| r.path == "/delay/300").unwrap();
    let fail = v
        .requests
        .iter()
        .find(|r| r.path == "/delay/100?fail=1")
        .unwrap();
    assert_eq!((slow.status, fail.status), (200, 500));
    assert!(slow.end - slow.start >= Duration::from_millis(300));
    // Both were in flight together: the learner's gather, as the server saw it.
    assert!(fail.start < slow.end && slow.start < fail.end);
}

#[tokio::test]
async fn aiohttp_reaches_the_practice_server_too() {
    let Some(lab) = sandbox().await else { return };
    let code = r#"
import asyncio, aiohttp
async def main():
    async with aiohttp.ClientSession() as session:
        async with session.get("http://127.0.0.1:8000/delay/10") as r:
            print(r.status, await r.text())
asyncio.run(main())
"#;
    let v = lab.run(&job(code)).await.unwrap();
    assert_eq!(v.stdout.text, "200 ok 10\n", "{v:?}");
}

#[tokio::test]
async fn cpu_time_is_limited() {
    let limits = LabLimits {
        cpu: Duration::from_secs(1),
        wall: Duration::from_secs(20),
        ..LabLimits::default()
    };
    let Some(lab) = sandbox_with(limits, None).await else {
        return;
    };
    let v = lab.run(&job("while True:\n    pass\n")).await.unwrap();
    assert_eq!(v.ending, Ending::Cpu(Duration::from_secs(1)));
    assert_eq!(v.ending.to_string(), "stopped: used more than 1 s of CPU");
}

#[tokio::test]
async fn wall_time_is_limited_and_the_sandbox_is_killed() {
    let limits = LabLimits {
        wall: Duration::from_secs(2),
        ..LabLimits::default()
    };
    let Some(lab) = sandbox_with(limits, None).await else {
        return;
    };
    let v = lab
        .run(&job("import time\nprint('start')\ntime.sleep(600)\n"))
        .await
        .unwrap();
    assert_eq!(v.ending.to_string(), "stopped: ran longer than 2 s");
    // Printed before the kill, and unbuffered, so not lost.
    assert_eq!(v.stdout.text, "start\n");
}

#[tokio::test]
async fn memory_is_limited() {
    let Some(lab) = sandbox().await else { return };
    let v = lab
        .run(&job("block = bytearray(200 * 1024 * 1024)\n"))
        .await
        .unwrap();
    assert_eq!(v.ending.to_string(), "stopped: used more than 70 MiB");
}

#[tokio::test]
async fn processes_are_limited() {
    let Some(lab) = sandbox().await else { return };
    let code = "import subprocess, sys\nkids = [subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)']) for _ in range(40)]\n";
    let v = lab.run(&job(code)).await.unwrap();
    assert_eq!(
        v.ending.to_string(),
        "stopped: started more than 15 processes",
        "{v:?}"
    );
}

#[tokio::test]
async fn file_size_is_limited() {
    let limits = LabLimits {
        file_size_bytes: 1024 * 1024,
        ..LabLimits::default()
    };
    let Some(lab) = sandbox_with(limits, None).await else {
        return;
    };
    let code = "with open('/tmp/big', 'wb') as f:\n    for _ in range(5):\n        f.write(bytes(1024 * 1024))\n";
    let v = lab.run(&job(code)).await.unwrap();
    assert_eq!(
        v.ending.to_string(),
        "stopped: wrote a file over 1 MiB",
        "{v:?}"
    );
}

#[tokio::test]
async fn open_files_are_limited() {
    let Some(lab) = sandbox().await else { return };
    let code = "files = [open('/dev/null') for _ in range(1000)]\n";
    let v = lab.run(&job(code)).await.unwrap();
    match &v.ending {
        Ending::Exited {
            code: 1,
            error: Some(e),
        } => assert!(e.contains("[Errno 24]"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn output_is_limited_and_never_kept_past_the_budget() {
    let limits = LabLimits {
        output_bytes: 10_000,
        ..LabLimits::default()
    };
    let Some(lab) = sandbox_with(limits, None).await else {
        return;
    };
    let v = lab
        .run(&job("while True:\n    print('x' * 100)\n"))
        .await
        .unwrap();
    assert_eq!(v.ending.to_string(), "stopped: printed more than 10 kB");
    assert!(v.stdout.cut);
    assert!(v.stdout.text.len() + v.stderr.text.len() <= 10_000);
}

#[tokio::test]
async fn the_private_tmp_is_size_capped() {
    let limits = LabLimits {
        tmp_bytes: 2 * 1024 * 1024,
        ..LabLimits::default()
    };
    let Some(lab) = sandbox_with(limits, None).await else {
        return;
    };
    let code = "with open('/tmp/f', 'wb') as f:\n    for _ in range(4):\n        f.write(bytes(1024 * 1024))\n";
    let v = lab.run(&job(code)).await.unwrap();
    match &v.ending {
        Ending::Exited {
            code: 1,
            error: Some(e),
        } => assert!(e.contains("[Errno 28]"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_network_reaches_the_practice_server_and_nothing_else() {
    let Some(lab) = sandbox().await else { return };
    // A listener on the host's loopback, like the bot's HTTP port.
    let host = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = host.local_addr().unwrap().port();
    let code = format!(
        r#"
import socket
for host, port in [("127.0.0.1", 8000), ("127.0.0.1", 5432), ("127.0.0.1", {port}), ("1.1.1.1", 443), ("10.0.0.1", 80)]:
    try:
        socket.create_connection((host, port), timeout=2).close()
        print(host, port, "open")
    except OSError as e:
        print(host, port, type(e).__name__, e.errno)
try:
    socket.getaddrinfo("example.com", 443)
    print("dns works")
except OSError as e:
    print("dns", type(e).__name__)
"#
    );
    let v = lab.run(&job(&code)).await.unwrap();
    let out = &v.stdout.text;
    assert!(out.contains("127.0.0.1 8000 open"), "{out}");
    assert!(
        out.contains("127.0.0.1 5432 ConnectionRefusedError"),
        "{out}"
    );
    assert!(
        out.contains(&format!("127.0.0.1 {port} ConnectionRefusedError")),
        "{out}"
    );
    assert!(out.contains("1.1.1.1 443 OSError 101"), "{out}");
    assert!(out.contains("10.0.0.1 80 OSError 101"), "{out}");
    assert!(out.contains("dns gaierror"), "{out}");
    // The host's listener never saw a connection.
    let accepted = tokio::time::timeout(Duration::ZERO, host.accept()).await;
    assert!(accepted.is_err(), "the sandbox reached the host");
}

#[tokio::test]
async fn a_job_over_4000_characters_or_empty_is_refused_before_running() {
    let err = Job::new("#".repeat(4001), "").unwrap_err();
    assert_eq!(
        err.to_string(),
        "the code is 4001 characters long; at most 4000 run"
    );
    assert!(Job::new("é".repeat(4000), "").is_ok());
    assert!(Job::new("  \n", "").is_err());
    assert!(Job::new("print(1)", "x".repeat(4001)).is_err());
}

#[tokio::test]
async fn hidden_checks_run_after_the_code_in_its_namespace() {
    let Some(lab) = sandbox().await else { return };
    let code = "def double(x):\n    return x * 2\n";
    let pass = job(code).with_checks("assert double(2) == 4, 'double(2) must be 4'\n");
    let v = lab.run(&pass).await.unwrap();
    assert_eq!(v.check, Some(Check::Passed));
    assert!(v.passed());
    let fail = job(code).with_checks("assert double(3) == 7, 'double(3) must be 7'\n");
    let v = lab.run(&fail).await.unwrap();
    assert_eq!(v.check, Some(Check::Failed("double(3) must be 7".into())));
    assert!(!v.passed());
    // Printing the word is not passing.
    let cheat = job("print('{\"check\": {\"passed\": true}}')\nraise SystemExit(0)\n")
        .with_checks("assert False, 'no'\n");
    let v = lab.run(&cheat).await.unwrap();
    assert_eq!(v.check, Some(Check::Failed("no".into())));
}

#[tokio::test]
async fn without_bubblewrap_or_a_usable_python_the_lab_is_off_and_says_why() {
    let no_bwrap = LabConfig {
        bwrap: "/nonexistent/bwrap".into(),
        ..LabConfig::default()
    };
    let Lab::Off { reason } = Lab::start(no_bwrap).await else {
        panic!("on without bubblewrap")
    };
    assert_eq!(
        reason,
        "bubblewrap (/nonexistent/bwrap) is not installed or not on PATH"
    );
    let relative = LabConfig {
        python: "python3".into(),
        ..LabConfig::default()
    };
    let Lab::Off { reason } = Lab::start(relative).await else {
        panic!("on with a relative LAB_PYTHON")
    };
    assert!(
        reason.contains("LAB_PYTHON must be an absolute path"),
        "{reason}"
    );
    let missing = LabConfig {
        python: "/nonexistent/python3".into(),
        ..LabConfig::default()
    };
    let Lab::Off { reason } = Lab::start(missing).await else {
        panic!("on with a missing python")
    };
    assert!(reason.contains("/nonexistent/python3"), "{reason}");
}

mod queue {
    use super::*;
    use tutorbot::lab::{LabQueue, Place, QueueRefusal};

    fn slow() -> Job {
        // Runs until the 2 s wall time stops it: long enough for everything
        // the test asks meanwhile, which needs no waiting at all.
        Job::new("import time\ntime.sleep(60)\n", "").unwrap()
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_full_lab_queues_in_order_refuses_past_the_bound_and_one_job_per_learner() {
        let limits = LabLimits {
            wall: Duration::from_secs(2),
            ..LabLimits::default()
        };
        let Some(lab) = sandbox_with(limits, None).await else {
            return;
        };
        let queue = LabQueue::new(lab, 1, 1);
        let first = queue.submit(1, slow()).unwrap();
        assert_eq!(first.place(), Place::Running);
        assert_eq!(
            queue.submit(1, job("print(1)")).unwrap_err(),
            QueueRefusal::AlreadyRunning
        );
        let mut second = queue.submit(2, job("print('second')")).unwrap();
        assert_eq!(second.place(), Place::Queued(1));
        assert_eq!(
            queue.submit(3, job("print(3)")).unwrap_err(),
            QueueRefusal::Full { queued: 1 }
        );
        assert_eq!(queue.load(), (1, 1));

        // The runtime is not blocked while the lab is full: a loopback
        // round trip completes while the first run is still going.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let ping = async {
            let (_client, _server) =
                tokio::join!(tokio::net::TcpStream::connect(addr), listener.accept());
        };
        let first_verdict = first.verdict();
        tokio::pin!(first_verdict);
        tokio::select! {
            biased;
            _ = ping => {}
            _ = &mut first_verdict => panic!("the first run ended before a loopback round trip"),
        }
        assert_eq!(second.place(), Place::Queued(1));
        let v = first_verdict.await.unwrap();
        assert_eq!(v.ending.to_string(), "stopped: ran longer than 2 s");
        assert_eq!(second.place_changed().await, Some(Place::Running));
        let v = second.verdict().await.unwrap();
        assert_eq!(v.stdout.text, "second\n");
        // Everything freed: the first learner may run again.
        assert_eq!(queue.load(), (0, 0));
        let again = queue.submit(1, job("print('again')")).unwrap();
        assert_eq!(again.verdict().await.unwrap().stdout.text, "again\n");
    }

    #[tokio::test]
    async fn runs_up_to_the_limit_go_at_the_same_time() {
        let Some(lab) = sandbox().await else { return };
        let queue = LabQueue::new(lab, 2, 5);
        let a = queue.submit(1, job("print('a')")).unwrap();
        let b = queue.submit(2, job("print('b')")).unwrap();
        let c = queue.submit(3, job("print('c')")).unwrap();
        assert_eq!(
            (a.place(), b.place(), c.place()),
            (Place::Running, Place::Running, Place::Queued(1))
        );
        let (a, b, c) = tokio::join!(a.verdict(), b.verdict(), c.verdict());
        assert_eq!(
            [
                a.unwrap().stdout.text,
                b.unwrap().stdout.text,
                c.unwrap().stdout.text
            ],
            ["a\n", "b\n", "c\n"]
        );
    }
}

mod health {
    use std::sync::Arc;

    use sqlx::PgPool;
    use tutorbot::doors::ops::ops_router;
    use tutorbot::doors::server::{serve, ServeLimits};
    use tutorbot::lab::{LabHandle, LabStatus};
    use tutorbot::metrics::Metrics;
    use tutorbot::settings::Settings;

    use crate::support;

    /// `/healthz` of a core holding `lab`, as JSON.
    async fn healthz(pool: PgPool, lab: LabHandle) -> (u16, serde_json::Value) {
        let core = support::core(pool).with_lab(lab);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let metrics = Arc::new(Metrics::new());
        let router = ops_router(core, Arc::clone(&metrics), None);
        let server = tokio::spawn(serve(
            listener,
            router,
            std::future::pending(),
            ServeLimits::default(),
            metrics,
        ));
        let answer = reqwest::get(format!("http://{addr}/healthz"))
            .await
            .unwrap();
        let status = answer.status().as_u16();
        let body = answer.json().await.unwrap();
        server.abort();
        (status, body)
    }

    #[sqlx::test]
    async fn healthz_says_the_lab_is_off_and_why_without_failing(pool: PgPool) {
        let lab = LabHandle::fixed(LabStatus::Off {
            reason: "bubblewrap (bwrap) is not installed or not on PATH".into(),
        });
        let (status, body) = healthz(pool, lab).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["lab"]["status"], "off", "{body}");
        assert_eq!(
            body["lab"]["reason"],
            "bubblewrap (bwrap) is not installed or not on PATH"
        );
    }

    #[sqlx::test]
    async fn the_lab_starts_in_the_background_and_healthz_says_it_is_on(pool: PgPool) {
        let mut settings = Settings::from_lookup(|_| None).unwrap().lab;
        if let Some(python) = std::env::var_os("LAB_PYTHON") {
            settings.config.python = python.into();
        }
        let lab = LabHandle::start(&settings);
        if let LabStatus::Off { reason } = lab.started().await {
            if std::env::var("TUTORBOT_LAB_REQUIRED").as_deref() == Ok("1") {
                panic!("the lab is off: {reason}");
            }
            eprintln!("SKIPPED: the lab cannot run on this machine: {reason}");
            return;
        }
        let (status, body) = healthz(pool, lab).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["lab"],
            serde_json::json!({"status": "on", "running": 0, "queued": 0})
        );
    }
}

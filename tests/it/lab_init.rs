//! The sandbox's PID 1 (`tutorbot-lab-init`) and its practice server,
//! through the real sandbox: the server's answers as `server.py` gave them,
//! `/requests` for the hidden checks, the timeline, and the learner's
//! hostile HTTP (hundreds of connections, a 1 MB header, a connection left
//! half-sent) never holding up the verdict. Skipped with a printed reason
//! only where the sandbox cannot run, as in `lab.rs`.

use std::time::Duration;

use tutorbot::lab::{Check, Job, Lab, LabConfig, LabLimits};

use super::lab::{sandbox, sandbox_with};

/// A little raw-HTTP client for the learner's side: one request on a fresh
/// socket, the whole answer back (as text).
const RAW: &str = r#"
import socket
def raw(data, read=True):
    s = socket.create_connection(("127.0.0.1", 8000), timeout=5)
    try:
        s.sendall(data)
    except OSError as e:
        return "send failed: " + type(e).__name__
    if not read:
        return s
    got = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except OSError as e:
        got += ("|" + type(e).__name__).encode()
    s.close()
    return got.decode("latin-1")
"#;

fn job(code: &str) -> Job {
    Job::new(format!("{RAW}\n{code}"), "").unwrap()
}

#[tokio::test]
async fn the_practice_server_answers_as_server_py_did() {
    let Some(lab) = sandbox().await else { return };
    let code = r#"
for req in [
    b"GET /delay/5 HTTP/1.0\r\n\r\n",
    b"GET /delay/5?fail=1 HTTP/1.0\r\n\r\n",
    b"GET /delay/10001 HTTP/1.0\r\n\r\n",
    b"GET /nowhere HTTP/1.0\r\n\r\n",
    b"POST /delay/5 HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc",
    b"BROKEN\r\n\r\n",
]:
    print(repr(raw(req)))
"#;
    let v = lab.run(&job(code)).await.unwrap();
    let lines: Vec<&str> = v.stdout.text.lines().collect();
    let answer = |status: &str, body: &str| {
        format!(
            "'HTTP/1.1 {status}\\r\\nContent-Type: text/plain\\r\\nContent-Length: {}\\r\\nConnection: close\\r\\n\\r\\n{body}'",
            body.len()
        )
    };
    assert_eq!(
        lines,
        [
            answer("200 OK", "ok 5"),
            answer("500 Internal Server Error", "fail 5"),
            answer("400 Bad Request", "bad delay"),
            answer("404 Not Found", "try /delay/{ms}"),
            answer("405 Method Not Allowed", "only GET"),
            answer("400 Bad Request", "bad request line"),
        ],
        "{v:?}"
    );
    // Only the delays are recorded, in the order they finished.
    let paths: Vec<(&str, u16)> = v
        .requests
        .iter()
        .map(|r| (r.path.as_str(), r.status))
        .collect();
    assert_eq!(paths, [("/delay/5", 200), ("/delay/5?fail=1", 500)]);
}

#[tokio::test]
async fn keep_alive_serves_several_requests_on_one_connection() {
    let Some(lab) = sandbox().await else { return };
    let code = r#"
import http.client
c = http.client.HTTPConnection("127.0.0.1", 8000, timeout=5)
for path in ["/delay/1", "/delay/2?fail=1", "/delay/3"]:
    c.request("GET", path)
    r = c.getresponse()
    print(r.status, r.read().decode(), r.getheader("Connection"))
print("one socket:", c.sock is not None)
"#;
    let v = lab.run(&job(code)).await.unwrap();
    assert_eq!(
        v.stdout.text,
        "200 ok 1 keep-alive\n500 fail 2 keep-alive\n200 ok 3 keep-alive\none socket: True\n",
        "{v:?}"
    );
    assert_eq!(v.requests.len(), 3);
}

#[tokio::test]
async fn the_hidden_checks_read_requests_and_see_the_learners_overlap() {
    let Some(lab) = sandbox().await else { return };
    let code = r#"
import asyncio, httpx, time
T0 = time.monotonic()
async def main():
    async with httpx.AsyncClient() as c:
        await asyncio.gather(*(c.get(f"http://127.0.0.1:8000/delay/200?n={i}") for i in range(3)))
asyncio.run(main())
"#;
    let checks = r#"
seen = requests_since(T0)
assert len(seen) == 3, f"saw {seen}"
assert all(r["status"] == 200 and r["path"].startswith("/delay/200?n=") for r in seen), seen
assert all(r["end"] - r["start"] >= 0.2 for r in seen), seen
assert max_overlap(seen) == 3, f"overlap {max_overlap(seen)}"
assert requests_since(time.monotonic() + 1) == []
"#;
    let v = lab
        .run(&Job::new(code, "").unwrap().with_checks(checks))
        .await
        .unwrap();
    assert_eq!(v.check, Some(Check::Passed), "{v:?}");
    // The same three on the timeline, inside the learner's run.
    assert_eq!(v.requests.len(), 3);
    for r in &v.requests {
        assert!(r.end - r.start >= Duration::from_millis(200), "{r:?}");
        assert!(r.end <= v.wall, "{r:?} after the run's end {:?}", v.wall);
    }
}

#[tokio::test]
async fn five_hundred_idle_connections_neither_block_a_fresh_request_nor_the_verdict() {
    let limits = LabLimits {
        open_files: 1024,
        ..LabLimits::default()
    };
    let Some(lab) = sandbox_with(limits, None).await else {
        return;
    };
    // Each holds a half-sent head (slowloris); they stay open when the
    // program ends.
    let code = r#"
held = [raw(b"GET /delay/1 HTTP/1.1\r\nX-Slow: ", read=False) for _ in range(500)]
print("opened", len(held))
print(raw(b"GET /delay/7 HTTP/1.0\r\n\r\n").split("\r\n\r\n")[1])
"#;
    let v = lab.run(&job(code)).await.unwrap();
    assert_eq!(v.stdout.text, "opened 500\nok 7\n", "{v:?}");
    assert_eq!(v.ending.to_string(), "exited with 0");
    // Ended by its own exit, not by the wall time.
    assert!(v.wall < Duration::from_secs(5), "{:?}", v.wall);
}

#[tokio::test]
async fn a_one_megabyte_header_gets_400_and_the_server_keeps_serving() {
    let Some(lab) = sandbox().await else { return };
    let code = r#"
big = raw(b"GET /delay/1 HTTP/1.1\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n")
print(big.split("\r\n")[0] if big.startswith("HTTP") else big)
print("request head too large" in big or big.startswith("send failed"))
many = raw(b"GET /delay/1 HTTP/1.1\r\n" + b"X: 1\r\n" * 150 + b"\r\n")
print(many.split("\r\n")[0])
print(raw(b"GET /delay/2 HTTP/1.0\r\n\r\n").split("\r\n\r\n")[1])
"#;
    let v = lab.run(&job(code)).await.unwrap();
    let lines: Vec<&str> = v.stdout.text.lines().collect();
    // The server answers 400 as soon as the head is too large and closes;
    // a client still sending may see its send refused instead.
    assert!(
        lines.first() == Some(&"HTTP/1.1 400 Bad Request")
            || lines.first().is_some_and(|l| l.starts_with("send failed")),
        "{v:?}"
    );
    assert_eq!(
        lines[1..],
        ["True", "HTTP/1.1 400 Bad Request", "ok 2"],
        "{v:?}"
    );
    assert_eq!(v.requests.len(), 1, "{v:?}");
}

#[tokio::test]
async fn pid_1_runs_on_one_thread_and_outlasts_the_learners_signals() {
    let Some(lab) = sandbox().await else { return };
    let code = r#"
import os, signal
status = open("/proc/1/status").read()
print([l for l in status.splitlines() if l.startswith(("Threads:", "Name:"))])
for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGCHLD, signal.SIGPIPE, signal.SIGSTOP):
    os.kill(1, sig)
print(raw(b"GET /delay/1 HTTP/1.0\r\n\r\n").split("\r\n\r\n")[1])
"#;
    let v = lab.run(&job(code)).await.unwrap();
    assert_eq!(
        v.stdout.text, "['Name:\\ttutorbot-lab-in', 'Threads:\\t1']\nok 1\n",
        "{v:?}"
    );
    assert_eq!(v.ending.to_string(), "exited with 0");
}

#[tokio::test]
async fn without_its_pid_1_the_lab_is_off_and_names_the_missing_file() {
    let config = LabConfig {
        init: "/nonexistent/tutorbot-lab-init".into(),
        ..LabConfig::default()
    };
    let Lab::Off { reason } = Lab::start(config).await else {
        panic!("on without its PID 1")
    };
    assert_eq!(
        reason,
        "the lab's PID 1 (/nonexistent/tutorbot-lab-init) is missing: \
         build tutorbot-lab-init next to tutorbot or set LAB_INIT"
    );
}

#[test]
fn the_default_pid_1_is_the_one_cargo_built_beside_the_test_binary() {
    // Test binaries live in target/*/deps/, the bins one folder up.
    let built = std::path::Path::new(env!("CARGO_BIN_EXE_tutorbot-lab-init"));
    assert_eq!(
        std::fs::canonicalize(LabConfig::default().init).unwrap(),
        std::fs::canonicalize(built).unwrap()
    );
}

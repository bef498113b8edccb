//! The lab's costs, measured with the real sandbox.
//!
//! ```text
//! cargo bench --bench lab                  # 21 runs each
//! cargo bench --bench lab -- --reps 41 --jobs 40
//! ```
//! 1. Overhead: the wall time of a whole lab run of `pass` (bubblewrap's
//!    namespaces and mounts, PID 1, the practice server, run.py), measured
//!    around `Sandbox::run`, next to a bare `python3 -I -c pass` of the same
//!    runtime on the host; median [min..max], interleaved run by run.
//! 2. Throughput with the lab full: `--jobs` jobs (each fetching
//!    `/delay/100` from its practice server with httpx) through a
//!    `LabQueue` of `LAB_MAX_RUNNING` = cores, runs per second; meanwhile
//!    a loopback TCP round trip every 10 ms on the same runtime, as another
//!    learner's interaction would be served, its p50/p99/max latency.
//!
//! Needs bubblewrap and the lab's runtime (`scripts/lab-runtime`, or
//! `LAB_PYTHON`). Prints the load average, to tell a quiet machine from a
//! busy one.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tutorbot::lab::{Job, Lab, LabConfig, LabQueue};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map_or(default, |v| v.parse().expect("a number"))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summary(mut v: Vec<Duration>) -> String {
    v.sort();
    format!(
        "{:.1} ms [{:.1}..{:.1}]",
        ms(v[v.len() / 2]),
        ms(v[0]),
        ms(v[v.len() - 1])
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let reps = arg("--reps", 21);
    let jobs = arg("--jobs", 20);
    let mut config = LabConfig::default();
    if let Some(python) = std::env::var_os("LAB_PYTHON") {
        config.python = python.into();
    }
    let python = config.python.clone();
    let sandbox = match Lab::start(config).await {
        Lab::On(s) => s,
        Lab::Off { reason } => {
            eprintln!("the lab is off here: {reason}");
            std::process::exit(1);
        }
    };

    // 1. Overhead over a bare python3 -c pass.
    let pass = Job::new("pass", "").unwrap();
    let (mut bare, mut lab) = (Vec::new(), Vec::new());
    for _ in 0..reps {
        let t = Instant::now();
        let status = Command::new(&python)
            .args(["-I", "-c", "pass"])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        bare.push(t.elapsed());
        let t = Instant::now();
        let v = sandbox.run(&pass).await.unwrap();
        assert!(v.passed(), "{v:?}");
        lab.push(t.elapsed());
    }
    let median = |v: &Vec<Duration>| {
        let mut s = v.clone();
        s.sort();
        s[s.len() / 2]
    };
    println!("python3 -I -c pass, bare:   {}", summary(bare.clone()));
    println!("lab run of `pass`:          {}", summary(lab.clone()));
    println!(
        "overhead (median - median): {:.1} ms over {reps} runs each",
        ms(median(&lab).saturating_sub(median(&bare)))
    );

    // 2. Throughput with the lab full, and another learner's latency.
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let queue = LabQueue::new(Arc::clone(&sandbox), cores, jobs);
    let fetch = "import httpx\nprint(httpx.get('http://127.0.0.1:8000/delay/100').text)\n";
    let echo = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = echo.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = echo.accept().await {
            tokio::spawn(async move {
                let mut b = [0u8; 1];
                while s.read_exact(&mut b).await.is_ok() && s.write_all(&b).await.is_ok() {}
            });
        }
    });
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let pinger = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
            let mut seen = Vec::new();
            let mut tick = tokio::time::interval(Duration::from_millis(10));
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                tick.tick().await;
                let t = Instant::now();
                s.write_all(b"x").await.unwrap();
                let mut b = [0u8; 1];
                s.read_exact(&mut b).await.unwrap();
                seen.push(t.elapsed());
            }
            seen
        })
    };
    let t = Instant::now();
    let tickets: Vec<_> = (0..jobs)
        .map(|i| {
            queue
                .submit(i as u64, Job::new(fetch, "").unwrap())
                .unwrap()
        })
        .collect();
    for ticket in tickets {
        let v = ticket.verdict().await.unwrap();
        assert_eq!(v.stdout.text, "ok 100\n", "{v:?}");
    }
    let took = t.elapsed();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut seen = pinger.await.unwrap();
    seen.sort();
    println!(
        "lab full ({cores} at once, {jobs} jobs fetching /delay/100): {:.2} runs/s ({:.1} s in all)",
        jobs as f64 / took.as_secs_f64(),
        took.as_secs_f64()
    );
    println!(
        "a loopback round trip meanwhile ({} samples): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        seen.len(),
        ms(percentile(&seen, 0.5)),
        ms(percentile(&seen, 0.99)),
        ms(seen[seen.len() - 1])
    );
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("load average: {}", load.trim());
    }
}

//! The lab's costs, measured with the real sandbox.
//!
//! ```text
//! cargo bench --bench lab                  # 21 runs each
//! cargo bench --bench lab -- --reps 41 --jobs 40 --spin 6 --samples 1000
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
//! 3. Other learners' answers with the lab full of `while True: pass`:
//!    `/progress` (parse, three Postgres reads, draw, serialize) through
//!    the core every 10 ms, `--samples` times with the lab idle, then while
//!    `--spin` jobs spinning until their CPU limit hold every slot; p50,
//!    p99 and max of each. Needs the machine's Postgres (a throwaway
//!    database, created and dropped, as `benches/core.rs` does).
//!
//! Needs bubblewrap and the lab's runtime (`scripts/lab-runtime`, or
//! `LAB_PYTHON`). Prints the load average, to tell a quiet machine from a
//! busy one.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use secrecy::SecretString;
use sqlx::Connection;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tutorbot::core::{Core, Followup};
use tutorbot::doors::wire::{self, ConsoleUser};
use tutorbot::lab::{Job, Lab, LabConfig, LabHandle, LabQueue, LabStatus, Sandbox};
use tutorbot::settings::Settings;
use tutorbot_testkit::followup::Discard;

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

    // 3. /progress through the core, idle and with the lab full of spinners.
    progress_with_spinners(
        sandbox,
        cores,
        arg("--spin", cores * 3),
        arg("--samples", 500),
    )
    .await
    .expect("the /progress part ran");
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("load average: {}", load.trim());
    }
}

/// `/progress` answered every 10 ms, `samples` times idle, then for as long
/// as `spin` jobs of `while True: pass` keep the lab's `cores` slots full.
async fn progress_with_spinners(
    sandbox: Arc<Sandbox>,
    cores: usize,
    spin: usize,
    samples: usize,
) -> anyhow::Result<()> {
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let (server, _) = base
        .rsplit_once('/')
        .expect("DATABASE_URL ends in /database");
    let db = format!("tutorbot_bench_lab_{}", std::process::id());
    let mut settings = Settings::from_lookup(|k| match k {
        "PROMPTS_DIR" => Some(concat!(env!("CARGO_MANIFEST_DIR"), "/prompts").to_string()),
        "LEARNER_RATE" => Some("0".to_string()),
        _ => None,
    })?;
    settings.database.url = SecretString::from(format!("{server}/{db}"));
    let queue = LabQueue::new(sandbox, cores, spin);
    let core: Core = tutorbot::app::start(&settings)
        .await?
        .with_lab(LabHandle::fixed(LabStatus::On(queue.clone())));
    let followup: Arc<dyn Followup> = Arc::new(Discard);
    let user = ConsoleUser::named("bench");
    let progress = wire::command(&user, "progress", vec![], 1)?;
    let answer = |core: Core, followup: Arc<dyn Followup>| {
        let progress = progress.clone();
        async move {
            let t = Instant::now();
            let a = core.handle(&progress, followup).await;
            std::hint::black_box(serde_json::to_vec(&a.response).unwrap());
            assert_eq!(a.outcome, tutorbot::core::Outcome::Ok);
            t.elapsed()
        }
    };
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    let mut idle = Vec::new();
    for _ in 0..samples {
        tick.tick().await;
        idle.push(answer(core.clone(), followup.clone()).await);
    }
    let spinners: Vec<_> = (0..spin)
        .map(|i| {
            queue
                .submit(
                    1000 + i as u64,
                    Job::new("while True:\n    pass\n", "").unwrap(),
                )
                .unwrap()
        })
        .collect();
    let all_done = tokio::spawn(async move {
        let mut endings = Vec::new();
        for ticket in spinners {
            endings.push(ticket.verdict().await.map(|v| v.ending.to_string()));
        }
        endings
    });
    let t = Instant::now();
    let mut full = Vec::new();
    while !all_done.is_finished() {
        tick.tick().await;
        // Only while every slot is taken.
        if queue.load().0 == cores {
            full.push(answer(core.clone(), followup.clone()).await);
        }
    }
    let lab_time = t.elapsed();
    let endings = all_done.await?;
    core.store.close().await;
    let mut admin = sqlx::PgConnection::connect(&base).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .execute(&mut admin)
        .await?;

    let line = |name: &str, mut v: Vec<Duration>| {
        v.sort();
        println!(
            "{name} ({} answers): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            v.len(),
            ms(percentile(&v, 0.5)),
            ms(percentile(&v, 0.99)),
            ms(v[v.len() - 1])
        );
    };
    line("/progress through the core, lab idle", idle);
    line(
        &format!(
            "/progress through the core, lab full ({cores} of {spin} `while True: pass` running)"
        ),
        full,
    );
    println!(
        "the spinners: {:.1} s in all; endings: {:?}",
        lab_time.as_secs_f64(),
        endings
            .iter()
            .map(|e| e.as_deref().unwrap_or("lab error"))
            .collect::<std::collections::BTreeSet<_>>()
    );
    Ok(())
}

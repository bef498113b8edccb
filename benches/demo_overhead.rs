//! Overhead of the demo engine's concurrent fetch, next to bare reqwest and
//! Python's asyncio.gather (aiohttp, httpx), all in one run against one
//! built-in demo target on loopback.
//!
//! ```text
//! cargo bench --bench demo_overhead                    # everything, 7 runs each
//! cargo bench --bench demo_overhead -- --reps 9 --ns 5,100,1000 --no-python
//! ```
//! Options: `--reps N`, `--ns 5,100,1000`, `--delay-ms 200`,
//! `--python python3` / `--no-python`, `--target-threads 2`,
//! `--settle-ms 300`.
//!
//! The target (`GET /delay/200`) runs in its own tokio runtime on its own
//! threads; the Rust clients run in another runtime; the Python script
//! (`benches/gather_python.py`) then runs as a child process against the same
//! target URL. For every client, mode and n: `reps` timed runs of n fetches
//! at once; overhead = wall time - 200 ms, reported as median [min..max].
//! `cold`: a new client (new connections) for every run; `warm`: one client
//! kept across runs after an untimed warm-up run. The Rust variants are
//! interleaved run by run, with a pause (`--settle-ms`) after each run so the
//! connections a cold client drops are closed before the next timing. Needs
//! `pip install httpx aiohttp` for the Python rows (missing ones are
//! reported, not fatal). Only loopback traffic. The load average printed
//! under the table tells a quiet machine from a busy one.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tutorbot::demo::{self, DemoConfig, DemoEngine};

struct Args {
    reps: usize,
    ns: Vec<usize>,
    delay_ms: u64,
    python: Option<String>,
    target_threads: usize,
    settle_ms: u64,
}

fn parse_args() -> Args {
    let mut a = Args {
        reps: 7,
        ns: vec![5, 100, 1000],
        delay_ms: 200,
        python: Some("python3".into()),
        target_threads: 2,
        settle_ms: 300,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--reps" => a.reps = val().parse().expect("--reps N"),
            "--ns" => {
                a.ns = val()
                    .split(',')
                    .map(|s| s.parse().expect("--ns 5,100,1000"))
                    .collect()
            }
            "--delay-ms" => a.delay_ms = val().parse().expect("--delay-ms MS"),
            "--python" => a.python = Some(val()),
            "--no-python" => a.python = None,
            "--settle-ms" => a.settle_ms = val().parse().expect("--settle-ms MS"),
            "--target-threads" => a.target_threads = val().parse().expect("--target-threads N"),
            // `cargo bench` passes --bench; ignore it and other harness flags.
            _ => {}
        }
    }
    a
}

/// One row of the table: a client and mode, overheads per n.
struct Row {
    client: String,
    mode: String,
    cells: Vec<Cell>,
}

#[derive(Default)]
struct Cell {
    overheads_ms: Vec<f64>,
    failures: Vec<String>,
}

impl Cell {
    fn render(&self, reps: usize) -> String {
        if self.overheads_ms.is_empty() {
            let first = self
                .failures
                .first()
                .map(String::as_str)
                .unwrap_or("no runs");
            return format!(
                "FAILED {}/{reps}: {}",
                self.failures.len(),
                short(first, 48)
            );
        }
        let mut v = self.overheads_ms.clone();
        v.sort_by(f64::total_cmp);
        let median = if v.len() % 2 == 1 {
            v[v.len() / 2]
        } else {
            (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
        };
        let mut s = format!("{median:+.1} [{:+.1}..{:+.1}]", v[0], v[v.len() - 1]);
        if !self.failures.is_empty() {
            s += &format!(" ({}/{reps} failed)", self.failures.len());
        }
        s
    }
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        s.chars().take(max - 1).collect::<String>() + "…"
    }
}

fn bench_config(max_n: usize) -> DemoConfig {
    DemoConfig {
        max_n,
        max_in_flight: max_n,
        busy_wait: Duration::ZERO,
        request_timeout: Duration::from_secs(30),
        connect_timeout: Duration::from_secs(10),
        ..DemoConfig::default()
    }
}

/// The Rust clients measured, in the order of the table.
#[derive(Clone, Copy)]
enum Variant {
    /// The demo engine's concurrent fetch (`DemoEngine::concurrent`).
    Engine { warm: bool },
    /// Bare reqwest + join_all with a default `Client`: the baseline.
    Bare { warm: bool },
}

impl Variant {
    const ALL: [Variant; 4] = [
        Variant::Engine { warm: false },
        Variant::Engine { warm: true },
        Variant::Bare { warm: false },
        Variant::Bare { warm: true },
    ];

    fn name(self) -> &'static str {
        match self {
            Variant::Engine { .. } => {
                "tutorbot DemoEngine::concurrent (reqwest 0.12, join_all of spawned tasks)"
            }
            Variant::Bare { .. } => "bare reqwest 0.12 + join_all of futures (default Client)",
        }
    }

    fn warm(self) -> bool {
        match self {
            Variant::Engine { warm } | Variant::Bare { warm } => warm,
        }
    }
}

/// A variant's client: kept across runs when warm, new for every run when
/// cold.
enum Client {
    Engine(DemoEngine),
    Bare(reqwest::Client),
}

fn new_client(v: Variant, base: &str, max_n: usize) -> Client {
    match v {
        Variant::Engine { .. } => {
            Client::Engine(DemoEngine::new(bench_config(max_n), base).expect("engine"))
        }
        Variant::Bare { .. } => Client::Bare(
            reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client"),
        ),
    }
}

/// n fetches at once; Ok(wall) or a description of the failure.
async fn run_once(client: &Client, url: &str, n: usize, delay_ms: u64) -> Result<Duration, String> {
    let t0 = Instant::now();
    match client {
        Client::Engine(engine) => {
            let run = engine.concurrent(n, delay_ms, None).await;
            let wall = t0.elapsed();
            match run {
                Ok(run) if run.spans.len() == n => Ok(wall),
                Ok(run) => Err(format!("{} of {n} spans", run.spans.len())),
                Err(e) => Err(e.to_string()),
            }
        }
        Client::Bare(c) => {
            let results = futures::future::join_all((0..n).map(|_| async {
                let r = c.get(url).send().await?;
                let status = r.status();
                r.bytes().await?;
                Ok::<_, reqwest::Error>(status)
            }))
            .await;
            let wall = t0.elapsed();
            let bad: Vec<String> = results
                .iter()
                .filter_map(|r| match r {
                    Ok(s) if s.is_success() => None,
                    Ok(s) => Some(format!("status {s}")),
                    Err(e) => Some(e.to_string()),
                })
                .collect();
            match bad.first() {
                None => Ok(wall),
                Some(first) => Err(format!("{}/{n} failed, first {first}", bad.len())),
            }
        }
    }
}

/// All Rust variants, interleaved run by run (so drift in the machine's
/// state spreads evenly over them).
async fn rust_rows(base: &str, a: &Args) -> Vec<Row> {
    let max_n = a.ns.iter().copied().max().unwrap_or(1);
    let url = format!("{base}/delay/{}", a.delay_ms);
    let delay = Duration::from_millis(a.delay_ms);
    let mut rows: Vec<Row> = Variant::ALL
        .iter()
        .map(|v| Row {
            client: v.name().into(),
            mode: mode(v.warm()).into(),
            cells: Vec::new(),
        })
        .collect();
    for &n in &a.ns {
        // Warm clients: one each, warmed up by an untimed run.
        let mut warm: Vec<Option<Client>> = Vec::new();
        for v in Variant::ALL {
            warm.push(if v.warm() {
                let c = new_client(v, base, max_n);
                let _ = run_once(&c, &url, n, a.delay_ms).await;
                Some(c)
            } else {
                None
            });
        }
        let mut cells: Vec<Cell> = Variant::ALL.iter().map(|_| Cell::default()).collect();
        for _ in 0..a.reps {
            for (i, v) in Variant::ALL.into_iter().enumerate() {
                let result = match &warm[i] {
                    Some(c) => run_once(c, &url, n, a.delay_ms).await,
                    // A new client for this run only, dropped right after it.
                    None => run_once(&new_client(v, base, max_n), &url, n, a.delay_ms).await,
                };
                match result {
                    Ok(wall) => cells[i].overheads_ms.push(ms(wall) - ms(delay)),
                    Err(e) => cells[i].failures.push(e),
                }
                // Let the previous run's connections close (a cold client
                // drops all of them) before timing the next one.
                tokio::time::sleep(Duration::from_millis(a.settle_ms)).await;
            }
        }
        for (i, (cell, row)) in cells.into_iter().zip(&mut rows).enumerate() {
            eprintln!(
                "  {} {} n={n}: {}",
                Variant::ALL[i].name(),
                row.mode,
                cell.render(a.reps)
            );
            row.cells.push(cell);
        }
    }
    rows
}

fn mode(warm: bool) -> &'static str {
    if warm {
        "warm"
    } else {
        "cold"
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn python_script() -> PathBuf {
    let here = Path::new(file!());
    let here = if here.is_absolute() {
        here.to_path_buf()
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(here)
    };
    here.with_file_name("gather_python.py")
}

/// Run the Python script as a child process; its JSON lines become rows.
fn python_rows(python: &str, base: &str, a: &Args) -> Vec<Row> {
    let script = python_script();
    let ns: Vec<String> = a.ns.iter().map(|n| n.to_string()).collect();
    eprintln!("  running {python} {} {base} ...", script.display());
    let out = Command::new(python)
        .arg(&script)
        .arg(base)
        .args(["--ns", &ns.join(",")])
        .args(["--reps", &a.reps.to_string()])
        .args(["--delay-ms", &a.delay_ms.to_string()])
        .arg("--json")
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            eprintln!("  could not run {python}: {e}");
            return Vec::new();
        }
    };
    if !out.status.success() {
        eprintln!("  python exited with {}", out.status);
    }
    let mut rows: Vec<Row> = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let client = v["client"].as_str().unwrap_or("?").to_string();
        let mode = v["mode"].as_str().unwrap_or("?").to_string();
        let cell = Cell {
            overheads_ms: v["overheads_ms"]
                .as_array()
                .map(|a| a.iter().filter_map(|x| x.as_f64()).collect())
                .unwrap_or_default(),
            failures: v["failures"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
        };
        match rows
            .iter_mut()
            .find(|r| r.client == client && r.mode == mode)
        {
            Some(r) => r.cells.push(cell),
            None => rows.push(Row {
                client,
                mode,
                cells: vec![cell],
            }),
        }
    }
    rows
}

fn print_table(rows: &[Row], a: &Args) {
    let mut head = vec!["client".to_string(), "mode".to_string()];
    head.extend(a.ns.iter().map(|n| format!("n={n}")));
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut v = vec![r.client.clone(), r.mode.clone()];
            v.extend(r.cells.iter().map(|c| c.render(a.reps)));
            v
        })
        .collect();
    let cols = head.len();
    let width = |i: usize| {
        body.iter()
            .map(|r| r.get(i).map_or(0, |s| s.chars().count()))
            .chain([head[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..cols).map(width).collect();
    let line = |cells: &[String]| {
        let parts: Vec<String> = (0..cols)
            .map(|i| {
                let s = cells.get(i).map(String::as_str).unwrap_or("");
                format!("{s:<w$}", w = widths[i])
            })
            .collect();
        format!("| {} |", parts.join(" | "))
    };
    println!(
        "Overhead above {} ms of n fetches at once, ms: median [min..max] of {} runs",
        a.delay_ms, a.reps
    );
    println!("{}", line(&head));
    let sep: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    println!("|-{}-|", sep.join("-|-"));
    for r in &body {
        println!("{}", line(r));
    }
}

/// The 1-minute load average (Linux), to tell a quiet machine from a busy one.
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(String::from))
        .unwrap_or_else(|| "?".into())
}

fn main() {
    let a = parse_args();
    let load_before = loadavg();

    // The target: its own runtime on its own threads.
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let threads = a.target_threads;
    std::thread::Builder::new()
        .name("demo-target".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(threads)
                .thread_name("demo-target-rt")
                .enable_all()
                .build()
                .expect("target runtime");
            rt.block_on(async move {
                let listener = demo::bind_loopback(0).expect("bind 127.0.0.1:0");
                addr_tx
                    .send(listener.local_addr().expect("addr"))
                    .expect("send");
                demo::serve_target(listener).await.expect("serve");
            });
        })
        .expect("target thread");
    let addr = addr_rx.recv().expect("target address");
    let base = format!("http://{addr}");
    eprintln!(
        "demo target on {base}; delay {} ms; n = {:?}; {} runs each",
        a.delay_ms, a.ns, a.reps
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let mut rows = rt.block_on(rust_rows(&base, &a));
    drop(rt);

    if let Some(python) = &a.python {
        rows.extend(python_rows(python, &base, &a));
    }
    println!();
    print_table(&rows, &a);
    println!(
        "({} logical CPUs; target: own tokio runtime, {} worker threads; clients: default multi-thread runtime / one Python process; load average {load_before} before, {} after)",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        a.target_threads,
        loadavg()
    );
}
